"""A fake WeChat API server: a small werkzeug WSGI app on a loopback port, in a thread.

    with running_fake_wechat() as fake:
        client = WeChatClient(fake.appid, fake.secret, base_url=fake.base_url)
        fake.fail_next(45011)
        ...
        assert fake.sent[-1]["touser"] == "o1"

Endpoints: /cgi-bin/token, /cgi-bin/stable_token, /cgi-bin/message/template/send,
/cgi-bin/message/subscribe/bizsend, /cgi-bin/message/custom/send, /cgi-bin/menu/create,
/sns/oauth2/access_token. Controls: fail_next(errcode | http_status), hang(seconds),
rate_limit(n), expire_tokens(), invalidate_tokens(), set_unsubscribed(openid),
set_outside_window(openid), register_oauth_code(code, openid), disable_stable_token().
"""
from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

SEND_PATHS = {
    "/cgi-bin/message/template/send": "template",
    "/cgi-bin/message/subscribe/bizsend": "subscribe",
    "/cgi-bin/message/custom/send": "custom",
    "/cgi-bin/menu/create": "menu",
}
TEMPLATE_VALUE_MAX_CHARS = 20


@dataclass
class _Failure:
    errcode: int | None
    http_status: int | None
    path: str | None


@dataclass
class FakeWeChat:
    """State and controls of the fake; `base_url` is set once it listens."""

    appid: str = "wxfake0000000001"
    secret: str = "fake-secret"
    base_url: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)  # accepted sends, body + "kind"
    requests: list[dict[str, Any]] = field(default_factory=list)  # every request: method, path, query
    token_requests: int = 0
    valid_tokens: set[str] = field(default_factory=set)
    expired_tokens: set[str] = field(default_factory=set)
    unsubscribed: set[str] = field(default_factory=set)
    outside_window: set[str] = field(default_factory=set)
    oauth_codes: dict[str, str] = field(default_factory=dict)
    stable_token_enabled: bool = True
    browser_openid: str | None = None
    _failures: list[_Failure] = field(default_factory=list)
    _hangs: list[float] = field(default_factory=list)
    _rate_limit: int | None = None
    _client_msg_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    _counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stable_token: str | None = None

    # -- controls ---------------------------------------------------------------------------------
    def fail_next(self, errcode: int | None = None, *, http_status: int | None = None, times: int = 1, path: str | None = None) -> None:
        """The next `times` requests (to `path`, if given) answer errcode, or a bare HTTP status."""
        with self._lock:
            self._failures.extend(_Failure(errcode, http_status, path) for _ in range(times))

    def hang(self, seconds: float, *, times: int = 1) -> None:
        """The next `times` requests sleep before answering (client timeouts)."""
        with self._lock:
            self._hangs.extend([seconds] * times)

    def rate_limit(self, max_sends: int | None) -> None:
        """Sends beyond max_sends (counted from now) answer 45011; None lifts the limit."""
        with self._lock:
            self._rate_limit = None if max_sends is None else len(self.sent) + max_sends

    def expire_tokens(self) -> None:
        """Every issued token now answers 42001 (expired); stable_token issues a new one."""
        with self._lock:
            self.expired_tokens |= self.valid_tokens
            self.valid_tokens.clear()
            self._stable_token = None

    def invalidate_tokens(self) -> None:
        """Every issued token now answers 40001, and stable_token keeps returning the same one
        until force_refresh (WeChat's "not latest" case)."""
        with self._lock:
            self.valid_tokens.clear()

    def set_unsubscribed(self, openid: str) -> None:
        self.unsubscribed.add(openid)

    def set_outside_window(self, openid: str) -> None:
        self.outside_window.add(openid)

    def register_oauth_code(self, code: str, openid: str) -> None:
        self.oauth_codes[code] = openid

    def sign_in_as(self, openid: str | None) -> None:
        """The WeChat user of the in-app browser: the authorisation page sends them back with a code for this openid."""
        self.browser_openid = openid

    def disable_stable_token(self) -> None:
        self.stable_token_enabled = False

    def sends(self, kind: str) -> list[dict[str, Any]]:
        return [s for s in self.sent if s["kind"] == kind]

    # -- WSGI ---------------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)

    def _json(self, payload: dict[str, Any], status: int = 200) -> Response:
        return Response(json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8")

    def _error(self, errcode: int, errmsg: str = "") -> Response:
        return self._json({"errcode": errcode, "errmsg": errmsg or f"fake error {errcode}"})

    def _handle(self, request: Request) -> Response:
        raw = request.get_data()
        with self._lock:
            self.requests.append({"method": request.method, "path": request.path, "query": dict(request.args), "raw": raw})
            delay = self._hangs.pop(0) if self._hangs else 0.0
            failure = next((f for f in self._failures if f.path in (None, request.path)), None)
            if failure is not None:
                self._failures.remove(failure)
        if delay:
            time.sleep(delay)
        if failure is not None:
            if failure.http_status is not None:
                return Response("fake upstream failure", status=failure.http_status)
            return self._error(failure.errcode or -1)
        path = request.path
        if path == "/cgi-bin/stable_token" and request.method == "POST":
            return self._stable_token_endpoint(raw)
        if path == "/cgi-bin/token" and request.method == "GET":
            return self._token_endpoint(request)
        if path == "/sns/oauth2/access_token":
            return self._oauth(request)
        if path == "/connect/oauth2/authorize":
            return self._authorize(request)
        if path in SEND_PATHS and request.method == "POST":
            return self._send(request, raw, SEND_PATHS[path])
        return Response("not found", status=404)

    def _issue_token(self) -> str:
        token = f"TOKEN-{next(self._counter)}"
        self.valid_tokens.add(token)
        self.token_requests += 1
        return token

    def _stable_token_endpoint(self, raw: bytes) -> Response:
        if not self.stable_token_enabled:
            return Response("not found", status=404)
        body = json.loads(raw or b"{}")
        if body.get("appid") != self.appid:
            return self._error(40013, "invalid appid")
        if body.get("secret") != self.secret:
            return self._error(40125, "invalid appsecret")
        with self._lock:
            if body.get("force_refresh") or self._stable_token is None:
                if self._stable_token:
                    self.valid_tokens.discard(self._stable_token)
                self._stable_token = self._issue_token()
            else:
                self.token_requests += 1
            return self._json({"access_token": self._stable_token, "expires_in": 7200})

    def _token_endpoint(self, request: Request) -> Response:
        if request.args.get("appid") != self.appid:
            return self._error(40013, "invalid appid")
        if request.args.get("secret") != self.secret:
            return self._error(40001, "invalid credential")
        with self._lock:
            return self._json({"access_token": self._issue_token(), "expires_in": 7200})

    def _authorize(self, request: Request) -> Response:
        """The web-authorisation page (snsapi_base asks nothing): back to redirect_uri with a one-time code."""
        if request.args.get("appid") != self.appid or self.browser_openid is None:
            return Response("fake: unknown appid or no WeChat user", status=400)
        code = f"CODE-{next(self._counter)}"
        self.register_oauth_code(code, self.browser_openid)
        target = request.args["redirect_uri"]
        joiner = "&" if "?" in target else "?"
        return Response(status=302, headers={"Location": f"{target}{joiner}{urlencode({'code': code, 'state': request.args.get('state', '')})}"})

    def _oauth(self, request: Request) -> Response:
        if request.args.get("appid") != self.appid or request.args.get("secret") != self.secret:
            return self._error(40125, "invalid appsecret")
        if request.args.get("grant_type") != "authorization_code":
            return self._error(40002, "invalid grant_type")
        openid = self.oauth_codes.pop(request.args.get("code", ""), None)  # a code is used once
        if openid is None:
            return self._error(40029, "invalid code")
        return self._json({"access_token": "OAUTH-TOKEN", "expires_in": 7200, "refresh_token": "R",
                           "openid": openid, "scope": "snsapi_base"})

    def _send(self, request: Request, raw: bytes, kind: str) -> Response:
        token = request.args.get("access_token", "")
        with self._lock:
            if token in self.expired_tokens:
                return self._error(42001, "access_token expired")
            if token not in self.valid_tokens:
                return self._error(40001, "invalid credential, access_token is invalid or not latest")
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self._error(47001, "data format error")
        openid = body.get("touser", "")
        if kind != "menu":
            if openid in self.unsubscribed:
                return self._error(43004, "require subscribe")
            if not openid.startswith("o"):
                return self._error(40003, "invalid openid")
        if kind == "custom" and openid in self.outside_window:
            return self._error(45015, "response out of time limit or subscription is canceled")
        if kind in ("template", "subscribe"):
            if body.get("template_id") in (None, "", "bad-template"):
                return self._error(40037, "invalid template_id")
            for value in body.get("data", {}).values():
                if len(str(value.get("value", ""))) > TEMPLATE_VALUE_MAX_CHARS:
                    return self._error(47003, "argument invalid! data.value exceeds limit")
        with self._lock:
            if self._rate_limit is not None and len(self.sent) >= self._rate_limit:
                return self._error(45011, "api minute-quota reach limit")
            client_msg_id = body.get("client_msg_id")
            key = (openid, client_msg_id) if client_msg_id else None
            if key and key in self._client_msg_ids:
                return self._json({"errcode": 0, "errmsg": "ok", "msgid": self._client_msg_ids[key]})
            msgid = str(next(self._counter))
            if key:
                self._client_msg_ids[key] = msgid
            self.sent.append({"kind": kind, "raw": raw, **body})
        return self._json({"errcode": 0, "errmsg": "ok", "msgid": msgid})


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextmanager
def running_fake_wechat(**kwargs: Any) -> Iterator[FakeWeChat]:
    """Serve a FakeWeChat on 127.0.0.1 (free port) for the duration of the block."""
    fake = FakeWeChat(**kwargs)
    server = make_server("127.0.0.1", 0, fake, threaded=True, request_handler=_QuietHandler)
    server.daemon_threads = True
    server.block_on_close = False  # a hung request must not hold the test's teardown
    fake.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, name="fake-wechat", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
