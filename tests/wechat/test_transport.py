"""Callback transport: Tencent's vectors, signatures, replay window, size cap, unsafe XML, AES, replies."""
from __future__ import annotations

import defusedxml.ElementTree as SafeET
import pytest

from app.wechat import transport
from app.wechat.transport import (
    BadSignature,
    BodyTooLarge,
    DecryptFailed,
    MalformedMessage,
    ReplayRejected,
    TransportConfig,
    UnsafeXml,
    UnsupportedMessage,
    check_body_size,
    check_handshake,
    check_replay_window,
    check_signature,
    compute_signature,
    open_message,
    parse_inbound,
    parse_xml,
    render_reply,
    render_text_reply,
)

# --- Tencent's official-account sample (wechat_protocol.md §1.3 A) ------------------------------
A_TOKEN = "spamtest"
A_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
A_APPID = "wx2c2769f8efd9abc2"
A_TIMESTAMP = "1409735669"
A_NONCE = "1320562132"
A_MSG_SIGN = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
A_SIGNATURE = "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"
A_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9"
    "FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3y"
    "t+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6"
    "h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)
A_FROM_XML = (
    "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]>"
    "</FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]>"
    "</Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[" + A_ENCRYPT + "]]></Encrypt></xml>"
)
A_PLAINTEXT = (
    "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]>"
    "</FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]>"
    "</Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>"
)
A_CONFIG = TransportConfig(token=A_TOKEN, appid=A_APPID, encoding_aes_key=A_KEY)
A_NOW = float(A_TIMESTAMP)
A_QUERY = {"signature": A_SIGNATURE, "timestamp": A_TIMESTAMP, "nonce": A_NONCE,
           "encrypt_type": "aes", "msg_signature": A_MSG_SIGN}

# --- wechatpy's vector (§1.3 C), same AES layout ------------------------------------------------
C_CONFIG = TransportConfig(token="123456", appid="wx49f0ab532d5d035a",
                           encoding_aes_key="kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR")
C_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6y"
    "dJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/T"
    "ywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5"
    "t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)

PLAIN_CONFIG = TransportConfig(token="jiayi-test-token", appid="wxtest")  # plain mode: no EncodingAESKey
SAFE_CONFIG = TransportConfig(token="jiayi-test-token", appid="wxtest", encoding_aes_key=A_KEY)
NOW = 1_800_000_000.0


def signed_query(config: TransportConfig = PLAIN_CONFIG, *, timestamp: float = NOW, nonce: str = "n1") -> dict[str, str]:
    ts = str(int(timestamp))
    return {"signature": compute_signature(config.token, ts, nonce), "timestamp": ts, "nonce": nonce}


def text_xml(content: str = "血压 150/95", *, msg_id: str = "1001", openid: str = "o-user", create_time: int = 1_800_000_000) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    ).encode()


def event_xml(event: str, key: str = "", *, openid: str = "o-user", create_time: int = 1_800_000_000) -> bytes:
    return (
        f"<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey></xml>"
    ).encode()


# --- Tencent vectors -----------------------------------------------------------------------------
def test_tencent_sample_decrypts_to_the_published_plaintext():
    fields = parse_xml(A_FROM_XML.encode())
    assert transport.decrypt(A_CONFIG, fields, A_MSG_SIGN, A_TIMESTAMP, A_NONCE) == A_PLAINTEXT


def test_tencent_sample_opens_as_a_text_message_in_compatible_mode():
    opened = open_message(A_CONFIG, A_QUERY, A_FROM_XML.encode(), now=A_NOW)
    assert opened.encrypted is True
    inbound = opened.inbound
    assert (inbound.openid, inbound.to_user, inbound.create_time) == ("oyORnuP8q7ou2gfYjqLzSIWZf0rs", "gh_10f6c3c3ac5a", 1409735668)
    assert (inbound.msg_type, inbound.content, inbound.msg_id) == ("text", "abcdteT", "6054768590064713728")
    assert inbound.dedup_key == "6054768590064713728"


def test_tencent_sample_plain_signature_matches_the_published_value():
    assert compute_signature(A_TOKEN, A_TIMESTAMP, A_NONCE) == A_SIGNATURE
    check_signature(A_TOKEN, A_SIGNATURE, A_TIMESTAMP, A_NONCE)


def test_compatible_mode_uses_only_the_signed_ciphertext():
    tampered = A_FROM_XML.replace("<Content><![CDATA[abcdteT]]>", "<Content><![CDATA[血压 300/200]]>")
    opened = open_message(A_CONFIG, A_QUERY, tampered.encode(), now=A_NOW)
    assert opened.inbound.content == "abcdteT"


def test_compatible_body_without_encrypt_type_is_refused_with_a_key_and_plain_without():
    query = {k: A_QUERY[k] for k in ("signature", "timestamp", "nonce")}
    with pytest.raises(transport.PlainModeRefused):  # stripping encrypt_type must not skip the body's signature
        open_message(A_CONFIG, query, A_FROM_XML.encode(), now=A_NOW)
    plain_account = TransportConfig(token=A_TOKEN, appid=A_APPID)
    opened = open_message(plain_account, query, A_FROM_XML.encode(), now=A_NOW)
    assert opened.encrypted is False
    assert opened.inbound.content == "abcdteT"


def test_wechatpy_vector_decrypts_with_the_official_account_class():
    fields = {"Encrypt": C_ENCRYPT}
    plain = transport.decrypt(C_CONFIG, fields, "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", "1411525903", "461056294")
    assert "<Content><![CDATA[test]]></Content>" in plain
    assert "<MsgId>4363689963896700987</MsgId>" in plain


@pytest.mark.parametrize(
    "signature, timestamp, nonce",
    [
        ("899cf89e464efb63f54ddac96b0a0a235f53aa78", "1714037059", "486452656"),
        ("f464b24fc39322e44b38aa78f5edd27bd1441696", "1714036504", "1514711492"),
    ],
)
def test_official_doc_plain_signatures_verify(signature, timestamp, nonce):
    check_signature("AAAAA", signature, timestamp, nonce)


def test_handshake_returns_echostr_verbatim():
    query = {"signature": "f464b24fc39322e44b38aa78f5edd27bd1441696", "echostr": "4375120948345356249",
             "timestamp": "1714036504", "nonce": "1514711492"}
    assert check_handshake(TransportConfig(token="AAAAA"), query, now=1714036504) == "4375120948345356249"


def test_handshake_with_a_wrong_signature_is_refused():
    query = {"signature": "0" * 40, "echostr": "4375120948345356249", "timestamp": "1714036504", "nonce": "1514711492"}
    with pytest.raises(BadSignature):
        check_handshake(TransportConfig(token="AAAAA"), query, now=1714036504)


# --- signature and replay ------------------------------------------------------------------------
@pytest.mark.parametrize("change", ["signature", "nonce", "timestamp", "token"])
def test_any_changed_part_breaks_the_signature(change):
    query = signed_query()
    token = PLAIN_CONFIG.token
    if change == "signature":
        query["signature"] = "f" * 40
    elif change == "nonce":
        query["nonce"] = "n2"
    elif change == "timestamp":
        query["timestamp"] = str(int(NOW) + 1)
    else:
        token = "another-token"
    with pytest.raises(BadSignature) as err:
        check_signature(token, query["signature"], query["timestamp"], query["nonce"])
    assert err.value.http_status == 403


@pytest.mark.parametrize("missing", ["signature", "timestamp", "nonce"])
def test_missing_signature_parameters_are_refused(missing):
    query = signed_query()
    del query[missing]
    with pytest.raises(BadSignature):
        open_message(PLAIN_CONFIG, query, text_xml(), now=NOW)


def test_bad_signature_is_refused_before_the_body_is_parsed():
    query = signed_query()
    query["signature"] = "0" * 40
    with pytest.raises(BadSignature):
        open_message(PLAIN_CONFIG, query, b"not xml at all", now=NOW)


@pytest.mark.parametrize("offset", [-301, 301, -3600, 86400])
def test_timestamp_outside_the_window_is_a_replay(offset):
    query = signed_query(timestamp=NOW + offset)
    with pytest.raises(ReplayRejected) as err:
        open_message(PLAIN_CONFIG, query, text_xml(), now=NOW)
    assert err.value.http_status == 403


@pytest.mark.parametrize("offset", [0, -299, 299, -300])
def test_timestamp_inside_the_window_is_accepted(offset):
    opened = open_message(PLAIN_CONFIG, signed_query(timestamp=NOW + offset), text_xml(), now=NOW)
    assert opened.inbound.content == "血压 150/95"


def test_replay_window_is_configurable():
    narrow = TransportConfig(token=PLAIN_CONFIG.token, replay_window_seconds=10)
    with pytest.raises(ReplayRejected):
        open_message(narrow, signed_query(timestamp=NOW - 11), text_xml(), now=NOW)
    off = TransportConfig(token=PLAIN_CONFIG.token, replay_window_seconds=None)
    assert open_message(off, signed_query(timestamp=NOW - 10**6), text_xml(), now=NOW).inbound.msg_id == "1001"


@pytest.mark.parametrize("timestamp", ["", "abc", None, "1.5e9"])
def test_non_numeric_timestamp_is_rejected(timestamp):
    with pytest.raises(ReplayRejected):
        check_replay_window(timestamp, now=NOW)


# --- size cap ------------------------------------------------------------------------------------
def test_body_over_the_cap_is_too_large_before_anything_else():
    body = b"x" * (64 * 1024 + 1)
    query = signed_query()
    query["signature"] = "0" * 40  # would be a 403 if the size were not checked first
    with pytest.raises(BodyTooLarge) as err:
        open_message(PLAIN_CONFIG, query, body, now=NOW)
    assert err.value.http_status == 413


def test_body_at_the_cap_is_accepted_and_the_cap_is_configurable():
    check_body_size(b"x" * 64 * 1024)
    check_body_size(1000, max_bytes=1000)
    with pytest.raises(BodyTooLarge):
        check_body_size(1001, max_bytes=1000)
    small = TransportConfig(token=PLAIN_CONFIG.token, max_body_bytes=100)
    with pytest.raises(BodyTooLarge):
        open_message(small, signed_query(), text_xml(), now=NOW)


# --- unsafe and malformed XML ------------------------------------------------------------------
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><ToUserName>gh</ToUserName><FromUserName>o-user</FromUserName><CreateTime>1800000000</CreateTime>
<MsgType>text</MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o-user</FromUserName><CreateTime>1800000000</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<xml><MsgType>text</MsgType></xml>"""
BARE_DOCTYPE = b"""<?xml version="1.0"?><!DOCTYPE xml><xml><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE, PARAMETER_ENTITY, BARE_DOCTYPE], ids=["billion-laughs", "xxe", "param-entity", "doctype"])
def test_xml_with_a_dtd_or_entities_is_refused(body):
    with pytest.raises(UnsafeXml) as err:
        open_message(PLAIN_CONFIG, signed_query(), body, now=NOW)
    assert err.value.http_status is None  # answered "success", never a 500
    assert isinstance(err.value, MalformedMessage)


def test_entities_inside_a_safe_mode_envelope_are_refused_too():
    query = {**signed_query(), "encrypt_type": "aes", "msg_signature": "0" * 40}
    with pytest.raises(UnsafeXml):
        open_message(PLAIN_CONFIG, query, XXE, now=NOW)


@pytest.mark.parametrize(
    "body",
    [b"", b"hello", b"<xml><MsgType>text", b"<notxml><MsgType>text</MsgType></notxml>", b"\xff\xfe<xml/>",
     b"<xml><MsgType>text</MsgType></xml>", b"<xml><FromUserName>o</FromUserName></xml>",
     b"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><CreateTime>soon</CreateTime></xml>",
     b'{"MsgType": "text"}'],
)
def test_malformed_bodies_raise_malformed_message(body):
    with pytest.raises(MalformedMessage) as err:
        open_message(PLAIN_CONFIG, signed_query(), body, now=NOW)
    assert err.value.http_status is None


def test_unknown_message_type_is_unsupported_and_answered_success():
    body = b"<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>hologram</MsgType></xml>"
    with pytest.raises(UnsupportedMessage) as err:
        open_message(PLAIN_CONFIG, signed_query(), body, now=NOW)
    assert err.value.http_status is None


# --- safe mode ---------------------------------------------------------------------------------
def test_safe_mode_round_trip_through_build_and_open():
    inner = text_xml("高压150低压95", msg_id="77").decode()
    body, query = transport.build_encrypted_body(SAFE_CONFIG, inner, nonce="abc", timestamp=str(int(NOW)), to_user="gh")
    assert "<Content>" not in body  # safe mode: only the ciphertext travels
    opened = open_message(SAFE_CONFIG, query, body.encode(), now=NOW)
    assert opened.encrypted and opened.inbound.content == "高压150低压95" and opened.inbound.msg_id == "77"


def test_wrong_msg_signature_in_safe_mode_is_a_bad_signature():
    inner = text_xml().decode()
    body, query = transport.build_encrypted_body(SAFE_CONFIG, inner, nonce="abc", timestamp=str(int(NOW)))
    query["msg_signature"] = "0" * 40
    with pytest.raises(BadSignature):
        open_message(SAFE_CONFIG, query, body.encode(), now=NOW)


def test_missing_encrypt_element_in_safe_mode_is_malformed():
    query = {**signed_query(), "encrypt_type": "aes", "msg_signature": "0" * 40}
    with pytest.raises(MalformedMessage):
        open_message(PLAIN_CONFIG, query, text_xml(), now=NOW)


@pytest.mark.parametrize(
    "key, appid",
    [("0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", A_APPID), ("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut", A_APPID),
     (A_KEY, "wx0000000000000000")],
)
def test_wrong_aes_key_or_appid_fails_cleanly(key, appid):
    config = TransportConfig(token=A_TOKEN, appid=appid, encoding_aes_key=key)
    with pytest.raises(DecryptFailed) as err:
        open_message(config, A_QUERY, A_FROM_XML.encode(), now=A_NOW)
    assert err.value.http_status is None


def test_safe_mode_without_a_configured_key_is_malformed():
    config = TransportConfig(token=A_TOKEN)
    with pytest.raises(MalformedMessage):
        open_message(config, A_QUERY, A_FROM_XML.encode(), now=A_NOW)


# --- replies -------------------------------------------------------------------------------------
def _opened(encrypted: bool) -> transport.Opened:
    inbound = parse_inbound(parse_xml(text_xml()))
    return transport.Opened(inbound, encrypted, "nonce-1", str(int(NOW)))


def test_text_reply_swaps_sender_and_receiver():
    xml = render_text_reply(_opened(False).inbound, "已记录", create_time=123)
    fields = parse_xml(xml.encode())
    assert fields == {"ToUserName": "o-user", "FromUserName": "gh_account", "CreateTime": "123",
                      "MsgType": "text", "Content": "已记录"}


@pytest.mark.parametrize("text", ["a ]]> b", "]]>", "x]]]]>y", "控制\x01字符\x08", "emoji 👍 ok", "<b>&amp;</b>"])
def test_reply_text_with_cdata_terminators_or_control_chars_stays_valid_xml(text):
    xml = render_text_reply(_opened(False).inbound, text)
    root = SafeET.fromstring(xml)
    expected = "".join(ch for ch in text if ch >= " " or ch in "\t\n\r")
    assert root.find("Content").text == expected


def test_long_reply_is_cut_to_the_byte_limit():
    xml = render_text_reply(_opened(False).inbound, "血压" * 2000)
    content = SafeET.fromstring(xml).find("Content").text
    assert len(content.encode("utf-8")) <= transport.MAX_REPLY_BYTES
    assert content.endswith("…")


def test_encrypted_reply_decrypts_back_and_is_signed():
    opened = _opened(True)
    body = render_reply(SAFE_CONFIG, opened, "收到：血压 150/95 已记录", create_time=5)
    envelope = parse_xml(body.encode())
    assert set(envelope) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
    assert envelope["MsgSignature"] == compute_signature(SAFE_CONFIG.token, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    plain = transport.decrypt(SAFE_CONFIG, envelope, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
    assert plain == render_text_reply(opened.inbound, "收到：血压 150/95 已记录", create_time=5)


def test_plain_reply_is_not_encrypted():
    body = render_reply(PLAIN_CONFIG, _opened(False), "好的")
    assert "<Encrypt>" not in body and "<Content><![CDATA[好的]]></Content>" in body


@pytest.mark.parametrize("encrypted", [True, False])
def test_nothing_to_say_answers_plain_success(encrypted):
    assert render_reply(PLAIN_CONFIG, _opened(encrypted), None) == "success"
    assert render_reply(PLAIN_CONFIG, _opened(encrypted), "") == "success"


# --- inbound and dedup keys ----------------------------------------------------------------------
def test_message_dedup_key_is_the_msg_id_and_retries_share_it():
    first = open_message(PLAIN_CONFIG, signed_query(nonce="a"), text_xml(msg_id="6054768590064713728"), now=NOW)
    retry = open_message(PLAIN_CONFIG, signed_query(nonce="b", timestamp=NOW + 5), text_xml(msg_id="6054768590064713728"), now=NOW)
    assert first.inbound.dedup_key == retry.inbound.dedup_key == "6054768590064713728"


def test_event_dedup_key_covers_sender_time_event_and_key():
    inbound = parse_inbound(parse_xml(event_xml("CLICK", "RECORD_BP", create_time=1_800_000_123)))
    assert inbound.dedup_key == "o-user:1800000123:CLICK:RECORD_BP"
    assert inbound.msg_id is None and inbound.event == "click" and inbound.event_key == "RECORD_BP"


def test_two_different_events_in_the_same_second_get_different_keys():
    location = parse_inbound(parse_xml(event_xml("LOCATION")))
    view = parse_inbound(parse_xml(event_xml("VIEW", "https://example.cn/h5")))
    assert location.dedup_key != view.dedup_key


def test_different_messages_get_different_keys():
    a = parse_inbound(parse_xml(text_xml(msg_id="1")))
    b = parse_inbound(parse_xml(text_xml(msg_id="2")))
    assert a.dedup_key != b.dedup_key


def test_voice_message_text_comes_from_recognition():
    body = ("<xml><ToUserName>gh</ToUserName><FromUserName>o-user</FromUserName><CreateTime>1800000000</CreateTime>"
            "<MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format>"
            "<Recognition><![CDATA[血压一百五十，九十五。]]></Recognition><MsgId>9</MsgId></xml>".encode())
    inbound = open_message(PLAIN_CONFIG, signed_query(), body, now=NOW).inbound
    assert inbound.msg_type == "voice" and inbound.text == "血压一百五十，九十五。" and inbound.dedup_key == "9"


def test_image_message_has_no_text_but_keeps_its_fields():
    body = (b"<xml><ToUserName>gh</ToUserName><FromUserName>o-user</FromUserName><CreateTime>1800000000</CreateTime>"
            b"<MsgType>image</MsgType><PicUrl>http://x/p.jpg</PicUrl><MediaId>m</MediaId><MsgId>10</MsgId></xml>")
    inbound = open_message(PLAIN_CONFIG, signed_query(), body, now=NOW).inbound
    assert inbound.msg_type == "image" and inbound.text == "" and inbound.extra["PicUrl"] == "http://x/p.jpg"


def test_subscribe_event_parses_with_lower_case_event_and_no_msg_id():
    inbound = open_message(PLAIN_CONFIG, signed_query(), event_xml("subscribe", "qrscene_123"), now=NOW).inbound
    assert (inbound.msg_type, inbound.event, inbound.event_key, inbound.msg_id) == ("event", "subscribe", "qrscene_123", None)


def test_nested_elements_are_flattened_one_level():
    body = (b"<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType>"
            b"<Event>scancode_waitmsg</Event><ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>R1</ScanResult></ScanCodeInfo></xml>")
    fields = parse_xml(body)
    assert fields["ScanCodeInfo.ScanResult"] == "R1" and fields["ScanCodeInfo"] == ""


# --- forged messages (issue 14 finding 2) ------------------------------------------------------------
def test_plain_mode_message_is_refused_when_an_aes_key_is_configured():
    """Plain mode signs token, timestamp and nonce only: with a key configured such a body could be anything."""
    with pytest.raises(transport.PlainModeRefused) as err:
        open_message(SAFE_CONFIG, signed_query(SAFE_CONFIG), text_xml("血压 188/111"), now=NOW)
    assert err.value.http_status == 403


def test_safe_mode_signature_does_not_carry_another_body():
    """A leaked (signature, msg_signature, timestamp, nonce) cannot carry a different encrypted body."""
    _, query = transport.build_encrypted_body(SAFE_CONFIG, text_xml("你好", msg_id="1").decode(), nonce="abc",
                                              timestamp=str(int(NOW)))
    forged, _ = transport.build_encrypted_body(SAFE_CONFIG, text_xml("血压 188/111", msg_id="2").decode(),
                                               nonce="abc", timestamp=str(int(NOW)))
    with pytest.raises(BadSignature):
        open_message(SAFE_CONFIG, query, forged.encode(), now=NOW)


def test_the_shared_cipher_frames_as_wechatpy_does(monkeypatch):
    """The callback's crypto (one AES cipher per config, signature checked once) encrypts and decrypts as wechatpy's
    own WeChatCrypto: the same bytes for the same random prefix, the same inner XML, the same refusals."""
    from wechatpy.crypto import WeChatCrypto
    from wechatpy.crypto.base import BasePrpCrypto

    config = TransportConfig(token=A_TOKEN, appid=A_APPID, encoding_aes_key=A_KEY)
    ours, theirs = config.crypto(), WeChatCrypto(A_TOKEN, A_KEY, A_APPID)
    monkeypatch.setattr(BasePrpCrypto, "get_random_string", lambda self: "aB3dE6gH9jK2mN5p")
    monkeypatch.setattr(transport._Prp, "get_random_string", lambda self: "aB3dE6gH9jK2mN5p")
    reply = "<xml><Content><![CDATA[血压 138/86 已记录]]></Content></xml>"
    assert ours.encrypt_message(reply, "n0nce", "1409735669") == theirs.encrypt_message(reply, "n0nce", "1409735669")
    wrapped = parse_xml(ours.encrypt_message(reply, "n0nce", "1409735669"))
    assert theirs.decrypt_message({"Encrypt": wrapped["Encrypt"]}, wrapped["MsgSignature"], "1409735669", "n0nce") == reply
    assert ours.decrypt_checked(A_ENCRYPT) == theirs.decrypt_message({"Encrypt": A_ENCRYPT}, A_MSG_SIGN, A_TIMESTAMP,
                                                                      A_NONCE)
    monkeypatch.undo()
    random_prefixes = {config.crypto()._prp.get_random_string() for _ in range(50)}
    assert len(random_prefixes) == 50 and all(len(p) == 16 for p in random_prefixes)


def test_an_upper_case_msg_signature_is_refused_as_wechatpy_refused_it():
    """wechatpy compared msg_signature exactly: an upper-case one (never sent by WeChat) still fails decryption."""
    query = {**A_QUERY, "msg_signature": A_MSG_SIGN.upper()}
    with pytest.raises(DecryptFailed, match="InvalidSignatureException"):
        open_message(A_CONFIG, query, A_FROM_XML.encode(), now=A_NOW)
