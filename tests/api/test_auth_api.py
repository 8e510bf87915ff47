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


def test_resident_signs_in_with_a_wechat_code_against_the_fake_server(app, client, world, session):
    from models.residents import Resident
    from tests.fakes.wechat_api import running_fake_wechat

    session.get(Resident, world.ids["res_a1"]).wechat_openid = "openid-a1"
    session.commit()
    with running_fake_wechat(appid=app.config["WECHAT_APPID"], secret=app.config["WECHAT_APPSECRET"]) as fake:
        fake.register_oauth_code("code-1", "openid-a1")
        fake.register_oauth_code("code-2", "openid-unbound")
        old = app.config["WECHAT_API_BASE"]
        app.config["WECHAT_API_BASE"] = fake.base_url
        try:
            ok = client.post("/api/v1/auth/wechat", json={"code": "code-1"})
            unbound = client.post("/api/v1/auth/wechat", json={"code": "code-2"})
            bad = client.post("/api/v1/auth/wechat", json={"code": "nope"})
        finally:
            app.config["WECHAT_API_BASE"] = old
    assert ok.status_code == 200 and ok.get_json()["actor"]["id"] == world.ids["res_a1"]
    assert unbound.status_code == 404 and unbound.get_json()["code"] == "auth.not_bound"
    assert bad.status_code == 401


def test_wechat_unreachable_is_a_503_problem(client, world):
    r = client.post("/api/v1/auth/wechat", json={"code": "x"})  # WECHAT_API_BASE points at a closed port
    assert r.status_code == 503 and r.get_json()["code"] == "wechat.unavailable"
