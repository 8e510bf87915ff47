def test_staff_login_returns_a_token_that_works(client, world):
    r = client.post("/api/v1/auth/login", json={"username": "gp1", "password": "test-password-1"})
    assert r.status_code == 200
    token = r.get_json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["role"] == "township_doctor"
    assert me.get_json()["team_ids"] == [world.ids["team_a"]]


def test_wrong_password_is_401_problem(client, world):
    r = client.post("/api/v1/auth/login", json={"username": "gp1", "password": "nope"})
    assert r.status_code == 401
    assert r.content_type == "application/problem+json"
    assert r.get_json()["code"] == "auth.invalid_credentials"


def test_login_locks_after_repeated_failures(client, world):
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"username": "gp1", "password": "nope"})
    r = client.post("/api/v1/auth/login", json={"username": "gp1", "password": "test-password-1"})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0


def test_logout_revokes_the_token(client, world):
    headers = world.headers("gp1")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_no_token_is_401(client, world):
    r = client.get("/api/v1/residents")
    assert r.status_code == 401 and r.get_json()["code"] == "auth.required"


def test_garbage_token_is_401(client, world):
    assert client.get("/api/v1/residents", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_inactive_staff_cannot_log_in(client, world):
    client.patch(f"/api/v1/staff/{world.ids['vdoc_b']}", json={"active": False}, headers=world.headers("admin"))
    r = client.post("/api/v1/auth/login", json={"username": "vdoc_b", "password": "test-password-1"})
    assert r.status_code == 403


def test_dev_login_only_in_demo_mode(app, client, world):
    assert client.post("/api/v1/auth/dev-login", json={"resident_id": world.ids["res_a1"]}).status_code == 200
    app.config["DEMO_MODE"] = False
    try:
        assert client.post("/api/v1/auth/dev-login", json={"resident_id": world.ids["res_a1"]}).status_code == 404
    finally:
        app.config["DEMO_MODE"] = True
