"""The workspace's journeys in headless Chromium at phone size, against the app on a loopback port."""
from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from app.services import alerts, readings, referrals, residents, wechat_accounts
from app.services.actors import Actor
from app.services.auth import resident_actor
from app.services.clock import local_date
from app.wechat.simulator import ChatSimulator, http_post
from models.base import utcnow
from models.residents import Resident
from tests.browser.conftest import csp_violations, screenshot, sign_in, tap, visible, wait
from tests.factories import PASSWORD
from tests.fakes.wechat_api import running_fake_wechat
from tests.wechat_app.conftest import APPID, SECRET, TEST_SETTINGS, transport

CHINESE_NAME = "张秀英"


def consent(session, world, who: str) -> None:
    resident = session.get(Resident, world.ids[who])
    residents.record_consent(session, actor=resident_actor(resident), resident_id=resident.id, version="2026-01",
                             channel="wechat", now=utcnow())


@pytest.fixture
def queue(world, session):
    """Team A's queue: a moderate trend flag first opened, then a confirmed 182/112 (critical) for res_a1."""
    now = utcnow()
    lead = world.actor(session, "gp1")
    for who, name in (("res_a1", CHINESE_NAME), ("res_a2", "李建国")):  # names as the screenshots show them
        residents.update_resident(session, actor=lead, resident_id=world.ids[who], name=name)
    consent(session, world, "res_a1")
    alerts.raise_alert(session, resident_id=world.ids["res_a2"], kind="trend_bp", severity="moderate",
                       summary="血压控制不佳：近7天均值 148/92", now=now - timedelta(hours=3),
                       value={"type": "bp", "systolic": 148, "diastolic": 92})
    actor = world.actor(session, "res_a1")
    for days in (12, 9, 5, 2):  # home readings over the last fortnight, for the chart
        at = now - timedelta(days=days, hours=1)
        readings.record_bp(session, actor=actor, resident_id=None, systolic=150 - days, diastolic=94 - days // 2,
                           measured_at=at, now=at, source=None)
    at = now - timedelta(minutes=20)
    for minutes, (sys_, dia) in ((0, (182, 112)), (2, (184, 114))):
        moment = at + timedelta(minutes=minutes)
        readings.record_bp(session, actor=actor, resident_id=None, systolic=sys_, diastolic=dia, measured_at=moment,
                           now=moment, source=None)
    session.commit()
    page = alerts.team_queue(session, world.actor(session, "vdoc_a"))
    session.commit()
    return {a.resident_id: a.id for a in page.items}


def test_village_doctor_takes_the_most_urgent_alert(chrome, live_server, world, queue):
    sign_in(chrome, live_server, "vdoc_a", PASSWORD)
    rows = chrome.find_elements(By.CSS_SELECTOR, "#alert-list li.row")
    urgent = queue[world.ids["res_a1"]]
    assert [r.get_attribute("data-alert-id") for r in rows] == [str(urgent), str(queue[world.ids["res_a2"]])]
    assert "剩" in rows[0].find_element(By.CSS_SELECTOR, ".countdown").text  # the SLA countdown runs
    screenshot(chrome, "staff_alerts")

    tap(chrome, rows[0].find_element(By.CSS_SELECTOR, "a"))
    visible(chrome, "#alert")
    wait(chrome, EC.presence_of_element_located((By.CSS_SELECTOR, "[data-chart-ready] svg")))
    tap(chrome, chrome.find_element(By.LINK_TEXT, "90天"))  # htmx swaps the 90-day chart in
    wait(chrome, EC.presence_of_element_located((By.CSS_SELECTOR, "[data-chart='opt-bp-90'][data-chart-ready] svg")))
    assert chrome.current_url.endswith(f"/staff/alerts/{urgent}")
    screenshot(chrome, "staff_alert")
    assert csp_violations(chrome) == []  # the queue, the alert and both charts run under the pages' strict CSP

    chrome.find_element(By.CSS_SELECTOR, "#ack-form textarea").send_keys("已电话联系，嘱复测并来卫生室")
    tap(chrome, chrome.find_element(By.CSS_SELECTOR, "#ack-form button"))
    assert "升级计时已停止" in visible(chrome, ".flash.ok").text
    assert chrome.find_element(By.ID, "alert").get_attribute("data-status") == "acknowledged"

    tap(chrome, chrome.find_element(By.LINK_TEXT, "预警"))
    visible(chrome, "#alert-list")
    ids = [r.get_attribute("data-alert-id") for r in chrome.find_elements(By.CSS_SELECTOR, "#alert-list li.row")]
    assert str(urgent) not in ids and str(queue[world.ids["res_a2"]]) in ids


def test_specialist_accepts_a_referral_and_books_a_slot(chrome, live_server, world, session):
    now = utcnow()
    consent(session, world, "res_a1")
    referral = referrals.create_referral(session, actor=world.actor(session, "vdoc_a"), resident_id=world.ids["res_a1"],
                                         to_department="心内科", reason="家庭血压持续高于目标，调整用药后仍未达标",
                                         urgency="urgent", now=now)
    admin = Actor(kind="staff", id=world.ids["admin"], consortium_id=world.consortium_id, role="admin")
    slot = referrals.publish_slot(session, actor=admin, department="心内科", day=local_date(now) + timedelta(days=2),
                                  capacity=20, reserved_for_referrals=4, now=now)
    session.commit()

    sign_in(chrome, live_server, "cardio", PASSWORD)
    tap(chrome, visible(chrome, f"#referral-list li[data-referral-id='{referral.id}'] a"))
    tap(chrome, visible(chrome, "#accept"))
    assert wait(chrome, EC.text_to_be_present_in_element((By.ID, "referral-status"), "已接收"))
    Select(visible(chrome, "#book-form select")).select_by_value(str(slot.id))
    tap(chrome, chrome.find_element(By.ID, "book"))
    assert wait(chrome, EC.text_to_be_present_in_element((By.ID, "referral-status"), "已预约"))
    screenshot(chrome, "staff_referral")
    session.expire_all()
    assert referrals.get_referral(session, world.actor(session, "cardio"), referral.id).slot_id == slot.id


@pytest.fixture
def wechat(app, world, session):
    """res_a1 bound to the openid o-zhang through the bot's binding service, with consent, and the fake WeChat
    (its authorisation page included) on loopback."""
    saved = {key: app.config.get(key) for key in (*TEST_SETTINGS, "WECHAT_API_BASE", "WECHAT_OAUTH_URL")}
    residents.update_resident(session, actor=world.actor(session, "gp1"), resident_id=world.ids["res_a1"],
                              name=CHINESE_NAME)
    result = wechat_accounts.bind_resident(session, openid="o-zhang", name=CHINESE_NAME,
                                           secret=world.id_cards["res_a1"][-6:], now=utcnow())
    assert result.ok
    consent(session, world, "res_a1")
    session.commit()
    from app.wechat import views

    with running_fake_wechat(appid=APPID, secret=SECRET) as fake:
        # A reply deadline long enough for a loaded machine: the reply comes in the same HTTP answer.
        app.config.update(TEST_SETTINGS, WECHAT_API_BASE=fake.base_url, WECHAT_REPLY_DEADLINE=30.0,
                          WECHAT_OAUTH_URL=f"{fake.base_url}/connect/oauth2/authorize")
        app.extensions.pop(views.SERVICES_KEY, None)  # bot services built with earlier settings
        try:
            yield fake
        finally:

            for key, value in saved.items():
                if value is None:
                    app.config.pop(key, None)
                else:
                    app.config[key] = value
            app.extensions.pop(views.SERVICES_KEY, None)


def test_resident_sees_the_reading_just_sent_through_the_bot(chrome, live_server, app, wechat):
    bot = ChatSimulator(transport(app), openid="o-zhang", post=http_post(live_server))
    reply = bot.text("血压 152/96")
    assert "152/96" in reply.text

    wechat.sign_in_as("o-zhang")  # the WeChat user opening 我的血压 from the menu
    chrome.get(f"{live_server}/me/login?wechat=1&next=/me/bp")
    assert visible(chrome, "#latest-value").text.startswith("152/96")
    assert "最近30天量了1次血压" in chrome.find_element(By.ID, "summary").text
    wait(chrome, EC.presence_of_element_located((By.CSS_SELECTOR, "[data-chart-ready] svg")))
    screenshot(chrome, "me_bp")


def test_a_village_doctor_of_another_team_cannot_open_the_resident(chrome, live_server, world):
    sign_in(chrome, live_server, "vdoc_c", PASSWORD)
    chrome.get(f"{live_server}/staff/residents/{world.ids['res_a1']}")
    assert visible(chrome, "#error").get_attribute("data-status") == "404"
    assert "res_a1" not in chrome.page_source


def test_admin_reads_fulfilment_on_the_kpi_dashboard(chrome, live_server, world):
    sign_in(chrome, live_server, "admin", PASSWORD)  # admins land on the KPIs
    wait(chrome, EC.presence_of_element_located((By.CSS_SELECTOR, "[data-chart='opt-kpi'][data-chart-ready] svg")))
    headers = [th.text for th in chrome.find_elements(By.CSS_SELECTOR, "#kpi-table th")]
    assert "履约率" in headers and "只签不约率" in headers
    assert csp_violations(chrome) == []
    screenshot(chrome, "staff_kpis")
