"""ECharts options for the BP and glucose charts, built from the readings service's chart objects.

Pure presentation: the sessions, means and targets are the service's (ml.hbpm); this only lays them out.
Critical readings are marked with the thresholds of ml.clinical (each cites its guideline there).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from app.services.clock import LOCAL_TZ
from ml.clinical import LOW_SBP, bp_is_acute, glucose_level

RANGES = (7, 30, 90)
GREEN_BAND = "rgba(46, 160, 67, 0.12)"
RED = "#d1242f"


def days_arg(raw: str | None) -> int:
    """7, 30 or 90 days (30 when anything else is asked)."""
    try:
        days = int(raw or 30)
    except ValueError:
        return 30
    return days if days in RANGES else 30


def window(now: datetime, days: int) -> tuple[datetime, datetime]:
    return now - timedelta(days=days), now


def _ms(moment: datetime) -> int:
    """Epoch milliseconds; ECharts shows a time axis in the browser's zone, which for these users is UTC+8."""
    return int(moment.timestamp() * 1000)


def _base(title_unit: str) -> dict[str, Any]:
    return {
        "animation": False,
        "grid": {"left": 36, "right": 28, "top": 52, "bottom": 28},
        "legend": {"top": 0, "itemWidth": 14, "textStyle": {"fontSize": 12}},
        "tooltip": {"trigger": "item"},
        "xAxis": {"type": "time", "axisLabel": {"fontSize": 11, "hideOverlap": True}},
        "yAxis": {"type": "value", "scale": True},  # the unit is in the caption under the chart
    }


def bp_option(chart: Any) -> dict[str, Any]:
    """Session means (morning and evening apart), the target band, and critical single readings in red."""
    target = chart.target
    series: dict[str, list] = {"早 高压": [], "早 低压": [], "晚 高压": [], "晚 低压": [], "其他 高压": [], "其他 低压": []}
    names = {"morning": "早", "evening": "晚", "other": "其他"}
    for s in chart.sessions:
        label = names.get(s.period, "其他")
        series[f"{label} 高压"].append([_ms(s.start), round(s.systolic)])
        series[f"{label} 低压"].append([_ms(s.start), round(s.diastolic)])
    colours = {"早": "#0969da", "晚": "#8250df", "其他": "#6e7781"}
    out = []
    for name, points in series.items():
        if not points and name.startswith("其他"):
            continue
        period, which = name.split(" ")
        out.append({"name": name, "type": "line", "data": points, "symbolSize": 6, "connectNulls": False,
                    "lineStyle": {"width": 1.5, "type": "solid" if which == "高压" else "dashed"},
                    "itemStyle": {"color": colours[period]}})
    critical = [[_ms(r.measured_at), r.systolic, f"{r.systolic}/{r.diastolic}"]
                for r in chart.readings if bp_is_acute(r.systolic, r.diastolic)]
    out.append({"name": "危急值", "type": "scatter", "data": critical, "symbol": "triangle", "symbolSize": 14,
                "itemStyle": {"color": RED}, "z": 5})
    if out:
        # The home target (ml.clinical.default_bp_target or the doctor's personal target): systolic below it
        # and above the low-BP line is the band to stay in; the diastolic target is a dashed line.
        out[0]["markArea"] = {"silent": True, "itemStyle": {"color": GREEN_BAND},
                              "data": [[{"yAxis": LOW_SBP}, {"yAxis": target.systolic}]]}
        out[0]["markLine"] = {"silent": True, "symbol": "none", "lineStyle": {"color": "#2da44e", "type": "dashed"},
                              "label": {"formatter": "{c}", "fontSize": 10},
                              "data": [{"yAxis": target.systolic}, {"yAxis": target.diastolic}]}
    option = _base("mmHg")
    option["series"] = out
    return option


def glucose_option(chart: Any) -> dict[str, Any]:
    """Fasting and other readings, the fasting target band, and hypo/hyper values marked."""
    fasting, other, critical = [], [], []
    for r in chart.readings:
        if r.value_mmol is None:
            continue
        point = [_ms(r.measured_at), round(r.value_mmol, 1)]
        (fasting if r.context.value == "fasting" else other).append(point)
        if glucose_level(r.value_mmol) in ("hypo2", "hypo1", "hyper"):
            critical.append(point)
    lo, hi = chart.fasting_target
    option = _base("mmol/L")
    option["series"] = [
        {"name": "空腹", "type": "line", "data": fasting, "symbolSize": 6, "itemStyle": {"color": "#0969da"},
         "markArea": {"silent": True, "itemStyle": {"color": GREEN_BAND}, "data": [[{"yAxis": lo}, {"yAxis": hi}]]}},
        {"name": "非空腹", "type": "scatter", "data": other, "symbolSize": 7, "itemStyle": {"color": "#8250df"}},
        {"name": "危急值", "type": "scatter", "data": critical, "symbol": "triangle", "symbolSize": 14,
         "itemStyle": {"color": RED}, "z": 5},
    ]
    return option


def local_label(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%m-%d %H:%M")
