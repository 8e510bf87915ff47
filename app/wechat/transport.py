"""WeChat callback transport: signatures, replay window, size cap, safe XML, AES, replies.

Pure functions over bytes and query parameters; no Flask. The view maps the exceptions:
`BadSignature`/`ReplayRejected` → 403, `BodyTooLarge` → 413, `MalformedMessage` (and its
subclasses) → log and answer "success" (WeChat retries on anything else and then shows
"该公众号暂时无法提供服务"). Each exception carries `http_status` (None = answer "success").
With an EncodingAESKey configured only safe mode is accepted (`msg_signature` covers the encrypted body);
plain mode, whose signature covers only token, timestamp and nonce, is accepted only without a key. The
view adds a seen-once nonce cache (app.services.nonces). See docs/wechat_protocol.md §1, §2 and §6.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from wechatpy.crypto import PrpCrypto, WeChatCrypto

DEFAULT_REPLAY_WINDOW_SECONDS = 300  # retry timing is undocumented: keep the window loose (§6.8)
DEFAULT_MAX_BODY_BYTES = 64 * 1024  # real payloads are a few KB (§6.1)
MAX_REPLY_BYTES = 2000  # practical text-reply limit reported around 2048 bytes (§6.3)

KNOWN_MSG_TYPES = frozenset(
    {"text", "voice", "event", "image", "video", "shortvideo", "location", "link", "file"}
)
SUCCESS = "success"  # the "I got it, don't retry" answer; sent plain even in safe mode (§2)


# --- exceptions --------------------------------------------------------------------------------
class TransportError(Exception):
    """Base of every callback rejection; `http_status` None means: log and answer "success"."""

    http_status: int | None = None


class BadSignature(TransportError):
    """`signature` or `msg_signature` does not match the token."""

    http_status = 403


class ReplayRejected(TransportError):
    """Timestamp missing, not a number, outside the replay window, or its nonce already used for another body."""

    http_status = 403


class PlainModeRefused(TransportError):
    """A plain-mode message while an EncodingAESKey is configured: safe mode signs the body, plain mode does not."""

    http_status = 403


class BodyTooLarge(TransportError):
    """Body over the size cap; refused before parsing."""

    http_status = 413


class MalformedMessage(TransportError):
    """Not XML, no MsgType/FromUserName, or otherwise unusable: answer "success"."""


class UnsafeXml(MalformedMessage):
    """DTD, entity declaration or external reference (billion laughs, XXE): refused unparsed."""


class DecryptFailed(MalformedMessage):
    """Safe-mode payload that passed the signature check but does not decrypt (wrong AES key)."""


class UnsupportedMessage(MalformedMessage):
    """A MsgType this bot does not know."""


# --- configuration -----------------------------------------------------------------------------
@dataclass(frozen=True)
class TransportConfig:
    """What the callback needs from settings (WECHAT_TOKEN, WECHAT_ENCODING_AES_KEY, WECHAT_APPID)."""

    token: str
    appid: str = ""
    encoding_aes_key: str | None = None
    replay_window_seconds: int | None = DEFAULT_REPLAY_WINDOW_SECONDS  # None disables the check
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    def crypto(self) -> WeChatCrypto:
        """The wechatpy AES helper; MalformedMessage when safe mode is not configured."""
        if not self.encoding_aes_key or not self.appid:
            raise MalformedMessage("safe mode message but no EncodingAESKey/appid configured")
        return self._crypto

    @functools.cached_property
    def _crypto(self) -> _Crypto:  # built once per config (it holds only the key, token and appid)
        return _Crypto(self.token, self.encoding_aes_key, self.appid)


class _Prp(PrpCrypto):
    """wechatpy's AES-CBC framing (random 16 bytes, length, message, appid; PKCS#7 to 32 bytes), unchanged; the
    16 random bytes from `secrets` instead of wechatpy's `random.sample` of letters and digits (WeChat drops them
    unread; they only make the first block differ between replies, which the secrets module does at least as well)."""

    def get_random_string(self) -> str:
        return secrets.token_hex(8)


class _Crypto(WeChatCrypto):
    """wechatpy's WeChatCrypto with its AES cipher built once: wechatpy builds a PrpCrypto (a `Cipher` object of the
    cryptography package: key schedule checks, mode objects) for every message in and every reply out. The
    `Cipher` is immutable and makes a new encryption or decryption context per call, so one is shared by
    threads. The framing, the signature and the XML of the reply are wechatpy's own code."""

    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        super().__init__(token, encoding_aes_key, app_id)
        prp = _Prp(self.key)
        self._prp_class = lambda _key: prp  # noqa: E731 - what wechatpy calls with the key
        self._prp = prp

    def encrypt_message(self, msg: Any, nonce: str, timestamp: str | None = None) -> str:
        return self._encrypt_message(msg, nonce, timestamp, self._prp_class)

    def decrypt_message(self, msg: Any, signature: str, timestamp: str, nonce: str) -> str:
        return self._decrypt_message(msg, signature, timestamp, nonce, self._prp_class)

    def decrypt_checked(self, encrypt: str) -> str:
        """The inner XML of an Encrypt whose msg_signature the caller has checked (as decrypt_message does after its
        own check of the same signature): wechatpy's decryption and appid check."""
        return self._prp.decrypt(encrypt, self._id)


# --- signatures, replay, size ------------------------------------------------------------------
def compute_signature(*parts: str) -> str:
    """sha1 of the lexicographically sorted parts joined without separator (WeChat's scheme)."""
    return hashlib.sha1("".join(sorted(str(p) for p in parts)).encode("utf-8")).hexdigest()


def check_signature(token: str, signature: str | None, timestamp: str | None, nonce: str | None) -> None:
    """Raise BadSignature unless signature == sha1(sorted(token, timestamp, nonce))."""
    if not signature or timestamp is None or nonce is None:
        raise BadSignature("missing signature, timestamp or nonce")
    expected = compute_signature(token, timestamp, nonce)
    if not hmac.compare_digest(expected, signature.lower()):
        raise BadSignature("signature mismatch")


def check_msg_signature(token: str, msg_signature: str | None, timestamp: str, nonce: str, encrypt: str) -> str:
    """Raise BadSignature unless msg_signature == sha1(sorted(token, timestamp, nonce, Encrypt)); the expected one."""
    if not msg_signature:
        raise BadSignature("missing msg_signature")
    expected = compute_signature(token, timestamp, nonce, encrypt)
    if not hmac.compare_digest(expected, msg_signature.lower()):
        raise BadSignature("msg_signature mismatch")
    return expected


def check_replay_window(
    timestamp: str | None,
    *,
    now: float | None = None,
    window_seconds: int | None = DEFAULT_REPLAY_WINDOW_SECONDS,
) -> None:
    """Raise ReplayRejected when |now - timestamp| > window (plain mode signs no body, §6.8)."""
    if window_seconds is None:
        return
    try:
        ts = int(str(timestamp))
    except (TypeError, ValueError):
        raise ReplayRejected(f"timestamp is not a number: {timestamp!r}") from None
    current = time.time() if now is None else now
    if abs(current - ts) > window_seconds:
        raise ReplayRejected(f"timestamp {ts} outside the {window_seconds}s window")


def check_body_size(body: bytes | str | int | None, *, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
    """Raise BodyTooLarge when the body (or a Content-Length) is over the cap."""
    if body is None:
        return
    size = body if isinstance(body, int) else len(body.encode("utf-8") if isinstance(body, str) else body)
    if size > max_bytes:
        raise BodyTooLarge(f"body of {size} bytes over the {max_bytes}-byte cap")


def check_handshake(config: TransportConfig, query: Mapping[str, str], *, now: float | None = None) -> str:
    """GET handshake: verify signature and timestamp; return echostr to send back verbatim."""
    check_signature(config.token, query.get("signature"), query.get("timestamp"), query.get("nonce"))
    check_replay_window(query.get("timestamp"), now=now, window_seconds=config.replay_window_seconds)
    return query.get("echostr", "")


# --- XML ---------------------------------------------------------------------------------------
def parse_xml(body: bytes | str) -> dict[str, str]:
    """Parse a WeChat `<xml>` document into {tag: text} for its direct children, refusing DTDs.

    defusedxml with forbid_dtd: a DOCTYPE, any entity declaration and external references are
    refused before expansion (billion laughs, XXE). Nested elements are flattened one level
    ("ScanCodeInfo.ScanResult").
    """
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXml(f"refused XML: {type(exc).__name__}") from None
    except (ParseError, ValueError, TypeError) as exc:
        raise MalformedMessage(f"not XML: {exc}") from None
    if root.tag != "xml":
        raise MalformedMessage(f"root element is <{root.tag}>, expected <xml>")
    fields: dict[str, str] = {}
    for child in root:
        fields[child.tag] = (child.text or "").strip() if len(child) == 0 else ""
        for sub in child:
            fields[f"{child.tag}.{sub.tag}"] = (sub.text or "").strip()
    return fields


def decrypt(config: TransportConfig, fields: Mapping[str, str], msg_signature: str | None, timestamp: str, nonce: str) -> str:
    """Check msg_signature over Encrypt and return the decrypted inner XML (safe/compatible mode)."""
    encrypt = fields.get("Encrypt")
    if not encrypt:
        raise MalformedMessage("encrypt_type=aes but no <Encrypt>")
    expected = check_msg_signature(config.token, msg_signature, timestamp, nonce, encrypt)
    crypto = config.crypto()
    if msg_signature != expected:  # wechatpy's decrypt_message compares exactly (an upper-case one fails there)
        raise DecryptFailed("decryption failed: InvalidSignatureException")
    try:
        # The signature is checked above: wechatpy's decrypt_message would compute and compare it again.
        return crypto.decrypt_checked(encrypt)
    except Exception as exc:  # a wrong key fails at random: UnicodeDecodeError, struct.error, … (§1.2)
        raise DecryptFailed(f"decryption failed: {type(exc).__name__}") from None


# --- inbound -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Inbound:
    """One message or event from a user, as the dialogue needs it."""

    openid: str
    to_user: str
    create_time: int
    msg_type: str
    content: str = ""
    recognition: str = ""
    event: str = ""  # lower-cased: subscribe, unsubscribe, click, view, scan, templatesendjobfinish…
    event_key: str = ""
    msg_id: str | None = None
    dedup_key: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)  # every raw field

    @property
    def text(self) -> str:
        """What the user said: Content for text, Recognition for voice, else ""."""
        if self.msg_type == "voice":
            return self.recognition
        return self.content if self.msg_type == "text" else ""


def dedup_key_for(fields: Mapping[str, str]) -> str:
    """MsgId for messages; FromUserName:CreateTime:Event:EventKey for events (§2: events can share a second)."""
    msg_id = fields.get("MsgId") or fields.get("MsgID")
    if msg_id and fields.get("MsgType") != "event":
        return msg_id
    return ":".join(
        [fields.get("FromUserName", ""), fields.get("CreateTime", ""), fields.get("Event", ""), fields.get("EventKey", "")]
    )


def parse_inbound(fields: Mapping[str, str]) -> Inbound:
    """Build an Inbound from parsed fields; MalformedMessage / UnsupportedMessage otherwise."""
    openid = fields.get("FromUserName", "")
    msg_type = fields.get("MsgType", "").lower()
    if not openid or not msg_type:
        raise MalformedMessage("missing FromUserName or MsgType")
    if msg_type not in KNOWN_MSG_TYPES:
        raise UnsupportedMessage(f"unsupported MsgType {msg_type!r}")
    try:
        create_time = int(fields.get("CreateTime", "0") or 0)
    except ValueError:
        raise MalformedMessage("CreateTime is not a number") from None
    msg_id = fields.get("MsgId") or fields.get("MsgID") or None
    return Inbound(
        openid=openid,
        to_user=fields.get("ToUserName", ""),
        create_time=create_time,
        msg_type=msg_type,
        content=fields.get("Content", ""),
        recognition=fields.get("Recognition", ""),
        event=fields.get("Event", "").lower(),
        event_key=fields.get("EventKey", ""),
        msg_id=None if msg_type == "event" else msg_id,
        dedup_key=dedup_key_for(fields),
        extra=dict(fields),
    )


@dataclass(frozen=True)
class Opened:
    """A verified inbound message and whether the reply must be encrypted (safe/compatible mode)."""

    inbound: Inbound
    encrypted: bool
    nonce: str
    timestamp: str


def open_message(
    config: TransportConfig,
    query: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
) -> Opened:
    """Verify and parse one POST: size cap, signature, replay window, XML, AES when encrypt_type=aes."""
    check_body_size(body, max_bytes=config.max_body_bytes)
    timestamp = query.get("timestamp")
    nonce = query.get("nonce")
    check_signature(config.token, query.get("signature"), timestamp, nonce)
    check_replay_window(timestamp, now=now, window_seconds=config.replay_window_seconds)
    encrypted = (query.get("encrypt_type") or "").lower() == "aes"
    if config.encoding_aes_key and not encrypted:
        # With a key configured WeChat sends safe mode only; a plain body is signed by nothing and is refused.
        raise PlainModeRefused("plain-mode message refused: an EncodingAESKey is configured (safe mode only)")
    fields = parse_xml(body)
    if encrypted:
        # Compatible mode also carries plaintext fields; only Encrypt is signed, so only it counts.
        fields = parse_xml(decrypt(config, fields, query.get("msg_signature"), timestamp or "", nonce or ""))
    return Opened(parse_inbound(fields), encrypted, nonce or "", timestamp or "")


# --- replies -----------------------------------------------------------------------------------
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def sanitise_text(text: str, *, max_bytes: int = MAX_REPLY_BYTES) -> str:
    """Drop control characters XML forbids and cut to max_bytes of UTF-8 on a character boundary."""
    clean = _INVALID_XML_CHARS.sub("", text)
    data = clean.encode("utf-8")
    if len(data) <= max_bytes:
        return clean
    return data[: max_bytes - 3].decode("utf-8", errors="ignore") + "…"


def _cdata(text: str) -> str:
    # "]]>" inside CDATA ends it: split it across two sections (§6.3).
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_text_reply(inbound: Inbound, text: str, *, create_time: int | None = None) -> str:
    """Passive text reply XML addressed back to the sender."""
    ts = int(time.time()) if create_time is None else create_time
    return (
        "<xml>"
        f"<ToUserName>{_cdata(inbound.openid)}</ToUserName>"
        f"<FromUserName>{_cdata(inbound.to_user)}</FromUserName>"
        f"<CreateTime>{ts}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(sanitise_text(text))}</Content>"
        "</xml>"
    )


def encrypt_reply(config: TransportConfig, reply_xml: str, *, nonce: str | None = None, timestamp: str | None = None) -> str:
    """Wrap a reply for safe mode: <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>."""
    nonce = nonce or secrets.token_hex(8)
    timestamp = timestamp or str(int(time.time()))
    return config.crypto().encrypt_message(reply_xml, nonce, timestamp)


def render_reply(
    config: TransportConfig,
    opened: Opened,
    text: str | None,
    *,
    create_time: int | None = None,
) -> str:
    """The HTTP body for a reply: "success" when there is nothing to say, encrypted when needed."""
    if not text:
        return SUCCESS
    xml = render_text_reply(opened.inbound, text, create_time=create_time)
    if opened.encrypted:
        return encrypt_reply(config, xml, nonce=opened.nonce or None, timestamp=opened.timestamp or None)
    return xml


def build_encrypted_body(config: TransportConfig, inner_xml: str, *, nonce: str, timestamp: str, to_user: str = "") -> tuple[str, dict[str, Any]]:
    """What WeChat would POST in safe mode for inner_xml: (body, query). For the simulator and tests."""
    wrapped = parse_xml(encrypt_reply(config, inner_xml, nonce=nonce, timestamp=timestamp))
    body = f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><Encrypt>{_cdata(wrapped['Encrypt'])}</Encrypt></xml>"
    query = {
        "signature": compute_signature(config.token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": wrapped["MsgSignature"],
    }
    return body, query
