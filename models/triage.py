"""Stored triage assessments (症状自查) for clinical audit: the text, the result and the rules that fired."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, IdMixin


class TriageAssessment(IdMixin, Base):
    __tablename__ = "triage_assessments"
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    resident_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    channel: Mapped[str] = mapped_column(String(16))  # api / wechat
    text: Mapped[str] = mapped_column(Text)
    answers: Mapped[dict | None] = mapped_column(JSON)
    level: Mapped[str] = mapped_column(String(16))
    department: Mapped[str] = mapped_column(String(16))
    final: Mapped[bool] = mapped_column()
    questions_asked: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict] = mapped_column(JSON)  # the whole assessment, trace included
    alert_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("alerts.id"))
    created_at: Mapped[datetime] = mapped_column()
