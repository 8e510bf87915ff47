"""The demo county has a year of follow-ups on the complete 随访表, ready to print and export."""
from datetime import datetime

from sqlalchemy import func, select

from app.services import demo
from app.services.actors import system_actor
from app.services.phs import export
from models.followups import FollowUp
from models.residents import Resident


def test_demo_has_a_year_of_complete_followups_that_export(session, now):
    demo.seed_demo(session, now=now, n_residents=24)
    session.commit()
    visits = session.scalar(select(func.count()).select_from(FollowUp))
    assert 24 * 2 < visits < 24 * len(demo.VISIT_DAYS_AGO)  # teams miss some visits; an idle contract gets none
    programs = dict(session.execute(select(FollowUp.program, func.count()).group_by(FollowUp.program)).all())
    assert programs["htn"] > 0 and programs["dm"] > 0
    steps = set(session.scalars(select(FollowUp.next_step)))
    assert {"routine", "two_weeks"} <= steps
    assert all(f.form.get("weight_kg") for f in session.scalars(select(FollowUp)))
    assert session.scalar(select(func.count()).where(Resident.phs_record_no.is_not(None))) == 24
    consortium_id = session.scalar(select(Resident.consortium_id).limit(1))
    report = export.export_followups(session, actor=system_actor(consortium_id), fmt="rows", now=now,
                                     since=datetime.fromisoformat("2020-01-01T00:00:00+08:00"), dry_run=True)
    assert report.exported == visits
    assert demo.showcase(session)[0] is not None
