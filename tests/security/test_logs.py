"""Nothing personal in logs (docs/security.md): the real service under gunicorn, as `make run` and production
start it (gunicorn.conf.py read from the repository root, LOG_FORMAT=json), through a realistic session: a
staff login, a resident registered and searched for by ID-card number, phone and name, readings, WeChat
messages (signed, a binding attempt with the ID-card tail, a retried event), a validation error and 404s
carrying the numbers. Afterwards no access-log, error-log or application-log line holds any of them.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import requests

from app.config import load_config
from app.wechat.simulator import ChatSimulator, http_post
from app.wechat.views import transport_config
from tests.conftest import TEST_ENV
from tests.factories import PASSWORD, id_card_for

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
NAME = "欧阳秀兰"
PHONE = "13912345678"
CARD = id_card_for(date(1956, 9, 17), male=False, seed=41)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _logs(*paths: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in paths if p.exists())


class Service:
    """gunicorn wsgi:app in its own process group, stdout (the access log) and stderr in files."""

    def __init__(self, env: dict[str, str], tmp: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.out, self.err = tmp / "stdout.log", tmp / "stderr.log"
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.process = subprocess.Popen(
                [GUNICORN, "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{self.port}",
                 "--access-logfile", "-", "wsgi:app"],
                cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True)

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited ({self.process.returncode}):\n{self.text()[-4000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # refused, or the workers are still booting
                pass
            time.sleep(0.1)
        raise AssertionError(f"gunicorn not ready after {timeout}s:\n{self.text()[-4000:]}")

    def stop(self) -> None:
        """SIGTERM to the group (workers finish and flush), SIGKILL if it lingers."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def text(self) -> str:
        return _logs(self.out, self.err)


def _session(service: Service, world, sent_queries: list[dict[str, str]]) -> None:
    """What a doctor and a resident do in an afternoon, with every personal value in the usual places."""
    api = service.url + "/api/v1"
    http = requests.Session()
    # a failed login with a phone number for a username, then the doctor signs in
    assert http.post(f"{api}/auth/login", json={"username": PHONE, "password": "x"}).status_code == 401
    login = http.post(f"{api}/auth/login", json={"username": "gp1", "password": PASSWORD})
    assert login.status_code == 200, login.text
    http.headers["Authorization"] = f"Bearer {login.json()['token']}"

    created = http.post(f"{api}/residents", json={"name": NAME, "id_card": CARD, "phone": PHONE,
                                                  "village_id": world.ids["village_a"],
                                                  "conditions": ["hypertension"]})
    assert created.status_code == 201, created.text
    for query in ({"id_card": CARD}, {"phone": PHONE}, {"name": NAME}):
        assert http.get(f"{api}/residents", params=query).status_code == 200

    # readings for a resident of the team: a dangerous value with symptoms that carry a phone number
    other = world.ids["res_a1"]
    consent = http.post(f"{api}/residents/{other}/consents", json={"version": "2026-01", "channel": "paper"})
    assert consent.status_code == 201, consent.text
    now = datetime.now(timezone.utc)
    bp = http.post(f"{api}/readings/bp", json={
        "resident_id": other, "systolic": 186, "diastolic": 112, "measured_at": now.isoformat(),
        "symptoms": f"头晕，有事打 {PHONE}"})
    assert bp.status_code in (200, 201), bp.text
    glucose = http.post(f"{api}/readings/glucose", json={
        "resident_id": other, "value": 7.2, "context": "fasting",
        "measured_at": (now - timedelta(minutes=1)).isoformat()})
    assert glucose.status_code in (200, 201), glucose.text

    # validation errors: a wrong check digit, an ID-card number too long for the search
    bad_card = CARD[:-1] + ("0" if CARD[-1] != "0" else "1")
    assert http.post(f"{api}/residents", json={"name": NAME, "id_card": bad_card, "phone": PHONE,
                                               "village_id": world.ids["village_a"]}).status_code == 422
    assert http.get(f"{api}/residents", params={"id_card": CARD + CARD}).status_code == 422
    # 404s with the numbers in the path
    assert http.get(f"{api}/residents/{CARD[:17]}1").status_code == 404
    assert http.get(f"{service.url}/residents/{CARD}/{PHONE}", headers={"X-Request-ID": PHONE}).status_code == 404

    # WeChat: signed (safe mode, the demo account), binding with the ID-card tail and with the phone
    post = http_post(service.url)

    def recorded(query: dict[str, str], body: bytes) -> tuple[int, str]:
        sent_queries.append(query)
        return post(query, body)

    config = transport_config(load_config({"DEMO_MODE": "1"}))
    resident = ChatSimulator(config, openid="o" + uuid.uuid4().hex[:27], post=recorded)
    subscribe = resident.inner_xml("event", "<Event><![CDATA[subscribe]]></Event>", with_msg_id=False)
    for _ in range(2):  # WeChat delivers the event again when the first answer is late
        assert resident.deliver(subscribe).status == 200
    # a wrong ID-card tail, the right one, consent, then the full number and a reading typed into the chat
    for line in ("绑定", NAME, "000000", NAME, CARD[-6:], "同意", f"我的身份证 {CARD}", "血压 150/95"):
        assert resident.text(line).status == 200
    stranger = ChatSimulator(config, openid="o" + uuid.uuid4().hex[:27], post=recorded)
    for line in ("绑定", NAME, PHONE):  # the resident is bound already: refused
        assert stranger.text(line).status == 200
    tampered = dict(sent_queries[-1], msg_signature="0" * 40, nonce=uuid.uuid4().hex[:10])
    assert post(tampered, b"<xml/>")[0] in (400, 403)


def test_no_personal_value_reaches_any_log_line(app, world, tmp_path):
    env = {**os.environ, **TEST_ENV, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "LOG_FORMAT": "json", "WECHAT_API_BASE": "http://127.0.0.1:9", "WECHAT_WARM_UP": "0"}
    env.pop("REDIS_URL", None)
    sent: list[dict[str, str]] = []
    service = Service(env, tmp_path)
    try:
        service.wait_ready()
        _session(service, world, sent)
        time.sleep(0.5)  # the bot's replies finish in their threads
    finally:
        service.stop()
    logs = service.text()

    # the logs saw the session: requests, paths, the callback, the binding, the refused forgery
    assert '"GET /api/v1/residents' in logs and '"POST /wechat' in logs
    assert '"path": "/api/v1/readings/bp"' in logs and "wechat: binding attempt failed" in logs
    assert "wechat: binding attempt succeeded" in logs
    assert "wechat: duplicate delivery" in logs and "wechat callback refused" in logs

    personal = [("resident's ID-card number", CARD), ("wrong ID-card number", CARD[:-1]),
                ("resident's phone", PHONE), ("resident's name", NAME)]
    personal += [(f"{key}'s ID-card number", card) for key, card in world.id_cards.items()]
    personal += [(f"WeChat {field}", query[field]) for query in sent
                 for field in ("signature", "msg_signature", "openid", "nonce") if query.get(field)]
    leaks = [(what, line) for what, value in personal for form in {value, quote(value)}
             for line in logs.splitlines() if form in line]
    assert not leaks, "\n".join(f"{what}: {line}" for what, line in leaks)


def test_a_traceback_and_extra_fields_are_redacted_in_both_formats():
    import logging

    from app.logs import RedactingFilter
    from app.observability import JsonFormatter

    lines: list[str] = []
    handlers = []
    for formatter in (logging.Formatter("%(message)s %(path)s"), JsonFormatter()):
        handler = logging.Handler()
        handler.setFormatter(formatter)
        handler.emit = lambda record, h=handler: lines.append(h.format(record))
        handler.addFilter(RedactingFilter())
        handlers.append(handler)
    logger = logging.getLogger("jiayi.test.redaction")
    for handler in handlers:
        logger.addHandler(handler)
    try:
        try:
            raise ValueError(f"duplicate key (id_card)=({CARD}) phone {PHONE}")
        except ValueError:
            logger.exception("unhandled error", extra={"path": f"/api/v1/residents/{CARD}"})
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
    assert len(lines) == 2 and all("ValueError" in line and "residents/" in line for line in lines)
    assert not [line for line in lines if CARD in line or PHONE in line]
