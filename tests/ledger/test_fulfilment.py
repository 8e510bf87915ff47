"""The 履约 ledger on the test database: required, delivered, due and overdue per contract item."""
from __future__ import annotations

from datetime import date

import pytest

from app.errors import Forbidden, NotFound
from app.services import fulfilment
from app.services.fulfilment import months_between
from tests.ledger.conftest import local

# now = 2026-06-01 (local). A contract from 2025-11-10 has 6 whole months behind it (10 Nov → 10 May).
START = date(2025, 11, 10)


def items_by_code(result):
    return {i.code: i for i in result.items}


def test_months_between_counts_whole_months():
    assert months_between(date(2026, 1, 10), date(2026, 4, 9)) == 2
    assert months_between(date(2026, 1, 10), date(2026, 4, 10)) == 3
    assert months_between(date(2025, 11, 10), date(2026, 6, 1)) == 6


def test_a_new_contract_owes_nothing_yet_and_everything_is_due(ledger, now):
    ledger.resident("new", starts_on=date(2026, 5, 20))
    result = fulfilment.contract_ledger(ledger.session, actor=ledger.actor("vdoc_a"),
                                        contract_id=ledger.world.ids["contract_new"], now=now)
    items = items_by_code(result)
    assert items["followup"].required == 4 and items["followup"].due == 4 and items["followup"].overdue == 0
    assert items["home_bp_guidance"].required == 12 and items["home_bp_guidance"].period == "month"
    assert result.expected == 0 and result.rate is None
    assert result.year_starts_on == date(2026, 5, 20) and result.year_ends_on == date(2027, 5, 19)


def test_each_kind_of_service_counts_against_its_item(ledger, now):
    ledger.resident("r1", starts_on=START)
    # Follow-ups: two in the first quarter (the second cannot stand in for the missing one in the second
    # quarter), and a phone call in the second, which is not face to face (规范).
    ledger.visit("r1", local(date(2025, 12, 1)), medications=[{"drug": "氨氯地平", "dose": "5mg"}])
    ledger.visit("r1", local(date(2026, 1, 20)))
    ledger.visit("r1", local(date(2026, 3, 15)), method="phone")
    # Reading reviews: an acknowledged alert in month 1 and a logged review in the current month (month 7).
    ledger.acknowledged_alert("r1", local(date(2025, 11, 20)))
    ledger.service("r1", "reading_review", local(date(2026, 5, 25)), method="wechat")
    # An education session for a group, in month 4; a health check is not logged yet.
    ledger.resident("r2", starts_on=START, seed=301)
    ledger.service(["r1", "r2"], "education", local(date(2026, 3, 20)), method="group")

    result = fulfilment.contract_ledger(ledger.session, actor=ledger.actor("vdoc_a"),
                                        contract_id=ledger.world.ids["contract_r1"], now=now)
    items = items_by_code(result)
    fu = items["followup"]  # 1 by month 3, 2 by month 6: quarter 1 delivered (capped at 1), quarter 2 missed
    assert (fu.required, fu.expected, fu.delivered, fu.overdue, fu.due) == (4, 2, 1, 1, 2)
    check = items["annual_check"]  # one a year, due by the end of the contract year
    assert (check.expected, check.delivered, check.overdue, check.due) == (0, 0, 0, 1)
    assert check.period_ends_on == date(2026, 11, 9)
    review = items["home_bp_guidance"]  # 6 months gone: months 1 and 7 reviewed, months 2-6 missed
    assert (review.expected, review.delivered, review.overdue, review.due) == (6, 2, 5, 5)
    assert review.period_ends_on == date(2026, 6, 9)
    talks = items["talks"]  # 2 a year: one by month 6
    assert (talks.expected, talks.delivered, talks.overdue, talks.due) == (1, 1, 0, 1)
    meds = items["medication_review"]
    assert (meds.expected, meds.delivered, meds.overdue) == (1, 1, 0)
    assert result.expected == 10 and result.overdue == 6 and result.rate == pytest.approx(0.4)
    other = fulfilment.contract_ledger(ledger.session, actor=ledger.actor("vdoc_a"),
                                       contract_id=ledger.world.ids["contract_r2"], now=now)
    assert items_by_code(other)["talks"].delivered == 1 and items_by_code(other)["followup"].delivered == 0


def test_services_before_the_contract_or_after_the_day_do_not_count(ledger, now):
    ledger.resident("r1", starts_on=date(2026, 5, 10))
    ledger.service("r1", "health_check", local(date(2026, 5, 9), 23, 30))  # the evening before the start
    early = fulfilment.contract_ledger(ledger.session, actor=ledger.actor("vdoc_a"),
                                       contract_id=ledger.world.ids["contract_r1"], now=now)
    assert items_by_code(early)["annual_check"].delivered == 0
    ledger.service("r1", "health_check", local(date(2026, 5, 10), 0, 30))  # 00:30 local on the first day
    on_day = fulfilment.contract_ledger(ledger.session, actor=ledger.actor("vdoc_a"),
                                        contract_id=ledger.world.ids["contract_r1"], now=now)
    assert items_by_code(on_day)["annual_check"].delivered == 1
    ledger.service("r1", "education", local(date(2026, 5, 12)))
    for day, delivered in ((date(2026, 5, 11), 0), (date(2026, 5, 12), 1)):
        as_of = fulfilment.contract_ledger(ledger.session, actor=ledger.actor("vdoc_a"),
                                           contract_id=ledger.world.ids["contract_r1"], now=now, on=day)
        assert items_by_code(as_of)["talks"].delivered == delivered


def test_a_referral_counts_for_a_referral_item(ledger, world, now, session):
    from app.services import packages, referrals
    from app.services.actors import Actor

    admin = Actor(kind="staff", id=0, consortium_id=world.consortium_id, role="admin")
    pkg = packages.create_package(session, actor=admin, code="green", name="转诊绿色通道", target_group="all",
                                  price_fen=0, subsidy_fen=0,
                                  items=[{"code": "referral", "name": "优先转诊", "yearly_quantity": 1}])
    session.commit()
    world.ids["pkg_green"] = pkg.id
    ledger.resident("r1", starts_on=START, package="pkg_green")
    referrals.create_referral(session, actor=ledger.actor("vdoc_a"), resident_id=world.ids["r1"],
                              to_department="心内科", reason="连续两次控制不满意", urgency="routine", now=now)
    session.commit()
    result = fulfilment.contract_ledger(session, actor=ledger.actor("vdoc_a"), contract_id=world.ids["contract_r1"],
                                        now=now)
    assert items_by_code(result)["referral"].delivered == 1


def test_another_team_does_not_find_a_contract_ledger_and_specialists_may_not_read_it(ledger, now):
    ledger.resident("r1", starts_on=START)
    contract_id = ledger.world.ids["contract_r1"]
    with pytest.raises(NotFound):
        fulfilment.contract_ledger(ledger.session, actor=ledger.actor("vdoc_c"), contract_id=contract_id, now=now)
    with pytest.raises(Forbidden):
        fulfilment.contract_ledger(ledger.session, actor=ledger.actor("cardio"), contract_id=contract_id, now=now)
    with pytest.raises(NotFound):
        fulfilment.contract_ledger(ledger.session, actor=ledger.actor("res_a1"), contract_id=contract_id, now=now)
    assert fulfilment.contract_ledger(ledger.session, actor=ledger.actor("admin"), contract_id=contract_id,
                                      now=now).contract_id == contract_id
