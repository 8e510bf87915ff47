"""Home BP monitoring (HBPM) aggregation: sessions, morning/evening, 7-day window status.

One implementation of clinical_rules §1.3 for the web API (charts), the readings service and the
trend scan. A session's value follows `ml.measurement.session_value` (a discordant first reading is
recorded but does not count). `sessions` and `window_summary` work on `BpPoint` objects for one resident;
`sessionize` is the same rule vectorised over many residents (numpy arrays), used by
`ml.features`. A unit test keeps the two in agreement.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable, Literal, Sequence
from zoneinfo import ZoneInfo

import numpy as np

from ml.clinical import (
    BLOCK_GAP_DAYS,
    DBP_RANGE,
    EVENING_HOURS,
    HBPM_MIN_DAYS,
    HBPM_MIN_SESSIONS,
    HBPM_WINDOW_DAYS,
    LOCAL_TZ_NAME,
    LOCAL_UTC_OFFSET_SECONDS,
    MORNING_HOURS,
    SBP_RANGE,
    SESSION_GAP_SECONDS,
    BpTarget,
    bp_above_target,
    bp_is_acute,
    bp_problems,
)
from ml.measurement import discordant_first, session_value

LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)
Period = Literal["morning", "evening", "other"]
Status = Literal["controlled", "uncontrolled", "insufficient"]
PERIOD_OTHER, PERIOD_MORNING, PERIOD_EVENING = 0, 1, 2
_PERIOD_NAMES: tuple[Period, ...] = ("other", "morning", "evening")
_DAY = 86400


@dataclass(frozen=True, slots=True)
class BpPoint:
    """One home BP reading; `measured_at` must be timezone-aware."""

    measured_at: datetime
    systolic: int
    diastolic: int
    pulse: int | None = None


@dataclass(frozen=True)
class Session:
    """Readings within 10 min of the previous one; the value is their mean without a discordant first reading."""

    start: datetime
    end: datetime
    local_date: date
    period: Period
    systolic: float
    diastolic: float
    pulse: float | None
    n_readings: int
    confirm_systolic: float  # mean of the last two readings (clinical_rules §1.5 "confirmed")
    confirm_diastolic: float
    points: tuple[BpPoint, ...] = field(repr=False)
    discarded_first: bool = False  # the first reading was far above the rest (ml.measurement)

    @property
    def acute(self) -> bool:
        """Any reading of the session is >=180/110."""
        return any(bp_is_acute(p.systolic, p.diastolic) for p in self.points)

    @property
    def acute_confirmed(self) -> bool:
        """Two readings whose mean is still >=180/110 (clinical_rules §1.5)."""
        return self.n_readings >= 2 and bp_is_acute(self.confirm_systolic, self.confirm_diastolic)


@dataclass(frozen=True)
class WindowSummary:
    """The 7-day HBPM window ending on `end_date` (local) and its control status."""

    start_date: date
    end_date: date
    status: Status
    target: BpTarget
    systolic: float | None
    diastolic: float | None
    morning_systolic: float | None
    morning_diastolic: float | None
    evening_systolic: float | None
    evening_diastolic: float | None
    n_sessions: int  # morning + evening sessions counted in the mean
    n_days: int  # days contributing to the mean
    n_readings: int  # all plausible readings in the window
    days_above_target: int
    dropped_date: date | None  # day 1 of a monitoring block, excluded from the mean
    sessions: tuple[Session, ...] = field(repr=False)  # every session in the window, for charts


def local_period(moment: datetime) -> Period:
    """Morning 04:00-11:59, evening 18:00-23:59, else other (Asia/Shanghai)."""
    hour = moment.astimezone(LOCAL_TZ).hour
    if MORNING_HOURS[0] <= hour < MORNING_HOURS[1]:
        return "morning"
    if EVENING_HOURS[0] <= hour < EVENING_HOURS[1]:
        return "evening"
    return "other"


def plausible(point: BpPoint) -> bool:
    """SBP and DBP within the plausibility ranges (pulse problems do not discard the BP)."""
    problems = bp_problems(point.systolic, point.diastolic)
    return "systolic" not in problems and "diastolic" not in problems


def sessions(points: Iterable[BpPoint], *, drop_implausible: bool = True) -> list[Session]:
    """Group one resident's readings into sessions, oldest first."""
    ordered = sorted(
        (p for p in points if not drop_implausible or plausible(p)), key=lambda p: p.measured_at
    )
    groups: list[list[BpPoint]] = []
    for point in ordered:
        if groups and (point.measured_at - groups[-1][-1].measured_at).total_seconds() <= SESSION_GAP_SECONDS:
            groups[-1].append(point)
        else:
            groups.append([point])
    return [_session(group) for group in groups]


def _session(group: list[BpPoint]) -> Session:
    n = len(group)
    pulses = [p.pulse for p in group if p.pulse is not None]
    last_two = group[-2:]
    value = session_value(group)
    return Session(
        start=group[0].measured_at,
        end=group[-1].measured_at,
        local_date=group[0].measured_at.astimezone(LOCAL_TZ).date(),
        period=local_period(group[0].measured_at),
        systolic=value.systolic,
        diastolic=value.diastolic,
        pulse=sum(pulses) / len(pulses) if pulses else None,
        n_readings=n,
        confirm_systolic=sum(p.systolic for p in last_two) / len(last_two),
        confirm_diastolic=sum(p.diastolic for p in last_two) / len(last_two),
        points=tuple(group),
        discarded_first=value.discarded_first,
    )


def block_start_dates(data_dates: Iterable[date]) -> set[date]:
    """Day 1 of each monitoring block: the first day with data, and any day after >=7 empty days."""
    starts: set[date] = set()
    previous: date | None = None
    for day in sorted(set(data_dates)):
        if previous is None or (day - previous).days > BLOCK_GAP_DAYS:
            starts.add(day)
        previous = day
    return starts


def window_summary(
    points: Iterable[BpPoint], *, end: datetime, target: BpTarget, days: int = HBPM_WINDOW_DAYS
) -> WindowSummary:
    """HBPM mean and status of the `days` local calendar days ending at `end`.

    Pass at least the 7 days before the window too: a block start (whose day 1 is dropped) is
    recognised from the gap before it, and the first day in `points` counts as a block start.
    """
    if end.tzinfo is None:
        raise ValueError("end must be timezone-aware")
    all_sessions = [s for s in sessions(points) if s.start <= end]
    end_date = end.astimezone(LOCAL_TZ).date()
    start_date = end_date - timedelta(days=days - 1)
    block_starts = block_start_dates(s.local_date for s in all_sessions)
    in_window = [s for s in all_sessions if s.local_date >= start_date]
    dropped = next((d for d in sorted(block_starts) if d >= start_date), None)
    counted = [s for s in in_window if s.period != "other" and s.local_date not in block_starts]
    morning = [s for s in counted if s.period == "morning"]
    evening = [s for s in counted if s.period == "evening"]
    n_days = len({s.local_date for s in counted})
    sbp = _mean(s.systolic for s in counted)
    dbp = _mean(s.diastolic for s in counted)
    if n_days < HBPM_MIN_DAYS or len(counted) < HBPM_MIN_SESSIONS or sbp is None or dbp is None:
        status: Status = "insufficient"
    else:
        status = "uncontrolled" if bp_above_target(sbp, dbp, target) else "controlled"
    by_day: dict[date, list[Session]] = {}
    for s in counted:
        by_day.setdefault(s.local_date, []).append(s)
    days_above = sum(
        bp_above_target(_mean(s.systolic for s in day), _mean(s.diastolic for s in day), target)
        for day in by_day.values()
    )
    return WindowSummary(
        start_date=start_date,
        end_date=end_date,
        status=status,
        target=target,
        systolic=sbp,
        diastolic=dbp,
        morning_systolic=_mean(s.systolic for s in morning),
        morning_diastolic=_mean(s.diastolic for s in morning),
        evening_systolic=_mean(s.systolic for s in evening),
        evening_diastolic=_mean(s.diastolic for s in evening),
        n_sessions=len(counted),
        n_days=n_days,
        n_readings=sum(s.n_readings for s in in_window),
        days_above_target=days_above,
        dropped_date=dropped,
        sessions=tuple(in_window),
    )


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


# --- vectorised: many residents at once -----------------------------------------------------------


@dataclass
class SessionArrays:
    """Sessions of many residents, sorted by (resident, time); one element per session."""

    res: np.ndarray  # int64 resident index
    t: np.ndarray  # int64 epoch seconds of the first reading
    sbp: np.ndarray  # float64 session value (mean without a discordant first reading)
    dbp: np.ndarray
    n: np.ndarray  # readings in the session
    confirm_sbp: np.ndarray  # mean of the last two readings
    confirm_dbp: np.ndarray
    max_sbp: np.ndarray  # highest single reading
    max_dbp: np.ndarray
    day: np.ndarray  # int64 local calendar day number (days since 1970-01-01 local)
    period: np.ndarray  # int8: 0 other, 1 morning, 2 evening
    block_start: np.ndarray  # bool: the session's day is day 1 of a monitoring block
    discarded_first: np.ndarray  # bool: the first reading does not count (ml.measurement)

    def __len__(self) -> int:
        return int(self.res.shape[0])


def plausible_mask(sbp: np.ndarray, dbp: np.ndarray) -> np.ndarray:
    """Vectorised `bp_problems` for SBP/DBP: in range and SBP > DBP."""
    return (
        (sbp >= SBP_RANGE[0]) & (sbp <= SBP_RANGE[1])
        & (dbp >= DBP_RANGE[0]) & (dbp <= DBP_RANGE[1]) & (sbp > dbp)
    )


def local_day(t: np.ndarray | int) -> np.ndarray | int:
    """Local (UTC+8) calendar day number of epoch seconds."""
    return (t + LOCAL_UTC_OFFSET_SECONDS) // _DAY


def sessionize(res: np.ndarray, t: np.ndarray, sbp: np.ndarray, dbp: np.ndarray) -> SessionArrays:
    """Vectorised `sessions` for plausible readings already sorted by (resident, time)."""
    m = res.shape[0]
    if m == 0:
        e = np.empty(0)
        ei = np.empty(0, dtype=np.int64)
        return SessionArrays(ei, ei, e, e, ei, e, e, e, e, ei, np.empty(0, np.int8), np.empty(0, bool),
                             np.empty(0, bool))
    sbp = sbp.astype(np.float64, copy=False)
    dbp = dbp.astype(np.float64, copy=False)
    new = np.empty(m, dtype=bool)
    new[0] = True
    np.not_equal(res[1:], res[:-1], out=new[1:])
    new[1:] |= (t[1:] - t[:-1]) > SESSION_GAP_SECONDS
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, m))
    last = starts + counts - 1
    prev = np.where(counts >= 2, last - 1, last)
    s_res = res[starts].astype(np.int64, copy=False)
    s_t = t[starts].astype(np.int64, copy=False)
    local = s_t + LOCAL_UTC_OFFSET_SECONDS
    day = local // _DAY
    hour = (local % _DAY) // 3600
    period = np.zeros(starts.shape[0], dtype=np.int8)
    period[(hour >= MORNING_HOURS[0]) & (hour < MORNING_HOURS[1])] = PERIOD_MORNING
    period[(hour >= EVENING_HOURS[0]) & (hour < EVENING_HOURS[1])] = PERIOD_EVENING
    # Day 1 of a block: first data day of a resident, or a data day after >=7 empty days.
    k = starts.shape[0]
    day_new = np.empty(k, dtype=bool)
    day_new[0] = True
    day_new[1:] = (s_res[1:] != s_res[:-1]) | (day[1:] != day[:-1])
    first_idx = np.flatnonzero(day_new)
    d_res, d_day = s_res[first_idx], day[first_idx]
    d_block = np.empty(first_idx.shape[0], dtype=bool)
    d_block[0] = True
    d_block[1:] = (d_res[1:] != d_res[:-1]) | ((d_day[1:] - d_day[:-1]) > BLOCK_GAP_DAYS)
    block_start = d_block[np.cumsum(day_new) - 1]
    drop = discordant_first(starts, counts, sbp, dbp)
    counted = counts - drop
    return SessionArrays(
        res=s_res,
        t=s_t,
        sbp=(np.add.reduceat(sbp, starts) - np.where(drop, sbp[starts], 0.0)) / counted,
        dbp=(np.add.reduceat(dbp, starts) - np.where(drop, dbp[starts], 0.0)) / counted,
        n=counts,
        confirm_sbp=(sbp[last] + sbp[prev]) / 2.0,
        confirm_dbp=(dbp[last] + dbp[prev]) / 2.0,
        max_sbp=np.maximum.reduceat(sbp, starts),
        max_dbp=np.maximum.reduceat(dbp, starts),
        day=day,
        period=period,
        block_start=block_start,
        discarded_first=drop,
    )


def period_name(code: int) -> Period:
    """'other' | 'morning' | 'evening' for a period code of `SessionArrays.period`."""
    return _PERIOD_NAMES[int(code)]


def points_to_arrays(points: Sequence[BpPoint]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(epoch seconds, SBP, DBP) arrays of BP points, in the given order."""
    n = len(points)
    t = np.fromiter((p.measured_at.timestamp() for p in points), dtype=np.float64, count=n)
    sbp = np.fromiter((p.systolic for p in points), dtype=np.float64, count=n)
    dbp = np.fromiter((p.diastolic for p in points), dtype=np.float64, count=n)
    return np.floor(t).astype(np.int64), sbp, dbp
