"""Residents (居民), their chronic conditions and consent records (PIPL: explicit consent)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, IdMixin, TimestampMixin
from models.org import Village, str_enum


class Sex(str, enum.Enum):
    M = "M"
    F = "F"


class Resident(IdMixin, TimestampMixin, Base):
    __tablename__ = "residents"
    __table_args__ = (
        UniqueConstraint("consortium_id", "id_card_bidx"),
        UniqueConstraint("consortium_id", "phs_record_no"),
    )
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    sex: Mapped[Sex] = mapped_column(str_enum(Sex, "sex"))
    birth_date: Mapped[date] = mapped_column(Date)
    # Encrypted at rest (MultiFernet) with an HMAC blind index for exact look-up; see app/services/privacy.py.
    id_card_enc: Mapped[str] = mapped_column(String(255))
    id_card_bidx: Mapped[str] = mapped_column(String(64), index=True)
    phone_enc: Mapped[str | None] = mapped_column(String(255))
    phone_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    village_id: Mapped[int] = mapped_column(BigId, ForeignKey("villages.id"), index=True)
    # Personal home BP target; NULL means the default for age and conditions (ml.clinical).
    bp_target_sys: Mapped[int | None] = mapped_column(Integer)
    bp_target_dia: Mapped[int | None] = mapped_column(Integer)
    wechat_openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # 健康档案编号: the county 基本公卫 system's record number (registry import; exports key on it).
    phs_record_no: Mapped[str | None] = mapped_column(String(32))
    # Set when a deletion request has been carried out: the row stays for aggregates, without identity.
    anonymised_at: Mapped[datetime | None] = mapped_column()

    village: Mapped[Village] = relationship(lazy="joined")
    conditions: Mapped[list[ResidentCondition]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ResidentCondition.code"
    )
    consents: Mapped[list[Consent]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Consent.id"
    )

    @property
    def condition_codes(self) -> list[str]:
        return [c.code for c in self.conditions]

    def age_on(self, day: date) -> int:
        """Age in whole years on a day."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)


class ResidentCondition(Base):
    __tablename__ = "resident_conditions"
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class Consent(IdMixin, Base):
    __tablename__ = "consents"
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    version: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16), default="api")
    granted_at: Mapped[datetime] = mapped_column()
    withdrawn_at: Mapped[datetime | None] = mapped_column()


class DeletionRequest(IdMixin, Base):
    """A resident's request to be forgotten: carried out (anonymised) once the retention period ends."""

    __tablename__ = "deletion_requests"
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), unique=True)
    requested_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime] = mapped_column(index=True)
    carried_out_at: Mapped[datetime | None] = mapped_column()
