"""Referrals (转诊) up to county specialists, reserved slots (预留号源), and back down with a plan."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, utcnow
from models.org import str_enum


class ReferralStatus(str, enum.Enum):
    requested = "requested"
    accepted = "accepted"
    declined = "declined"
    booked = "booked"
    completed = "completed"
    referred_back = "referred_back"
    cancelled = "cancelled"


class Urgency(str, enum.Enum):
    emergency = "emergency"
    urgent = "urgent"
    routine = "routine"


class Referral(IdMixin, Base):
    __tablename__ = "referrals"
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("teams.id"), index=True)
    from_staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    to_specialist_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"), index=True)
    to_department: Mapped[str] = mapped_column(String(32), index=True)
    alert_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("alerts.id"))
    reason: Mapped[str] = mapped_column(Text)
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency, "referral_urgency"))
    status: Mapped[ReferralStatus] = mapped_column(str_enum(ReferralStatus, "referral_status"), index=True)
    summary: Mapped[dict] = mapped_column(JSON)  # readings, 7-day means, alerts, conditions, medications
    decline_reason: Mapped[str | None] = mapped_column(Text)
    advice: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[str | None] = mapped_column(Text)  # the plan when referred back down (下转)
    slot_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("specialist_slots.id"))
    handled_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()  # the specialist's window on the record ends 30 days after


class SpecialistSlot(IdMixin, Base):
    """Daily capacity published by a department (or one specialist), part reserved for referrals."""

    __tablename__ = "specialist_slots"
    __table_args__ = (
        UniqueConstraint("consortium_id", "department", "specialist_id", "day"),
        # NULLs are distinct in a unique constraint: department-wide slots need their own index.
        Index("uq_specialist_slots_department_day", "consortium_id", "department", "day", unique=True,
              postgresql_where=text("specialist_id IS NULL"), sqlite_where=text("specialist_id IS NULL")),
        CheckConstraint("booked_referrals <= reserved_for_referrals", name="booked_within_reserved"),
        CheckConstraint("reserved_for_referrals <= capacity", name="reserved_within_capacity"),
    )
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"))
    department: Mapped[str] = mapped_column(String(32))
    specialist_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    day: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    reserved_for_referrals: Mapped[int] = mapped_column(Integer)
    booked_referrals: Mapped[int] = mapped_column(Integer, default=0)
