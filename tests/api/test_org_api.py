"""Institutions, villages, staff, teams, packages: happy path, problem, forbidden role."""


def test_admin_creates_township_under_county(client, world):
    r = client.post("/api/v1/institutions", json={"name": "三镇卫生院", "level": "township",
                                                  "parent_id": world.ids["county"]}, headers=world.headers("admin"))
    assert r.status_code == 201 and r.get_json()["level"] == "township"


def test_village_clinic_under_county_is_refused(client, world):
    r = client.post("/api/v1/institutions", json={"name": "错", "level": "village", "parent_id": world.ids["county"]},
                    headers=world.headers("admin"))
    assert r.status_code == 422 and "parent_id" in r.get_json()["errors"]


def test_doctor_cannot_create_institution(client, world):
    r = client.post("/api/v1/institutions", json={"name": "x", "level": "county"}, headers=world.headers("gp1"))
    assert r.status_code == 403


def test_resident_cannot_list_institutions(client, world):
    assert client.get("/api/v1/institutions", headers=world.headers("res_a1")).status_code == 403


def test_institution_list_is_paginated(client, world):
    r = client.get("/api/v1/institutions?per_page=2&page=2", headers=world.headers("gp1"))
    body = r.get_json()
    assert r.status_code == 200 and body["page"] == 2 and body["per_page"] == 2 and body["total"] == 6
    assert len(body["items"]) == 2


def test_get_and_rename_institution(client, world):
    iid = world.ids["township1"]
    assert client.get(f"/api/v1/institutions/{iid}", headers=world.headers("vdoc_a")).get_json()["name"] == "一镇卫生院"
    r = client.patch(f"/api/v1/institutions/{iid}", json={"name": "一镇中心卫生院"}, headers=world.headers("admin"))
    assert r.get_json()["name"] == "一镇中心卫生院"
    assert client.get("/api/v1/institutions/99999", headers=world.headers("admin")).status_code == 404


def test_admin_sets_village_population(client, world):
    vid = world.ids["village_a"]
    r = client.patch(f"/api/v1/institutions/villages/{vid}", json={"population": 1500}, headers=world.headers("admin"))
    assert r.status_code == 200 and r.get_json()["population"] == 1500
    assert client.patch(f"/api/v1/institutions/villages/{vid}", json={"population": -1},
                        headers=world.headers("admin")).status_code == 422
    assert client.patch(f"/api/v1/institutions/villages/{vid}", json={"population": 1},
                        headers=world.headers("vdoc_a")).status_code == 403


def test_create_village_needs_a_village_clinic(client, world):
    ok = client.post("/api/v1/institutions/villages", json={"name": "新村", "clinic_id": world.ids["clinic_b"]},
                     headers=world.headers("admin"))
    bad = client.post("/api/v1/institutions/villages", json={"name": "新村", "clinic_id": world.ids["township1"]},
                      headers=world.headers("admin"))
    assert ok.status_code == 201 and bad.status_code == 422
    assert client.get("/api/v1/institutions/villages", headers=world.headers("gp1")).get_json()["total"] == 4


def test_admin_creates_specialist_with_department(client, world):
    body = {"username": "endo", "password": "long-enough-1", "full_name": "内分泌专家", "role": "specialist",
            "institution_id": world.ids["county"], "department": "内分泌科"}
    r = client.post("/api/v1/staff", json=body, headers=world.headers("admin"))
    assert r.status_code == 201 and "password" not in r.get_json()
    assert client.post("/api/v1/staff", json=body, headers=world.headers("admin")).status_code == 409


def test_specialist_without_department_refused(client, world):
    body = {"username": "endo2", "password": "long-enough-1", "full_name": "x", "role": "specialist",
            "institution_id": world.ids["county"]}
    r = client.post("/api/v1/staff", json=body, headers=world.headers("admin"))
    assert r.status_code == 422 and "department" in r.get_json()["errors"]


def test_village_doctor_must_work_in_a_village_clinic(client, world):
    body = {"username": "vx", "password": "long-enough-1", "full_name": "x", "role": "village_doctor",
            "institution_id": world.ids["county"]}
    assert client.post("/api/v1/staff", json=body, headers=world.headers("admin")).status_code == 422


def test_doctor_cannot_create_staff(client, world):
    body = {"username": "vx", "password": "long-enough-1", "full_name": "x", "role": "admin",
            "institution_id": world.ids["county"]}
    assert client.post("/api/v1/staff", json=body, headers=world.headers("gp1")).status_code == 403


def test_staff_list_and_get(client, world):
    r = client.get("/api/v1/staff?role=village_doctor", headers=world.headers("gp1"))
    assert r.get_json()["total"] == 3
    assert client.get(f"/api/v1/staff/{world.ids['gp1']}", headers=world.headers("gp1")).status_code == 200


def test_admin_forms_a_team(client, world):
    body = {"name": "北村团队", "county_doctor_id": world.ids["county1"], "township_doctor_id": world.ids["gp1"],
            "village_doctor_id": world.ids["vdoc_b"], "village_ids": [world.ids["village_b"]]}
    r = client.post("/api/v1/teams", json=body, headers=world.headers("admin"))
    assert r.status_code == 201, r.get_json()
    team = r.get_json()
    assert team["lead_id"] == world.ids["gp1"]
    assert {m["role"] for m in team["members"]} == {"county_doctor", "township_doctor", "village_doctor"}


def test_team_with_village_doctor_of_another_township_refused(client, world):
    body = {"name": "错", "county_doctor_id": world.ids["county1"], "township_doctor_id": world.ids["gp2"],
            "village_doctor_id": world.ids["vdoc_a"]}
    r = client.post("/api/v1/teams", json=body, headers=world.headers("admin"))
    assert r.status_code == 422 and r.get_json()["code"] == "team.composition"
    assert "village_doctor" in r.get_json()["errors"]


def test_doctor_cannot_form_a_team(client, world):
    body = {"name": "x", "county_doctor_id": world.ids["county1"], "township_doctor_id": world.ids["gp1"],
            "village_doctor_id": world.ids["vdoc_b"]}
    assert client.post("/api/v1/teams", json=body, headers=world.headers("gp1")).status_code == 403


def test_team_members_and_villages(client, world):
    tid = world.ids["team_a"]
    r = client.post(f"/api/v1/teams/{tid}/members", json={"staff_id": world.ids["vdoc_b"], "role": "nurse"},
                    headers=world.headers("admin"))
    assert r.status_code == 200 and len(r.get_json()["members"]) == 4
    r = client.post(f"/api/v1/teams/{tid}/members", json={"staff_id": world.ids["cardio"], "role": "county_doctor"},
                    headers=world.headers("admin"))
    assert r.status_code == 422
    r = client.put(f"/api/v1/teams/{tid}/villages", json={"village_ids": [world.ids["village_a"], world.ids["village_b"]]},
                   headers=world.headers("admin"))
    assert r.get_json()["village_ids"] == sorted([world.ids["village_a"], world.ids["village_b"]])
    assert client.put(f"/api/v1/teams/{tid}/villages", json={"village_ids": [99999]},
                      headers=world.headers("admin")).status_code == 422
    assert client.get(f"/api/v1/teams/{tid}", headers=world.headers("vdoc_a")).status_code == 200
    mine = client.get("/api/v1/teams?mine=true", headers=world.headers("vdoc_a")).get_json()
    assert [t["id"] for t in mine["items"]] == [tid]


def test_package_edit_creates_a_new_version_when_in_use(client, world):
    pid = world.ids["pkg_htn"]
    r = client.patch(f"/api/v1/packages/{pid}", json={"price_fen": 15000}, headers=world.headers("admin"))
    new = r.get_json()
    assert r.status_code == 200 and new["version"] == 2 and new["id"] != pid and new["price_fen"] == 15000
    old = client.get(f"/api/v1/packages/{pid}", headers=world.headers("admin")).get_json()
    assert old["price_fen"] == 12000 and old["is_current"] is False
    contract = client.get(f"/api/v1/contracts/{world.ids['contract_res_a1']}", headers=world.headers("gp1")).get_json()
    assert {p["id"] for p in contract["packages"]} == {world.ids["pkg_basic"], pid}


def test_unused_package_is_edited_in_place(client, world):
    r = client.post("/api/v1/packages", json={"code": "elderly", "name": "老年人包", "target_group": "elderly_65",
                                              "price_fen": 8000, "subsidy_fen": 8000,
                                              "items": [{"code": "check", "name": "体检", "yearly_quantity": 1}]},
                    headers=world.headers("admin"))
    assert r.status_code == 201
    pid = r.get_json()["id"]
    r = client.patch(f"/api/v1/packages/{pid}", json={"name": "老年人健康包"}, headers=world.headers("admin"))
    assert r.get_json()["id"] == pid and r.get_json()["version"] == 1


def test_package_subsidy_above_price_refused(client, world):
    r = client.post("/api/v1/packages", json={"code": "x", "name": "x", "target_group": "all", "price_fen": 10,
                                              "subsidy_fen": 20, "items": [{"code": "a", "name": "a", "yearly_quantity": 1}]},
                    headers=world.headers("admin"))
    assert r.status_code == 422


def test_residents_read_packages_but_cannot_create(client, world):
    assert client.get("/api/v1/packages", headers=world.headers("res_a1")).get_json()["total"] == 2
    r = client.post("/api/v1/packages", json={"code": "y", "name": "y", "target_group": "all", "price_fen": 0,
                                              "items": [{"code": "a", "name": "a", "yearly_quantity": 1}]},
                    headers=world.headers("res_a1"))
    assert r.status_code == 403
