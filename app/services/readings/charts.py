"""Charts: raw readings with the server's HBPM sessions and 7-day windows (BP) and 7-day glucose means."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.errors import RuleViolation
from app.schemas.readings import MAX_CHART_DAYS
from app.services import dialects, rules
from app.services.actors import Actor
from app.services.clock import LOCAL_TZ, local_date
from app.services.residents import ResidentCard, bp_target
from app.services.scopes import get_resident
from ml import hbpm
from ml.clinical import FASTING_TARGET, HBPM_WINDOW_DAYS, BpTarget
from models.confirmations import ReadingCheck
from models.readings import BpReading, GlucoseContext, GlucoseReading



@dataclass
class BpChart:
    """Readings in a time range with the server's HBPM view: sessions and 7-day windows (newest first)."""
    resident_id: int
    start: datetime
    end: datetime
    target: BpTarget
    readings: list[BpReading]
    sessions: list[hbpm.Session]
    windows: list[hbpm.WindowSummary]


@dataclass
class GlucoseWindow:
    start_date: Any
    end_date: Any
    fasting_mean: float | None
    n_fasting: int
    non_fasting_mean: float | None
    n_non_fasting: int
    n_hypo: int


@dataclass
class GlucoseChart:
    resident_id: int
    start: datetime
    end: datetime
    fasting_target: tuple[float, float]
    readings: list[GlucoseReading]
    windows: list[GlucoseWindow]


def _range(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    end = end or now
    start = start or end - timedelta(days=30)
    if start >= end:
        raise RuleViolation("reading.range", "开始时间应早于结束时间 / start must be before end",
                            errors={"start": ["应早于结束时间"]})
    if end - start > timedelta(days=MAX_CHART_DAYS):
        raise RuleViolation("reading.range", f"最多查询{MAX_CHART_DAYS}天 / at most {MAX_CHART_DAYS} days",
                            errors={"start": [f"最多{MAX_CHART_DAYS}天"]})
    return start, end


def _window_ends(start: datetime, end: datetime) -> list[datetime]:
    """Ends of consecutive 7-day local-calendar windows, from the one ending at `end` back over `start`."""
    ends, moment = [], end
    while True:
        ends.append(moment)
        first_day = local_date(moment) - timedelta(days=HBPM_WINDOW_DAYS - 1)
        if first_day <= local_date(start):
            return ends
        moment = datetime.combine(first_day, datetime.min.time(), LOCAL_TZ) - timedelta(microseconds=1)


def _own_card(actor: Actor, resident_id: int, card: ResidentCard | None) -> ResidentCard | None:
    """The acting resident's own card as the caller loaded it (a resident reading their own record is what
    get_resident would load, and is not audited), else None."""
    if card is not None and actor.is_resident and actor.id == resident_id == card.id:
        return card
    return None


def bp_chart(session: Session, actor: Actor, resident_id: int, *, start: datetime | None = None,
             end: datetime | None = None, now: datetime | None = None,
             resident: ResidentCard | None = None) -> BpChart:
    """Raw readings, HBPM sessions and 7-day means for a chart, all computed by the server. `resident`: the acting
    resident's card when the caller (the bot) already loaded it: not loaded again."""
    resident = _own_card(actor, resident_id, resident) or get_resident(session, actor, resident_id)
    start, end = _range(start, end, now or end or datetime.now(LOCAL_TZ))
    # Windows look back 7 days before their own start to recognise day 1 of a block (ml.hbpm).
    lookback = start - timedelta(days=2 * HBPM_WINDOW_DAYS + 1)
    rows = list(session.scalars(select(BpReading).where(BpReading.resident_id == resident.id,
                                                        BpReading.measured_at.between(lookback, end))
                                .order_by(BpReading.measured_at, BpReading.id)))
    in_range = [r for r in rows if r.measured_at >= start]
    target = bp_target(resident, local_date(end))
    points = _points((r.measured_at, r.systolic, r.diastolic, r.pulse, r.confirmation) for r in rows)
    sessions, windows = _hbpm_view(points, start, _window_ends(start, end), target)
    return BpChart(resident.id, start, end, target, in_range, sessions, windows)


def _points(rows: Iterable[tuple]) -> list[hbpm.BpPoint]:
    """The HBPM points of (measured_at, systolic, diastolic, pulse, confirmation) rows. Readings stored as typed
    although they looked mistyped stay on the chart but out of its sessions and means."""
    as_typed = ReadingCheck.as_typed.value
    return [hbpm.BpPoint(at, systolic, diastolic, pulse) for at, systolic, diastolic, pulse, confirmation in rows
            if confirmation != as_typed]


def _hbpm_view(points: list[hbpm.BpPoint], start: datetime, window_ends: list[datetime],
               target: BpTarget) -> tuple[list[hbpm.Session], list[hbpm.WindowSummary]]:
    """The sessions from `start` and the 7-day window ending at each of `window_ends` (each looks back 7 days before
    its own start to recognise day 1 of a block, ml.hbpm)."""
    sessions = hbpm.sessions(p for p in points if p.measured_at >= start)
    windows = []
    for window_end in window_ends:
        lo = window_end - timedelta(days=2 * HBPM_WINDOW_DAYS + 1)
        windows.append(hbpm.window_summary([p for p in points if lo <= p.measured_at <= window_end],
                                           end=window_end, target=target))
    return sessions, windows


def glucose_chart(session: Session, actor: Actor, resident_id: int, *, start: datetime | None = None,
                  end: datetime | None = None, now: datetime | None = None) -> GlucoseChart:
    """Raw glucose readings and 7-day fasting / non-fasting means."""
    resident = get_resident(session, actor, resident_id)
    start, end = _range(start, end, now or end or datetime.now(LOCAL_TZ))
    rows = list(session.scalars(select(GlucoseReading).where(GlucoseReading.resident_id == resident.id,
                                                             GlucoseReading.measured_at.between(start, end))
                                .order_by(GlucoseReading.measured_at, GlucoseReading.id)))
    windows = []
    for window_end in _window_ends(start, end):
        first_day = local_date(window_end) - timedelta(days=HBPM_WINDOW_DAYS - 1)
        lo = datetime.combine(first_day, datetime.min.time(), LOCAL_TZ)
        inside = [r for r in rows if lo <= r.measured_at <= window_end and r.value_mmol is not None
                  and r.confirmation != ReadingCheck.as_typed.value]
        fasting = [r.value_mmol for r in inside if r.context == GlucoseContext.fasting]
        other = [r.value_mmol for r in inside if r.context != GlucoseContext.fasting]
        hypo = rules.hypo_episodes(rules.GlucoseObs(r.measured_at, r.value_mmol, r.meter_flag)
                                   for r in rows if lo <= r.measured_at <= window_end)
        windows.append(GlucoseWindow(first_day, local_date(window_end), _mean(fasting), len(fasting), _mean(other),
                                     len(other), hypo))
    return GlucoseChart(resident.id, start, end, FASTING_TARGET, rows, windows)


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return round(sum(items) / len(items), 1) if items else None



@dataclass(frozen=True)
class RecentBp:
    """The last week's home BP for the resident's own question (最近血压): sessions and their mean."""
    n_sessions: int
    systolic: float | None
    diastolic: float | None
    target: BpTarget


def recent_bp(session: Session, actor: Actor, resident_id: int, *, now: datetime,
              resident: ResidentCard | None = None) -> RecentBp:
    """The 7-day HBPM mean when the week has enough sessions, else the mean of the sessions there are.

    What bp_chart over the last 7 days gives as its sessions and newest window, from the five columns the HBPM view
    needs (plain rows, not ORM objects: a resident who measures twice a day has ~90 readings in the lookback), and
    the newest window only."""
    resident = _own_card(actor, resident_id, resident) or get_resident(session, actor, resident_id)
    start, end = _range(now - timedelta(days=HBPM_WINDOW_DAYS), now, now)
    rows = dialects.rows(session, _RECENT_POINTS, {"resident_id": resident.id,
                                                   "lookback": start - timedelta(days=2 * HBPM_WINDOW_DAYS + 1),
                                                   "end": end})
    target = bp_target(resident, local_date(end))
    sessions, windows = _hbpm_view(_points(rows), start, _window_ends(start, end)[:1], target)
    window = windows[0]
    if window.systolic is not None:
        mean_s, mean_d = window.systolic, window.diastolic
    elif sessions:
        mean_s = sum(s.systolic for s in sessions) / len(sessions)
        mean_d = sum(s.diastolic for s in sessions) / len(sessions)
    else:
        mean_s = mean_d = None
    return RecentBp(len(sessions), mean_s, mean_d, target)


# On the table (a Core statement on the session's connection): its rows unpack as plain tuples.
_BP = BpReading.__table__.c
_RECENT_POINTS = (select(_BP.measured_at, _BP.systolic, _BP.diastolic, _BP.pulse, _BP.confirmation)
                  .where(_BP.resident_id == bindparam("resident_id"),
                         _BP.measured_at.between(bindparam("lookback"), bindparam("end")))
                  .order_by(_BP.measured_at, _BP.id))


@dataclass(frozen=True)
class Latest:
    """The newest BP and glucose values of a resident since a moment (what triage takes as measured)."""
    systolic: int | None = None
    diastolic: int | None = None
    pulse: int | None = None
    glucose_mmol: float | None = None


def latest_values(session: Session, resident_id: int, *, since: datetime) -> Latest:
    bp = session.execute(select(BpReading.systolic, BpReading.diastolic, BpReading.pulse)
                         .where(BpReading.resident_id == resident_id, BpReading.measured_at >= since)
                         .order_by(BpReading.measured_at.desc(), BpReading.id.desc()).limit(1)).first()
    glucose = session.scalar(select(GlucoseReading.value_mmol)
                             .where(GlucoseReading.resident_id == resident_id, GlucoseReading.measured_at >= since,
                                    GlucoseReading.value_mmol.is_not(None))
                             .order_by(GlucoseReading.measured_at.desc(), GlucoseReading.id.desc()).limit(1))
    return Latest(bp.systolic if bp else None, bp.diastolic if bp else None, bp.pulse if bp else None, glucose)
