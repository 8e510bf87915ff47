"""`flask demo seed`: a county a doctor can look at — home readings, and alerts already in the teams' queues."""
from sqlalchemy import func, select

from app.services import demo
from models.alerts import Alert, AlertKind
from models.confirmations import ReadingConfirmation
from models.outbox import OutboxMessage
from models.readings import BpReading, GlucoseReading


def test_the_demo_county_has_two_weeks_of_readings_and_alerts_in_the_queues(session, now):
    demo.seed_demo(session, now=now, n_residents=40)
    session.commit()
    assert session.scalar(select(func.count()).select_from(BpReading)) > 40 * 10
    assert session.scalar(select(func.count()).select_from(GlucoseReading)) > 0
    kinds = dict(session.execute(select(Alert.kind, func.count()).group_by(Alert.kind)).all())
    # the readings service's rules (a confirmed 182/112, 3.4 mmol/L) and the trend scan both ran
    # plus the confirmation stories: a high reading confirmed by its repeat (a second acute_bp), one dismissed
    # by normal repeats (nothing raised), one never repeated (the village doctor's call-the-resident task)
    assert kinds[AlertKind.acute_bp] == 2 and kinds[AlertKind.hypoglycaemia] == 1
    assert kinds[AlertKind.unconfirmed_reading] == 1
    states = dict(session.execute(select(ReadingConfirmation.state, func.count())
                                  .group_by(ReadingConfirmation.state)).all())
    assert {s.value: n for s, n in states.items()} == {"confirmed": 2, "dismissed_by_normal_repeat": 1,
                                                       "unconfirmed": 1}
    assert kinds[AlertKind.trend_bp] > 0
    assert all(team is not None for team in session.scalars(select(Alert.team_id)))
    digests = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert_digest")).all()
    assert digests and all(d.text.startswith("【趋势预警】") for d in digests)
