"""Jinja filters and globals for the pages: local time, Chinese labels, the SLA countdown text."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from app.services import care_texts, reading_texts
from app.services.clock import LOCAL_TZ

STATUS_LABELS = {"open": "待处理", "acknowledged": "已确认", "escalated": "已升级", "resolved": "已处理"}
REFERRAL_STATUS_LABELS = {"requested": "待接收", "accepted": "已接收", "declined": "已拒绝", "booked": "已预约",
                          "completed": "已就诊", "referred_back": "已转回", "cancelled": "已取消"}
ROLE_LABELS = {"village_doctor": "村医", "township_doctor": "乡镇医生", "county_doctor": "县级医生",
               "specialist": "专科医生", "admin": "管理员", "resident": "居民"}
TRIAGE_LABELS = {"emergency": "急诊", "urgent": "当天就诊", "routine": "近日就诊", "self_care": "居家观察"}
PERIOD_LABELS = {"morning": "早", "evening": "晚", "other": "其他"}


def local(value: datetime | date | None, fmt: str = "%m-%d %H:%M") -> str:
    """An instant in Asia/Shanghai time (stored times are UTC)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            from datetime import timezone
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(LOCAL_TZ).strftime(fmt)
    return value.strftime("%Y-%m-%d" if fmt == "%m-%d %H:%M" else fmt)


def minutes_text(minutes: int) -> str:
    """'剩 25 分钟', '剩 3 小时 5 分', '已超时 10 分钟'."""
    late = minutes < 0
    m = abs(minutes)
    body = f"{m} 分钟" if m < 60 else (f"{m // 60} 小时 {m % 60} 分" if m < 24 * 60 else f"{m // 1440} 天 {m % 1440 // 60} 小时")
    return f"已超时 {body}" if late else f"剩 {body}"


def value_text(value: dict | None) -> str:
    """An alert's last value as shown in the queue: 182/112 mmHg, 2.8 mmol/L."""
    if not value:
        return "—"
    if "systolic" in value and "diastolic" in value:
        return f"{value['systolic']}/{value['diastolic']} mmHg"
    if value.get("sbp") is not None and value.get("dbp") is not None:  # a trend flag: the 7-day mean
        return f"7天均值 {round(value['sbp'])}/{round(value['dbp'])} mmHg"
    if value.get("fasting_mean") is not None:
        return f"空腹均值 {reading_texts.fmt(value['fasting_mean'])} mmol/L"
    if value.get("value_mmol") is not None:
        return f"{reading_texts.fmt(value['value_mmol'])} mmol/L"
    if value.get("meter_flag"):
        return str(value["meter_flag"])
    return "—"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(local=local, minutes_text=minutes_text, value_text=value_text)
    app.jinja_env.globals.update(
        KIND_LABELS=reading_texts.KIND_LABELS, SEVERITY_LABELS=reading_texts.SEVERITY_LABELS,
        LEVEL_LABELS=reading_texts.LEVEL_LABELS, CONTEXT_LABELS=reading_texts.CONTEXT_LABELS,
        STATUS_LABELS=STATUS_LABELS, REFERRAL_STATUS_LABELS=REFERRAL_STATUS_LABELS, ROLE_LABELS=ROLE_LABELS,
        PERIOD_LABELS=PERIOD_LABELS, TRIAGE_LEVELS=TRIAGE_LABELS, URGENCY_LABELS=care_texts.URGENCY_LABELS)
