"""The bot's settings: the app's config first, then the environment, then the default.

WECHAT_TOKEN, WECHAT_APPID, WECHAT_APPSECRET, WECHAT_ENCODING_AES_KEY and WECHAT_API_BASE come from
app/config.py; these tune the bot:

| name | default | meaning |
|---|---|---|
| WECHAT_REPLAY_WINDOW_SECONDS | 300 | timestamps further from now are refused (403); 0 switches it off |
| WECHAT_MAX_BODY_BYTES | 65536 | larger callback bodies are refused (413) |
| WECHAT_REPLY_DEADLINE | 4.0 | seconds before the watchdog answers "success" and the reply follows as a message |
| WECHAT_COMMIT_GRACE | 0.6 | extra wait for a reply that finished in time but is still committing |
| WECHAT_WORKER_THREADS | 8 | bot threads per process |
| WECHAT_WARM_UP | true | load the triage dictionaries when the first message arrives in a process |
| WECHAT_STATE_TTL_SECONDS | 1800 | a conversation left this long starts again |
| WECHAT_BIND_MAX_FAILURES / WECHAT_BIND_LOCK_MINUTES | 5 / 30 | binding attempts before the lock, and its length |
| WECHAT_PUSH | on unless the development appid | send outbox messages through WeChat (else they are logged) |
| WECHAT_TEMPLATE_ID | — | template message id used outside the 48 h window |
| WECHAT_TEMPLATE_IDS | — | JSON {outbox kind: template id} overriding WECHAT_TEMPLATE_ID per kind |
| WECHAT_SUBSCRIBE_TEMPLATE_ID | — | subscription-notification template, used when no template message is configured |
| WECHAT_TEMPLATE_FIELDS | thing1,thing2,time3 | the template's keys for title, summary and time |
| WECHAT_HTTP_TIMEOUT | 5 | seconds, every call to the WeChat API |
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")


def setting(config: Mapping[str, Any], name: str, default: T, cast: Callable[[Any], T] | None = None) -> T:
    """config[name], else the environment variable, else `default` (cast to the default's type)."""
    value = config.get(name)
    if value is None:
        value = os.environ.get(name)
    if value is None or value == "":
        return default
    caster = cast or (type(default) if default is not None else str)
    return caster(value)


def flag(config: Mapping[str, Any], name: str, default: bool) -> bool:
    """A yes/no setting: 1/true/yes/on."""
    value = setting(config, name, None, str)
    if value is None:
        return default
    return str(value).strip().lower() in ("1", "true", "yes", "on")
