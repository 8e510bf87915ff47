"""Resident pages (/me/): demo sign-in, WeChat sign-in, own readings, consent, data rights."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.services import readings, residents
from models.base import utcnow
from models.residents import Consent, DeletionRequest


def demo_sign_in(browser, world, who="res_a1"):
    browser.get("/me/login")
    return browser.post("/me/demo-login", {"resident_id": str(world.ids[who]), "next": "/me/bp"})


@pytest.fixture
def consented(world, session):
    actor = world.actor(session, "res_a1")
    residents.record_consent(session, actor=actor, resident_id=world.ids["res_a1"], version="2026-01",
                             channel="wechat", now=utcnow())
    at = utcnow() - timedelta(hours=2)
    readings.record_bp(session, actor=actor, resident_id=None, systolic=146, diastolic=91, measured_at=at, now=at,
                       source=None)
    session.commit()
    return world


def test_demo_sign_in_opens_my_bp_with_the_latest_reading(browser, consented):
    response = demo_sign_in(browser, consented)
    assert response.status_code == 302 and response.headers["Location"] == "/me/bp"
    page = browser.get("/me/bp").get_data(as_text=True)
    assert "146/91" in page and "比目标高一些" in page


def test_demo_sign_in_is_not_there_outside_demo_mode(app, browser, world):
    app.config["DEMO_MODE"] = False
    try:
        browser.get("/staff/login")  # a page with a CSRF token
        assert browser.post("/me/demo-login", {"resident_id": str(world.ids["res_a1"])}).status_code == 404
        assert browser.get("/me/login").status_code == 302  # straight to WeChat's authorisation
    finally:
        app.config["DEMO_MODE"] = True


def test_staff_cannot_use_the_resident_pages(browser, world):
    browser.sign_in("vdoc_a")
    response = browser.get("/me/bp")
    assert response.status_code == 302 and "/me/login" in response.headers["Location"]


def test_resident_cannot_use_the_staff_pages(browser, consented):
    demo_sign_in(browser, consented)
    response = browser.get("/staff/alerts")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_withdrawing_consent_and_asking_for_deletion(browser, consented, session):
    demo_sign_in(browser, consented)
    browser.get("/me/privacy")
    browser.post("/me/privacy/withdraw")
    session.expire_all()
    consents = session.scalars(select(Consent).where(Consent.resident_id == consented.ids["res_a1"])).all()
    assert consents and all(c.withdrawn_at is not None for c in consents)
    export = browser.get("/me/privacy/export")
    assert export.status_code == 200 and export.mimetype == "application/json"
    browser.get("/me/privacy")
    browser.post("/me/privacy/delete")
    assert session.scalar(select(DeletionRequest).where(DeletionRequest.resident_id == consented.ids["res_a1"]))


def test_my_team_shows_the_village_doctors_phone(browser, consented):
    demo_sign_in(browser, consented)
    page = browser.get("/me/team").get_data(as_text=True)
    assert "vdoc_a" in page and "tel:13900000001" in page


def test_my_contract_shows_what_was_delivered_and_what_is_due(browser, consented, session):
    import re

    from app.services import followups
    from app.services.clock import add_months, local_date

    at = utcnow() - timedelta(hours=1)
    followups.record_followup(session, actor=consented.actor(session, "vdoc_a"), resident_id=consented.ids["res_a1"],
                              visited_at=at, method="face_to_face", classification="controlled", now=utcnow(),
                              systolic=128, diastolic=80)
    session.commit()
    demo_sign_in(browser, consented)
    page = browser.get("/me/contract").get_data(as_text=True)
    assert "本年度已为您提供 1 次服务" in page
    row = re.search(r'<tr data-item="followup">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="delivered">1</td>' in row
    assert f'<td class="next-due">{add_months(local_date(at), 3)}</td>' in row  # 常规随访: in 3 months
    assert "履约率" not in page  # the staff's word, not the resident's
