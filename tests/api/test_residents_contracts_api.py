"""Residents and contracts through the API, with masking and scopes."""
from tests.factories import id_card_for
from datetime import date


def new_resident(client, world, who="vdoc_a", village="village_a", **over):
    body = {"name": "新居民", "id_card": id_card_for(date(1955, 5, 5), True, seed=42),
            "village_id": world.ids[village], "phone": "13912345678", "conditions": ["hypertension"]}
    body.update(over)
    return client.post("/api/v1/residents", json=body, headers=world.headers(who))


def test_team_registers_resident_with_sex_and_birth_date_from_id_card(client, world):
    r = new_resident(client, world)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["sex"] == "M" and body["birth_date"] == "1955-05-05"
    assert body["id_card"].startswith("330102") and "********" in body["id_card"]
    assert body["bp_target"] == {"systolic": 135, "diastolic": 85, "personal": False}


def test_duplicate_id_card_is_409(client, world):
    assert new_resident(client, world).status_code == 201
    assert new_resident(client, world).status_code == 409


def test_bad_id_card_check_digit_is_422_with_field(client, world):
    card = id_card_for(date(1955, 5, 5), True, seed=42)
    bad = card[:-1] + ("0" if card[-1] != "0" else "1")
    r = new_resident(client, world, id_card=bad)
    assert r.status_code == 422 and r.get_json()["code"] == "id_card.check_digit"
    assert "id_card" in r.get_json()["errors"]


def test_resident_cannot_register_residents(client, world):
    assert new_resident(client, world, who="res_a1").status_code == 403


def test_id_card_and_phone_are_encrypted_at_rest(client, world, session):
    from sqlalchemy import text

    rid = new_resident(client, world).get_json()["id"]
    row = session.execute(text("SELECT id_card_enc, phone_enc FROM residents WHERE id = :id"), {"id": rid}).one()
    assert "13912345678" not in row.phone_enc and "330102" not in row.id_card_enc


def test_team_finds_resident_by_exact_phone_and_id_card(client, world):
    r = client.get("/api/v1/residents?phone=13800000000", headers=world.headers("vdoc_a"))
    assert [i["id"] for i in r.get_json()["items"]] == [world.ids["res_a1"]]
    r = client.get(f"/api/v1/residents?id_card={world.id_cards['res_a1']}", headers=world.headers("gp1"))
    assert r.get_json()["total"] == 1


def test_masking_by_role(client, world):
    rid = world.ids["res_a1"]
    team_view = client.get(f"/api/v1/residents/{rid}", headers=world.headers("vdoc_a")).get_json()
    own_view = client.get("/api/v1/residents/me", headers=world.headers("res_a1")).get_json()
    assert team_view["phone"] == "13800000000"  # the team calls residents
    assert team_view["id_card"] == world.id_cards["res_a1"][:6] + "********" + world.id_cards["res_a1"][-4:]
    assert own_view["id_card"] == world.id_cards["res_a1"]


def test_team_sets_personal_bp_target(client, world):
    rid = world.ids["res_a1"]
    r = client.patch(f"/api/v1/residents/{rid}", json={"bp_target_sys": 140, "bp_target_dia": 90},
                     headers=world.headers("gp1"))
    assert r.get_json()["bp_target"] == {"systolic": 140, "diastolic": 90, "personal": True}
    r = client.patch(f"/api/v1/residents/{rid}", json={"bp_target_sys": 140}, headers=world.headers("gp1"))
    assert r.status_code == 422


def test_resident_cannot_edit_own_profile(client, world):
    r = client.patch(f"/api/v1/residents/{world.ids['res_a1']}", json={"name": "x"}, headers=world.headers("res_a1"))
    assert r.status_code == 403


def test_consent_record_and_withdraw(client, world):
    rid = world.ids["res_a1"]
    r = client.post(f"/api/v1/residents/{rid}/consents", json={"version": "2026-01", "channel": "wechat"},
                    headers=world.headers("res_a1"))
    assert r.status_code == 201
    r = client.post(f"/api/v1/residents/{rid}/consents/withdraw", headers=world.headers("res_a1"))
    assert r.status_code == 200 and r.get_json()["consent_version"] is None
    r = client.post(f"/api/v1/residents/{rid}/consents/withdraw", headers=world.headers("res_a1"))
    assert r.status_code == 409


def test_contract_lifecycle_apply_approve_terminate(client, world):
    body = {"resident_id": world.ids["res_free"], "team_id": world.ids["team_a"], "package_ids": [world.ids["pkg_basic"]],
            "override_reason": "住在北村，但在东村就诊"}
    assert client.post("/api/v1/contracts", json=body, headers=world.headers("vdoc_a")).status_code == 422
    r = client.post("/api/v1/contracts", json=body, headers=world.headers("admin"))
    assert r.status_code == 201, r.get_json()
    contract = r.get_json()
    assert contract["status"] == "pending" and contract["override_reason"]
    cid = contract["id"]
    assert client.post(f"/api/v1/contracts/{cid}/approve", headers=world.headers("vdoc_a")).status_code == 403
    r = client.post(f"/api/v1/contracts/{cid}/approve", headers=world.headers("gp1"))
    assert r.status_code == 200 and r.get_json()["status"] == "active"
    assert client.post(f"/api/v1/contracts/{cid}/approve", headers=world.headers("gp1")).status_code == 409
    r = client.post(f"/api/v1/contracts/{cid}/terminate", json={"reason": "搬家"}, headers=world.headers("gp1"))
    assert r.get_json()["status"] == "terminated" and r.get_json()["termination_reason"] == "搬家"


def test_second_open_contract_is_refused(client, world):
    body = {"resident_id": world.ids["res_a1"], "team_id": world.ids["team_a"], "package_ids": [world.ids["pkg_basic"]]}
    r = client.post("/api/v1/contracts", json=body, headers=world.headers("vdoc_a"))
    assert r.status_code == 409 and r.get_json()["code"] == "contract.already_open"


def test_contract_term_is_one_year_in_shanghai_dates(client, world):
    body = {"resident_id": world.ids["res_free"], "team_id": world.ids["team_a"], "package_ids": [world.ids["pkg_basic"]],
            "override_reason": "跨村", "starts_on": "2026-03-01"}
    contract = client.post("/api/v1/contracts", json=body, headers=world.headers("admin")).get_json()
    assert contract["ends_on"] == "2027-02-28"


def test_team_cannot_sign_for_another_team(client, world):
    body = {"resident_id": world.ids["res_free"], "team_id": world.ids["team_b"], "package_ids": [world.ids["pkg_basic"]]}
    assert client.post("/api/v1/contracts", json=body, headers=world.headers("vdoc_a")).status_code == 403


def test_resident_applies_for_own_contract_only(client, world):
    body = {"resident_id": world.ids["res_a1"], "team_id": world.ids["team_a"], "package_ids": [world.ids["pkg_basic"]]}
    r = client.post("/api/v1/contracts", json={**body, "resident_id": world.ids["res_c1"]}, headers=world.headers("res_a1"))
    assert r.status_code == 404


def test_renewal_opens_60_days_before_the_end(client, world, session):
    from models.contracts import Contract

    cid = world.ids["contract_res_a1"]
    assert client.post(f"/api/v1/contracts/{cid}/renew", json={}, headers=world.headers("gp1")).status_code == 409
    contract = session.get(Contract, cid)
    contract.ends_on = date.today()
    session.commit()
    r = client.post(f"/api/v1/contracts/{cid}/renew", json={}, headers=world.headers("gp1"))
    assert r.status_code == 201, r.get_json()
    new = r.get_json()
    assert new["renewed_from_id"] == cid and new["status"] == "active"
    old = client.get(f"/api/v1/contracts/{cid}", headers=world.headers("gp1")).get_json()
    assert old["status"] == "renewed"


def test_contract_lists_are_scoped(client, world):
    a = client.get("/api/v1/contracts", headers=world.headers("vdoc_a")).get_json()
    assert {c["team_id"] for c in a["items"]} == {world.ids["team_a"]}
    own = client.get("/api/v1/contracts", headers=world.headers("res_c1")).get_json()
    assert [c["resident_id"] for c in own["items"]] == [world.ids["res_c1"]]
    assert client.get("/api/v1/contracts", headers=world.headers("cardio")).status_code == 403
    assert client.get(f"/api/v1/contracts/{world.ids['contract_res_a1']}", headers=world.headers("vdoc_c")).status_code == 404


def test_expire_contracts_job_service(session, world, now):
    from datetime import timedelta

    from app.services.contracts import expire_contracts
    from models.contracts import Contract

    contract = session.get(Contract, world.ids["contract_res_a1"])
    contract.ends_on = now.date() - timedelta(days=1)
    session.commit()
    assert expire_contracts(session, now=now) == 1
    session.commit()
    assert session.get(Contract, world.ids["contract_res_a1"]).status.value == "expired"
