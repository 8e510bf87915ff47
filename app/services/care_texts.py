"""Plain Chinese copy for referrals (转诊) and follow-ups (随访): residents' messages and team notices.

All wording for this area lives here so it can be reviewed in one place. Keep resident texts short.
"""
from __future__ import annotations

from datetime import date


def _day(d: date) -> str:
    return f"{d.month}月{d.day}日"


# --- to the resident -------------------------------------------------------------------------------
def referral_requested(department: str) -> str:
    return f"您的家庭医生已为您申请转到县医院{department}。专科医生接诊后会通知您就诊时间。"


def referral_booked(department: str, day: date) -> str:
    return (f"已为您预约{_day(day)}县医院{department}（签约居民转诊预留号）。"
            "请带好身份证、医保卡和血压/血糖记录按时就诊。")


def referral_declined() -> str:
    return "专科医生认为暂时不需要转诊，您的家庭医生会继续为您随访。有不舒服请及时联系家庭医生。"


def referral_completed(department: str) -> str:
    return f"县医院{department}已为您看诊。两周内家庭医生会联系您随访，请按医嘱用药。"


def referral_back(department: str) -> str:
    return f"县医院{department}已把治疗方案交给您的家庭医生，以后的随访由家庭医生负责。"


def next_followup(day: date) -> str:
    return f"您下次随访时间是{_day(day)}，到时家庭医生会联系您。"


# --- to staff ----------------------------------------------------------------------------------------
def specialist_new_referral(resident_name: str, urgency_label: str, reason: str) -> str:
    return f"新的转诊申请（{urgency_label}）：{resident_name}。原因：{reason}"


def team_referral_update(resident_name: str, what: str) -> str:
    return f"转诊进展：{resident_name}，{what}"


URGENCY_LABELS = {"emergency": "紧急", "urgent": "尽快", "routine": "常规"}

REFERRAL_STEPS = {
    "accepted": "专科医生已接诊",
    "declined": "专科医生未接收",
    "booked": "已预约号源",
    "completed": "专科看诊完成，请在两周内随访",
    "referred_back": "已下转回团队，附治疗方案",
    "cancelled": "转诊已取消",
}

REFERRAL_SUGGESTION_REASONS = {
    "two_uncontrolled": "连续两次随访控制不满意，建议转诊 / two consecutive uncontrolled visits: refer",
    "two_adverse": "药物不良反应难以控制，建议转诊 / adverse reactions hard to control: refer",
    "complication": "出现新的并发症或原有并发症加重，建议转诊 / new or worse complication: refer",
    "emergency": "出现危险情况，需紧急转诊 / danger signs: emergency referral",
}
