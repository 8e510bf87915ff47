"""Fixtures for the WeChat bot through Flask and the database: app settings, a simulated WeChat user,
a bound and consenting resident, the fake WeChat API server."""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from app.services import residents, wechat_accounts
from app.wechat import views
from app.wechat.simulator import ChatSimulator
from app.wechat.transport import TransportConfig, compute_signature
from tests.fakes.wechat_api import running_fake_wechat

TOKEN = "jiayi-test-token"
APPID = "wxfake0000000001"  # the fake server's appid
SECRET = "fake-secret"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
TEST_SETTINGS = {
    "WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APPID, "WECHAT_APPSECRET": SECRET, "WECHAT_ENCODING_AES_KEY": AES_KEY,
    "WECHAT_REPLAY_WINDOW_SECONDS": 300, "WECHAT_MAX_BODY_BYTES": 64 * 1024, "WECHAT_REPLY_DEADLINE": 4.0,
    "WECHAT_PUSH": "false", "PRIVACY_NOTICE_VERSION": "2026-01",
}
CHINESE_NAME = "张秀英"


@pytest.fixture
def wx_settings(app):
    """Put the test WeChat settings on the (session-wide) app; restore them and the services afterwards."""
    saved = {key: app.config.get(key) for key in TEST_SETTINGS}
    saved_api = app.config.get("WECHAT_API_BASE")
    app.config.update(TEST_SETTINGS)
    yield app.config
    for key, value in saved.items():
        if value is None:
            app.config.pop(key, None)
        else:
            app.config[key] = value
    app.config["WECHAT_API_BASE"] = saved_api
    app.extensions.pop(views.SERVICES_KEY, None)


@pytest.fixture
def plain_wx(wx_settings):
    """The account in plain mode (明文模式): no EncodingAESKey, so unsigned bodies are accepted."""
    wx_settings["WECHAT_ENCODING_AES_KEY"] = ""
    return wx_settings


def transport(app) -> TransportConfig:
    return views.transport_config(app.config)


def client_post(client) -> Callable[[dict[str, str], bytes], tuple[int, str]]:
    def post(query: dict[str, str], body: bytes) -> tuple[int, str]:
        response = client.post("/wechat", query_string=query, data=body, content_type="text/xml")
        return response.status_code, response.get_data(as_text=True)

    return post


@pytest.fixture
def simulate(app, client, wx_settings):
    """simulate(openid) -> a ChatSimulator posting through the Flask test client."""
    def make(openid: str) -> ChatSimulator:
        return ChatSimulator(transport(app), openid=openid, post=client_post(client))

    return make


def plain_query(token: str = TOKEN, *, timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(6)  # WeChat's nonces differ per delivery; the callback refuses a reused one
    return {"signature": compute_signature(token, ts, nonce), "timestamp": ts, "nonce": nonce}


def text_xml(content: str, *, openid: str = "o-plain", msg_id: str = "7001", create_time: int | None = None) -> bytes:
    created = int(time.time()) if create_time is None else create_time
    return (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>").encode()


def count(session, model, *where) -> int:
    """Rows now, seen through a fresh statement (other threads commit)."""
    session.commit()
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def wait_for(predicate: Callable[[], bool], *, timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def named(world, session):
    """res_a1 renamed to a Chinese name (the dialogue takes Chinese names) — not yet bound."""
    residents.update_resident(session, actor=world.actor(session, "gp1"), resident_id=world.ids["res_a1"],
                              name=CHINESE_NAME)
    session.commit()
    return world


def bind(session, world, who: str, openid: str, *, consent: bool = True, now) -> None:
    """Bind a resident through the service (name + ID suffix) and record consent."""
    resident = residents.find_by_openid(session, openid)
    assert resident is None
    from models.residents import Resident

    row = session.get(Resident, world.ids[who])
    result = wechat_accounts.bind_resident(session, openid=openid, name=row.name, secret=world.id_cards[who][-6:],
                                           now=now)
    assert result.ok
    if consent:
        from app.services.auth import resident_actor

        residents.record_consent(session, actor=resident_actor(row), resident_id=row.id, version="2026-01",
                                 channel="wechat", now=now)
    session.commit()


@pytest.fixture
def bound(named, session, now):
    """res_a1 (张秀英, hypertension, team A) bound to openid o-zhang with consent."""
    bind(session, named, "res_a1", "o-zhang", now=now)
    return named


@pytest.fixture
def fake():
    with running_fake_wechat(appid=APPID, secret=SECRET) as server:
        yield server
