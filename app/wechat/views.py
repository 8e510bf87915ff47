"""The WeChat callback at /wechat: GET handshake, POST messages and events (plain, compatible, safe mode).

Transport (app.wechat.transport) verifies and parses; its exceptions map to 403 (bad signature, replay),
413 (too large) or a logged "success" (malformed, unsafe XML, unknown type) — never a 500, since WeChat
retries and then shows the user "该公众号暂时无法提供服务".

WeChat drops a reply after 5 s. The bot runs in the request's thread under a watchdog (WECHAT_REPLY_DEADLINE,
4 s by default): when it is not done in time the watchdog gives up and cuts the database statement it waits for;
the view answers "success", and the reply follows as a customer-service message through the outbox (bot.handle's
`in_time`). The decision is made under a lock, so a reply is given exactly once: passively or pushed.
The /wechat path is outside /api/v1: no bearer token, the signature is the authentication.
"""
from __future__ import annotations

import gc
import logging
import os
import threading
import time
import uuid
from datetime import timedelta
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple
from urllib.parse import parse_qsl

import werkzeug.urls  # noqa: F401 - registers the "werkzeug.url_quote" codec error handler that _query uses
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_content_length, get_input_stream

from app import observability, security
from app.extensions import db, limiter
from app.services import dialects, nonces
from app.services.connections import cutter, once_more_if_disconnected
from app.wechat import bot, texts
from app.wechat.settings import flag, setting
from app.wechat.transport import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_REPLAY_WINDOW_SECONDS,
    SUCCESS,
    BodyTooLarge,
    Inbound,
    ReplayRejected,
    TransportConfig,
    TransportError,
    check_handshake,
    open_message,
    render_reply,
)
from models.base import utcnow

log = logging.getLogger(__name__)

blp = Blueprint("wechat_callback", __name__, url_prefix="/wechat")
# No rate limit applies to the callback (WeChat's servers are its only caller; the signature and the seen-once
# nonce are its guard): exempt, the limiter's per-request work is skipped on the hot path.
limiter.exempt(blp)

DEFAULT_DEADLINE_SECONDS = 4.0  # WeChat waits 5 s; leave room for the network and rendering
DEFAULT_WORKERS = 2  # threads per process for late work (a message handled again after a cut, a pushed reply)
SERVICES_KEY = "wechat.services"  # app.extensions entry: a bot.Services to use instead of the real ones


def transport_config(config: Mapping[str, Any]) -> TransportConfig:
    """TransportConfig from WECHAT_* settings (app/wechat/settings.py)."""
    window = config.get("WECHAT_REPLAY_WINDOW_SECONDS", "unset")
    if window == "unset":
        window = setting(config, "WECHAT_REPLAY_WINDOW_SECONDS", DEFAULT_REPLAY_WINDOW_SECONDS, int)
    return TransportConfig(
        token=config["WECHAT_TOKEN"],
        appid=config.get("WECHAT_APPID", ""),
        encoding_aes_key=config.get("WECHAT_ENCODING_AES_KEY") or None,
        replay_window_seconds=None if window in (None, "", 0, "0") else int(window),
        max_body_bytes=setting(config, "WECHAT_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, int),
    )


@dataclass(frozen=True)
class CallbackSettings:
    """What a callback reads from the settings: the transport's, the bot's and the watchdog's."""

    transport: TransportConfig
    bot: bot.BotSettings
    deadline: float


class _NotingReads:
    """app.config as `setting()` and the builders read it, noting the names read."""

    __slots__ = ("_config", "names")

    def __init__(self, config: Mapping[str, Any]) -> None:
        self._config, self.names = config, []

    def get(self, name: str, default: Any = None) -> Any:
        self.names.append(name)
        return self._config.get(name, default)

    def __getitem__(self, name: str) -> Any:
        self.names.append(name)
        return self._config[name]


SETTINGS_KEY = "wechat.settings"


def callback_settings(app: Flask) -> CallbackSettings:
    """The callback's settings, built once and again only when a value they were built from has changed (tests and
    overrides change app.config in place): a message compares a dozen values instead of reading, casting and
    building them."""
    config = app.config
    cached = app.extensions.get(SETTINGS_KEY)
    if cached is not None and tuple(map(config.get, cached[0])) == cached[1]:
        return cached[2]
    reads = _NotingReads(config)
    built = CallbackSettings(
        transport=transport_config(reads), bot=bot.BotSettings.from_config(reads),
        deadline=setting(reads, "WECHAT_REPLY_DEADLINE", DEFAULT_DEADLINE_SECONDS, float))
    names = tuple(dict.fromkeys(reads.names))
    app.extensions[SETTINGS_KEY] = (names, tuple(map(config.get, names)), built)
    return built


NONCES_KEY = "wechat.nonces"


def nonce_cache(app: Flask) -> nonces.NonceCache | nonces.TransactionNonces:
    """The seen-once cache: Redis when REDIS_URL is set, else the database; shared by every worker. On PostgreSQL
    the database's is checked inside the bot's transaction (nonces.TransactionNonces), elsewhere before it."""
    cache = app.extensions.get(NONCES_KEY)
    if cache is None:
        window = setting(app.config, "WECHAT_REPLAY_WINDOW_SECONDS") or DEFAULT_REPLAY_WINDOW_SECONDS
        ttl = timedelta(seconds=2 * int(window))  # timestamps pass up to one window either side of now
        if app.config.get("REDIS_URL"):
            import redis

            cache = nonces.RedisNonces(redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=5), ttl=ttl)
        else:
            with app.app_context():
                if db.engine.dialect.name == "postgresql":
                    cache = nonces.TransactionNonces(db.engine, ttl=ttl)
                else:
                    cache = nonces.DatabaseNonces(nonces.own_engine(db.engine), ttl=ttl)
        app.extensions[NONCES_KEY] = cache
    return cache


class Reply(NamedTuple):
    """What the two views answer: a status, a body and its type (UTF-8). The blueprint's routes make it a Flask
    Response; the direct path writes it to the WSGI server itself."""

    body: str
    status: int = 200
    mimetype: str = "text/plain"

    def response(self) -> Response:
        return Response(self.body, status=self.status, mimetype=self.mimetype)


def _rejected(exc: TransportError) -> Reply:
    log.warning("wechat callback refused (%s): %s", exc.http_status, exc)
    return Reply("", exc.http_status or 400)


@blp.get("")
def handshake() -> Response:
    """Server verification when the URL is saved in the MP console: echo echostr if the signature checks."""
    return _handshake(current_app._get_current_object(), request.args).response()


@blp.post("")
def callback() -> Response:
    """One message or event; the reply (encrypted in safe mode) or "success"."""
    return _callback(current_app._get_current_object(), request.args, request.content_length,
                     request.stream).response()


def _handshake(app: Flask, args: Mapping[str, str]) -> Reply:
    try:
        echostr = check_handshake(transport_config(app.config), args, now=time.time())
    except TransportError as exc:
        return _rejected(exc)
    return Reply(echostr)


def _callback(app: Flask, args: Mapping[str, str], content_length: int | None, stream: Any) -> Reply:
    settings = callback_settings(app)
    config = settings.transport
    if content_length is not None and content_length > config.max_body_bytes:
        return _rejected(BodyTooLarge(f"Content-Length {content_length} over the cap"))
    try:
        body = stream.read(config.max_body_bytes + 1)  # the cap, plus one byte to notice more
        opened = open_message(config, args, body, now=time.time())
        cache, seen = nonce_cache(app), None
        if isinstance(cache, nonces.TransactionNonces):
            seen = cache.seen(opened.timestamp, opened.nonce, body)  # checked by the bot's first statement
        elif not cache.first_use(opened.timestamp, opened.nonce, body, now=utcnow()):
            raise ReplayRejected("timestamp and nonce already used for another body")
    except TransportError as exc:
        if exc.http_status:
            return _rejected(exc)
        log.info("wechat callback: %s: %s; answered success", type(exc).__name__, exc)
        return Reply(SUCCESS)
    except Exception:
        log.exception("wechat callback: unexpected error while opening the message; answered success")
        return Reply(SUCCESS)
    try:
        text = dispatch(app, opened.inbound, seen, settings)
        body_out = render_reply(config, opened, text)
    except ReplayRejected as exc:  # the nonce, checked in the bot's transaction
        return _rejected(exc)
    except Exception:
        log.exception("wechat callback: unexpected error; answered success")
        return Reply(SUCCESS)
    return Reply(body_out, mimetype="text/plain" if body_out == SUCCESS else "application/xml")


# --- the direct path -------------------------------------------------------------------------------------
PATH = "/wechat"
_ENDPOINTS = {"POST": "wechat_callback.callback", "GET": "wechat_callback.handshake"}
_CONTENT_TYPES = {"text/plain": "text/plain; charset=utf-8", "application/xml": "application/xml; charset=utf-8"}


def _query(environ: Mapping[str, Any]) -> dict[str, str]:
    """The query string's parameters as werkzeug's Request.args reads them (the same parse: blank values kept,
    invalid UTF-8 left percent-encoded), the first value of a repeated name as MultiDict.get gives it."""
    args: dict[str, str] = {}
    query = environ.get("QUERY_STRING", "")
    if query.isascii() and "%" not in query and "+" not in query:
        # Nothing to decode (WeChat's signature, timestamp, nonce, openid, encrypt_type, msg_signature): parse_qsl's
        # own split — "&" between fields, an empty field skipped, a field without "=" a blank value.
        for field in query.split("&"):
            if field:
                name, _, value = field.partition("=")
                args.setdefault(name, value)
        return args
    for name, value in parse_qsl(query.encode("latin1").decode(), keep_blank_values=True, errors="werkzeug.url_quote"):
        args.setdefault(name, value)
    return args


def _status_line(code: int) -> str:
    """As werkzeug's Response writes it ("403 FORBIDDEN")."""
    return f"{code} {HTTP_STATUS_CODES.get(code, 'UNKNOWN').upper()}"


class DirectCallback:
    """WSGI middleware: GET and POST /wechat go straight to the two views' bodies, past Flask's per-request
    machinery, which the callback uses none of: no request context (the bot runs under an app context of its own),
    no URL matching, no cookie session, no before/after hooks of other parts (bearer-token actor, rate limiter — the
    callback is exempt —, audit notes: none applies to /wechat). What those hooks do for /wechat is done here, by
    the same functions: the security headers (`security.apply_headers`), the X-Request-ID header, the request
    metrics and the JSON access line without query string or body (`observability.record_request`). Every other
    path and method (HEAD, OPTIONS, /wechat/…) goes to Flask unchanged. Installed inside ProxyFix, which then fixes
    the scheme here as for Flask (HSTS). docs/benchmarks.md, "The BP hot path, fourth pass", gives what it saves."""

    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ: dict, start_response: Any) -> Any:
        endpoint = _ENDPOINTS.get(environ.get("REQUEST_METHOD", "")) if environ.get("PATH_INFO") == PATH else None
        if endpoint is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        request_id = (environ.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex)[:64]
        try:
            # What werkzeug's Request would give (args, content_length, stream), read from the environ directly.
            if endpoint == "wechat_callback.callback":
                reply = _callback(self.app, _query(environ), get_content_length(environ), get_input_stream(environ))
            else:
                reply = _handshake(self.app, _query(environ))
        except Exception:  # the views catch what they expect; this is a bug: a 500 with the usual headers
            log.exception("wechat callback: unexpected error")
            reply = Reply("", 500)
        # The response as werkzeug's Response would write it (status line, type, length, then the hooks' headers),
        # without building one: a Headers object validates each value with a regular expression.
        body = reply.body.encode("utf-8")
        extra: dict[str, str] = {}
        security.apply_headers(extra, PATH, environ.get("wsgi.url_scheme") in ("https", "wss"), self.app.config)
        if "\r" in request_id or "\n" in request_id:  # as werkzeug refuses it (a server would not pass it on)
            raise ValueError("Header values must not contain newline characters.")
        headers = [("Content-Type", _CONTENT_TYPES[reply.mimetype]), ("Content-Length", str(len(body))),
                   *extra.items(), ("X-Request-ID", request_id)]
        observability.record_request(environ["REQUEST_METHOD"], endpoint, PATH, reply.status,
                                     time.perf_counter() - started, request_id)
        start_response(_status_line(reply.status), headers)
        return [body]


def install_direct_path(app: Flask) -> None:
    app.wsgi_app = DirectCallback(app, app.wsgi_app)  # type: ignore[method-assign]


# --- the watchdog --------------------------------------------------------------------------------------
WATCHDOG_TICK_SECONDS = 0.2  # how often the watchdog looks at the messages in flight: a deadline is kept to this


class _Race:
    """Who wins between the bot finishing and the watchdog giving up: decided once, under a lock. Giving up also
    cuts the database statement the message is running (`attach`), so that a message waiting for the database
    answers in time; what the cut undid is handled again, late (`_run`)."""

    def __init__(self, deadline: float = 0.0, *, gave_up: bool = False) -> None:
        self._lock = threading.Lock()
        self._finished = False
        self._gave_up = gave_up
        self._cutter: Any = None
        self.deadline = deadline  # time.monotonic()
        self.cut = False  # the watchdog cut a statement of this message

    @classmethod
    def late(cls) -> "_Race":
        """A message handled again after the deadline: its reply is pushed."""
        return cls(gave_up=True)

    def attach(self, cutter: Any) -> None:
        """The message's connection, as connections.cutter gives it: what giving up cuts."""
        with self._lock:
            self._cutter = cutter

    def finish_in_time(self) -> bool:
        """Called by the bot before it commits: True → the view sends the reply; False → the reply is pushed."""
        with self._lock:
            if self._gave_up:
                return False
            self._finished = True
            return True

    def abandoned(self) -> bool:
        """True once the watchdog has given up: the view answers without this reply."""
        with self._lock:
            return self._gave_up

    def give_up(self) -> bool:
        """Called by the watchdog at the deadline: True → the view answers "success", the reply is pushed later."""
        with self._lock:
            if self._finished:
                return False
            self._gave_up = True
            if self._cutter is not None:
                self.cut = self._cutter()
            return True


class _Watchdog:
    """One thread per process: gives up on the messages in flight past their deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight: set[_Race] = set()
        threading.Thread(target=self._watch, name="wechat-watchdog", daemon=True).start()

    def watch(self, race: _Race) -> None:
        with self._lock:
            self._in_flight.add(race)

    def forget(self, race: _Race) -> None:
        with self._lock:
            self._in_flight.discard(race)

    def _watch(self) -> None:
        while True:
            time.sleep(WATCHDOG_TICK_SECONDS)
            now = time.monotonic()
            with self._lock:
                due = [race for race in self._in_flight if race.deadline <= now]
                self._in_flight.difference_update(due)
            for race in due:
                if race.give_up():
                    log.warning("wechat: a message not handled within its deadline; answered success, the reply "
                                "follows as a message%s", " (its statement cut)" if race.cut else "")


_watchdogs: dict[int, _Watchdog] = {}  # per process
_late_pools: dict[tuple[int, int], ThreadPoolExecutor] = {}  # per process and app
_process_lock = threading.Lock()


def _in_process(app: Flask) -> tuple[_Watchdog, ThreadPoolExecutor]:
    """This process's watchdog and the app's threads for late work (a message handled again after its statement was
    cut, a reply pushed), made at the app's first message in the process (after gunicorn forks), which also warms
    its triage up."""
    pid = os.getpid()
    pool = _late_pools.get((pid, id(app)))
    if pool is None:
        with _process_lock:
            if pid not in _watchdogs:
                _watchdogs[pid] = _Watchdog()
            pool = _late_pools.get((pid, id(app)))
            if pool is None:
                pool = _late_pools[pid, id(app)] = ThreadPoolExecutor(
                    max_workers=setting(app.config, "WECHAT_WORKER_THREADS", DEFAULT_WORKERS, int),
                    thread_name_prefix="wechat-late")
                if flag(app.config, "WECHAT_WARM_UP", True):  # a daemon: never holds up a process exit
                    threading.Thread(target=_warm_up, name="wechat-warm-up", daemon=True).start()
    return _watchdogs[pid], pool


def _warm_up() -> None:
    """Load the triage dictionaries, then move the process's objects out of the garbage collector's way
    (gc.freeze): a full collection otherwise walks the ~470,000 objects of the app and its dictionaries, ~140 ms
    during which every message in flight waits (docs/benchmarks.md, ninth pass)."""
    from app.services.triage import warm_up

    try:
        warm_up()
    except Exception:  # warming up is an optimisation only
        log.exception("triage warm-up failed")
    gc.freeze()


def services_for(app: Flask) -> bot.Services:
    services = app.extensions.get(SERVICES_KEY)
    if services is None:
        services = app.extensions[SERVICES_KEY] = bot.Services()
    return services


def dispatch(app: Flask, inbound: Inbound, seen: nonces.Seen | None = None,
             settings: CallbackSettings | None = None) -> str | None:
    """Run the bot in this thread under the watchdog; the reply text, or None to answer "success". ReplayRejected
    when the bot's first statement found `seen`'s nonce used for another body.

    At the deadline the watchdog gives up (the bot then queues its reply as a message) and cuts the database
    statement the bot is waiting for; the message is then handled again on the late threads, and this thread
    answers "success" at once. Python work is not cut: a bot slow in Python answers late, with "success", and
    pushes its reply; WeChat's retry of it meanwhile waits for its claim and is answered from the log."""
    settings = settings or callback_settings(app)
    race = _Race(time.monotonic() + settings.deadline)
    watchdog, _ = _in_process(app)
    watchdog.watch(race)
    try:
        return _run(app, inbound, race, seen, settings.bot)
    except ReplayRejected:
        raise
    except Exception:
        log.exception("wechat: handling %s failed", inbound.dedup_key)
        return texts.try_again_later()
    finally:
        watchdog.forget(race)


def _handle(app: Flask, inbound: Inbound, race: _Race, seen: nonces.Seen | None = None,
            settings: bot.BotSettings | None = None) -> bot.Handled:
    """bot.handle, sent once more when its connection died under it (the pool has replaced it by then): the dedup
    claim makes a second pass safe even when the first one's COMMIT was the statement that failed (the nonce of a
    first pass that committed is then the same body's: the second pass finds it and is answered from the log)."""
    kwargs = dict(now=utcnow(), settings=settings or bot.BotSettings.from_config(app.config),
                  services=services_for(app), in_time=race.finish_in_time, seen=seen)

    # The app context's session itself, not the scoped proxy: each use of the proxy looks the context's session up
    # again (a score of times a message). It is the one the services reach through db.session too.
    session = db.session()

    def attempt() -> bot.Handled:
        race.attach(cutter(dialects.connection(session)))
        return bot.handle(session, inbound, **kwargs)

    def lost() -> None:
        log.warning("wechat: %s: the database connection was lost; handled again", inbound.dedup_key)
        session.rollback()

    return once_more_if_disconnected(attempt, before_retry=lost)


def _run(app: Flask, inbound: Inbound, race: _Race, seen: nonces.Seen | None = None,
         settings: bot.BotSettings | None = None) -> str | None:
    with app.app_context():
        try:
            handled = _handle(app, inbound, race, seen, settings)
        except ReplayRejected:
            if race.abandoned():  # the view answered "success" already; nothing was done
                log.warning("wechat: a late-checked nonce was used before for another body; nothing done")
                return None
            raise
        except Exception:
            if race.cut:  # the watchdog cut it at the deadline, which rolled it back: once more, late
                log.warning("wechat: %s cut at the deadline; handled again, the reply follows as a message",
                            inbound.dedup_key)
                _in_process(app)[1].submit(_run, app, inbound, _Race.late(), seen, settings)
                return None
            if race.abandoned():  # nobody waits for this any more: log only
                log.exception("wechat: late handling of %s failed", inbound.dedup_key)
                return None
            raise
    if handled.push_directly:
        from app.wechat.notifier import send_reply_now

        _in_process(app)[1].submit(send_reply_now, app, handled.openid, handled.reply or "")
    return None if handled.deferred else handled.reply
