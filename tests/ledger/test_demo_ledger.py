"""The demo county shows the 履约 ledger: services delivered over the past year, 履约率 differing by team, and a
few contracts never served (只签不约), in the KPI service and in `flask demo info`."""
from sqlalchemy import func, select

from app.services import demo
from models.ledger import ServiceRecord


def test_demo_teams_fulfil_differently_and_some_contracts_are_never_served(session, now):
    demo.seed_demo(session, now=now, n_residents=90)
    session.commit()
    kinds = dict(session.execute(select(ServiceRecord.kind, func.count()).group_by(ServiceRecord.kind)).all())
    assert kinds.keys() == {"health_check", "reading_review", "education"}
    teams = demo.ledger_summary(session, now=now)
    assert len(teams) == 9
    rates = [rate for _, rate, _, _ in teams if rate is not None]
    assert len(rates) == 9 and max(rates) - min(rates) > 0.15
    idle = sum(count for _, _, count, _ in teams)
    assert 90 // demo.IDLE_EVERY <= idle < 90 // 4


def test_demo_info_prints_the_ledger_line(app, session, now):
    from models.base import utcnow

    demo.seed_demo(session, now=utcnow(), n_residents=30)
    session.commit()
    result = app.test_cli_runner().invoke(args=["demo", "info"])
    assert result.exit_code == 0, result.output
    assert "履约率 by team" in result.output and "只签不约" in result.output
