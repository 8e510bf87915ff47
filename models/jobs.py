"""Scheduler state: leases (locks on SQLite), per-resident scan cursors and marks, reminder settings."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId


class JobLease(Base):
    """A named lock with an expiry: a crashed holder's lease simply runs out."""

    __tablename__ = "job_leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column()


class ResidentScanState(Base):
    """Where the trend scan left off for a resident: the scan's cost follows new readings, not history."""

    __tablename__ = "resident_scan_states"
    # Every scan rewrites its residents' rows: room on each page keeps the new versions there (HOT updates:
    # no index entries; none of the columns a scan writes is indexed, so the queue is found by a pass over
    # the table, ~15 ms for 200,000 residents, rather than by an index that every update would have to touch).
    __table_args__ = ({"postgresql_with": {"fillfactor": 80}},)
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), primary_key=True)
    last_bp_id: Mapped[int] = mapped_column(BigId, default=0)
    last_glucose_id: Mapped[int] = mapped_column(BigId, default=0)
    scanned_at: Mapped[datetime | None] = mapped_column()
    # The previous window's status per kind, e.g. {"bp": "uncontrolled"}: two in a row -> referral.
    last_status: Mapped[dict | None] = mapped_column(JSON)


class ScanMark(Base):
    """The highest reading id of a table whose resident has been queued (or was up to date) by the last
    trend scan: the next scan looks only at readings above it, less a margin for late commits."""

    __tablename__ = "scan_marks"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    high_id: Mapped[int] = mapped_column(BigId)


class ReminderSetting(Base):
    """A resident's own reminder choices (提醒设置)."""

    __tablename__ = "reminder_settings"
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), primary_key=True)
    medication_times: Mapped[list | None] = mapped_column(JSON)  # ["08:00", "20:00"] Asia/Shanghai
    measurement_enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime | None] = mapped_column()
