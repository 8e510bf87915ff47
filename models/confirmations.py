"""Confirmation before critical (确认后再报警): a dangerous home value waits for its repeat.

One row per dangerous reading (BP >=180/110; glucose <3.0, >=16.7 mmol/L, HI/LO) that the readings
service could not yet confirm: a repeat that agrees, or a red-flag symptom, confirms it and opens the
alert; a normal repeat dismisses it; no repeat within the wait (CONFIRM_WAIT_MINUTES) gives the village
doctor a moderate "please call the resident" alert (the `confirmation_timeout` job), never a page.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin
from models.org import str_enum


class ConfirmationState(str, enum.Enum):
    """The states of ml.measurement.Confirmation that are stored (not_dangerous is never stored)."""
    awaiting = "awaiting_confirmation"
    confirmed = "confirmed"
    dismissed = "dismissed_by_normal_repeat"
    unconfirmed = "unconfirmed"  # no repeat before the wait ran out: the village doctor calls


class ReadingCheck(str, enum.Enum):
    """`confirmation` of a stored reading: what the trend features and KPIs may count (NULL = ordinary)."""
    awaiting = "awaiting"  # a dangerous value waiting for its repeat
    confirmed = "confirmed"  # a dangerous value confirmed by a repeat or a red-flag symptom
    not_confirmed = "not_confirmed"  # dismissed by a normal repeat, or never repeated
    as_typed = "as_typed"  # a probably mistyped entry stored as typed (confirm=true): never a trend input


# Readings the trend features and the "critical in 72 h" state may use: ordinary or confirmed.
TREND_USABLE = (None, ReadingCheck.confirmed.value)


class ReadingConfirmation(IdMixin, Base):
    __tablename__ = "reading_confirmations"
    __table_args__ = (
        UniqueConstraint("reading_type", "reading_id"),  # a retry or a rerun finds the row it made
        Index("ix_reading_confirmations_state_measured", "state", "measured_at"),  # the timeout job
    )
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"))
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    reading_type: Mapped[str] = mapped_column(String(8))  # bp | glucose
    reading_id: Mapped[int] = mapped_column(BigId)  # the dangerous reading (bp_readings or glucose_readings)
    rule: Mapped[str] = mapped_column(String(8))  # the rule waiting: BP-U1, G-E1, G-U2 …
    state: Mapped[ConfirmationState] = mapped_column(str_enum(ConfirmationState, "confirmation_state"))
    reason: Mapped[str | None] = mapped_column(String(16))  # repeat | red_flag | normal_repeat | timeout
    measured_at: Mapped[datetime] = mapped_column()  # of the dangerous reading: the wait runs from it
    opened_at: Mapped[datetime] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    # The reading that confirmed (the alert's SLA clock starts there) or dismissed it.
    resolving_reading_id: Mapped[int | None] = mapped_column(BigId)
    alert_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("alerts.id"))
