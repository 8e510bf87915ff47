"""Queue outbound messages in the caller's transaction; the scheduler's sender delivers them."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import dialects
from models.outbox import OutboxMessage, OutboxStatus


def enqueue(session: Session, *, consortium_id: int, kind: str, text: str, now: datetime,
            resident_id: int | None = None, staff_id: int | None = None, data: dict[str, Any] | None = None,
            dedup_key: str | None = None) -> OutboxMessage:
    """Add a message to the outbox (same transaction as its cause); a repeated dedup_key returns the first."""
    values = _values(consortium_id=consortium_id, kind=kind, text=text, now=now, resident_id=resident_id,
                     staff_id=staff_id, data=data, dedup_key=dedup_key)
    if dedup_key is not None:
        existing = session.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == dedup_key))
        if existing is not None:
            return existing
    message = OutboxMessage(**values)
    session.add(message)
    session.flush()
    return message


def enqueue_many(session: Session, messages: Iterable[dict[str, Any]], *, now: datetime) -> int:
    """`enqueue` for many messages in one statement (same transaction as their cause); returns how many were queued.

    Each message has the keyword arguments of `enqueue` but `now`. A dedup_key already queued (or repeated
    in `messages`) is skipped, as `enqueue` would return the first: INSERT … ON CONFLICT DO NOTHING.
    """
    rows, keys = [], set()
    for m in messages:
        row = _values(**m, now=now)
        if row["dedup_key"] is not None:
            if row["dedup_key"] in keys:
                continue
            keys.add(row["dedup_key"])
        rows.append(row)
    return len(dialects.insert_rows(session, OutboxMessage.__table__, rows, conflict=(("dedup_key",), None),
                                    returning=("id",)))


def _values(*, consortium_id: int, kind: str, text: str, now: datetime, resident_id: int | None = None,
            staff_id: int | None = None, data: dict[str, Any] | None = None, dedup_key: str | None = None) -> dict:
    """A new message's columns: one recipient, a client message id of its own, due now."""
    assert (resident_id is None) != (staff_id is None), "exactly one recipient"
    return {"consortium_id": consortium_id, "resident_id": resident_id, "staff_id": staff_id, "kind": kind,
            "text": text, "data": data, "dedup_key": dedup_key, "client_msg_id": uuid.uuid4().hex,
            "status": OutboxStatus.pending, "attempts": 0, "next_attempt_at": now, "created_at": now}


@dataclass(frozen=True)
class SendResult:
    """The one outcome of one send: WeChat API calls, notifiers and the outbox sender all use it."""

    ok: bool
    errcode: int | None = 0  # WeChat's errcode; None: no WeChat answer (timeout, connection error, HTTP error)
    errmsg: str = ""
    retryable: bool = False
    reroute: bool = False  # final on this channel, another channel may work (45015, 45047, 43101)
    retry_tomorrow: bool = False  # a daily quota: it resets at local midnight
    config_error: bool = False  # an operator must fix settings (IP whitelist, secret, template id…)
    http_status: int | None = None
    msgid: str | None = None
    error: str | None = None  # the reason the outbox records
    retry_after: float | None = None  # seconds, when the channel says how long to wait
    channel: str = ""

    @property
    def final(self) -> bool:
        return not self.ok and not self.retryable


class Notifier(Protocol):
    """The port the outbox sender delivers through (WeChat in production, a logger or a fake in tests)."""

    def send(self, *, openid: str, text: str, data: dict[str, Any] | None, client_msg_id: str,
             kind: str) -> SendResult: ...
