"""Fixtures for readings and alerts: residents who consented, actors, specialists on the ladder."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.services import auth, residents, staff
from app.services.actors import Actor, system_actor
from tests.factories import PASSWORD


@pytest.fixture
def consented(session, world, now):
    """The world with every resident's consent recorded (no processing before consent)."""
    system = system_actor(world.consortium_id)
    for name in ("res_a1", "res_a2", "res_c1", "res_free"):
        residents.record_consent(session, actor=system, resident_id=world.ids[name], version="2026-01",
                                 channel="test", now=now)
    admin = Actor(kind="staff", id=world.ids["admin"], consortium_id=world.consortium_id, role="admin")
    endo = staff.create_staff(session, actor=admin, username="endo", password=PASSWORD, full_name="endo",
                              role="specialist", institution_id=world.ids["county"], department="内分泌科")
    cardio2 = staff.create_staff(session, actor=admin, username="cardio2", password=PASSWORD, full_name="cardio2",
                                 role="specialist", institution_id=world.ids["county"], department="心内科")
    cardio2.on_duty = True
    world.ids.update(endo=endo.id, cardio2=cardio2.id)
    for username in ("endo", "cardio2"):
        world.tokens[username] = auth.login(session, username=username, password=PASSWORD,
                                            now=datetime.now().astimezone(), ttl=timedelta(hours=1)).token
    session.commit()
    return world


@pytest.fixture
def actor(session, consented):
    """actor("vdoc_a") -> the Actor behind a world login."""
    return lambda who: consented.actor(session, who)
