"""WeChat API client for pushes: access token, template / subscribe / customer-service sends, menu, OAuth.

`requests` directly (wechatpy's client has no stable_token, no client_msg_id, no timeout on the
token fetch and an unbounded auto-retry; docs/wechat_protocol.md §3, §4, §6).
- Token: POST /cgi-bin/stable_token (falls back to GET /cgi-bin/token), cached in a TokenStore
  shared by processes (memory here; the app adds DB / Redis stores); one holder refreshes at a
  time (`refresh_lock`). On 40001/40014/42001: refresh once, retry once.
- Every HTTP call has a timeout (default 5 s).
- Sends never raise on WeChat errors: they return a SendResult classified retryable / final for
  the outbox. Bodies are UTF-8 JSON without \\u escapes (WeChat shows escapes literally).
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, ContextManager, Protocol

import requests

from app.services.outbox import SendResult

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.weixin.qq.com"
DEFAULT_TIMEOUT = 5.0
TEMPLATE_VALUE_MAX_CHARS = 20  # template keyword values since 2023-05-04 (§3.2)
TOKEN_EXPIRY_MARGIN = 60  # refresh a minute before WeChat's expiry

TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid / not latest / expired access_token
RETRYABLE_ERRORS = frozenset({-1, 45011})  # system busy; per-minute limit (retry next minute)
REROUTE_ERRORS = frozenset({45015, 45047, 43101})  # outside 48 h / CS quota used / no subscription: try another channel
CONFIG_ERRORS = frozenset({40013, 40125, 40164, 89503, 48001, 40037})  # operator must act
DAILY_QUOTA = 45009
ERROR_NAMES = {
    -1: "system busy", 40001: "invalid credential", 40003: "invalid openid", 40013: "invalid appid",
    40014: "invalid access_token", 40037: "invalid template_id", 40125: "invalid appsecret",
    40164: "IP not whitelisted", 42001: "access_token expired", 43004: "user unsubscribed",
    43101: "user refused / no subscription left", 45009: "daily quota reached", 45011: "rate limited",
    45015: "outside the 48 h window", 45047: "customer-service quota used", 47003: "invalid template data",
    48001: "API unauthorised", 89503: "risky IP, admin must confirm",
}


# --- results and errors --------------------------------------------------------------------------
class WeChatApiError(Exception):
    """A failed call where a value was expected (token, OAuth); carries the classification."""

    def __init__(self, result: SendResult):
        super().__init__(f"WeChat API error {result.errcode}: {result.errmsg}")
        self.result = result
        self.errcode = result.errcode
        self.retryable = result.retryable


def classify(errcode: int | None, errmsg: str = "", *, http_status: int | None = None, payload: Mapping[str, Any] | None = None) -> SendResult:
    """errcode / HTTP status → SendResult (retryable: -1, 45011, 5xx, 429, no answer; else final)."""
    if errcode is None:
        retry = http_status is None or http_status >= 500 or http_status == 429
        return SendResult(False, None, errmsg or f"HTTP {http_status}", retryable=retry, http_status=http_status)
    if errcode == 0:
        msgid = None if payload is None or payload.get("msgid") is None else str(payload["msgid"])
        return SendResult(True, 0, errmsg or "ok", http_status=http_status, msgid=msgid)
    msg = errmsg or ERROR_NAMES.get(errcode, "")
    return SendResult(
        False, errcode, msg,
        retryable=errcode in RETRYABLE_ERRORS or errcode in TOKEN_ERRORS,
        reroute=errcode in REROUTE_ERRORS,
        retry_tomorrow=errcode == DAILY_QUOTA,
        config_error=errcode in CONFIG_ERRORS,
        http_status=http_status,
    )


# --- token store -------------------------------------------------------------------------------
class TokenStore(Protocol):
    """Where the access token lives; shared by every process that sends (DB row, Redis key…)."""

    def get(self) -> tuple[str, float] | None:
        """(token, expires_at epoch seconds) or None."""

    def set(self, token: str, expires_at: float) -> None: ...

    def refresh_lock(self) -> ContextManager[None]:
        """Held while fetching a new token so that one holder refreshes at a time."""


class MemoryTokenStore:
    """Per-process store (tests, one-process demo)."""

    def __init__(self) -> None:
        self._value: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def get(self) -> tuple[str, float] | None:
        return self._value

    def set(self, token: str, expires_at: float) -> None:
        self._value = (token, expires_at)

    def refresh_lock(self) -> ContextManager[None]:
        return self._lock


# --- sanitising template values ----------------------------------------------------------------
_EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U0001F1E6-\U0001F1FF\U00002B00-\U00002BFF"
    "\U0000FE00-\U0000FE0F\U0000200D\U000020E3\U0000E000-\U0000F8FF]"
)


def strip_emoji(text: str) -> str:
    """Remove emoji, variation selectors and joiners (WeChat strips them from templates anyway)."""
    return _EMOJI.sub("", text)


def template_value(value: Any, max_chars: int = TEMPLATE_VALUE_MAX_CHARS) -> str:
    """One template keyword: no emoji, no newline, at most max_chars characters (… when cut)."""
    text = strip_emoji(str(value))
    text = re.sub(r"\s*[\r\n]+\s*", " ", text).strip()
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return text


def template_data(data: Mapping[str, Any], max_chars: int = TEMPLATE_VALUE_MAX_CHARS) -> dict[str, dict[str, str]]:
    """{"thing1": "x"} or {"thing1": {"value": "x"}} → {"thing1": {"value": sanitised}}."""
    out: dict[str, dict[str, str]] = {}
    for key, value in data.items():
        raw = value.get("value", "") if isinstance(value, Mapping) else value
        out[key] = {"value": template_value(raw, max_chars)}
    return out


# --- the client --------------------------------------------------------------------------------
class WeChatClient:
    """Access-token handling plus the push and OAuth calls the app needs."""

    def __init__(
        self,
        appid: str,
        secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        store: TokenStore | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.time,
        session_factory: Callable[[], requests.Session] = requests.Session,
    ) -> None:
        self.appid = appid
        self.secret = secret
        self.base_url = base_url.rstrip("/")
        self.store = store or MemoryTokenStore()
        self.timeout = timeout
        self.clock = clock
        self._session_factory = session_factory
        self._local = threading.local()  # requests.Session is not promised thread-safe

    # -- HTTP ---------------------------------------------------------------------------------
    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self._session_factory()
        return session

    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> tuple[SendResult, dict[str, Any]]:
        url = f"{self.base_url}{path}"
        kwargs: dict[str, Any] = {"params": params, "timeout": self.timeout}
        if body is not None:
            kwargs["data"] = json.dumps(body, ensure_ascii=False).encode("utf-8")
            kwargs["headers"] = {"Content-Type": "application/json; charset=utf-8"}
        try:
            response = self._session().request(method, url, **kwargs)
        except requests.Timeout:
            return SendResult(False, None, "timeout", retryable=True), {}
        except requests.RequestException as exc:
            return SendResult(False, None, f"connection error: {type(exc).__name__}", retryable=True), {}
        if response.status_code >= 400:
            return classify(None, http_status=response.status_code), {}
        try:
            payload = response.json()
        except ValueError:
            return SendResult(False, None, "response is not JSON", retryable=True, http_status=response.status_code), {}
        if not isinstance(payload, dict):
            return SendResult(False, None, "response is not a JSON object", retryable=True, http_status=response.status_code), {}
        errcode = int(payload.get("errcode", 0) or 0)
        return classify(errcode, str(payload.get("errmsg", "")), http_status=response.status_code, payload=payload), payload

    # -- access token ---------------------------------------------------------------------------
    def _fetch_token(self, *, force: bool = False) -> tuple[str, float]:
        """stable_token first, /cgi-bin/token when that fails; WeChatApiError when both fail."""
        result, payload = self._call(
            "POST", "/cgi-bin/stable_token",
            body={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret, "force_refresh": force},
        )
        if not (result.ok and payload.get("access_token")):
            log.warning("stable_token failed (%s %s); falling back to /cgi-bin/token", result.errcode, result.errmsg)
            result, payload = self._call(
                "GET", "/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )
        if not (result.ok and payload.get("access_token")):
            if result.ok:
                result = SendResult(False, None, "no access_token in response", retryable=True)
            elif result.errcode in TOKEN_ERRORS or result.errcode in CONFIG_ERRORS:
                # At the token endpoint 40001 means a wrong AppSecret: an operator must act.
                result = SendResult(False, result.errcode, f"token fetch refused: {result.errmsg}",
                                    config_error=True, http_status=result.http_status)
            raise WeChatApiError(result)
        expires_in = int(payload.get("expires_in", 7200))
        margin = TOKEN_EXPIRY_MARGIN if expires_in > 2 * TOKEN_EXPIRY_MARGIN else expires_in // 2
        return str(payload["access_token"]), self.clock() + expires_in - margin

    def access_token(self) -> str:
        """A valid cached token, fetching one (under the store's lock) when missing or expired."""
        cached = self.store.get()
        if cached and cached[1] > self.clock():
            return cached[0]
        return self._refresh(stale=cached[0] if cached else None)

    def _refresh(self, *, stale: str | None) -> str:
        with self.store.refresh_lock():
            cached = self.store.get()
            if cached and cached[0] != stale and cached[1] > self.clock():
                return cached[0]  # another holder refreshed while we waited
            token, expires_at = self._fetch_token()
            if stale is not None and token == stale:
                # stable_token hands back the same token while WeChat thinks it valid; we were
                # told it is not (40001/40014), so ask for a forced one (limited to 20/day).
                token, expires_at = self._fetch_token(force=True)
            self.store.set(token, expires_at)
            return token

    def _with_token(self, method: str, path: str, *, body: Any = None, params: dict[str, Any] | None = None) -> tuple[SendResult, dict[str, Any]]:
        """Call an access_token API; on a token error refresh once and retry once."""
        try:
            token = self.access_token()
        except WeChatApiError as exc:
            return exc.result, {}
        result, payload = self._call(method, path, params={**(params or {}), "access_token": token}, body=body)
        if result.errcode in TOKEN_ERRORS:
            log.info("access token rejected (%s); refreshing once", result.errcode)
            try:
                token = self._refresh(stale=token)
            except WeChatApiError as exc:
                return exc.result, {}
            result, payload = self._call(method, path, params={**(params or {}), "access_token": token}, body=body)
        return result, payload

    # -- sends ----------------------------------------------------------------------------------
    def send_template(
        self,
        openid: str,
        template_id: str,
        data: Mapping[str, Any],
        *,
        url: str | None = None,
        client_msg_id: str | None = None,
        miniprogram: Mapping[str, str] | None = None,
    ) -> SendResult:
        """Template message (verified 服务号); client_msg_id makes a resend within 10 min a no-op."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id, "data": template_data(data)}
        if url:
            body["url"] = url
        if miniprogram:
            body["miniprogram"] = dict(miniprogram)
        if client_msg_id:
            body["client_msg_id"] = client_msg_id
        return self._with_token("POST", "/cgi-bin/message/template/send", body=body)[0]

    def send_subscribe(
        self,
        openid: str,
        template_id: str,
        data: Mapping[str, Any],
        *,
        page: str | None = None,
        miniprogram: Mapping[str, str] | None = None,
    ) -> SendResult:
        """Subscription notification (订阅通知, /cgi-bin/message/subscribe/bizsend)."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id, "data": template_data(data)}
        if page:
            body["page"] = page
        if miniprogram:
            body["miniprogram"] = dict(miniprogram)
        return self._with_token("POST", "/cgi-bin/message/subscribe/bizsend", body=body)[0]

    def send_custom_text(self, openid: str, text: str) -> SendResult:
        """Customer-service text, only inside the 48 h window after the user wrote (else 45015)."""
        body = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        return self._with_token("POST", "/cgi-bin/message/custom/send", body=body)[0]

    def create_menu(self, menu: Mapping[str, Any]) -> SendResult:
        """Replace the custom menu (menu.MENU)."""
        return self._with_token("POST", "/cgi-bin/menu/create", body=dict(menu))[0]

    def oauth_code_to_openid(self, code: str) -> str:
        """Web authorisation: exchange the ?code= of the redirect for the user's openid."""
        result, payload = self._call(
            "GET", "/sns/oauth2/access_token",
            params={"appid": self.appid, "secret": self.secret, "code": code, "grant_type": "authorization_code"},
        )
        if not result.ok or not payload.get("openid"):
            if result.ok:
                result = SendResult(False, None, "no openid in response")
            raise WeChatApiError(result)
        return str(payload["openid"])
