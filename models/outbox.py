"""The outbox: every outbound message is written in the same transaction as the fact that caused it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, utcnow
from models.org import str_enum


class OutboxStatus(str, enum.Enum):
    pending = "pending"
    sent = "sent"
    failed = "failed"  # final failure, with a recorded reason
    cancelled = "cancelled"  # e.g. consent withdrawn before sending


class OutboxMessage(IdMixin, Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"))
    # Who receives it: a resident or a staff member (their WeChat openid is looked up at send time).
    resident_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # e.g. reading_advice, alert_notice, reminder_measure
    text: Mapped[str] = mapped_column(Text)  # plain Chinese message body
    data: Mapped[dict | None] = mapped_column(JSON)  # template fields, links
    # Idempotency: the same cause never queues twice (e.g. "reminder:measure:42:2026-06-01").
    dedup_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    # Sent to WeChat as client_msg_id, so a retry after a timeout is not delivered twice.
    client_msg_id: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
