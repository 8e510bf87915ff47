"""Plain Chinese copy for home readings (居家监测) and alerts (预警): resident advice and team notices.

All wording for this area lives here so it can be reviewed in one place. Resident texts are for
people often over 60: short sentences, "高压/低压" rather than "收缩压/舒张压", one action per line.
Clinical wording follows docs/clinical_rules.md §1.5 and §2.6 (acute BP, hypoglycaemia, 120 advice).
"""
from __future__ import annotations

KIND_LABELS = {
    "acute_bp": "血压危急值",
    "low_bp": "低血压伴症状",
    "acute_glucose": "高血糖危急值",
    "hypoglycaemia": "低血糖",
    "hypoglycaemia_recurrent": "反复低血糖",
    "trend_bp": "血压控制不佳",
    "trend_glucose": "血糖控制不佳",
    "triage_red_flag": "症状危险信号",
    "missed_monitoring": "未按时监测",
    "unconfirmed_reading": "高读数未复测",
}
SEVERITY_LABELS = {"critical": "危急", "high": "紧急", "moderate": "关注", "low": "提示"}
CONTEXT_LABELS = {"fasting": "空腹", "postprandial": "饭后2小时", "random": "随机", "bedtime": "睡前"}
LEVEL_LABELS = {0: "村医", 1: "乡镇医生", 2: "县级医生", 3: "值班专科医生"}

CALL_120 = "如有胸痛、说话不清、一侧手脚没劲，请立即拨打120。"


def fmt(value: float | int | None) -> str:
    """7.0 -> "7", 7.8 -> "7.8", None -> "—"."""
    if value is None:
        return "—"
    return str(int(value)) if float(value) == int(value) else f"{value:.1f}"


def bp_value(systolic: float, diastolic: float) -> str:
    return f"{fmt(round(systolic))}/{fmt(round(diastolic))}"


def glucose_value(value_mmol: float | None, meter_flag: str | None = None) -> str:
    if meter_flag == "HI":
        return "HI(超出血糖仪上限)"
    if meter_flag == "LO":
        return "LO(低于血糖仪下限)"
    return f"{fmt(value_mmol)} mmol/L"


# --- to the resident: advice keys used by app.services.rules ----------------------------------------
ADVICE = {
    "ok_bp": "血压已记录。请继续按时测量、按时吃药。",
    "ok_glucose": "血糖已记录。请继续按时测量、按时吃药。",
    # The repeat request (confirmation before critical): plain, one action, and never "call 120" (a red flag would have
    # confirmed the value at once, with the emergency advice instead).
    "bp_repeat": "这次血压很高，可能没量准。请先安静坐好，休息5分钟后再测一次，把结果发给我。",
    "bp_repeat_normal": "复测的血压不高，上一次的高读数可能没量准，已记下。请继续按时测量。",
    "bp_urgent": "两次测量血压都很高。请今天联系家庭医生，我们已通知您的医生。" + CALL_120,
    "bp_emergency": "血压很高，又有不舒服，很危险。请立即拨打120，或马上去医院急诊。",
    "bp_low_symptoms": "血压偏低又头晕。请先坐下或躺下，慢慢起身。我们已通知您的家庭医生，今天会联系您。",
    "bp_low": "这次血压偏低。如果头晕、眼前发黑，请先坐下或躺下，并告诉家庭医生。",
    "symptom_emergency": "您说的不舒服可能很危险。请立即拨打120，或马上去医院急诊。我们已通知您的家庭医生。",
    "hypo_severe": ("血糖太低了！请立即吃15克糖（约3块方糖或半杯果汁），15分钟后再测一次。"
                    "我们已通知您的家庭医生。如果人发糊涂、叫不醒，请家人立即拨打120。"),
    "hypo_emergency": "低血糖又有意识不清，请家人立即拨打120。能吞咽时先喂糖水。",
    "hypo_repeat": ("这次血糖很低，可能没测准。请洗手擦干，安静坐好，5分钟内再测一次，把结果发给我。"
                    "如果心慌、出汗、手抖，先吃15克糖（约3块方糖）。"),
    "hyper_repeat": "这次血糖很高，可能没测准。请洗手擦干，安静坐好，5分钟后再测一次，把结果发给我。",
    "glucose_repeat_normal": "复测的血糖不算危险，上一次的读数可能没测准，已记下。请继续按时测量。",
    "hypo": "血糖偏低。请立即吃15克糖（约3块方糖或半杯果汁），15分钟后再测一次。",
    "hypo_recurrent": ("这一周已多次低血糖。请立即吃15克糖，15分钟后再测一次。"
                       "家庭医生会在2天内联系您调整用药。"),
    "hyper": "血糖很高。请多喝温开水，今天联系家庭医生，我们已通知您的医生。"
             "如有呕吐、肚子疼、喘气又深又快、老想睡，请立即拨打120。",
    "hyper_emergency": "血糖很高，又有呕吐、肚子疼或老想睡等情况，很危险。请立即拨打120，或马上去医院急诊。",
}


def advice(*keys: str) -> str:
    """The resident's advice for the rules that fired, most urgent first; duplicates dropped."""
    seen: list[str] = []
    for key in keys:
        text = ADVICE[key]
        if text not in seen:
            seen.append(text)
    return "\n".join(seen)


def resident_message(advice_text: str, value_text: str) -> str:
    """The pushed message for a reading that needs action (the same advice the reply carried)."""
    return f"您刚上传的测量值：{value_text}\n{advice_text}"


# --- to the team -------------------------------------------------------------------------------------------
def alert_summary(kind: str, value_text: str, detail: str | None = None) -> str:
    """One line for the doctor's queue."""
    text = f"{KIND_LABELS.get(kind, kind)}：{value_text}"
    return f"{text}（{detail}）" if detail else text


def team_notice_opened(*, resident_name: str, kind: str, severity: str, summary: str) -> str:
    sev = SEVERITY_LABELS.get(severity, severity)
    return f"【{sev}预警】居民{resident_name}：{summary}。请尽快联系居民并在系统中确认处理。"


def team_notice_raised(*, resident_name: str, kind: str, severity: str, summary: str) -> str:
    sev = SEVERITY_LABELS.get(severity, severity)
    return f"【预警升级为{sev}】居民{resident_name}：{summary}。请立即处理。"


def team_notice_digest(*, resident_names: list[str], shown: int = 5) -> str:
    """Many trend alerts for one doctor in one message (the trend scan)."""
    names = "、".join(resident_names[:shown])
    more = f"等{len(resident_names)}位居民" if len(resident_names) > shown else ""
    return f"【趋势预警】{names}{more}近期血压或血糖控制不佳，请在工作台查看并安排随访。"


def team_notice_escalated(*, resident_name: str, severity: str, summary: str, level: int, waited_minutes: int) -> str:
    sev = SEVERITY_LABELS.get(severity, severity)
    return (f"【{sev}预警上报至{LEVEL_LABELS.get(level, '上级医生')}】居民{resident_name}：{summary}。"
            f"已等待{waited_minutes}分钟未确认，请立即处理。")


def escalation_note(level: int, *, fallback: bool = False) -> str:
    label = LEVEL_LABELS.get(level, "上级医生")
    return f"超时未确认，上报{label}" + ("（无值班医生，已通知科室）" if fallback else "")


def unconfirmed_summary(value_text: str, wait_minutes: int) -> str:
    """The village doctor's task for a dangerous value never repeated (moderate; never a page)."""
    return f"{KIND_LABELS['unconfirmed_reading']}：{value_text}（{wait_minutes}分钟内未复测，请电话联系居民）"


SYMPTOMS_LABEL = "自述症状"
REPEAT_CONFIRMED = "复测确认"
RED_FLAG_CONFIRMED = "伴危险症状"
SINGLE_READING = "单次读数"
