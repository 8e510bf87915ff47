"""Queue outbound messages in the caller's transaction; the scheduler's sender delivers them."""
from __future__ import annotations

import uuid
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


class SendResult(Protocol):
    ok: bool
    retryable: bool
    error: str | None


class Notifier(Protocol):
    """The port the outbox sender delivers through (WeChat in production, a logger or a fake in tests)."""

    def send(self, *, openid: str, text: str, data: dict[str, Any] | None, client_msg_id: str,
             kind: str) -> SendResult: ...
