"""The bot shell through /wechat and the database: readings, duplicates, the watchdog, triage, commands,
consent withdrawal and unsubscribing."""
from __future__ import annotations

import gc
import threading
import time

import pytest
from sqlalchemy import select, text

from app.services import outbox, readings
from app.wechat import bot, texts, views
from models.alerts import Alert
from models.jobs import ReminderSetting
from models.outbox import OutboxMessage, OutboxStatus
from models.readings import BpReading, GlucoseReading
from models.residents import Consent, Resident
from models.wechat import WeChatInbound, WeChatUser
from tests.wechat_app.conftest import count, wait_for


def _resident(session, world) -> Resident:
    session.commit()
    return session.scalars(select(Resident).where(Resident.id == world.ids["res_a1"])
                           .execution_options(populate_existing=True)).one()


# --- readings --------------------------------------------------------------------------------------------
def test_bp_reading_reply_echoes_values_target_and_a_plain_comment(bound, simulate, session):
    reply = simulate("o-zhang").text("血压 150/95 心率 80")
    assert reply.text.splitlines()[:4] == ["已记录：", "血压 150/95", "心率 80", "您的目标：低于 135/85"]
    assert "比目标高一些" in reply.text
    row = session.scalars(select(BpReading)).one()
    assert (row.systolic, row.diastolic, row.pulse, row.source.value) == (150, 95, 80, "wechat")
    assert row.client_id.startswith("wx-")


def test_voice_reading_uses_the_recognition_field(bound, simulate, session):
    reply = simulate("o-zhang").voice("血压一百三十，八十五")
    assert "血压 130/85" in reply.text
    assert count(session, BpReading) == 1


def test_glucose_reading_reply_and_storage(bound, simulate, session):
    reply = simulate("o-zhang").text("血糖 7.8 空腹")
    assert "血糖（空腹） 7.8 mmol/L" in reply.text and "空腹 4.4 - 7" in reply.text
    row = session.scalars(select(GlucoseReading)).one()
    assert (row.value_mmol, row.context.value) == (7.8, "fasting")


def test_critical_reading_answers_the_services_advice_at_once_and_alerts_the_team(bound, simulate, session):
    reply = simulate("o-zhang").text("血压 190/120 头痛 呕吐")
    assert "120" in reply.text and "190/120" in reply.text
    alert = session.scalars(select(Alert).where(Alert.kind == "acute_bp")).one()
    assert alert.severity.value == "critical"
    assert count(session, OutboxMessage, OutboxMessage.staff_id.is_not(None)) >= 1  # the team notice


def test_implausible_value_asks_to_remeasure_and_stores_nothing(bound, simulate, session):
    reply = simulate("o-zhang").text("血压 320/200")
    assert "再量一次" in reply.text
    assert count(session, BpReading) == 0


def test_a_likely_typo_is_asked_about_and_the_meant_value_stored_on_yes(bound, simulate, session):
    chat = simulate("o-zhang")
    assert "您是不是想输入 150/95？" in chat.text("血压 95/150").text
    assert count(session, BpReading) == 0
    reply = chat.text("是")
    assert "血压 150/95" in reply.text
    row = session.scalars(select(BpReading)).one()
    assert (row.systolic, row.diastolic, row.confirmation) == (150, 95, None)


def test_a_single_dangerous_value_asks_to_rest_and_remeasure_and_its_repeat_alerts(bound, fake, simulate, session):
    chat = simulate("o-zhang")
    first = chat.text("血压 200/120")
    assert "安静坐好，休息5分钟后再测一次" in first.text and "120" not in first.text.replace("200/120", "")
    assert count(session, Alert) == 0
    repeat = chat.text("血压 198/118")
    assert "两次测量" in repeat.text
    alert = session.scalars(select(Alert)).one()
    assert (alert.kind.value, alert.severity.value) == ("acute_bp", "high")


# --- duplicates ------------------------------------------------------------------------------------------
def test_same_msgid_three_times_makes_one_reading_and_the_same_reply(bound, simulate, session):
    sim = simulate("o-zhang")
    message = sim.inner_xml("text", "<Content><![CDATA[血压 190/120 头痛 呕吐]]></Content>")
    replies = [sim.deliver(message) for _ in range(3)]
    assert replies[0].text and all(r.text == replies[0].text for r in replies)
    assert count(session, BpReading) == 1
    assert count(session, Alert) == 2  # the acute BP alert (readings) and the triage red flag
    assert set(session.scalars(select(Alert.evidence_count))) == {1}
    assert count(session, OutboxMessage) == count(session, OutboxMessage, OutboxMessage.created_at.is_not(None))
    outbox_after_first = count(session, OutboxMessage)
    sim.deliver(message)
    assert count(session, OutboxMessage) == outbox_after_first
    assert count(session, WeChatInbound) == 1


def test_concurrent_retries_of_one_message_record_one_reading(bound, app, simulate, session):
    sim = simulate("o-zhang")
    message = sim.inner_xml("text", "<Content><![CDATA[血压 160/100]]></Content>")
    results = []

    def deliver():
        with app.test_client() as own:
            from tests.wechat_app.conftest import client_post
            from app.wechat.simulator import ChatSimulator

            results.append(ChatSimulator(sim.config, openid="o-zhang", post=client_post(own)).deliver(message))

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert [r.status for r in results] == [200, 200, 200]
    assert any(r.text for r in results)
    assert {r.text for r in results if r.text} == {next(r.text for r in results if r.text)}
    assert count(session, BpReading) == 1


def test_event_retries_are_deduplicated_by_sender_time_event_and_key(named, simulate, session):
    sim = simulate("o-new")
    subscribe = sim.inner_xml("event", "<Event><![CDATA[subscribe]]></Event>", with_msg_id=False)
    first, second = sim.deliver(subscribe), sim.deliver(subscribe)
    assert first.text == second.text and "欢迎" in first.text
    click = sim.inner_xml("event", "<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[HELP]]></EventKey>",
                          with_msg_id=False)
    assert sim.deliver(click).status == 200
    assert count(session, WeChatInbound) == 2  # same second, different event: not a duplicate


# --- the watchdog ----------------------------------------------------------------------------------------
# A statement that runs for minutes unless cut: the time the bot would wait for a slow database or a lock.
LONG_STATEMENT = {
    "postgresql": "SELECT pg_sleep(120)",
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000) SELECT count(*) FROM c",
}


def _slow(seconds: float):
    """record_bp after `seconds` of work in Python (which the watchdog cannot cut)."""
    def record_bp(*args, **kwargs):
        time.sleep(seconds)
        return readings.record_bp(*args, **kwargs)
    return record_bp


def _waiting_for_the_database_the_first_time(calls: list):
    """record_bp behind a statement that runs for minutes, the first time only (the message handled again after the
    cut is quick)."""
    def record_bp(session, **kwargs):
        calls.append(kwargs["client_id"])
        if len(calls) == 1:
            session.execute(text(LONG_STATEMENT[session.get_bind().dialect.name]))
        return readings.record_bp(session, **kwargs)
    return record_bp


def _pushed_replies(session) -> int:
    return count(session, OutboxMessage, OutboxMessage.kind == bot.LATE_REPLY_KIND)


def test_a_message_waiting_for_the_database_is_cut_at_the_deadline_and_its_reply_pushed(bound, app, simulate,
                                                                                           session, wx_settings):
    wx_settings["WECHAT_REPLY_DEADLINE"] = 0.3
    calls: list = []
    app.extensions[views.SERVICES_KEY] = bot.Services(record_bp=_waiting_for_the_database_the_first_time(calls))
    sim = simulate("o-zhang")
    message = sim.inner_xml("text", "<Content><![CDATA[血压 150/95]]></Content>")
    started = time.monotonic()
    reply = sim.deliver(message)
    assert reply.status == 200 and reply.silent
    assert time.monotonic() - started < 5.0  # WeChat's limit; uncut, the statement runs for minutes
    assert wait_for(lambda: _pushed_replies(session) == 1)  # handled again, late: the reply follows as a message
    assert len(calls) == 2 and calls[0] == calls[1]
    late = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == bot.LATE_REPLY_KIND)).one()
    assert "血压 150/95" in late.text and late.resident_id == bound.ids["res_a1"]
    assert session.scalars(select(WeChatInbound)).one().deferred is True
    assert count(session, BpReading) == 1
    # WeChat's retry of the same message: nothing new, and no second copy of the reply
    assert sim.deliver(message).silent
    assert count(session, BpReading) == 1 and _pushed_replies(session) == 1


def test_slow_python_answers_success_late_and_pushes_the_reply(bound, app, simulate, session, wx_settings):
    wx_settings["WECHAT_REPLY_DEADLINE"] = 0.3
    app.extensions[views.SERVICES_KEY] = bot.Services(record_bp=_slow(1.0))
    sim = simulate("o-zhang")
    message = sim.inner_xml("text", "<Content><![CDATA[血压 150/95]]></Content>")
    reply = sim.deliver(message)
    assert reply.status == 200 and reply.silent  # past the deadline: the reply was not given passively
    late = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == bot.LATE_REPLY_KIND)).one()
    assert "血压 150/95" in late.text and late.resident_id == bound.ids["res_a1"]
    assert session.scalars(select(WeChatInbound)).one().deferred is True
    assert sim.deliver(message).silent
    assert count(session, BpReading) == 1 and _pushed_replies(session) == 1


def test_reply_within_the_deadline_is_passive_and_nothing_is_pushed(bound, app, simulate, session, wx_settings):
    wx_settings["WECHAT_REPLY_DEADLINE"] = 3.0
    app.extensions[views.SERVICES_KEY] = bot.Services(record_bp=_slow(0.2))
    reply = simulate("o-zhang").text("血压 150/95")
    assert "血压 150/95" in reply.text
    assert _pushed_replies(session) == 0


def test_default_deadline_leaves_room_inside_wechats_five_seconds(app):
    from app.config import WATCHDOG_MARGIN_SECONDS, WECHAT_RESPONSE_LIMIT_SECONDS

    assert views.WATCHDOG_TICK_SECONDS < WATCHDOG_MARGIN_SECONDS
    assert views.DEFAULT_DEADLINE_SECONDS + WATCHDOG_MARGIN_SECONDS < WECHAT_RESPONSE_LIMIT_SECONDS


def test_warming_up_moves_the_objects_loaded_so_far_out_of_the_collectors_way():
    gc.unfreeze()
    try:
        views._warm_up()
        assert gc.get_freeze_count() > 0  # a full collection no longer walks the dictionaries
    finally:
        gc.unfreeze()


def test_a_failing_service_gets_a_try_again_reply_and_no_half_state(bound, app, simulate, session):
    def broken(*args, **kwargs):
        raise RuntimeError("triage crashed")

    app.extensions[views.SERVICES_KEY] = bot.Services(assess=broken)
    sim = simulate("o-zhang")
    reply = sim.text("血压 150/95 头疼")
    assert reply.text == texts.try_again_later()
    assert count(session, BpReading) == 0 and count(session, WeChatInbound) == 0
    app.extensions[views.SERVICES_KEY] = bot.Services()
    assert "已记录" in sim.text("血压 150/95").text


# --- triage ----------------------------------------------------------------------------------------------
def test_emergency_symptoms_answer_120_and_raise_a_critical_triage_alert(bound, simulate, session):
    reply = simulate("o-zhang").text("胸口疼，喘不上气")
    assert "120" in reply.text
    alert = session.scalars(select(Alert).where(Alert.kind == "triage_red_flag")).one()
    assert alert.severity.value == "critical"


def test_triage_asks_one_question_at_a_time_and_concludes(bound, simulate, session):
    sim = simulate("o-zhang")
    first = sim.text("头疼")
    assert "不想回答请回复：取消" in first.text
    user = session.get(WeChatUser, "o-zhang")
    session.refresh(user)
    assert user.state["mode"] == "triage" and user.state_expires_at is not None
    answers = [sim.text("不是") for _ in range(5)]
    assert any("不是诊断" in a.text for a in answers)  # the triage service's conclusion
    session.refresh(user)
    assert user.state is None


def test_expired_state_restarts_the_conversation(bound, simulate, session):
    sim = simulate("o-zhang")
    sim.text("记录血压")
    user = session.get(WeChatUser, "o-zhang")
    session.refresh(user)
    assert user.state["mode"] == "guided_bp"
    from datetime import timedelta

    user.state_expires_at = user.state_expires_at - timedelta(hours=1)
    session.commit()
    reply = sim.text("95")
    assert "血压还是血糖" in reply.text  # a lone number out of context, not the diastolic of a stale flow


# --- commands --------------------------------------------------------------------------------------------
def test_my_doctor_lists_the_team_and_the_village_doctors_phone(bound, simulate):
    reply = simulate("o-zhang").event("CLICK", "MY_DOCTOR")
    assert "东村团队" in reply.text and "村医：vdoc_a" in reply.text and "13900000001" in reply.text


def test_my_doctor_shows_no_team_once_the_contract_is_closed(bound, simulate, session):
    from models.contracts import Contract, ContractStatus

    contracts = session.scalars(select(Contract).where(Contract.resident_id == bound.ids["res_a1"])).all()
    assert contracts
    for status in (ContractStatus.terminated, ContractStatus.expired):
        for contract in contracts:
            contract.status = status
        session.commit()
        reply = simulate("o-zhang").event("CLICK", "MY_DOCTOR")
        assert "东村团队" not in reply.text and "13900000001" not in reply.text, reply.text


def test_my_contract_shows_team_packages_and_expiry(bound, simulate):
    reply = simulate("o-zhang").text("我的签约")
    assert "东村团队" in reply.text and "高血压包" in reply.text and "到期日期" in reply.text


def test_recent_bp_summarises_the_last_seven_days_against_the_target(bound, simulate):
    sim = simulate("o-zhang")
    sim.text("血压 150/95")
    reply = sim.text("最近血压")
    assert "最近7天量了1次血压" in reply.text and "平均：150/95" in reply.text and "135/85" in reply.text


def test_reminder_times_are_stored_as_reminder_settings(bound, simulate, session):
    sim = simulate("o-zhang")
    assert "几点" in sim.text("提醒设置").text
    assert "08:00" in sim.text("早上8点 晚上8点").text
    setting = session.get(ReminderSetting, bound.ids["res_a1"])
    assert setting.medication_times == ["08:00", "20:00"]
    sim.text("提醒设置")
    sim.text("关闭提醒")
    session.refresh(setting)
    assert setting.medication_times is None


# --- consent and subscription ------------------------------------------------------------------------------
def _queue_reminder(session, world, now):
    outbox.enqueue(session, consortium_id=world.consortium_id, kind="reminder_medication", text="该吃药了",
                   now=now, resident_id=world.ids["res_a1"])
    session.commit()


def test_withdrawing_consent_stops_processing_and_cancels_queued_pushes(bound, simulate, session, now):
    sim = simulate("o-zhang")
    _queue_reminder(session, bound, now)
    assert count(session, OutboxMessage, OutboxMessage.resident_id == bound.ids["res_a1"],
                 OutboxMessage.status == OutboxStatus.pending) >= 1
    assert "已取消授权" in sim.text("取消授权").text
    assert count(session, OutboxMessage, OutboxMessage.resident_id == bound.ids["res_a1"],
                 OutboxMessage.status == OutboxStatus.pending) == 0
    assert session.scalars(select(Consent.withdrawn_at)).all()[0] is not None
    reply = sim.text("血压 150/95")
    assert "告知书" in reply.text
    assert count(session, BpReading) == 0


def test_unsubscribe_unbinds_and_cancels_every_queued_push(bound, simulate, session, now):
    sim = simulate("o-zhang")
    _queue_reminder(session, bound, now)
    assert sim.event("unsubscribe").silent
    assert _resident(session, bound).wechat_openid is None
    assert count(session, OutboxMessage, OutboxMessage.resident_id == bound.ids["res_a1"],
                 OutboxMessage.status == OutboxStatus.pending) == 0
    user = session.get(WeChatUser, "o-zhang")
    session.refresh(user)
    assert user.subscribed is False and user.unsubscribed_at is not None
    welcome = sim.event("subscribe")
    assert "姓名" in welcome.text  # must bind again
    session.refresh(user)
    assert user.subscribed is True


def test_menu_click_before_binding_asks_to_bind(named, simulate, session):
    reply = simulate("o-stranger").event("CLICK", "RECENT_BP")
    assert "姓名" in reply.text
    assert count(session, BpReading) == 0


@pytest.mark.parametrize("text", ["血压 150/95", "胸口疼", "我的医生"])
def test_nothing_is_processed_before_consent(named, simulate, session, now, text):
    from tests.wechat_app.conftest import bind

    bind(session, named, "res_a1", "o-noconsent", consent=False, now=now)
    reply = simulate("o-noconsent").text(text)
    # A red flag (胸口疼) is answered with its advice first (red flags first, in every state); nothing is stored.
    assert ("120" in reply.text or "医院" in reply.text) if text == "胸口疼" else "告知书" in reply.text
    assert count(session, BpReading) == 0 and count(session, Alert) == 0
    assert "vdoc_a" not in reply.text
