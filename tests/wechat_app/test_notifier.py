"""The WeChat notifier (the outbox's Notifier port) against the fake WeChat API server, alone and under
the real outbox sender: channel choice, token expiry mid-send, unsubscribed users, retry classes."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.services import delivery, outbox
from app.wechat import notifier as wx_notifier
from app.wechat.client import WeChatClient
from app.wechat.notifier import LastInboundLookup, WeChatNotifier, build_notifier, push_enabled
from app.wechat.tokens import DatabaseTokenStore
from models.base import utcnow
from models.outbox import OutboxMessage, OutboxStatus
from models.wechat import WeChatToken, WeChatUser
from tests.wechat_app.conftest import APPID, SECRET


@pytest.fixture
def make_notifier(db, fake):
    def make(*, template_id: str | None = "tpl-alert", subscribe_id: str | None = None) -> WeChatNotifier:
        client = WeChatClient(APPID, SECRET, base_url=fake.base_url, store=DatabaseTokenStore(db.engine, APPID),
                              timeout=0.5)
        return WeChatNotifier(client, last_inbound=LastInboundLookup(db.engine), default_template_id=template_id,
                              subscribe_template_id=subscribe_id)
    return make


def _wrote(session, openid: str, ago: timedelta) -> None:
    session.merge(WeChatUser(openid=openid, subscribed=True, last_inbound_at=utcnow() - ago))
    session.commit()


def send(notifier, openid="o-zhang", text="您刚上传的测量值：血压 190/120\n请休息5分钟后复测。", kind="reading_advice",
         data=None, client_msg_id="m-1"):
    return notifier.send(openid=openid, text=text, data=data, client_msg_id=client_msg_id, kind=kind)


def test_inside_the_48h_window_the_full_text_goes_as_a_customer_service_message(make_notifier, fake, session):
    _wrote(session, "o-zhang", timedelta(hours=3))
    result = send(make_notifier())
    assert result.ok and result.channel == "custom"
    assert fake.sends("custom")[0]["text"]["content"].startswith("您刚上传的测量值")


def test_outside_the_window_a_template_message_with_short_values_and_client_msg_id(make_notifier, fake, session):
    _wrote(session, "o-zhang", timedelta(hours=49))
    result = send(make_notifier(), client_msg_id="m-42")
    assert result.ok and result.channel == "template"
    sent = fake.sends("template")[0]
    assert sent["client_msg_id"] == "m-42" and sent["template_id"] == "tpl-alert"
    assert sent["data"]["thing1"]["value"] == "测量结果提醒"
    assert all(len(v["value"]) <= 20 for v in sent["data"].values())


def test_a_user_who_never_wrote_gets_a_template_message(make_notifier, fake):
    assert send(make_notifier()).channel == "template"


def test_window_closed_at_wechat_reroutes_to_the_template(make_notifier, fake, session):
    _wrote(session, "o-zhang", timedelta(hours=1))
    fake.set_outside_window("o-zhang")
    result = send(make_notifier())
    assert result.ok and result.channel == "template"


def test_no_window_and_no_template_is_a_final_failure(make_notifier, fake):
    result = send(make_notifier(template_id=None))
    assert not result.ok and not result.retryable and "48" in result.error
    assert fake.sent == []


def test_without_a_template_a_subscription_notification_is_sent(make_notifier, fake):
    result = send(make_notifier(template_id=None, subscribe_id="sub-tpl"))
    assert result.ok and result.channel == "subscribe"
    assert fake.sends("subscribe")[0]["template_id"] == "sub-tpl"


def test_no_subscription_left_is_final(make_notifier, fake):
    fake.fail_next(43101, path="/cgi-bin/message/subscribe/bizsend")
    result = send(make_notifier(template_id=None, subscribe_id="sub-tpl"))
    assert not result.ok and not result.retryable and result.errcode == 43101


def test_token_expiry_in_the_middle_of_sending_refreshes_once_and_delivers(make_notifier, fake, session):
    _wrote(session, "o-zhang", timedelta(hours=1))
    notifier = make_notifier()
    assert send(notifier, client_msg_id="a").ok
    fake.expire_tokens()
    result = send(notifier, client_msg_id="b")
    assert result.ok
    assert len(fake.sends("custom")) == 2
    assert fake.token_requests == 2
    row = session.get(WeChatToken, APPID)
    session.refresh(row)
    assert row.access_token_enc and "TOKEN-" not in row.access_token_enc  # encrypted at rest


def test_a_token_another_process_refreshed_is_used_from_the_database(make_notifier, fake, session):
    _wrote(session, "o-zhang", timedelta(hours=1))
    assert send(make_notifier(), client_msg_id="a").ok
    assert send(make_notifier(), client_msg_id="b").ok  # a second "process": same row, no new token
    assert fake.token_requests == 1


def test_unsubscribed_user_is_a_final_failure(make_notifier, fake, session):
    _wrote(session, "o-gone", timedelta(hours=1))
    fake.set_unsubscribed("o-gone")
    result = send(make_notifier(), openid="o-gone")
    assert not result.ok and not result.retryable and result.errcode == 43004


@pytest.mark.parametrize("errcode, retry_after", [(-1, None), (45011, 60)])
def test_busy_and_rate_limited_are_retryable(make_notifier, fake, session, errcode, retry_after):
    _wrote(session, "o-zhang", timedelta(hours=1))
    fake.fail_next(errcode, path="/cgi-bin/message/custom/send")
    result = send(make_notifier())
    assert result.retryable and result.retry_after == retry_after


def test_daily_quota_is_retried_tomorrow(make_notifier, fake, session):
    _wrote(session, "o-zhang", timedelta(hours=1))
    fake.fail_next(45009, path="/cgi-bin/message/custom/send")
    result = send(make_notifier())
    assert result.retryable and result.retry_tomorrow


def test_timeout_is_retryable(make_notifier, fake, session):
    _wrote(session, "o-zhang", timedelta(hours=1))
    notifier = make_notifier()
    notifier.client.access_token()
    fake.hang(1.0)
    assert send(notifier).retryable


@pytest.mark.parametrize("errcode", [47003, 40003])
def test_bad_data_and_bad_openid_are_final(make_notifier, fake, errcode):
    fake.fail_next(errcode, path="/cgi-bin/message/template/send")
    result = send(make_notifier())
    assert not result.ok and not result.retryable


# --- under the real outbox sender --------------------------------------------------------------------
def test_outbox_sender_marks_an_unsubscribed_residents_message_failed(bound, make_notifier, fake, session, now):
    fake.set_unsubscribed("o-zhang")
    message = outbox.enqueue(session, consortium_id=bound.consortium_id, kind="reading_advice", text="请复测",
                             now=now, resident_id=bound.ids["res_a1"])
    session.commit()
    report = delivery.send_due(session, notifier=make_notifier(), now=now)
    assert report.failed == 1
    row = session.scalars(select(OutboxMessage).where(OutboxMessage.id == message.id)
                          .execution_options(populate_existing=True)).one()
    assert row.status == OutboxStatus.failed and "43004" in row.last_error


def test_outbox_sender_delivers_a_late_reply_through_the_notifier(bound, make_notifier, fake, session, now):
    _wrote(session, "o-zhang", timedelta(minutes=1))
    outbox.enqueue(session, consortium_id=bound.consortium_id, kind="wechat_reply", text="已记录：\n血压 150/95",
                   now=now, resident_id=bound.ids["res_a1"], data={"urgent": True})
    session.commit()
    report = delivery.send_due(session, notifier=make_notifier(), now=now)
    assert report.sent == 1
    assert fake.sends("custom")[0]["touser"] == "o-zhang"


def test_outbox_sender_retries_after_a_5xx(bound, make_notifier, fake, session, now):
    _wrote(session, "o-zhang", timedelta(minutes=1))
    outbox.enqueue(session, consortium_id=bound.consortium_id, kind="wechat_reply", text="x", now=now,
                   resident_id=bound.ids["res_a1"])
    session.commit()
    notifier = make_notifier()
    notifier.client.access_token()
    fake.fail_next(http_status=502, path="/cgi-bin/message/custom/send")
    report = delivery.send_due(session, notifier=notifier, now=now)
    assert report.retried == 1


def test_a_bound_doctor_receives_the_team_alert_for_an_emergency(bound, client, simulate, make_notifier, fake,
                                                                session, now):
    code = client.post("/api/v1/wechat/staff-code", headers=bound.headers("vdoc_a")).get_json()["send"]
    simulate("o-vdoc-a").text(code)
    assert "120" in simulate("o-zhang").text("胸口疼，喘不上气").text
    report = delivery.send_due(session, notifier=make_notifier(), now=utcnow())
    assert report.sent >= 1
    to_doctor = [m for m in fake.sent if m["touser"] == "o-vdoc-a"]
    assert to_doctor and "张秀英" in to_doctor[0]["text"]["content"]


# --- configuration -------------------------------------------------------------------------------------
def test_pushes_are_off_for_the_development_appid_unless_switched_on():
    assert not push_enabled({"WECHAT_APPID": wx_notifier.DEV_APPID})
    assert push_enabled({"WECHAT_APPID": "wx1234567890abcdef"})
    assert push_enabled({"WECHAT_APPID": wx_notifier.DEV_APPID, "WECHAT_PUSH": "true"})
    assert not push_enabled({"WECHAT_APPID": "wx1234567890abcdef", "WECHAT_PUSH": "0"})


def test_build_notifier_follows_the_configuration(app, wx_settings, fake):
    wx_settings["WECHAT_PUSH"] = "false"
    assert build_notifier(app) is None
    wx_settings.update(WECHAT_PUSH="true", WECHAT_API_BASE=fake.base_url,
                       WECHAT_TEMPLATE_IDS='{"alert_opened": "tpl-a"}', WECHAT_TEMPLATE_ID="tpl-default")
    notifier = build_notifier(app)
    assert isinstance(notifier, WeChatNotifier)
    assert notifier.template_ids == {"alert_opened": "tpl-a"} and notifier.default_template_id == "tpl-default"
    assert notifier.client.base_url == fake.base_url


def test_jobs_outbox_sender_picks_the_wechat_notifier(app, wx_settings, fake):
    from jobs.outbox_sender import build_notifier as jobs_build

    wx_settings.update(WECHAT_PUSH="true", WECHAT_API_BASE=fake.base_url)
    assert isinstance(jobs_build(app), WeChatNotifier)


def test_a_late_reply_to_someone_without_an_outbox_recipient_is_sent_directly(app, wx_settings, fake, db):
    wx_settings.update(WECHAT_PUSH="true", WECHAT_API_BASE=fake.base_url)
    wx_notifier._direct.pop(id(app), None)
    try:
        assert wx_notifier.send_reply_now(app, "o-newcomer", "请回复您的姓名")
    finally:
        wx_notifier._direct.pop(id(app), None)
    assert fake.sends("custom")[0]["touser"] == "o-newcomer"
