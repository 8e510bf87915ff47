"""Helpers for the scheduler tests: residents made through the services, readings as table rows."""
from __future__ import annotations

import itertools
import uuid
from datetime import date, datetime, time, timedelta

import pytest

from app.services import contracts, residents
from app.services.actors import Actor, system_actor
from app.services.clock import LOCAL_TZ
from models.org import Staff, Team
from models.readings import BpReading, GlucoseReading, ReadingSource
from models.residents import Resident
from tests.factories import id_card_for

_seeds = itertools.count(100)


class People:
    """Make residents the way the services do (register, consent, contract), with a WeChat binding."""

    def __init__(self, session, world, now):
        self.session, self.world, self.now = session, world, now
        self.system = system_actor(world.consortium_id)

    def resident(self, name: str, *, team: str | None = "team_a", conditions=("hypertension",), openid: bool = True,
                 consent: bool = True, born: date | None = None, approved_days_ago: int = 30) -> Resident:
        w, session = self.world, self.session
        village = w.ids["village_a"] if team != "team_b" else w.ids["village_c"]
        seed = next(_seeds)
        born = born or date(1952, 1, 1) + timedelta(days=seed % 4000)  # a distinct birthday: a distinct ID card
        resident = residents.register_resident(session, actor=self.system, name=name,
                                               id_card=id_card_for(born, True, seed=seed), village_id=village,
                                               conditions=list(conditions))
        if consent:
            residents.record_consent(session, actor=self.system, resident_id=resident.id, version="2026-01",
                                     channel="wechat", now=self.now - timedelta(days=approved_days_ago))
        if openid:
            resident.wechat_openid = f"o-{name}-{seed}"
        if team is not None:
            t = session.get(Team, w.ids[team])
            when = self.now - timedelta(days=approved_days_ago)
            contract = contracts.apply_contract(session, actor=self.system, resident_id=resident.id, team_id=t.id,
                                                package_ids=[w.ids["pkg_basic"], w.ids["pkg_htn"]], now=when,
                                                starts_on=when.date())
            lead = Actor(kind="staff", id=t.lead_id, consortium_id=w.consortium_id, role="township_doctor",
                         team_ids=frozenset({t.id}))
            contracts.approve_contract(session, actor=lead, contract_id=contract.id, now=when)
        session.flush()
        return resident

    def bind_staff(self, *usernames: str) -> None:
        for username in usernames:
            self.session.get(Staff, self.world.ids[username]).wechat_openid = f"o-staff-{username}"
        self.session.flush()


@pytest.fixture
def people(session, world, now):
    return People(session, world, now)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def add_bp(session, resident: Resident, at: datetime, systolic: int, diastolic: int) -> BpReading:
    reading = BpReading(consortium_id=resident.consortium_id, resident_id=resident.id, client_id=uuid.uuid4().hex,
                        measured_at=at, systolic=systolic, diastolic=diastolic, source=ReadingSource.app,
                        received_at=at)
    session.add(reading)
    return reading


def add_bp_days(session, resident: Resident, *, last_day: date, days: int, systolic: int, diastolic: int) -> None:
    """Morning (07:00) and evening (20:00) sessions of two readings a minute apart, for `days` days."""
    for k in range(days):
        day = last_day - timedelta(days=days - 1 - k)
        for hour in (7, 20):
            for minute in (0, 1):
                add_bp(session, resident, local(day, hour, minute), systolic + minute, diastolic)
    session.flush()


def add_glucose(session, resident: Resident, at: datetime, mmol: float, context: str = "fasting") -> GlucoseReading:
    reading = GlucoseReading(consortium_id=resident.consortium_id, resident_id=resident.id,
                             client_id=uuid.uuid4().hex, measured_at=at, value_mmol=mmol, context=context,
                             source=ReadingSource.app, received_at=at)
    session.add(reading)
    return reading
