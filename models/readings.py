"""Home readings (居家监测): blood pressure and glucose, idempotent by a client-supplied id."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin, utcnow
from models.org import str_enum


class ReadingSource(str, enum.Enum):
    wechat = "wechat"
    app = "app"
    device = "device"
    doctor = "doctor"


class GlucoseContext(str, enum.Enum):
    fasting = "fasting"
    postprandial = "postprandial"
    random = "random"
    bedtime = "bedtime"


class BpReading(IdMixin, Base):
    __tablename__ = "bp_readings"
    __table_args__ = (
        UniqueConstraint("resident_id", "client_id"),
        # INCLUDE: the trend scan reads a resident's window from the index alone (an index-only scan on
        # PostgreSQL; other databases ignore it)
        Index("ix_bp_readings_resident_measured", "resident_id", "measured_at",
              postgresql_include=["id", "systolic", "diastolic", "confirmation"]),
    )
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"))
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"))
    client_id: Mapped[str] = mapped_column(String(64))  # UUID from the client or the Idempotency-Key
    measured_at: Mapped[datetime] = mapped_column()
    systolic: Mapped[int] = mapped_column(Integer)
    diastolic: Mapped[int] = mapped_column(Integer)
    pulse: Mapped[int | None] = mapped_column(Integer)
    arm: Mapped[str | None] = mapped_column(String(8))
    position: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[ReadingSource] = mapped_column(str_enum(ReadingSource, "reading_source"))
    device_serial: Mapped[str | None] = mapped_column(String(64))
    entered_by_staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    symptoms: Mapped[str | None] = mapped_column(Text)  # free text the resident sent with the reading
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # NULL, or a models.confirmations.ReadingCheck value: the trend features use NULL and "confirmed" only.
    confirmation: Mapped[str | None] = mapped_column(String(16))


class GlucoseReading(IdMixin, Base):
    __tablename__ = "glucose_readings"
    __table_args__ = (
        UniqueConstraint("resident_id", "client_id"),
        Index("ix_glucose_readings_resident_measured", "resident_id", "measured_at",
              postgresql_include=["id", "value_mmol", "meter_flag", "context", "confirmation"]),
    )
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"))
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    measured_at: Mapped[datetime] = mapped_column()
    # mmol/L, one decimal; NULL when the meter showed HI or LO (meter_flag).
    value_mmol: Mapped[float | None] = mapped_column(Float)
    meter_flag: Mapped[str | None] = mapped_column(String(2))
    context: Mapped[GlucoseContext] = mapped_column(str_enum(GlucoseContext, "glucose_context"))
    original_value: Mapped[float | None] = mapped_column(Float)
    original_unit: Mapped[str] = mapped_column(String(8), default="mmol/L")
    source: Mapped[ReadingSource] = mapped_column(str_enum(ReadingSource, "reading_source"))
    device_serial: Mapped[str | None] = mapped_column(String(64))
    entered_by_staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    symptoms: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmation: Mapped[str | None] = mapped_column(String(16))  # as on bp_readings


class DeviceKey(IdMixin, Base):
    """A gateway key bound to one resident's meter; only its SHA-256 is stored; revocable."""

    __tablename__ = "device_keys"
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"))
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_serial: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    revoked_at: Mapped[datetime | None] = mapped_column()
