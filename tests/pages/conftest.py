"""Fixtures for the workspace pages: a signed-in test client and an open alert."""
from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """The Flask test client with the page's CSRF token at hand."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def get(self, path, **kwargs):
        response = self.client.get(path, **kwargs)
        html = response.get_data(as_text=True)
        if 'name="csrf_token"' in html:
            self.token = csrf_of(html)
        return response

    def post(self, path, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        return self.client.post(path, data=data, **kwargs)

    def sign_in(self, username, password=PASSWORD):
        self.get("/staff/login")
        return self.post("/staff/login", {"username": username, "password": password})


@pytest.fixture
def browser(app, db):
    return Browser(app.test_client())


@pytest.fixture
def other_browser(app, db):
    return Browser(app.test_client())


@pytest.fixture
def acute_alert(world, session):
    """A confirmed 182/112 for res_a1 (team A) through the readings service: an open critical alert.

    The pages read the real clock, so the readings are of the last half hour."""
    from datetime import timedelta

    from app.services import readings, residents
    from models.alerts import Alert
    from models.base import utcnow

    actor = world.actor(session, "res_a1")
    residents.record_consent(session, actor=actor, resident_id=world.ids["res_a1"], version="2026-01", channel="wechat",
                             now=utcnow())
    at = utcnow() - timedelta(minutes=20)
    for minutes, (sys_, dia) in ((0, (182, 112)), (2, (184, 114))):
        moment = at + timedelta(minutes=minutes)
        readings.record_bp(session, actor=actor, resident_id=None, systolic=sys_, diastolic=dia, measured_at=moment,
                           now=moment, source=None)
    session.commit()
    from sqlalchemy import select
    return session.scalar(select(Alert).where(Alert.resident_id == world.ids["res_a1"]))
