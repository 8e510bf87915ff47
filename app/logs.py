"""Logging: plain lines for people, never ID-card numbers or phone numbers."""
from __future__ import annotations

import logging
import re

from flask import Flask

_ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


_ELEVEN_DIGITS = re.compile(r"\d{11}")  # in every ID-card and mobile number: text without it has neither


def redact(text: str) -> str:
    """Mask ID-card and mobile numbers in free text."""
    if _ELEVEN_DIGITS.search(text) is None:  # most log lines and fields: one scan instead of two substitutions
        return text
    return _PHONE.sub("1**********", _ID_CARD.sub("******************", text))


# The attributes every LogRecord has; anything else on a record came in through `extra=` (paths, request ids).
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RedactingFilter(logging.Filter):
    """Redacts personal numbers from every record that passes through a handler: the message, the `extra=`
    fields (a path such as /residents/<ID number> answered 404, a client's X-Request-ID) and a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        for name, value in list(vars(record).items()):
            if name not in _RECORD_FIELDS and isinstance(value, str):
                setattr(record, name, redact(value))
        if record.exc_info:  # formatted once here; formatters print exc_text when exc_info is gone
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def configure_logging(app: Flask) -> None:
    """JSON lines when LOG_FORMAT=json (production), plain otherwise; the redacting filter on every handler."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        if app.config.get("LOG_FORMAT") == "json":
            from app.observability import JsonFormatter

            handler.setFormatter(JsonFormatter())
        else:
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
