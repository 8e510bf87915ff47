"""Reminders: by plan, at their local times, once a day, only to consenting residents bound to WeChat."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from app.services import reminders
from app.services import residents as residents_service
from app.services.actors import system_actor
from models.contracts import Contract
from models.followups import FollowUpTask
from models.jobs import ReminderSetting, ResidentScanState
from models.outbox import OutboxMessage
from tests.jobs.conftest import local

TODAY = date(2026, 6, 1)  # a Monday; `now` is 09:00 local


def _messages(session, kind=None):
    session.expire_all()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(session.scalars(stmt))


def _task(session, world, resident, due_on):
    session.add(FollowUpTask(consortium_id=resident.consortium_id, resident_id=resident.id, team_id=world.ids["team_a"],
                             due_on=due_on, reason="referral_followup"))


def test_measurement_plan():
    plan = reminders.measurement_plan
    assert plan(resident_id=7, today=TODAY, visit_on=TODAY + timedelta(days=3), uncontrolled=False) == "pre_visit"
    assert plan(resident_id=7, today=TODAY, visit_on=TODAY + timedelta(days=7), uncontrolled=False) == "pre_visit"
    assert plan(resident_id=8, today=TODAY, visit_on=TODAY + timedelta(days=8), uncontrolled=False) is None
    assert plan(resident_id=8, today=TODAY, visit_on=TODAY, uncontrolled=False) is None  # visit day itself
    assert plan(resident_id=8, today=TODAY, visit_on=None, uncontrolled=True) == "daily"
    assert plan(resident_id=7, today=TODAY, visit_on=None, uncontrolled=False) == "weekly"  # 7 % 7 == Monday
    assert plan(resident_id=8, today=TODAY, visit_on=None, uncontrolled=False) is None


def test_daily_measurement_reminders_in_the_week_before_a_visit_once_a_day(session, world, people, now):
    r = people.resident("随访前")
    _task(session, world, r, TODAY + timedelta(days=3))
    session.commit()
    report = reminders.queue_due_reminders(session, now=now)
    assert report.measure == 1 and report.errors == 0
    (m,) = _messages(session, "reminder_measure")
    assert m.resident_id == r.id and m.dedup_key == f"reminder:measure:{r.id}:2026-06-01"
    assert "6月4日" in m.text and m.data["plan"] == "pre_visit" and m.next_attempt_at == now
    again = reminders.queue_due_reminders(session, now=now + timedelta(minutes=5))
    assert again.measure == 0 and len(_messages(session, "reminder_measure")) == 1
    tomorrow = reminders.queue_due_reminders(session, now=now + timedelta(days=1))
    assert tomorrow.measure == 1  # daily in the block


def test_stable_residents_are_reminded_weekly_and_uncontrolled_ones_daily(session, people, now):
    stable = [people.resident(f"稳定{i}") for i in range(7)]
    off = people.resident("未达标")
    session.add(ResidentScanState(resident_id=off.id, last_bp_id=0, last_glucose_id=0,
                                  last_status={"bp": {"status": "uncontrolled", "since": "2026-05-30"}}))
    session.commit()
    reminders.queue_due_reminders(session, now=now)
    got = {m.resident_id: m.data["plan"] for m in _messages(session, "reminder_measure")}
    weekly = [r.id for r in stable if r.id % 7 == TODAY.weekday()]
    assert got == {**{rid: "weekly" for rid in weekly}, off.id: "daily"}


def test_only_consenting_enrolled_residents_bound_to_wechat_get_reminders(session, world, people, now):
    unbound = people.resident("未绑定", openid=False)
    withdrawn = people.resident("撤回")
    no_contract = people.resident("未签约", team=None)
    no_condition = people.resident("无慢病", conditions=())
    disabled = people.resident("关闭")
    session.add(ReminderSetting(resident_id=disabled.id, measurement_enabled=False))
    residents_service.withdraw_consent(session, actor=system_actor(world.consortium_id), resident_id=withdrawn.id,
                                       now=now)
    for r in (unbound, withdrawn, no_contract, no_condition, disabled):
        _task(session, world, r, TODAY + timedelta(days=2))
    session.commit()
    report = reminders.queue_due_reminders(session, now=now)
    assert report.measure == 0 and _messages(session) == []


def test_no_measurement_reminders_outside_their_morning_window(session, world, people, now):
    r = people.resident("下午")
    _task(session, world, r, TODAY + timedelta(days=2))
    session.commit()
    assert reminders.queue_due_reminders(session, now=local(TODAY, 14)).measure == 0
    assert reminders.queue_due_reminders(session, now=local(TODAY, 7, 29)).measure == 0
    assert reminders.queue_due_reminders(session, now=local(TODAY, 7, 30)).measure == 1


def test_medication_reminders_at_chosen_times_and_never_in_quiet_hours(session, people, now):
    r = people.resident("吃药", team=None)
    session.add(ReminderSetting(resident_id=r.id, medication_times=["08:30", "12:00", "23:00"]))
    session.commit()
    report = reminders.queue_due_reminders(session, now=now)  # 09:00: 08:30 is 30 min ago
    (m,) = _messages(session, "reminder_medication")
    assert report.medication == 1 and m.dedup_key == f"reminder:medication:{r.id}:2026-06-01:0830" and "08:30" in m.text
    assert reminders.queue_due_reminders(session, now=local(TODAY, 9, 5)).medication == 0
    assert reminders.queue_due_reminders(session, now=local(TODAY, 11, 59)).medication == 0
    assert reminders.queue_due_reminders(session, now=local(TODAY, 12, 0)).medication == 1
    late = reminders.queue_due_reminders(session, now=local(TODAY, 23, 10))
    assert late.medication == 0 and late.quiet == 1
    assert len(_messages(session, "reminder_medication")) == 2


def test_follow_up_due_tomorrow_is_reminded_once(session, world, people, now):
    r = people.resident("明天随访")
    _task(session, world, r, TODAY + timedelta(days=1))
    session.commit()
    report = reminders.queue_due_reminders(session, now=now)
    (m,) = _messages(session, "reminder_followup")
    assert report.followup == 1 and "明天（6月2日）" in m.text
    assert reminders.queue_due_reminders(session, now=local(TODAY, 11)).followup == 0


def test_contract_renewal_reminder_once_per_term_from_30_days_before_the_end(session, people, now):
    soon = people.resident("快到期")
    later = people.resident("还早")
    session.execute(update(Contract).where(Contract.resident_id == soon.id).values(ends_on=TODAY + timedelta(days=30)))
    session.execute(update(Contract).where(Contract.resident_id == later.id).values(ends_on=TODAY + timedelta(days=31)))
    session.commit()
    at = local(TODAY, 10)
    report = reminders.queue_due_reminders(session, now=at)
    (m,) = _messages(session, "reminder_renewal")
    assert report.renewal == 1 and m.resident_id == soon.id and "7月1日" in m.text
    next_day = reminders.queue_due_reminders(session, now=at + timedelta(days=1))
    assert next_day.renewal == 1 and next_day.already == 1  # `later` enters its window; `soon` is not repeated
    assert [m.resident_id for m in _messages(session, "reminder_renewal")] == [soon.id, later.id]
