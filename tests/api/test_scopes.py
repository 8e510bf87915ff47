"""Every role against every resident-reading endpoint: in scope 200, out of scope 404, no role 403/401."""
import pytest

# (who, resident) -> expected status for GET /residents/<id>
EXPECTED = {
    "vdoc_a": {"res_a1": 200, "res_a2": 200, "res_c1": 404, "res_free": 404},
    "gp1": {"res_a1": 200, "res_a2": 200, "res_c1": 404, "res_free": 404},
    "county1": {"res_a1": 200, "res_a2": 200, "res_c1": 200, "res_free": 404},  # member of both teams
    "gp2": {"res_a1": 404, "res_a2": 404, "res_c1": 200, "res_free": 404},
    "vdoc_c": {"res_a1": 404, "res_a2": 404, "res_c1": 200, "res_free": 404},
    "vdoc_b": {"res_a1": 404, "res_a2": 404, "res_c1": 404, "res_free": 404},  # in no team
    "cardio": {"res_a1": 404, "res_a2": 404, "res_c1": 404, "res_free": 404},  # no referral yet
    "admin": {"res_a1": 403, "res_a2": 403, "res_c1": 403, "res_free": 403},  # aggregates only
    "res_a1": {"res_a1": 200, "res_a2": 404, "res_c1": 404, "res_free": 404},
    "res_c1": {"res_a1": 404, "res_a2": 404, "res_c1": 200, "res_free": 404},
    "anonymous": {"res_a1": 401, "res_a2": 401, "res_c1": 401, "res_free": 401},
}
CASES = [(who, res, status) for who, row in EXPECTED.items() for res, status in row.items()]


@pytest.mark.parametrize("who, resident, status", CASES)
def test_resident_record_scope(client, world, who, resident, status):
    r = client.get(f"/api/v1/residents/{world.ids[resident]}", headers=world.headers(who))
    assert r.status_code == status


@pytest.mark.parametrize("who", list(EXPECTED))
def test_resident_list_shows_exactly_the_scope(client, world, who):
    r = client.get("/api/v1/residents?per_page=100", headers=world.headers(who))
    visible = {res for res, status in EXPECTED[who].items() if status == 200}
    if who == "anonymous":
        assert r.status_code == 401
    elif who == "admin":
        assert r.status_code == 403
    else:
        names = {item["name"] for item in r.get_json()["items"]}
        assert names == visible


def test_out_of_scope_update_is_404_not_403(client, world):
    r = client.patch(f"/api/v1/residents/{world.ids['res_c1']}", json={"name": "x"}, headers=world.headers("vdoc_a"))
    assert r.status_code == 404


def test_nonexistent_and_out_of_scope_look_the_same(client, world):
    a = client.get(f"/api/v1/residents/{world.ids['res_c1']}", headers=world.headers("vdoc_a"))
    b = client.get("/api/v1/residents/999999", headers=world.headers("vdoc_a"))
    assert a.status_code == b.status_code == 404 and a.get_json()["code"] == b.get_json()["code"]
