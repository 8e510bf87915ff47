"""WeChat messages carry a link to the workspace page they are about (PUBLIC_URL set)."""
from __future__ import annotations

from datetime import timedelta

from app.wechat.client import WeChatClient
from app.wechat.notifier import LastInboundLookup, WeChatNotifier
from app.wechat.tokens import DatabaseTokenStore
from models.base import utcnow
from models.wechat import WeChatUser
from tests.wechat_app.conftest import APPID, SECRET

BASE = "https://jiayi.example.cn"


def notifier(db, fake, page_base=BASE):
    client = WeChatClient(APPID, SECRET, base_url=fake.base_url, store=DatabaseTokenStore(db.engine, APPID),
                          timeout=0.5)
    return WeChatNotifier(client, last_inbound=LastInboundLookup(db.engine), default_template_id="tpl-alert",
                          page_base=page_base)


def test_a_template_message_opens_the_alert_page(db, fake):
    result = notifier(db, fake).send(openid="o-doc", text="张秀英 血压危急值", data={"alert_id": 42},
                                     client_msg_id="m-1", kind="alert_opened")
    assert result.ok and fake.sends("template")[0]["url"] == f"{BASE}/staff/alerts/42"


def test_a_customer_service_text_ends_with_the_page(db, fake, session):
    session.merge(WeChatUser(openid="o-zhang", subscribed=True, last_inbound_at=utcnow() - timedelta(hours=1)))
    session.commit()
    result = notifier(db, fake).send(openid="o-zhang", text="您刚上传的测量值：血压 150/95", data={"type": "bp"},
                                     client_msg_id="m-2", kind="reading_advice")
    assert result.ok and fake.sends("custom")[0]["text"]["content"].endswith(f"{BASE}/me/bp")


def test_without_a_public_address_nothing_is_added(db, fake):
    notifier(db, fake, page_base=None).send(openid="o-doc", text="预警", data={"alert_id": 42}, client_msg_id="m-3",
                                            kind="alert_opened")
    assert "url" not in fake.sends("template")[0] or not fake.sends("template")[0]["url"]
