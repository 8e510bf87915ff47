"""Time: stored in UTC, business days and quiet hours in Asia/Shanghai."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ml.clinical import LOCAL_TZ_NAME

# One zone for the whole programme (a county in China; no daylight saving): ml.clinical names it, and it is
# not a setting, because stored business days (readings' local dates, KPIs, quiet hours) depend on it.
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)


def local_date(now: datetime) -> date:
    """The calendar day in Asia/Shanghai at an instant."""
    return now.astimezone(LOCAL_TZ).date()


def add_months(day: date, months: int) -> date:
    """The same day N calendar months later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """Same day N years later; 29 Feb becomes 28 Feb."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_end(starts_on: date, years: int = 1) -> date:
    """Last day of a term of N years starting on a day (inclusive)."""
    return add_years(starts_on, years) - timedelta(days=1)
