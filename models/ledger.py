"""The 履约 ledger's own records: services without a record elsewhere (health check, education session, reading
review) and the township's review of records flagged 需核实."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, utcnow


class ServiceRecord(IdMixin, Base):
    """One delivered service to one resident: a 健康体检, a 健康教育 session (a group session is one row per
    attendee with a shared group_key) or a review of the home readings (居家监测数据查看)."""

    __tablename__ = "service_records"
    __table_args__ = (Index("ix_service_records_resident_delivered", "resident_id", "delivered_at"),
                      Index("ix_service_records_staff_delivered", "staff_id", "delivered_at"))
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"))
    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("teams.id"), index=True)
    staff_id: Mapped[int] = mapped_column(BigId, ForeignKey("staff.id"))  # who delivered it
    kind: Mapped[str] = mapped_column(String(24))  # health_check / education / reading_review
    delivered_at: Mapped[datetime] = mapped_column()
    method: Mapped[str] = mapped_column(String(16))  # clinic / home / phone / wechat / group
    group_key: Mapped[str | None] = mapped_column(String(36), index=True)
    details: Mapped[dict | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    # Provenance, as on follow-ups: who entered it, when and through which channel (app / web / import).
    entered_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    entry_channel: Mapped[str] = mapped_column(String(8), default="app")


class ServiceReview(IdMixin, Base):
    """The township's or county's finding on one flagged record (one finding per record and flag)."""

    __tablename__ = "service_reviews"
    __table_args__ = (UniqueConstraint("source", "record_id", "flag"),)
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # followup / service_record
    record_id: Mapped[int] = mapped_column(BigId)
    flag: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))  # verified / corrected / unresolved
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int] = mapped_column(BigId, ForeignKey("staff.id"))
    reviewed_at: Mapped[datetime] = mapped_column()
