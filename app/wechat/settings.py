"""The bot's settings, loaded and checked once by app/config.py (`setting()` reads them from there).

WECHAT_TOKEN, WECHAT_APPID, WECHAT_APPSECRET, WECHAT_ENCODING_AES_KEY and WECHAT_API_BASE are secrets and
endpoints checked by app/config.py (outside demo mode they must be set); these tune the bot:

| name | default | meaning |
|---|---|---|
| WECHAT_REPLAY_WINDOW_SECONDS | 300 | timestamps further from now are refused (403); 0 switches it off |
| WECHAT_MAX_BODY_BYTES | 65536 | larger callback bodies are refused (413) |
| WECHAT_REPLY_DEADLINE | 4.0 | seconds before the watchdog cuts the bot's statement, answers "success" and the reply follows as a message (below 4.4) |
| WECHAT_WORKER_THREADS | 2 | threads per process for late work: a message handled again after a cut, a reply pushed |
| WECHAT_WARM_UP | true | load the triage dictionaries when the first message arrives in a process |
| WECHAT_STATE_TTL_SECONDS | 1800 | a conversation left this long starts again |
| WECHAT_BIND_MAX_FAILURES / WECHAT_BIND_LOCK_MINUTES | 5 / 30 | binding attempts per openid before the lock, and its length |
| WECHAT_BIND_TARGET_MAX_FAILURES | 5 | failed attempts naming one resident (name + identity) before binding to them locks |
| WECHAT_BIND_GLOBAL_MAX_FAILURES_PER_HOUR | 200 | failed binding attempts per hour, all openids together, before binding pauses |
| WECHAT_INBOUND_KEEP_DAYS | 7 | days the dedup/reply log and the replay cache are kept |
| WECHAT_PUSH | on unless the development appid | send outbox messages through WeChat (else they are logged) |
| WECHAT_TEMPLATE_ID | — | template message id used outside the 48 h window |
| WECHAT_TEMPLATE_IDS | — | JSON {outbox kind: template id} overriding WECHAT_TEMPLATE_ID per kind |
| WECHAT_SUBSCRIBE_TEMPLATE_ID | — | subscription-notification template, used when no template message is configured |
| WECHAT_TEMPLATE_FIELDS | thing1,thing2,time3 | the template's keys for title, summary and time |
| WECHAT_HTTP_TIMEOUT | 5 | seconds, every call to the WeChat API |
"""
from __future__ import annotations

from app.config import flag, setting

__all__ = ["flag", "setting"]
