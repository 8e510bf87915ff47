"""Staff pages through the Flask test client: sign-in, CSRF, the queue, an alert, scopes."""
from __future__ import annotations

from sqlalchemy import select

from models.alerts import Alert


def test_sign_in_lands_on_the_alert_queue_with_the_open_alert(browser, world, acute_alert):
    response = browser.sign_in("vdoc_a")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/alerts")
    page = browser.get("/staff/alerts").get_data(as_text=True)
    assert f'data-alert-id="{acute_alert.id}"' in page
    assert "res_a1" in page and "危急" in page and "184/114 mmHg" in page


def test_wrong_password_is_refused_and_counts_towards_the_lock(browser, world):
    for _ in range(5):
        response = browser.sign_in("vdoc_a", "wrong")
        assert response.status_code == 401
    response = browser.sign_in("vdoc_a")  # the right password, but the username is locked now
    assert response.status_code != 302
    assert "/staff/alerts" not in response.headers.get("Location", "")


def test_a_form_without_the_csrf_token_is_refused(browser, world):
    browser.get("/staff/login")
    response = browser.client.post("/staff/login", data={"username": "vdoc_a", "password": "x"})
    assert response.status_code == 400


def test_acknowledge_needs_a_note_then_takes_the_alert(browser, world, acute_alert, session):
    browser.sign_in("vdoc_a")
    browser.get(f"/staff/alerts/{acute_alert.id}")
    response = browser.post(f"/staff/alerts/{acute_alert.id}/acknowledge", {"note": "  "})
    assert response.status_code == 302
    assert "请填写处理说明" in browser.get(f"/staff/alerts/{acute_alert.id}").get_data(as_text=True)
    browser.post(f"/staff/alerts/{acute_alert.id}/acknowledge", {"note": "已电话联系，嘱复测"})
    session.expire_all()
    alert = session.scalar(select(Alert).where(Alert.id == acute_alert.id))
    assert alert.status.value == "acknowledged" and alert.acknowledged_by_id == world.ids["vdoc_a"]


def test_another_teams_doctor_gets_404_on_the_alert_and_the_resident(browser, world, acute_alert):
    browser.sign_in("vdoc_c")
    assert browser.get(f"/staff/alerts/{acute_alert.id}").status_code == 404
    assert browser.get(f"/staff/residents/{world.ids['res_a1']}").status_code == 404
    assert f'data-alert-id="{acute_alert.id}"' not in browser.get("/staff/alerts").get_data(as_text=True)


def test_pages_need_a_session(browser, world, acute_alert):
    response = browser.get(f"/staff/alerts/{acute_alert.id}")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_signing_out_revokes_the_session(browser, world):
    browser.sign_in("vdoc_a")
    assert browser.get("/staff/alerts").status_code == 200
    browser.post("/staff/logout")
    assert browser.get("/staff/alerts").status_code == 302


def test_resident_page_shows_the_phone_to_the_team(browser, world, acute_alert):
    browser.sign_in("vdoc_a")
    page = browser.get(f"/staff/residents/{world.ids['res_a1']}").get_data(as_text=True)
    assert "13800000000" in page  # team staff see the full phone, as in the API
    assert world.id_cards["res_a1"] not in page  # the ID card stays masked
