"""Small builders for ml tests: residents with hand-made readings."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ml.features import GlucosePoint, ResidentProfile, ResidentWindow
from ml.hbpm import BpPoint

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 6, 1, 9, 0, tzinfo=TZ)


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A local time `day_offset` days before AT's date (0 = AT's day)."""
    base = datetime(2026, 6, 1, tzinfo=TZ) - timedelta(days=day_offset)
    return base.replace(hour=hour, minute=minute)


def steady_bp(sbp: int, dbp: int, *, days: int = 28, evening: bool = True, wobble: int = 3) -> list[BpPoint]:
    """Duplicate morning (07:00) and evening (20:00) readings every day before AT, small wobble."""
    points: list[BpPoint] = []
    for d in range(days, 0, -1):
        w = ((d * 3) % (2 * wobble + 1)) - wobble
        for hour in ((7, 20) if evening else (7,)):
            t = local(d, hour)
            points.append(BpPoint(t, sbp + w, dbp + w // 2, 70))
            points.append(BpPoint(t + timedelta(minutes=1), sbp + w - 2, dbp + w // 2 - 1, 69))
    return points


def resident(rid: str = "R1", *, age: int = 66, conditions=("hypertension",), bp=(), glucose=(),
             target=None) -> ResidentWindow:
    """A ResidentWindow with the given readings."""
    return ResidentWindow(ResidentProfile(rid, age, "F", frozenset(conditions), target), list(bp), list(glucose))


def glucose(day_offset: int, hour: int, mmol: float, context: str = "fasting") -> GlucosePoint:
    """One glucose value at a local time."""
    return GlucosePoint(local(day_offset, hour), mmol, context)
