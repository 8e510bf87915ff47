"""Links from WeChat messages and the menu to the workspace pages."""
from app.wechat.links import page_link, with_link
from app.wechat.menu import MENU, menu_with_pages, validate_menu

BASE = "https://jiayi.example.cn"


def test_a_doctors_alert_notice_opens_that_alert():
    assert page_link(BASE, "alert_opened", {"alert_id": 7}) == f"{BASE}/staff/alerts/7"
    assert page_link(BASE, "alert_escalated", {"alert_id": 7}) == f"{BASE}/staff/alerts/7"
    assert page_link(BASE, "alert_digest", {"alert_ids": [1, 2]}) == f"{BASE}/staff/alerts"


def test_resident_messages_open_their_own_pages():
    assert page_link(BASE, "reading_advice", {"type": "bp"}) == f"{BASE}/me/bp"
    assert page_link(BASE, "reading_advice", {"type": "glucose"}) == f"{BASE}/me/glucose"
    assert page_link(BASE, "reminder_measure", {}) == f"{BASE}/me/bp"
    assert page_link(BASE, "reminder_renewal", {}) == f"{BASE}/me/contract"


def test_no_public_address_means_no_link():
    assert page_link(None, "alert_opened", {"alert_id": 7}) is None
    assert with_link("血压偏高", None) == "血压偏高"
    assert with_link("血压偏高", f"{BASE}/me/bp").endswith(f"{BASE}/me/bp")


def test_the_menu_opens_the_resident_pages_and_stays_within_wechat_limits():
    menu = menu_with_pages(BASE)
    assert validate_menu(menu) == []
    urls = [leaf["url"] for button in menu["button"] for leaf in button.get("sub_button", []) if leaf["type"] == "view"]
    assert f"{BASE}/me/bp" in urls and f"{BASE}/me/glucose" in urls
    assert menu_with_pages(None) is MENU
