"""Alerts (预警): at most one open alert per resident and kind; every step is an event."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, IdMixin, utcnow
from models.org import str_enum


class AlertKind(str, enum.Enum):
    acute_bp = "acute_bp"
    low_bp = "low_bp"
    acute_glucose = "acute_glucose"
    hypoglycaemia = "hypoglycaemia"
    hypoglycaemia_recurrent = "hypoglycaemia_recurrent"
    trend_bp = "trend_bp"
    trend_glucose = "trend_glucose"
    triage_red_flag = "triage_red_flag"
    missed_monitoring = "missed_monitoring"
    # A dangerous home value never repeated: "please call the resident", moderate, never a page.
    unconfirmed_reading = "unconfirmed_reading"


class Severity(str, enum.Enum):
    critical = "critical"
    high = "high"
    moderate = "moderate"
    low = "low"


SEVERITY_RANK = {Severity.critical: 0, Severity.high: 1, Severity.moderate: 2, Severity.low: 3}


class AlertStatus(str, enum.Enum):
    open = "open"
    acknowledged = "acknowledged"
    escalated = "escalated"
    resolved = "resolved"


ACTIVE_ALERT_STATUSES = (AlertStatus.open, AlertStatus.acknowledged, AlertStatus.escalated)


class Alert(IdMixin, Base):
    __tablename__ = "alerts"
    __table_args__ = (
        # One active alert per resident and kind: new evidence updates it instead of duplicating.
        Index("uq_alerts_active_kind", "resident_id", "kind", unique=True,
              postgresql_where=text("status IN ('open', 'acknowledged', 'escalated')"),
              sqlite_where=text("status IN ('open', 'acknowledged', 'escalated')")),
        Index("ix_alerts_team_queue", "team_id", "status", "severity_rank", "opened_at"),
        # Room on each page for the new row versions that evidence writes: updates that change no indexed
        # column stay on the page (HOT) and touch none of the five indexes.
        {"postgresql_with": {"fillfactor": 80}},
    )
    consortium_id: Mapped[int] = mapped_column(BigId, ForeignKey("consortia.id"), index=True)
    resident_id: Mapped[int] = mapped_column(BigId, ForeignKey("residents.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id"))
    kind: Mapped[AlertKind] = mapped_column(str_enum(AlertKind, "alert_kind"))
    severity: Mapped[Severity] = mapped_column(str_enum(Severity, "alert_severity"))
    severity_rank: Mapped[int] = mapped_column(Integer)  # 0 = critical, for sorting in SQL
    status: Mapped[AlertStatus] = mapped_column(str_enum(AlertStatus, "alert_status"))
    summary: Mapped[str] = mapped_column(Text)  # plain Chinese for the doctor
    last_value: Mapped[dict | None] = mapped_column(JSON)
    evidence_count: Mapped[int] = mapped_column(Integer, default=1)
    opened_at: Mapped[datetime] = mapped_column()
    last_evidence_at: Mapped[datetime] = mapped_column()
    # Escalation ladder: 0 village doctor, 1 township doctor, 2 county doctor, 3 on-duty specialist.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    assignee_staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    department: Mapped[str | None] = mapped_column(String(32))  # specialist department for the last step
    escalated_at: Mapped[datetime | None] = mapped_column()
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    acknowledged_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    resolved_at: Mapped[datetime | None] = mapped_column()
    resolved_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))

    events: Mapped[list[AlertEvent]] = relationship(cascade="all, delete-orphan", order_by="AlertEvent.id",
                                                    lazy="selectin")


class AlertEvent(IdMixin, Base):
    __tablename__ = "alert_events"
    alert_id: Mapped[int] = mapped_column(BigId, ForeignKey("alerts.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    type: Mapped[str] = mapped_column(String(24))  # opened / evidence / acknowledged / escalated / resolved
    staff_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("staff.id"))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
