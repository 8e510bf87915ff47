"""Production refuses insecure settings: no silent demo mode, no keys derived from a
public secret, `config check` says what to fix; demo mode only when asked for."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from app import create_app
from app.config import (DEV_SECRET, SETTINGS, TUNABLES, InsecureConfiguration, InvalidSettings, _number, _whole,
                        insecure_settings, load_config)

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "WECHAT_TOKEN", "WECHAT_APPID",
           "WECHAT_APPSECRET")
GOOD = {
    "SECRET_KEY": "s" * 48,
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "BLIND_INDEX_KEY": "b" * 48,
    "WECHAT_TOKEN": "a-real-token-from-the-mp-console",
    "WECHAT_APPID": "wx1234567890abcdef",
    "WECHAT_APPSECRET": "0123456789abcdef0123456789abcdef",
    "WECHAT_ENCODING_AES_KEY": "Zyxwvutsrqponmlkjihgfedcba9876543210ZYXWVUT",
}


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A process environment with none of JiaYi's settings, as a bare `gunicorn wsgi:app` would have."""
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": "C.UTF-8",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}", **extra}


@pytest.fixture
def production_env(app, monkeypatch, tmp_path):
    """No JiaYi settings in the environment; afterwards the test app's keys are installed again."""
    from app.services import privacy

    for name in (*SECRETS, "WECHAT_ENCODING_AES_KEY", "DEMO_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    yield
    privacy.configure(app.config["FIELD_ENCRYPTION_KEYS"], app.config["BLIND_INDEX_KEY"])


def test_start_up_without_secrets_refuses_naming_each_one(production_env):
    with pytest.raises(InsecureConfiguration) as refused:
        create_app()
    message = str(refused.value)
    for name in SECRETS:
        assert name in message


def test_development_values_are_refused_outside_demo_mode(production_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", DEV_SECRET)
    monkeypatch.setenv("WECHAT_TOKEN", "jiayi-dev-token")
    with pytest.raises(InsecureConfiguration) as refused:
        create_app()
    assert "SECRET_KEY has the public development value" in str(refused.value)
    assert "WECHAT_TOKEN has the public development value" in str(refused.value)


def test_keys_are_never_derived_from_the_secret_outside_demo_mode():
    config = load_config({"SECRET_KEY": "s" * 48})
    assert config["FIELD_ENCRYPTION_KEYS"] is None and config["BLIND_INDEX_KEY"] is None
    assert config["DEMO_MODE"] is False
    assert "FIELD_ENCRYPTION_KEYS is not set" in insecure_settings(config)


def test_demo_mode_is_chosen_only_explicitly():
    assert load_config({})["DEMO_MODE"] is False
    demo = load_config({"DEMO_MODE": "1"})
    assert demo["DEMO_MODE"] is True and demo["FIELD_ENCRYPTION_KEYS"] and demo["SECRET_KEY"] == DEV_SECRET


def test_complete_production_settings_start_without_demo_and_refuse_dev_login(production_env, monkeypatch):
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)
    app = create_app({"PASSWORD_HASH_COST": (1, 1024)})
    assert app.config["DEMO_MODE"] is False
    assert insecure_settings(app.config) == []
    response = app.test_client().post("/api/v1/auth/dev-login", json={"resident_id": 2})
    assert response.status_code == 404


def test_a_setting_that_does_not_cast_stops_start_up_naming_it():
    from app.config import ConfigError

    with pytest.raises(ConfigError, match="OUTBOX_BATCH"):
        load_config({"OUTBOX_BATCH": "lots"})


NUMERIC = [name for name, spec in {**SETTINGS, **TUNABLES}.items() if spec.cast in (_whole, _number)]
BOUNDED = [(name, spec) for name, spec in {**SETTINGS, **TUNABLES}.items() if spec.low is not None]


def test_every_numeric_setting_refuses_a_value_that_is_not_a_number_naming_it():
    assert "CONFIRM_WAIT_MINUTES" in NUMERIC and "TOKEN_TTL_HOURS" in NUMERIC
    with pytest.raises(InvalidSettings) as refused:
        load_config({name: "lots" for name in NUMERIC})
    assert sorted(p.split("=")[0] for p in refused.value.problems) == sorted(NUMERIC)
    for name in NUMERIC:
        assert f"  - {name}='lots' is not " in str(refused.value)


def test_every_bounded_setting_refuses_a_value_below_its_range():
    for name, spec in BOUNDED:
        below = str(int(spec.low) - 1)
        with pytest.raises(InvalidSettings, match=f"{name}='{below}' is below"):
            load_config({name: below})
        assert load_config({name: str(spec.low if spec.cast is _number else int(spec.low))})[name] == spec.low


@pytest.mark.parametrize("name, value, reason", [
    ("CONFIRM_WAIT_MINUTES", "10", "is below 15"),  # the doctor would hear "unconfirmed" inside the window
    ("CONFIRM_WAIT_MINUTES", "45", "is above 30"),
    ("CONFIRM_WAIT_MINUTES", "half an hour", "is not a number"),
    ("CONFIRM_WAIT_MINUTES", "nan", "is not a finite number"),
    ("TOKEN_TTL_HOURS", "1.5", "is not a whole number"),
    ("SESSION_COOKIE_SECURE", "ture", "is not yes or no"),
    ("DEMO_MODE", "maybe", "is not yes or no"),
    ("LOG_FORMAT", "xml", "is not one of plain, json"),
    ("JOBS_LOCK_BACKEND", "redis", "is not one of lease, advisory"),
    ("RATELIMIT_LOGIN", "20 a minute", "is not a rate limit"),
    ("WECHAT_TEMPLATE_IDS", "{reading_advice: t1}", "is not a JSON object"),
    ("WECHAT_REPLY_DEADLINE", "6", "is above 5"),
    ("JOBS_METRICS_PORT", "70000", "is above 65535"),
])
def test_a_value_out_of_its_type_or_range_is_named_with_the_reason(name, value, reason):
    with pytest.raises(InvalidSettings) as refused:
        load_config({name: value})
    [problem] = refused.value.problems
    assert problem.startswith(f"{name}={value!r} {reason}")


def test_the_bot_must_answer_before_wechat_gives_up():
    with pytest.raises(InvalidSettings, match="WECHAT_REPLY_DEADLINE = 4.6 s leaves less than 0.6 s"):
        load_config({"WECHAT_REPLY_DEADLINE": "4.6"})
    assert load_config({"WECHAT_REPLY_DEADLINE": "4.3"})["WECHAT_REPLY_DEADLINE"] == 4.3


def test_valid_values_are_cast_once_and_reach_the_config():
    config = load_config({"CONFIRM_WAIT_MINUTES": "20", "TOKEN_TTL_HOURS": " 8 ", "SESSION_COOKIE_SECURE": "off",
                          "WECHAT_TEMPLATE_IDS": '{"reading_advice": "t1"}', "LOG_FORMAT": "JSON"})
    assert config["CONFIRM_WAIT_MINUTES"] == 20.0 and config["TOKEN_TTL_HOURS"] == 8
    assert config["SESSION_COOKIE_SECURE"] is False and config["LOG_FORMAT"] == "json"
    assert config["WECHAT_TEMPLATE_IDS"] == {"reading_advice": "t1"}
    assert load_config({})["CONFIRM_WAIT_MINUTES"] == 30.0


def test_every_invalid_setting_is_named_at_start_up(tmp_path):
    env = _clean_env(tmp_path, DEMO_MODE="1", CONFIRM_WAIT_MINUTES="5", OUTBOX_MAX_ATTEMPTS="0")
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "invalid settings" in result.stderr
    assert "CONFIRM_WAIT_MINUTES='5' is below 15" in result.stderr
    assert "OUTBOX_MAX_ATTEMPTS='0' is below 1" in result.stderr


def test_config_check_reports_invalid_settings_and_exits_non_zero(tmp_path):
    flask = str(Path(sys.executable).parent / "flask")
    env = _clean_env(tmp_path, **GOOD, REDIS_URL="redis://127.0.0.1:6379/0", CONFIRM_WAIT_MINUTES="abc",
                     TOKEN_TTL_HOURS="0")
    result = subprocess.run([flask, "--app", "wsgi", "config", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "invalid:  CONFIRM_WAIT_MINUTES='abc' is not a number" in result.stdout
    assert "invalid:  TOKEN_TTL_HOURS='0' is below 1" in result.stdout
    assert "insecure:" not in result.stdout and "2 setting(s) to fix" in result.stdout


def test_bare_wsgi_import_without_settings_fails_with_the_list(tmp_path):
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=_clean_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "refuses to start" in result.stderr and "BLIND_INDEX_KEY is not set" in result.stderr


def test_config_check_lists_what_is_insecure_and_exits_non_zero(tmp_path):
    flask = str(Path(sys.executable).parent / "flask")
    result = subprocess.run([flask, "--app", "wsgi", "config", "check"], cwd=ROOT, env=_clean_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    for name in SECRETS:
        assert f"insecure: {name} is not set" in result.stdout
    good = subprocess.run([flask, "--app", "wsgi", "config", "check"], cwd=ROOT,
                          env=_clean_env(tmp_path, **GOOD, REDIS_URL="redis://127.0.0.1:6379/0"),
                          capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "fit for production" in good.stdout


def test_demo_mode_needs_no_set_up_and_config_check_says_it_is_a_demo(tmp_path):
    flask = str(Path(sys.executable).parent / "flask")
    env = _clean_env(tmp_path, DEMO_MODE="1")
    info = subprocess.run([flask, "--app", "wsgi", "jobs", "list"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert info.returncode == 0, info.stderr
    check = subprocess.run([flask, "--app", "wsgi", "config", "check"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 1 and "DEMO_MODE is on" in check.stdout


def test_make_run_chooses_demo_mode():
    makefile = (ROOT / "Makefile").read_text()
    assert "run: export DEMO_MODE = 1" in makefile
