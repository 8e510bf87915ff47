"""End-to-end tests in a real browser: Debian's chromium driven by Selenium through Debian's chromedriver.

The app runs on a loopback port in a thread against the test database; the browser is headless at
phone size (375×812) with a fresh profile and no network of its own (nothing is downloaded). Pages
are saved as screenshots under instance/screenshots/ (SCREENSHOT_DIR overrides).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE = {"width": 375, "height": 812}
# WeChat's in-app browser announces itself with MicroMessenger in the user agent.
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2203A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 "
             "Mobile Safari/537.36 MicroMessenger/8.0.49 NetType/WIFI Language/zh_CN")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--lang=zh-CN", f"--window-size={PHONE['width']},{PHONE['height']}")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "instance" / "screenshots")


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The app on 127.0.0.1 (a free port) in a thread, for the whole run."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def chrome():
    """A fresh headless Chromium at phone size; its profile is deleted afterwards."""
    profile = tempfile.mkdtemp(prefix="jiayi-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {**PHONE, "pixelRatio": 1.0},
                                                        "userAgent": WECHAT_UA})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console: CSP violations (csp_violations)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver, name: str) -> Path:
    """Save the page as instance/screenshots/NAME.png (full height of the document, phone width)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = driver.execute_script("return Math.max(document.body.scrollHeight, window.innerHeight)")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE["width"], "height": min(int(height), 2400), "deviceScaleFactor": 1, "mobile": True})
    driver.save_screenshot(str(path))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**PHONE, "deviceScaleFactor": 1, "mobile": True})
    return path


def csp_violations(driver) -> list[str]:
    """Console messages since the last call that report a blocked script, style or other resource (CSP)."""
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def wait(driver, condition, timeout: float = 20):
    """Until the condition holds. A form's post reloads the page: an element read while the old document goes
    (stale, or chromedriver's "unhandled inspector error") is read again on the next poll."""
    return WebDriverWait(driver, timeout, ignored_exceptions=(WebDriverException,)).until(condition)


def visible(driver, css: str):
    return wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def sign_in(driver, base: str, username: str, password: str) -> None:
    driver.get(f"{base}/staff/login")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(password)
    tap(driver, driver.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]"))
    visible(driver, "nav.tabs")


def tap(driver, element) -> None:
    """Scroll the element to the middle of the screen (clear of the fixed tab bar), then click it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()
