"""The /wechat view: Tencent's sample end to end, handshake, signature / replay / size rejections,
unsafe and malformed XML — all through Flask, never a 500."""
from __future__ import annotations

import io
import time

import pytest
from wechatpy.crypto import WeChatCrypto

from app.wechat.transport import compute_signature, parse_xml
from models.wechat import WeChatInbound, WeChatUser
from tests.wechat.test_transport import (
    A_APPID,
    A_FROM_XML,
    A_KEY,
    A_QUERY,
    A_TOKEN,
)
from tests.wechat_app.conftest import count, plain_query, text_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o-attacker</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol4;</Content><MsgId>666</MsgId></xml>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o-attacker</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>667</MsgId></xml>"""


@pytest.fixture
def tencent(app, wx_settings):
    """The app configured as Tencent's sample account; its 2014 timestamp needs the replay window off."""
    app.config.update(WECHAT_TOKEN=A_TOKEN, WECHAT_APPID=A_APPID, WECHAT_ENCODING_AES_KEY=A_KEY,
                      WECHAT_REPLAY_WINDOW_SECONDS=None)
    return app


# --- Tencent's published sample --------------------------------------------------------------------------
def test_tencent_sample_is_decrypted_and_answered_encrypted_through_the_view(tencent, client, session):
    response = client.post("/wechat", query_string=A_QUERY, data=A_FROM_XML.encode(), content_type="text/xml")
    assert response.status_code == 200
    outer = parse_xml(response.get_data())
    assert set(outer) >= {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert outer["MsgSignature"] == compute_signature(A_TOKEN, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
    inner = WeChatCrypto(A_TOKEN, A_KEY, A_APPID).decrypt_message(
        {"Encrypt": outer["Encrypt"]}, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
    reply = parse_xml(inner)
    assert reply["ToUserName"] == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert reply["FromUserName"] == "gh_10f6c3c3ac5a"
    assert "姓名" in reply["Content"]  # an unknown user is asked to bind
    assert count(session, WeChatInbound, WeChatInbound.dedup_key == "6054768590064713728") == 1


def test_tencent_sample_outside_the_replay_window_is_refused(tencent, client, session):
    tencent.config["WECHAT_REPLAY_WINDOW_SECONDS"] = 300
    response = client.post("/wechat", query_string=A_QUERY, data=A_FROM_XML.encode(), content_type="text/xml")
    assert response.status_code == 403
    assert count(session, WeChatInbound) == 0


def test_tampered_ciphertext_is_refused(tencent, client, session):
    body = A_FROM_XML.replace("hyzAe4Oz", "hyzAe4Oy")
    response = client.post("/wechat", query_string=A_QUERY, data=body.encode(), content_type="text/xml")
    assert response.status_code == 403
    assert count(session, WeChatInbound) == 0


# --- handshake -------------------------------------------------------------------------------------------
def test_handshake_echoes_echostr_verbatim(wx_settings, client):
    response = client.get("/wechat", query_string={**plain_query(), "echostr": "4796216590958466263"})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "4796216590958466263"


def test_handshake_with_a_wrong_signature_is_403(wx_settings, client):
    query = {**plain_query(token="not-our-token"), "echostr": "abc"}
    assert client.get("/wechat", query_string=query).status_code == 403


def test_handshake_with_an_old_timestamp_is_403(wx_settings, client):
    query = {**plain_query(timestamp=int(time.time()) - 3600), "echostr": "abc"}
    assert client.get("/wechat", query_string=query).status_code == 403


# --- POST rejections -------------------------------------------------------------------------------------
def test_plaintext_message_gets_a_plaintext_reply(plain_wx, client, session):
    response = client.post("/wechat", query_string=plain_query(), data=text_xml("你好"), content_type="text/xml")
    assert response.status_code == 200
    reply = parse_xml(response.get_data())
    assert reply["ToUserName"] == "o-plain" and reply["MsgType"] == "text"
    assert "绑定" in reply["Content"]


def test_bad_signature_is_403_and_nothing_is_stored(plain_wx, client, session):
    response = client.post("/wechat", query_string=plain_query(token="wrong"), data=text_xml("你好"),
                           content_type="text/xml")
    assert response.status_code == 403
    assert count(session, WeChatInbound) == 0


def test_missing_signature_is_403(plain_wx, client):
    response = client.post("/wechat", data=text_xml("你好"), content_type="text/xml")
    assert response.status_code == 403


def test_replayed_timestamp_is_403(plain_wx, client, session):
    query = plain_query(timestamp=int(time.time()) - 301)
    response = client.post("/wechat", query_string=query, data=text_xml("你好"), content_type="text/xml")
    assert response.status_code == 403
    assert count(session, WeChatUser) == 0


def test_replay_window_is_configurable(plain_wx, client):
    plain_wx["WECHAT_REPLAY_WINDOW_SECONDS"] = 30
    query = plain_query(timestamp=int(time.time()) - 60)
    assert client.post("/wechat", query_string=query, data=text_xml("你好"), content_type="text/xml").status_code == 403


def test_body_over_the_cap_is_413_before_parsing(plain_wx, client, session):
    body = text_xml("血压 150/95" + " " * (64 * 1024))
    response = client.post("/wechat", query_string=plain_query(), data=body, content_type="text/xml")
    assert response.status_code == 413
    assert count(session, WeChatInbound) == 0


def test_body_over_the_cap_without_content_length_is_413(plain_wx, client):
    body = text_xml("x" * (64 * 1024 + 10))
    response = client.post("/wechat", query_string=plain_query(), input_stream=io.BytesIO(body),
                           content_type="text/xml", headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_attacks_are_refused_unparsed_and_answered_success(plain_wx, client, session, body):
    started = time.monotonic()
    response = client.post("/wechat", query_string=plain_query(), data=body, content_type="text/xml")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "success"
    assert time.monotonic() - started < 1.0
    assert count(session, WeChatInbound) == 0 and count(session, WeChatUser) == 0


@pytest.mark.parametrize("body", [
    b"not xml at all",
    b"<xml><FromUserName>o-x</FromUserName>",  # truncated
    b"<root><MsgType>text</MsgType></root>",
    b"<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>",  # no sender
    b"<xml><FromUserName>o-x</FromUserName><CreateTime>1</CreateTime><MsgType>hologram</MsgType></xml>",
    b"",
], ids=["not-xml", "truncated", "wrong-root", "no-sender", "unknown-type", "empty"])
def test_malformed_or_unknown_messages_are_answered_success(plain_wx, client, session, body):
    response = client.post("/wechat", query_string=plain_query(), data=body, content_type="text/xml")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "success"
    assert count(session, WeChatInbound) == 0


def test_safe_mode_message_without_aes_configuration_is_answered_success(wx_settings, client, simulate):
    sim = simulate("o-nokey")
    wx_settings["WECHAT_ENCODING_AES_KEY"] = ""
    reply = sim.text("你好")
    assert reply.status == 200 and reply.silent


def test_events_the_bot_ignores_get_success(wx_settings, simulate, session):
    reply = simulate("o-viewer").event("VIEW", "https://example.cn/page")
    assert reply.status == 200 and reply.silent
    assert count(session, WeChatInbound) == 1


def test_the_callback_needs_no_bearer_token_and_is_not_under_the_api(plain_wx, client):
    response = client.post("/wechat", query_string=plain_query(), data=text_xml("你好"), content_type="text/xml",
                           headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 200
    assert client.post("/api/v1/wechat", data=b"x").status_code in (401, 404, 405)
