"""Headers, metrics, limits across workers and oracles."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models.outbox import OutboxMessage
from tests.fakes.redis_server import running_redis
from tests.security.test_input import _id_card


# --- headers -----------------------------------------------------------------------------------------------
def test_api_responses_with_personal_data_are_not_stored_or_sniffed(client, world):
    response = client.get(f"/api/v1/residents/{world.ids['res_a1']}", headers=world.headers("vdoc_a"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_token_responses_are_not_stored(client, world):
    from tests.factories import PASSWORD

    response = client.post("/api/v1/auth/login", json={"username": "gp1", "password": PASSWORD})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_hsts_only_over_https(client, app):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    secure = client.get("/healthz", base_url="https://jiayi.example.cn")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_outside_the_api_keep_frame_ancestors_self_and_allow_their_own_scripts(client):
    csp = client.get("/healthz").headers["Content-Security-Policy"]
    assert csp == "frame-ancestors 'self'"


def test_no_response_sends_a_referrer_or_may_be_framed_by_others(client, world):
    """A link followed from a page or the API never carries its address (with an id or a query) to another site;
    errors (404 inside and outside the API, 401) carry the same headers."""
    responses = [client.get("/healthz"), client.get("/api/v1/docs"), client.get("/no/such/page"),
                 client.get("/api/v1/residents/999999", headers=world.headers("vdoc_a")),
                 client.get("/api/v1/residents"), client.get("/staff/login")]
    assert [r.status_code for r in responses] == [200, 200, 404, 404, 401, 200]
    for response in responses:
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors" in response.headers["Content-Security-Policy"]


def test_callback_answers_are_not_stored(client, app):
    """The callback's answers hold the bot's replies to a resident: no-store, like the API."""
    import time

    from app.wechat.transport import compute_signature

    timestamp, nonce = str(int(time.time())), "n0nce"
    signature = compute_signature(app.config["WECHAT_TOKEN"], timestamp, nonce)
    ok = client.get("/wechat", query_string={"signature": signature, "timestamp": timestamp, "nonce": nonce,
                                             "echostr": "hello"})
    forged = client.post("/wechat", query_string={"signature": "0" * 40, "timestamp": timestamp, "nonce": nonce},
                         data=b"<xml/>", content_type="text/xml")
    assert (ok.status_code, ok.get_data(as_text=True)) == (200, "hello") and forged.status_code == 403
    for response in (ok, forged):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_swagger_ui_loads_pinned_local_assets_under_a_csp(client):
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "cdn" not in html and "http" not in html.split("<body>")[1].split("url:")[0]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    bundle = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.get_data()) > 100_000


# --- /metrics ----------------------------------------------------------------------------------------------
@pytest.fixture
def metrics_token(app):
    app.config["METRICS_TOKEN"] = "scrape-token-0123456789"
    yield "scrape-token-0123456789"
    app.config["METRICS_TOKEN"] = None


def test_metrics_needs_the_token_when_one_is_set(client, world, metrics_token):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/metrics", headers={"Authorization": f"Bearer {metrics_token}"})
    assert ok.status_code == 200 and "jiayi_alert_backlog" in ok.get_data(as_text=True)


def test_metrics_is_not_served_in_production_without_a_token(client, app):
    app.config["DEMO_MODE"] = False
    try:
        assert client.get("/metrics").status_code == 404
    finally:
        app.config["DEMO_MODE"] = True


# --- limits across workers ---------------------------------------------------------------------------------
def test_rate_limits_are_shared_by_workers_through_redis(app, tmp_path):
    """Two app instances (two gunicorn workers) with one REDIS_URL count against one limit.

    The limiter extension is one object whose storage each create_app replaces: the second worker is built
    after the first has counted, so only a storage outside the process (Redis) still holds that count."""
    from app import create_app
    from app.extensions import limiter
    from app.services import privacy
    from tests.conftest import TEST_KEYS

    with running_redis() as url:
        def worker():
            return create_app({**TEST_KEYS, "DEMO_MODE": True, "REDIS_URL": url, "RATELIMIT_LOGIN": "2 per minute",
                               "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                               "PASSWORD_HASH_COST": (1, 1024)}).test_client()

        body = {"username": "nobody", "password": "x"}
        first = worker()
        codes = [first.post("/api/v1/auth/login", json=body).status_code]
        second = worker()
        codes += [second.post("/api/v1/auth/login", json=body).status_code,
                  first.post("/api/v1/auth/login", json=body).status_code]
        limiter.init_app(app)  # the extension is shared: back to the test app's own storage
    privacy.configure(app.config["FIELD_ENCRYPTION_KEYS"], app.config["BLIND_INDEX_KEY"])
    assert codes == [401, 401, 429]


# --- oracles -----------------------------------------------------------------------------------------------
def test_another_teams_resident_is_not_confirmed_but_goes_to_a_transfer_request(client, world, session):
    from models.residents import Resident

    other = session.get(Resident, world.ids["res_c1"])
    number = world.id_cards["res_c1"]
    response = client.post("/api/v1/residents", json={"name": "随便", "id_card": number,
                                                      "village_id": world.ids["village_a"]},
                           headers=world.headers("vdoc_a"))
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "resident.transfer_requested" and "exists" not in body["code"]
    assert other.name not in response.get_data(as_text=True)
    session.expire_all()
    requests = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "transfer_request")).all()
    assert requests and all(m.data["resident_id"] == other.id for m in requests)


def test_own_teams_duplicate_still_says_it_exists(client, world):
    response = client.post("/api/v1/residents", json={"name": "随便", "id_card": world.id_cards["res_a1"],
                                                      "village_id": world.ids["village_a"]},
                           headers=world.headers("vdoc_a"))
    assert response.status_code == 409 and response.get_json()["code"] == "resident.exists"


def test_audit_me_shows_role_and_institution_not_the_staff_address(client, world):
    client.get(f"/api/v1/residents/{world.ids['res_a1']}", headers=world.headers("vdoc_a"),
               environ_base={"REMOTE_ADDR": "10.9.8.7"})
    response = client.get("/api/v1/audit/me", headers=world.headers("res_a1"))
    item = response.get_json()["items"][0]
    assert item["actor_role"] == "village_doctor" and item["institution"]
    assert "10.9.8.7" not in response.get_data(as_text=True) and "source" not in item


def test_id_card_helper_makes_valid_numbers():
    from app.services.privacy import parse_id_card

    assert parse_id_card(_id_card("19600101")).birth_date.year == 1960
