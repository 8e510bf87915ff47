"""Every reminder a resident receives, in plain short Chinese (居民提醒文案). Nothing else here."""
from __future__ import annotations

from datetime import date

_WHAT = {
    "bp": "血压",
    "glucose": "空腹血糖",
    "both": "血压和空腹血糖",
}
_HOW_BP = "每次坐着休息5分钟后量2遍，间隔1分钟。"


def _what(has_bp: bool, has_glucose: bool) -> str:
    return _WHAT["both" if has_bp and has_glucose else "glucose" if has_glucose and not has_bp else "bp"]


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def measure(plan: str, *, has_bp: bool, has_glucose: bool, visit_on: date | None = None) -> str:
    """Measurement reminder: plan is pre_visit (daily in the 7 days before a visit), daily or weekly."""
    what = _what(has_bp, has_glucose)
    how = _HOW_BP if has_bp else ""
    if plan == "pre_visit" and visit_on is not None:
        return (f"您{_day(visit_on)}要随访。随访前这几天，请每天早晚各量一次{what}，量好后发给我们。"
                + how)
    if plan == "daily":
        return f"请今天早晚各量一次{what}，量好后发给我们，医生会看。" + how
    return f"今天是您每周量{what}的日子。请早晚各量一次，量好后发给我们。" + how


def medication(at: str) -> str:
    """Medication reminder at a time the resident chose."""
    return f"到吃药时间了（{at}）。请按医生说的药和量按时吃，不要自己停药或加减药。"


def followup_due(visit_on: date) -> str:
    """The day before a follow-up visit is due."""
    return (f"明天（{_day(visit_on)}）是您的随访日。请带上正在吃的药和血压、血糖记录，"
            "到村卫生室找家庭医生，或等医生联系您。")


def renewal(ends_on: date) -> str:
    """Contract renewal, 30 days before the term ends."""
    return (f"您的家庭医生签约{_day(ends_on)}到期。想继续签约，请联系您的家庭医生办理续约，"
            "续约后服务不中断。")
