"""The WeChat API client against the fake WeChat API server on loopback."""
from __future__ import annotations

import threading
import time

import pytest

from app.wechat.client import (
    MemoryTokenStore,
    SendResult,
    WeChatApiError,
    WeChatClient,
    classify,
    strip_emoji,
    template_data,
    template_value,
)
from app.wechat.menu import MENU
from tests.fakes.wechat_api import running_fake_wechat


@pytest.fixture()
def fake():
    with running_fake_wechat() as server:
        yield server


@pytest.fixture()
def client(fake):
    return WeChatClient(fake.appid, fake.secret, base_url=fake.base_url, timeout=0.5)


def paths(fake) -> list[str]:
    return [r["path"] for r in fake.requests]


# --- token ---------------------------------------------------------------------------------------
def test_token_comes_from_stable_token_and_is_cached(client, fake):
    assert client.send_custom_text("o1", "早上好").ok
    assert client.send_custom_text("o1", "晚上好").ok
    assert paths(fake).count("/cgi-bin/stable_token") == 1
    assert "/cgi-bin/token" not in paths(fake)


def test_falls_back_to_cgi_bin_token_when_stable_token_is_unavailable(client, fake):
    fake.disable_stable_token()
    assert client.send_custom_text("o1", "你好").ok
    assert paths(fake)[:2] == ["/cgi-bin/stable_token", "/cgi-bin/token"]


def test_token_expiry_in_the_middle_of_a_send_refreshes_once_and_retries_once(client, fake):
    assert client.send_custom_text("o1", "第一条").ok
    fake.expire_tokens()
    result = client.send_custom_text("o1", "第二条")
    assert result.ok
    sends = [p for p in paths(fake) if p.endswith("custom/send")]
    assert len(sends) == 3  # ok, 42001, retry ok
    assert paths(fake).count("/cgi-bin/stable_token") == 2
    assert [s["text"]["content"] for s in fake.sends("custom")] == ["第一条", "第二条"]


def test_invalidated_token_that_stable_token_repeats_is_force_refreshed(client, fake):
    client.send_custom_text("o1", "x")
    fake.invalidate_tokens()  # 40001, and stable_token hands back the same token
    assert client.send_custom_text("o1", "y").ok
    forced = [r for r in fake.requests if r["path"] == "/cgi-bin/stable_token" and b'"force_refresh": true' in r["raw"]]
    assert len(forced) == 1


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_a_persistent_token_error_is_retried_only_once(client, fake, errcode):
    fake.fail_next(errcode, times=5, path="/cgi-bin/message/custom/send")
    result = client.send_custom_text("o1", "x")
    assert not result.ok and result.errcode == errcode and result.retryable
    assert len([p for p in paths(fake) if p.endswith("custom/send")]) == 2


def test_another_holder_refresh_is_reused_instead_of_fetching_again(fake):
    store = MemoryTokenStore()
    a = WeChatClient(fake.appid, fake.secret, base_url=fake.base_url, store=store)
    b = WeChatClient(fake.appid, fake.secret, base_url=fake.base_url, store=store)
    assert a.send_custom_text("o1", "x").ok
    assert b.send_custom_text("o1", "y").ok
    assert fake.token_requests == 1


def test_concurrent_first_sends_fetch_the_token_once(fake):
    store = MemoryTokenStore()
    clients = [WeChatClient(fake.appid, fake.secret, base_url=fake.base_url, store=store) for _ in range(8)]
    results: list[SendResult] = []
    threads = [threading.Thread(target=lambda c=c: results.append(c.send_custom_text("o1", "x"))) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in results) and len(results) == 8
    assert fake.token_requests == 1


def test_expired_cached_token_is_refreshed_before_sending(fake):
    now = [1000.0]
    client = WeChatClient(fake.appid, fake.secret, base_url=fake.base_url, clock=lambda: now[0])
    client.send_custom_text("o1", "x")
    now[0] += 7200
    fake.expire_tokens()
    assert client.send_custom_text("o1", "y").ok
    sends = [r for r in fake.requests if r["path"].endswith("custom/send")]
    assert len(sends) == 2


def test_wrong_secret_is_a_final_configuration_error(fake):
    client = WeChatClient(fake.appid, "wrong", base_url=fake.base_url)
    result = client.send_custom_text("o1", "x")
    assert not result.ok and not result.retryable
    assert fake.sends("custom") == []
    with pytest.raises(WeChatApiError):
        client.access_token()


# --- classification ---------------------------------------------------------------------------
@pytest.mark.parametrize("errcode", [-1, 45011])
def test_busy_and_rate_limit_are_retryable(client, fake, errcode):
    client.access_token()
    fake.fail_next(errcode)
    result = client.send_custom_text("o1", "x")
    assert result.errcode == errcode and result.retryable and not result.final


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_http_5xx_and_429_are_retryable(client, fake, status):
    client.access_token()
    fake.fail_next(http_status=status)
    result = client.send_template("o1", "tpl", {"thing1": "x"})
    assert result.http_status == status and result.errcode is None and result.retryable


def test_http_404_is_final(client, fake):
    client.access_token()
    fake.fail_next(http_status=404)
    assert client.send_custom_text("o1", "x").final


def test_timeout_is_classified_retryable(client, fake):
    client.access_token()
    fake.hang(1.5)
    started = time.monotonic()
    result = client.send_custom_text("o1", "x")
    assert time.monotonic() - started < 1.4  # the 0.5 s timeout, not the 1.5 s hang
    assert not result.ok and result.retryable and result.errcode is None and "timeout" in result.errmsg


def test_token_fetch_has_a_timeout_too(fake):
    client = WeChatClient(fake.appid, fake.secret, base_url=fake.base_url, timeout=0.3)
    fake.hang(1.5, times=2)
    started = time.monotonic()
    result = client.send_custom_text("o1", "x")
    assert time.monotonic() - started < 1.4
    assert not result.ok and result.retryable


def test_connection_refused_is_retryable():
    client = WeChatClient("wx", "s", base_url="http://127.0.0.1:9", timeout=0.5)
    result = client.send_custom_text("o1", "x")
    assert not result.ok and result.retryable and result.errcode is None


def test_unsubscribed_user_is_final(client, fake):
    fake.set_unsubscribed("o-gone")
    result = client.send_template("o-gone", "tpl", {"thing1": "血压偏高"})
    assert result.errcode == 43004 and result.final and not result.reroute
    assert fake.sends("template") == []


def test_outside_the_48h_window_is_final_and_reroutable(client, fake):
    fake.set_outside_window("o-old")
    result = client.send_custom_text("o-old", "x")
    assert result.errcode == 45015 and result.final and result.reroute


def test_invalid_openid_is_final(client):
    result = client.send_custom_text("not-an-openid", "x")
    assert result.errcode == 40003 and result.final


def test_invalid_template_is_a_final_config_error(client):
    result = client.send_template("o1", "bad-template", {"thing1": "x"})
    assert result.errcode == 40037 and result.final and result.config_error


def test_rate_limit_control_answers_45011(client, fake):
    fake.rate_limit(1)
    assert client.send_custom_text("o1", "a").ok
    result = client.send_custom_text("o1", "b")
    assert result.errcode == 45011 and result.retryable


@pytest.mark.parametrize(
    "errcode, retryable, reroute, tomorrow",
    [(-1, True, False, False), (45011, True, False, False), (43004, False, False, False), (43101, False, True, False),
     (45015, False, True, False), (45047, False, True, False), (47003, False, False, False), (40003, False, False, False),
     (40037, False, False, False), (48001, False, False, False), (45009, False, False, True), (0, False, False, False)],
)
def test_classify_table(errcode, retryable, reroute, tomorrow):
    result = classify(errcode)
    assert (result.retryable, result.reroute, result.retry_tomorrow) == (retryable, reroute, tomorrow)
    assert result.ok is (errcode == 0)


@pytest.mark.parametrize("errcode", [45009, 43101, 47003, 48001])
def test_final_errors_from_the_server_are_final(client, fake, errcode):
    client.access_token()
    fake.fail_next(errcode)
    assert client.send_subscribe("o1", "tpl", {"thing1": "x"}).final


# --- payloads ----------------------------------------------------------------------------------
def test_template_values_are_truncated_to_20_chars_without_emoji(client, fake):
    data = {"thing1": "您的血压连续三天高于目标值请尽快联系家庭医生复查👍", "time2": {"value": "2026年11月23日\n08:00"},
            "phrase3": "偏高🙂"}
    result = client.send_template("o1", "tpl", data, url="https://jiayi.example.cn/r/1", client_msg_id="alert-42")
    assert result.ok, result
    sent = fake.sends("template")[0]
    values = {k: v["value"] for k, v in sent["data"].items()}
    assert values["thing1"] == "您的血压连续三天高于目标值请尽快联系家…"
    assert len(values["thing1"]) == 20
    assert values["time2"] == "2026年11月23日 08:00"
    assert values["phrase3"] == "偏高"
    assert sent["client_msg_id"] == "alert-42" and sent["url"] == "https://jiayi.example.cn/r/1"


def test_client_msg_id_makes_a_resend_a_no_op(client, fake):
    first = client.send_template("o1", "tpl", {"thing1": "x"}, client_msg_id="same")
    second = client.send_template("o1", "tpl", {"thing1": "x"}, client_msg_id="same")
    assert first.ok and second.ok and first.msgid == second.msgid
    assert len(fake.sends("template")) == 1


def test_bodies_are_utf8_without_unicode_escapes(client, fake):
    client.send_custom_text("o1", "血压 150/95 已记录")
    raw = fake.sends("custom")[0]["raw"]
    assert "血压 150/95 已记录".encode() in raw and b"\\u" not in raw


def test_subscribe_message_goes_to_bizsend(client, fake):
    assert client.send_subscribe("o1", "sub-tpl", {"thing1": "复查提醒"}, page="pages/index").ok
    sent = fake.sends("subscribe")[0]
    assert sent["template_id"] == "sub-tpl" and sent["page"] == "pages/index" and sent["data"]["thing1"]["value"] == "复查提醒"


def test_custom_text_body(client, fake):
    client.send_custom_text("o1", "收到")
    assert fake.sends("custom")[0] == {**fake.sends("custom")[0], "touser": "o1", "msgtype": "text", "text": {"content": "收到"}}


def test_create_menu_pushes_the_menu_data(client, fake):
    assert client.create_menu(MENU).ok
    sent = fake.sends("menu")[0]
    assert sent["button"] == MENU["button"]
    assert "记录血压".encode() in sent["raw"]


# --- OAuth -------------------------------------------------------------------------------------
def test_oauth_code_exchanges_for_the_openid_once(client, fake):
    fake.register_oauth_code("CODE1", "o-staff-1")
    assert client.oauth_code_to_openid("CODE1") == "o-staff-1"
    request = [r for r in fake.requests if r["path"] == "/sns/oauth2/access_token"][0]
    assert request["query"]["grant_type"] == "authorization_code" and request["query"]["appid"] == fake.appid
    with pytest.raises(WeChatApiError) as err:
        client.oauth_code_to_openid("CODE1")
    assert err.value.errcode == 40029 and not err.value.retryable


def test_oauth_timeout_is_a_retryable_error(client, fake):
    fake.register_oauth_code("CODE2", "o2")
    fake.hang(1.5)
    with pytest.raises(WeChatApiError) as err:
        client.oauth_code_to_openid("CODE2")
    assert err.value.retryable


# --- sanitising helpers ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, clean",
    [("血压偏高👍", "血压偏高"), ("❤️按时吃药", "按时吃药"), ("👨‍👩‍👧家庭", "家庭"), ("36.5℃", "36.5℃"), ("①号", "①号"),
     ("温度↑", "温度↑"), ("🇨🇳中国", "中国"), ("plain", "plain")],
)
def test_strip_emoji_keeps_ordinary_symbols(raw, clean):
    assert strip_emoji(raw) == clean


@pytest.mark.parametrize("raw, clean", [("一" * 20, "一" * 20), ("一" * 21, "一" * 19 + "…"), ("a\r\nb", "a b"), (150, "150"),
                                        ("  空格  ", "空格")])
def test_template_value_limits(raw, clean):
    assert template_value(raw) == clean


def test_template_data_accepts_plain_or_wrapped_values():
    assert template_data({"a": "x", "b": {"value": "y", "color": "#f00"}}) == {"a": {"value": "x"}, "b": {"value": "y"}}
