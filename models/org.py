"""Consortium (医共体), institutions (机构), villages, staff and 1+1+1 teams (家庭医生团队)."""
from __future__ import annotations

import enum

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint, false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, IdMixin, TimestampMixin


def str_enum(cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column stored as VARCHAR with a CHECK constraint (no PG enum types to migrate)."""
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=32,
                values_callable=lambda e: [m.value for m in e])


class InstitutionLevel(str, enum.Enum):
    county = "county"
    township = "township"
    village = "village"


class StaffRole(str, enum.Enum):
    village_doctor = "village_doctor"
    township_doctor = "township_doctor"
    county_doctor = "county_doctor"
    specialist = "specialist"
    admin = "admin"


class TeamRole(str, enum.Enum):
    county_doctor = "county_doctor"
    township_doctor = "township_doctor"
    village_doctor = "village_doctor"
    nurse = "nurse"
    public_health_doctor = "public_health_doctor"
    health_manager = "health_manager"


CORE_TEAM_ROLES = (TeamRole.county_doctor, TeamRole.township_doctor, TeamRole.village_doctor)


class Consortium(IdMixin, TimestampMixin, Base):
    __tablename__ = "consortia"
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # 绑定码: residents bind WeChat only with a one-time code from their doctor, not with name + ID suffix.
    binding_code_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class Institution(IdMixin, TimestampMixin, Base):
    __tablename__ = "institutions"
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[InstitutionLevel] = mapped_column(str_enum(InstitutionLevel, "institution_level"))
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("institutions.id"), index=True)

    parent: Mapped[Institution | None] = relationship(remote_side="Institution.id")


class Village(IdMixin, TimestampMixin, Base):
    __tablename__ = "villages"
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    clinic_id: Mapped[int] = mapped_column(BigId, ForeignKey("institutions.id"), index=True)
    population: Mapped[int] = mapped_column(Integer, default=0)

    clinic: Mapped[Institution] = relationship()


class Staff(IdMixin, TimestampMixin, Base):
    __tablename__ = "staff"
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[StaffRole] = mapped_column(str_enum(StaffRole, "staff_role"))
    department: Mapped[str | None] = mapped_column(String(32))
    institution_id: Mapped[int] = mapped_column(BigId, ForeignKey("institutions.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))  # work phone, shown to residents (我的医生)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    wechat_openid: Mapped[str | None] = mapped_column(String(64), unique=True)

    institution: Mapped[Institution] = relationship()


class Team(IdMixin, TimestampMixin, Base):
    __tablename__ = "teams"
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    lead_id: Mapped[int] = mapped_column(BigId, ForeignKey("staff.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    lead: Mapped[Staff] = relationship()
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan", lazy="selectin", order_by="TeamMember.id"
    )
    villages: Mapped[list[TeamVillage]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TeamVillage.village_id"
    )

    def member(self, role: TeamRole) -> Staff | None:
        """The (first) member holding a team role."""
        return next((m.staff for m in self.members if m.role == role), None)


class TeamMember(IdMixin, Base):
    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "staff_id"),)
    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("teams.id"), index=True)
    staff_id: Mapped[int] = mapped_column(BigId, ForeignKey("staff.id"), index=True)
    role: Mapped[TeamRole] = mapped_column(str_enum(TeamRole, "team_role"))

    team: Mapped[Team] = relationship(back_populates="members")
    staff: Mapped[Staff] = relationship(lazy="joined")


class TeamVillage(Base):
    __tablename__ = "team_villages"
    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("teams.id"), primary_key=True)
    village_id: Mapped[int] = mapped_column(BigId, ForeignKey("villages.id"), primary_key=True, index=True)
