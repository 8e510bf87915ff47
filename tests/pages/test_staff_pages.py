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


def test_followup_form_is_the_apis_schema_and_records_a_visit(browser, world, session):
    from models.followups import FollowUp

    browser.sign_in("vdoc_a")
    page = browser.get(f"/staff/residents/{world.ids['res_a1']}/followup").get_data(as_text=True)
    for name in ('name="visited_at"', 'name="method"', 'name="classification"', 'name="systolic"',
                 'name="medications-0-drug"'):
        assert name in page
    response = browser.post(f"/staff/residents/{world.ids['res_a1']}/followup", {
        "visited_at": "2026-12-01T09:30", "method": "face_to_face", "classification": "uncontrolled",
        "systolic": "156", "diastolic": "94", "medications-0-drug": "氨氯地平", "medications-0-dose": "5mg",
        "medications-0-change": "continue"})
    assert response.status_code == 302
    visit = session.scalar(select(FollowUp).where(FollowUp.resident_id == world.ids["res_a1"]))
    assert visit.systolic == 156 and visit.classification.value == "uncontrolled"


def test_followup_form_shows_the_schemas_refusal(browser, world, session):
    from models.followups import FollowUp

    browser.sign_in("vdoc_a")
    browser.get(f"/staff/residents/{world.ids['res_a1']}/followup")
    response = browser.post(f"/staff/residents/{world.ids['res_a1']}/followup",
                            {"visited_at": "2026-12-01T09:30", "method": "by-pigeon", "classification": "controlled"})
    assert response.status_code == 200 and "请检查填写的内容" in response.get_data(as_text=True)
    assert session.scalar(select(FollowUp).where(FollowUp.resident_id == world.ids["res_a1"])) is None


def test_admin_downloads_the_kpis_as_csv_and_doctors_cannot_open_admin_pages(browser, other_browser, world):
    browser.sign_in("admin")
    assert "kpi-table" in browser.get("/staff/kpis?level=team").get_data(as_text=True)
    csv_response = browser.get("/staff/kpis.csv?level=team")
    body = csv_response.get_data(as_text=True)
    assert csv_response.mimetype == "text/csv" and "签约率" in body and "东村团队" in body
    assert "高血压包" in browser.get("/staff/admin/packages").get_data(as_text=True)
    other_browser.sign_in("vdoc_a")
    assert other_browser.get("/staff/admin/teams").status_code == 403


def test_staff_bound_through_the_bot_sign_in_with_wechat(app, browser, world, session):
    from app.services import wechat_accounts
    from models.base import utcnow
    from tests.fakes.wechat_api import running_fake_wechat
    from tests.wechat_app.conftest import APPID, SECRET

    code = wechat_accounts.issue_staff_code(session, actor=world.actor(session, "vdoc_a"), now=utcnow())
    assert wechat_accounts.bind_staff(session, openid="o-vdoc", code=code.code, now=utcnow()).ok
    session.commit()
    saved = {k: app.config[k] for k in ("WECHAT_APPID", "WECHAT_APPSECRET", "WECHAT_API_BASE", "WECHAT_OAUTH_URL")}
    with running_fake_wechat(appid=APPID, secret=SECRET) as fake:
        app.config.update(WECHAT_APPID=APPID, WECHAT_APPSECRET=SECRET, WECHAT_API_BASE=fake.base_url,
                          WECHAT_OAUTH_URL=f"{fake.base_url}/connect/oauth2/authorize")
        try:
            start = browser.get("/staff/wechat")
            assert start.status_code == 302 and start.headers["Location"].startswith(fake.base_url)
            from urllib.parse import parse_qs, urlsplit
            state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
            forged = browser.get(f"/staff/wechat/callback?code=forged&state={state}")  # WeChat refuses the code
            assert forged.status_code == 302 and "/staff/login" in forged.headers["Location"]
            assert browser.get("/staff/alerts").status_code == 302
            fake.register_oauth_code("C1", "o-vdoc")
            browser.get("/staff/wechat")
            assert browser.get("/staff/wechat/callback?code=C1&state=wrong").status_code == 403
            start = browser.get("/staff/wechat")
            state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
            done = browser.get(f"/staff/wechat/callback?code=C1&state={state}")
            assert done.status_code == 302 and done.headers["Location"].endswith("/staff/alerts")
            assert browser.get("/staff/alerts").status_code == 200
        finally:
            app.config.update(saved)


def test_resident_page_lists_the_triage_history(browser, world, session):
    from app.services import assessments, residents
    from models.base import utcnow

    actor = world.actor(session, "res_a1")
    residents.record_consent(session, actor=actor, resident_id=world.ids["res_a1"], version="2026-01",
                             channel="wechat", now=utcnow())
    assessments.assess_symptoms(session, actor=actor, resident_id=world.ids["res_a1"], text="头有点晕，休息后好些",
                                now=utcnow())
    session.commit()
    browser.sign_in("vdoc_a")
    page = browser.get(f"/staff/residents/{world.ids['res_a1']}").get_data(as_text=True)
    assert "头有点晕" in page


def _uncontrolled_visit(session, world, who="vdoc_a", name="res_a1"):
    """A visit 控制不满意 an hour ago (the pages read the real clock): 第1次控制不满意2周随访."""
    from datetime import timedelta

    from app.services import followups
    from app.services.clock import local_date
    from models.base import utcnow

    at = utcnow() - timedelta(hours=1)
    followups.record_followup(session, actor=world.actor(session, who), resident_id=world.ids[name], visited_at=at,
                              method="home", classification="uncontrolled", now=utcnow(), systolic=152, diastolic=94)
    session.commit()
    return local_date(at) + timedelta(days=14)


def test_resident_page_shows_the_ledgers_delivered_and_due_items(browser, world, session):
    import re

    due_on = _uncontrolled_visit(session, world)
    browser.sign_in("vdoc_a")
    page = browser.get(f"/staff/residents/{world.ids['res_a1']}").get_data(as_text=True)
    row = re.search(r'<tr data-item="followup">(.*?)</tr>', page, re.S).group(1)
    assert '<td class="delivered">1</td>' in row and '<td class="due">3' in row  # 4 a year: 1 done, 3 to go
    assert f'<td class="next-due">{due_on}</td>' in row  # the date the visit's 下一步管理措施 set
    assert 'id="fulfilment-rate"' in page


def test_kpi_dashboard_shows_fulfilment_and_signed_not_served(browser, world):
    browser.sign_in("admin")
    page = browser.get("/staff/kpis?level=team").get_data(as_text=True)
    assert "<th>履约率</th>" in page and "<th>只签不约率</th>" in page
    body = browser.get("/staff/kpis.csv?level=team").get_data(as_text=True)
    assert "履约率" in body.splitlines()[0] and "只签不约率" in body.splitlines()[0]


def test_pages_carry_a_strict_content_security_policy(browser, world):
    for path in ("/staff/login", "/me/login"):
        csp = browser.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe" not in csp
    assert browser.get("/healthz").headers["Content-Security-Policy"] == "frame-ancestors 'self'"
