"""Follow-ups (随访, 国家基本公共卫生服务规范), due tasks and call outcomes for the overdue list."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, IdMixin, utcnow
from models.org import str_enum


class VisitMethod(str, enum.Enum):
    face_to_face = "face_to_face"
    phone = "phone"
    wechat = "wechat"
    home = "home"
    video = "video"  # 微信/视频: JiaYi extensions of the 规范's 门诊/家庭/电话


class Classification(str, enum.Enum):
    controlled = "controlled"
    uncontrolled = "uncontrolled"
    adverse_reaction = "adverse_reaction"
    complication = "complication"


class FollowUp(IdMixin, Base):
    __tablename__ = "followups"
    __table_args__ = (Index("ix_followups_resident_visited", "resident_id", "visited_at"),)
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"))
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"))
    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("teams.id"), index=True)
    staff_id: Mapped[int] = mapped_column(BigId, ForeignKey("staff.id"))
    visited_at: Mapped[datetime] = mapped_column()
    method: Mapped[VisitMethod] = mapped_column(str_enum(VisitMethod, "visit_method"))
    systolic: Mapped[int | None] = mapped_column(Integer)
    diastolic: Mapped[int | None] = mapped_column(Integer)
    glucose_mmol: Mapped[float | None] = mapped_column(Float)
    classification: Mapped[Classification] = mapped_column(str_enum(Classification, "followup_classification"))
    next_due_on: Mapped[date] = mapped_column(Date)
    referral_suggested: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    alert_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("alerts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The complete 随访服务记录表 (规范 第三版); the fields are defined once in app/services/phs/codes.py.
    program: Mapped[str] = mapped_column(String(8), default="htn")  # htn 高血压 / dm 2型糖尿病
    next_step: Mapped[str] = mapped_column(String(24), default="routine")  # 下一步管理措施
    outcome: Mapped[str] = mapped_column(String(24), default="continue")  # 转归
    form: Mapped[dict] = mapped_column(JSON, default=dict)  # the other boxes, keyed by codes.FIELDS keys
    # Provenance: who entered the record, when and how (app / web / import); a correction bumps `version`.
    entered_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    entry_channel: Mapped[str] = mapped_column(String(8), default="app")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    medications: Mapped[list[MedicationChange]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                               order_by="MedicationChange.id")


class MedicationChange(IdMixin, Base):
    __tablename__ = "medication_changes"
    followup_id: Mapped[int] = mapped_column(BigId, ForeignKey("followups.id"), index=True)
    drug: Mapped[str] = mapped_column(String(64))
    dose: Mapped[str | None] = mapped_column(String(32))
    frequency: Mapped[str | None] = mapped_column(String(32))
    change: Mapped[str] = mapped_column(String(16))  # start / stop / adjust / continue


class FollowUpTask(IdMixin, Base):
    """Something the team must do by a date: a 2-week check after a referral, say."""

    __tablename__ = "followup_tasks"
    __table_args__ = (Index("ix_followup_tasks_team_due", "team_id", "status", "due_on"),)
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"))
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("teams.id"))
    due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(32))  # referral_followup / acute_followup / …
    referral_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("referrals.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / done / cancelled
    done_followup_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("followups.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CallOutcome(IdMixin, Base):
    __tablename__ = "call_outcomes"
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"))
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    team_id: Mapped[int] = mapped_column(BigId, ForeignKey("teams.id"))
    staff_id: Mapped[int] = mapped_column(BigId, ForeignKey("staff.id"))
    at: Mapped[datetime] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(16))  # reached / no_answer / will_come / call_later / moved / deceased
    hidden_until: Mapped[datetime | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)


class PhsExport(IdMixin, Base):
    """One follow-up version sent to one destination (the export's memory: each version goes once)."""

    __tablename__ = "phs_exports"
    __table_args__ = (UniqueConstraint("destination", "followup_id", "version"),)
    destination: Mapped[str] = mapped_column(String(64))
    followup_id: Mapped[int] = mapped_column(BigId, ForeignKey("followups.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    exported_at: Mapped[datetime] = mapped_column()


class PhsExportCursor(Base):
    """Per destination: the `updated_at` up to which follow-ups have been exported."""

    __tablename__ = "phs_export_cursors"
    destination: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor_at: Mapped[datetime] = mapped_column()
    runs: Mapped[int] = mapped_column(Integer, default=0)
