"""The WeChat API is down for 10 minutes (simulated clock): every queued message is delivered once afterwards."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from app.services import delivery, outbox
from models.outbox import OutboxMessage, OutboxStatus
from tests.wechat_app.test_notifier import _wrote, make_notifier  # noqa: F401 - fixture

N_MESSAGES = 20
OUTAGE = timedelta(minutes=10)


def test_ten_minute_outage_then_every_message_delivered_exactly_once(bound, make_notifier, fake, session, now):
    _wrote(session, "o-zhang", timedelta(minutes=5))
    for i in range(N_MESSAGES):
        outbox.enqueue(session, consortium_id=bound.consortium_id, kind="wechat_reply", text=f"第{i}条提醒",
                       now=now, resident_id=bound.ids["res_a1"])
    session.commit()
    notifier = make_notifier()
    fake.fail_next(http_status=503, times=1_000_000)  # every call fails: tokens and sends alike
    clock, step, attempts_during_outage = now, timedelta(seconds=20), 0
    while clock < now + OUTAGE:
        report = delivery.send_due(session, notifier=notifier, now=clock)
        attempts_during_outage += report.retried + report.sent + report.failed
        assert report.sent == 0 and report.failed == 0  # 5xx is retryable: nothing given up
        clock += step
    fake._failures.clear()  # WeChat is back
    for _ in range(200):
        delivery.send_due(session, notifier=notifier, now=clock)
        pending = session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.status == OutboxStatus.pending))
        if pending == 0:
            break
        clock += step
    delivered = Counter(m["text"]["content"] for m in fake.sends("custom"))
    print(f"\nfault wechat-outage: {len(delivered)}/{N_MESSAGES} delivered, "
          f"duplicates {sum(c - 1 for c in delivered.values())}, attempts during outage {attempts_during_outage}, "
          f"all sent by +{(clock - now).total_seconds() / 60:.0f} min")
    assert pending == 0
    assert len(delivered) == N_MESSAGES and set(delivered.values()) == {1}
    statuses = session.scalars(select(OutboxMessage.status).execution_options(populate_existing=True)).all()
    assert set(statuses) == {OutboxStatus.sent}
