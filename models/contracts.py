"""Contracts (签约): a resident signs with one team for a term, choosing package versions."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, IdMixin, TimestampMixin
from models.org import Team, str_enum
from models.packages import ServicePackage
from models.residents import Resident


class ContractStatus(str, enum.Enum):
    pending = "pending"
    active = "active"
    expired = "expired"
    terminated = "terminated"
    renewed = "renewed"


OPEN_STATUSES = (ContractStatus.pending, ContractStatus.active)

contract_packages = Table(
    "contract_packages",
    Base.metadata,
    Column("contract_id", BigId, ForeignKey("contracts.id"), primary_key=True),
    Column("package_id", BigId, ForeignKey("service_packages.id"), primary_key=True, index=True),
)


class Contract(IdMixin, TimestampMixin, Base):
    __tablename__ = "contracts"
    __table_args__ = (
        # At most one pending-or-active contract per resident, enforced by the database too.
        Index(
            "uq_contracts_open_resident", "resident_id", unique=True,
            postgresql_where=text("status IN ('pending', 'active')"),
            sqlite_where=text("status IN ('pending', 'active')"),
        ),
    )
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("teams.id"), index=True)
    status: Mapped[ContractStatus] = mapped_column(str_enum(ContractStatus, "contract_status"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date, index=True)
    applied_at: Mapped[datetime] = mapped_column()
    applied_by_staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    approved_at: Mapped[datetime | None] = mapped_column()
    approved_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    ended_at: Mapped[datetime | None] = mapped_column()
    termination_reason: Mapped[str | None] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)
    renewed_from_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("contracts.id"))

    resident: Mapped[Resident] = relationship()
    team: Mapped[Team] = relationship()
    packages: Mapped[list[ServicePackage]] = relationship(
        secondary=contract_packages, lazy="selectin", order_by="ServicePackage.id"
    )
