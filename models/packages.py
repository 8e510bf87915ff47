"""Service packages (服务包), versioned: contracts keep the version they signed."""
from __future__ import annotations

import enum

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, IdMixin, TimestampMixin
from models.org import str_enum


class TargetGroup(str, enum.Enum):
    all = "all"
    hypertension = "hypertension"
    diabetes = "diabetes"
    elderly_65 = "elderly_65"
    maternal = "maternal"
    child = "child"
    disabled = "disabled"
    severe_mental = "severe_mental"


class ServicePackage(IdMixin, TimestampMixin, Base):
    __tablename__ = "service_packages"
    __table_args__ = (UniqueConstraint("consortium_id", "code", "version"),)
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(100))
    target_group: Mapped[TargetGroup] = mapped_column(str_enum(TargetGroup, "target_group"))
    price_fen: Mapped[int] = mapped_column(Integer, default=0)
    subsidy_fen: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The newest version of a code is the one offered; older versions stay for their contracts.
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)

    items: Mapped[list[PackageItem]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PackageItem.id"
    )


class PackageItem(IdMixin, Base):
    __tablename__ = "package_items"
    package_id: Mapped[int] = mapped_column(BigId, ForeignKey("service_packages.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    yearly_quantity: Mapped[int] = mapped_column(Integer, default=1)
    # The 履约 ledger (app/services/fulfilment.py): which delivered service counts against this item, and the
    # period the yearly quantity is spread over (year / quarter / month: 4 a year by quarter = 1 each quarter).
    # NULL service_kind: no recorded service counts for it, so the ledger leaves the item out.
    service_kind: Mapped[str | None] = mapped_column(String(24))
    period: Mapped[str] = mapped_column(String(8), default="year", server_default="year")
