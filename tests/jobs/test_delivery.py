"""The outbox sender with a fake WeChat: sent once, retried with backoff, failed with a reason."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from app.services import delivery, outbox, residents
from app.services.actors import system_actor
from app.services.delivery import Backoff
from app.services.outbox import SendResult
from models.outbox import OutboxMessage, OutboxStatus
from tests.jobs.fakes import FakeWeChat


@pytest.fixture
def resident(people, session):
    r = people.resident("送信")
    session.commit()
    return r


def _queue(session, resident, now, n=1, **kw):
    ids = []
    for i in range(n):
        m = outbox.enqueue(session, consortium_id=resident.consortium_id, resident_id=resident.id,
                           kind=kw.get("kind", "reading_advice"), text=f"消息{i}", now=now, data=kw.get("data"),
                           dedup_key=f"test:{resident.id}:{i}:{kw.get('kind', '')}")
        ids.append(m.id)
    session.commit()
    return ids


def _msg(session, message_id) -> OutboxMessage:
    session.expire_all()
    return session.get(OutboxMessage, message_id)


def test_due_messages_are_sent_once_with_their_client_msg_id(session, resident, now):
    ids = _queue(session, resident, now, n=3)
    fake = FakeWeChat()
    report = delivery.send_due(session, notifier=fake, now=now)
    assert (report.due, report.sent, report.errors) == (3, 3, 0)
    sent = [_msg(session, i) for i in ids]
    assert [m.status for m in sent] == [OutboxStatus.sent] * 3
    assert [c["client_msg_id"] for c in fake.calls] == [m.client_msg_id for m in sent]
    assert {c["openid"] for c in fake.calls} == {resident.wechat_openid}
    assert all(m.attempts == 1 and m.sent_at == now for m in sent)
    again = delivery.send_due(session, notifier=fake, now=now + timedelta(minutes=5))
    assert again.due == 0 and len(fake.calls) == 3


def test_retryable_failure_backs_off_with_jitter_then_succeeds(session, resident, now):
    (mid,) = _queue(session, resident, now)
    fake = FakeWeChat(script=[SendResult(False, retryable=True, error="errcode -1: system busy"),
                              SendResult(False, retryable=True, error="timeout")])
    backoff = Backoff(base=timedelta(seconds=30), cap=timedelta(hours=1), max_attempts=5)
    r1 = delivery.send_due(session, notifier=fake, now=now, backoff=backoff, rng=random.Random(1))
    m = _msg(session, mid)
    assert r1.retried == 1 and m.status == OutboxStatus.pending and m.attempts == 1
    assert "system busy" in m.last_error
    first_wait = (m.next_attempt_at - now).total_seconds()
    assert 15 <= first_wait <= 30  # equal jitter: half of 30 s fixed, half random
    assert delivery.send_due(session, notifier=fake, now=now + timedelta(seconds=10)).due == 0  # not due yet
    t2 = m.next_attempt_at
    delivery.send_due(session, notifier=fake, now=t2, backoff=backoff, rng=random.Random(2))
    m = _msg(session, mid)
    second_wait = (m.next_attempt_at - t2).total_seconds()
    assert m.attempts == 2 and 30 <= second_wait <= 60  # doubled
    r3 = delivery.send_due(session, notifier=fake, now=m.next_attempt_at, backoff=backoff)
    m = _msg(session, mid)
    assert r3.sent == 1 and m.status == OutboxStatus.sent and m.attempts == 3
    assert len({c["client_msg_id"] for c in fake.calls}) == 1 and len(fake.delivered) == 1


def test_final_failure_stops_with_the_recorded_reason(session, resident, now):
    (mid,) = _queue(session, resident, now)
    fake = FakeWeChat(script=[SendResult(False, retryable=False, error="errcode 43004: user unsubscribed")])
    report = delivery.send_due(session, notifier=fake, now=now)
    m = _msg(session, mid)
    assert report.failed == 1 and m.status == OutboxStatus.failed and m.last_error == "errcode 43004: user unsubscribed"
    assert delivery.send_due(session, notifier=fake, now=now + timedelta(days=1)).due == 0
    assert len(fake.calls) == 1


def test_retryable_failures_give_up_after_max_attempts(session, resident, now):
    (mid,) = _queue(session, resident, now)
    fake = FakeWeChat(script=[SendResult(False, retryable=True, error="busy")] * 3)
    backoff = Backoff(base=timedelta(seconds=1), max_attempts=3)
    t = now
    for _ in range(3):
        delivery.send_due(session, notifier=fake, now=t, backoff=backoff)
        t = _msg(session, mid).next_attempt_at
    m = _msg(session, mid)
    assert m.status == OutboxStatus.failed and m.attempts == 3 and "gave up after 3 attempts" in m.last_error


def test_notifier_exception_counts_as_a_retryable_failure(session, resident, now):
    (mid,) = _queue(session, resident, now)

    class Broken:
        def send(self, **kw):
            raise ConnectionError("connection reset")

    report = delivery.send_due(session, notifier=Broken(), now=now)
    m = _msg(session, mid)
    assert report.retried == 1 and m.status == OutboxStatus.pending and "connection reset" in m.last_error


def test_a_message_interrupted_mid_send_is_retried_with_the_same_client_msg_id(session, resident, now):
    (mid,) = _queue(session, resident, now)
    fake = FakeWeChat()

    class DiesAfterDelivering:
        """WeChat delivered, then the sender process died before recording (simulated by raising SystemExit)."""

        def send(self, **kw):
            fake.send(**kw)
            raise SystemExit("killed")

    with pytest.raises(SystemExit):
        delivery.send_due(session, notifier=DiesAfterDelivering(), now=now, claim_for=timedelta(seconds=60))
    session.rollback()
    m = _msg(session, mid)
    assert m.status == OutboxStatus.pending and m.attempts == 1  # the claim was committed before the call
    assert delivery.send_due(session, notifier=fake, now=now + timedelta(seconds=30)).due == 0  # still claimed
    report = delivery.send_due(session, notifier=fake, now=now + timedelta(seconds=61))
    assert report.sent == 1
    assert [c["client_msg_id"] for c in fake.calls] == [m.client_msg_id] * 2  # same id both times
    assert len(fake.delivered) == 1  # WeChat dedups: delivered once


def test_a_message_claimed_by_another_sender_meanwhile_is_skipped(session, db, resident, now):
    first, second = _queue(session, resident, now, n=2)
    fake = FakeWeChat()

    class ConcurrentClaim:
        """While we send the first message, another sender (its own connection) claims the second."""

        def send(self, **kw):
            with db.engine.begin() as other:
                other.execute(update(OutboxMessage).where(OutboxMessage.id == second)
                              .values(attempts=OutboxMessage.attempts + 1,
                                      next_attempt_at=now + timedelta(minutes=1)))
            return fake.send(**kw)

    report = delivery.send_due(session, notifier=ConcurrentClaim(), now=now)
    assert (report.due, report.sent, report.skipped) == (2, 1, 1)
    assert len(fake.calls) == 1 and _msg(session, second).status == OutboxStatus.pending


def test_reminders_wait_for_the_end_of_quiet_hours_but_urgent_notices_do_not(session, resident, now):
    night = datetime(2026, 6, 1, 15, 30, tzinfo=timezone.utc)  # 23:30 Asia/Shanghai
    (reminder,) = _queue(session, resident, night, kind="reminder_measure")
    (advice,) = _queue(session, resident, night, kind="reading_advice")
    (calm,) = _queue(session, resident, night, kind="alert_opened", data={"urgent": False})
    fake = FakeWeChat()
    report = delivery.send_due(session, notifier=fake, now=night)
    assert (report.sent, report.deferred) == (1, 2)
    seven = datetime(2026, 6, 1, 23, 0, tzinfo=timezone.utc)  # 07:00 on 2 June local
    assert _msg(session, reminder).next_attempt_at == seven and _msg(session, calm).next_attempt_at == seven
    assert _msg(session, reminder).attempts == 0
    assert delivery.send_due(session, notifier=fake, now=seven).sent == 2


def test_no_push_without_consent_or_without_a_wechat_binding(session, people, world, now):
    unbound = people.resident("未绑定", openid=False)
    withdrawn = people.resident("撤回")
    session.commit()
    (m1,) = _queue(session, unbound, now)
    (m2,) = _queue(session, withdrawn, now)
    residents.withdraw_consent(session, actor=system_actor(world.consortium_id), resident_id=withdrawn.id, now=now)
    session.commit()
    fake = FakeWeChat()
    report = delivery.send_due(session, notifier=fake, now=now)
    assert (report.failed, report.cancelled, len(fake.calls)) == (1, 1, 0)
    assert _msg(session, m1).status == OutboxStatus.failed and "WeChat" in _msg(session, m1).last_error
    assert _msg(session, m2).status == OutboxStatus.cancelled


def test_staff_notices_go_to_the_staff_openid(session, people, world, now):
    people.bind_staff("vdoc_a")
    m = outbox.enqueue(session, consortium_id=world.consortium_id, staff_id=world.ids["vdoc_a"], kind="alert_opened",
                       text="预警", now=now)
    session.commit()
    fake = FakeWeChat()
    delivery.send_due(session, notifier=fake, now=now)
    assert fake.calls[0]["openid"] == "o-staff-vdoc_a" and _msg(session, m.id).status == OutboxStatus.sent


def test_logging_notifier_reports_success_without_logging_the_text(caplog):
    result = delivery.LoggingNotifier().send(openid="oABCDEFG", text="血压很高", data=None, client_msg_id="c1",
                                             kind="reading_advice")
    assert result.ok
    assert "血压很高" not in caplog.text


def test_quiet_hours_boundaries():
    tz8 = timezone(timedelta(hours=8))
    assert delivery.in_quiet_hours(datetime(2026, 6, 1, 22, 0, tzinfo=tz8))
    assert delivery.in_quiet_hours(datetime(2026, 6, 1, 6, 59, tzinfo=tz8))
    assert not delivery.in_quiet_hours(datetime(2026, 6, 1, 7, 0, tzinfo=tz8))
    assert not delivery.in_quiet_hours(datetime(2026, 6, 1, 21, 59, tzinfo=tz8))
    assert delivery.quiet_hours_end(datetime(2026, 6, 1, 23, 0, tzinfo=tz8)) == datetime(2026, 6, 2, 7, 0, tzinfo=tz8)
    assert delivery.quiet_hours_end(datetime(2026, 6, 2, 3, 0, tzinfo=tz8)) == datetime(2026, 6, 2, 7, 0, tzinfo=tz8)
