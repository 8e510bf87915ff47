"""Every Chinese sentence the bot says, in one place.

Readers are often over 60: short sentences, one idea per line, numbers on their own line,
no jargon ("高压/低压", not "收缩压/舒张压"; "饭后2小时", not "餐后2h"). Clinical wording
follows docs/clinical_rules.md §1.5 and §2.6 (acute BP, hypoglycaemia, 120 advice); thresholds come from ml.clinical.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from ml.clinical import (
    FASTING_TARGET,
    LOW_SBP,
    NON_FASTING_TARGET_BELOW,
    BpTarget,
    bp_above_target,
    bp_is_acute,
    glucose_level,
)

CONTEXT_LABELS = {"fasting": "空腹", "postprandial": "饭后2小时", "random": "随机", "bedtime": "睡前"}

# --- advice for acute values (docs/clinical_rules.md §1.5, §2.6) -----------------------------------------
CALL_120 = "如有胸痛、说话不清、一侧手脚没劲，\n请立即拨打120。"
BP_ACUTE_ADVICE = "请休息5分钟后复测。\n如果还是这么高，请今天联系家庭医生。\n" + CALL_120
BP_EMERGENCY_ADVICE = "血压很高，又有不舒服，很危险。\n请立即拨打120，或马上去医院急诊。"
BP_LOW_ADVICE = "如果头晕、眼前发黑，请先坐下或躺下。\n今天请联系家庭医生。"
HYPO_ADVICE = "请立即吃15克糖（约3块方糖或半杯果汁），15分钟后再测。"
HYPO_SEVERE_ADVICE = HYPO_ADVICE + "\n如果人发糊涂、叫不醒，请立即拨打120。"
HYPER_ADVICE = ("请多喝温开水，今天联系家庭医生。\n"
                "如有呕吐、肚子疼、喘气又深又快、老想睡，\n请立即拨打120。")
TRIAGE_STUB = "请联系您的家庭医生。"
TRIAGE_LEVELS = {
    "emergency": "情况紧急！\n请立即拨打120，或马上去医院急诊。",
    "urgent": "请今天就去看医生（县医院或乡镇卫生院）。\n我们已通知您的家庭医生。",
    "routine": "请这几天找您的家庭医生看一看。",
    "self_care": "可以先在家观察休息。如果加重，请联系家庭医生。",
}


def fmt(value: float | int | None) -> str:
    """7.0 → "7", 7.8 → "7.8", None → "—"."""
    if value is None:
        return "—"
    return str(int(value)) if float(value) == int(value) else f"{value:.1f}"


def join(replies: Iterable[str]) -> str:
    """One passive reply from several parts (WeChat allows one reply per message)."""
    return "\n\n".join(r for r in replies if r)


# --- onboarding: subscribe, binding, consent -----------------------------------------------------
def welcome(*, bound: bool = False, consent: bool = False) -> str:
    if bound and consent:
        return "欢迎回来！\n" + help_text()
    if bound:
        return "欢迎回来！"
    return ("您好，欢迎关注家医服务！\n"
            "这里可以记血压、血糖，问医生，自查症状。\n"
            "先绑定身份，只要两步。\n"
            "第一步：请回复您的姓名。")


def help_text(*, bound: bool = True) -> str:
    if not bound:
        return "您还没有绑定身份。\n请回复：绑定"
    return ("您可以直接发：\n"
            "血压 150/90\n"
            "血糖 空腹 6.5\n"
            "也可以发语音。\n"
            "其他功能请回复：\n"
            "记录血压、记录血糖、最近血压、\n"
            "我的医生、我的签约、症状自查、提醒设置")


def not_understood() -> str:
    return "没看懂您的意思。\n" + help_text()


def ask_name() -> str:
    return "请回复您的姓名（和在医生那里登记的一样）。"


def bad_name() -> str:
    return "姓名好像不对。\n请只发姓名，例如：张秀英"


def ask_secret() -> str:
    return ("第二步：请回复身份证号的后6位，\n"
            "或者登记的手机号（11位）。")


def bad_secret() -> str:
    return "请发身份证号后6位（例如：12345X），\n或11位手机号。"


def binding_ok(display_name: str) -> str:
    name = f"{display_name}，" if display_name else ""
    return f"{name}绑定成功！"


def binding_failed(attempts_left: int | None) -> str:
    tail = f"\n还可以再试{attempts_left}次。" if attempts_left is not None else ""
    return "没有找到您的登记信息。\n请核对后重新回复姓名。" + tail + "\n如有问题，请联系村医。"


def resident_code_failed(attempts_left: int | None) -> str:
    tail = f"\n还可以再试{attempts_left}次。" if attempts_left else ""
    return "绑定码不对或已过期。\n请向村医重新要一个绑定码。" + tail


def binding_locked(minutes: int) -> str:
    return f"试错次数太多，请{max(minutes, 1)}分钟后再试。\n也可以联系村医帮您绑定。"


def already_bound(display_name: str) -> str:
    return f"您已经绑定了（{display_name}）。" if display_name else "您已经绑定了。"


def privacy_notice(url: str, version: str) -> str:
    return ("使用前请阅读《个人信息保护告知书》：\n"
            f"{url}\n"
            "我们会保存您发来的血压、血糖和症状，只给您的家庭医生团队看。\n"
            f"同意请回复：同意（版本 {version}）")


def consent_required(url: str) -> str:
    return ("您还没有同意《个人信息保护告知书》，\n我们暂时不能处理您的健康信息。\n"
            f"告知书：{url}\n同意请回复：同意\n" + CALL_120)


def consent_thanks() -> str:
    return "谢谢，已记录您的同意。"


def consent_declined() -> str:
    return ("好的，我们不会处理您的健康信息。\n"
            "想用的时候，回复：同意\n" + CALL_120)


def consent_withdrawn() -> str:
    return ("已取消授权。\n我们不再处理您的健康信息，也不再给您发消息。\n"
            "想恢复，请回复：同意")


def nothing_to_withdraw() -> str:
    return "您还没有授权，不需要取消。"


def cancelled() -> str:
    return "好的，已取消。"


def too_many_tries() -> str:
    return "没能看懂，先不记了。\n需要帮助请回复：帮助"


def only_text_or_voice() -> str:
    return "暂时只能看懂文字和语音。\n请发文字或语音。"


def voice_not_heard() -> str:
    return "没听清，请再说一遍，或打字发给我。"


def service_busy() -> str:
    """Sent when a reply takes longer than WeChat's 5 s: the answer follows as a message."""
    return "收到，正在处理，马上回复您。"


# --- readings: asking --------------------------------------------------------------------------
def ask_bp() -> str:
    return "请发血压，高压在前，低压在后。\n例如：150/90\n也可以加心率：150/90/75"


def ask_diastolic(systolic: int) -> str:
    return f"高压 {systolic}。\n低压是多少？"


def ask_systolic(diastolic: int) -> str:
    return f"低压 {diastolic}。\n高压是多少？"


def ask_glucose() -> str:
    return "请发血糖，例如：空腹 6.5\n饭后2小时请发：饭后 9.8"


def ask_glucose_context(value: float) -> str:
    return f"血糖 {fmt(value)}。\n是什么时候测的？\n请回复：空腹、饭后、睡前 或 其他"


def confirm_glucose_unit(original: float, converted: float) -> str:
    return (f"您发的是 {fmt(original)}，比平常的数大很多。\n"
            f"是不是血糖仪显示 mg/dL？换算后是\n{fmt(converted)} mmol/L\n"
            "对的话请回复：是\n不对请重新发血糖值。")


def did_you_mean(value: str) -> str:
    """A likely typo (swapped, an extra or a missing digit, another unit): ask before storing anything."""
    return f"您是不是想输入 {value}？\n对的话请回复：是\n不对请回复：不是"


def ask_which_reading(number: float) -> str:
    return (f"您发的 {fmt(number)} 是血压还是血糖？\n"
            "请回复：血压 或 血糖")


def one_at_a_time() -> str:
    return "一次只发一项就好。\n例如：血压 150/90\n或：血糖 空腹 6.5"


def remeasure(problems: Mapping[str, str] | None = None) -> str:
    """Implausible value: ask to measure again, never store (docs/design.md "Plausibility")."""
    return "这个数不太对，没有记录。\n请坐下休息5分钟，再量一次，\n然后把数发给我。"


# --- readings: results (the shell formats service results with these) ---------------------------
def bp_values(systolic: int, diastolic: int, pulse: int | None = None) -> str:
    line = f"血压 {systolic}/{diastolic}"
    return line + (f"\n心率 {pulse}" if pulse is not None else "")


def glucose_values(value_mmol: float | None, context: str | None, *, flag: str | None = None) -> str:
    label = f"（{CONTEXT_LABELS[context]}）" if context in CONTEXT_LABELS else ""
    shown = {"HI": "HI（太高，测不出）", "LO": "LO（太低，测不出）"}.get(flag or "", f"{fmt(value_mmol)} mmol/L")
    return f"血糖{label} {shown}"


def glucose_target(context: str | None) -> str:
    if context == "fasting":
        return f"空腹 {fmt(FASTING_TARGET[0])} - {fmt(FASTING_TARGET[1])}"
    return f"低于 {fmt(NON_FASTING_TARGET_BELOW)}"


def reading_reply(values: str, target: str | None, comment: str) -> str:
    """已记录 + values + target + a plain comment, each on its own line."""
    lines = ["已记录：", values]
    if target:
        lines.append(f"您的目标：{target}")
    lines.append(comment)
    return "\n".join(lines)


def bp_comment(systolic: int, diastolic: int, target: BpTarget | None = None, *, emergency: bool = False) -> str:
    """One plain sentence (or the acute advice) for a single BP reading."""
    if emergency:
        return BP_EMERGENCY_ADVICE
    if bp_is_acute(systolic, diastolic):
        return "血压很高。\n" + BP_ACUTE_ADVICE
    if systolic < LOW_SBP:
        return "血压偏低。\n" + BP_LOW_ADVICE
    if target is not None and bp_above_target(systolic, diastolic, target):
        return "比目标高一些，请按时吃药，明早再量一次。"
    if target is not None:
        return "在目标以内，很好！请继续按时吃药。"
    return "请坚持每天早晚各量一次。"


def bp_reading_reply(systolic: int, diastolic: int, pulse: int | None, target: BpTarget | None, *, emergency: bool = False) -> str:
    """The whole reply after a BP reading is stored."""
    return reading_reply(
        bp_values(systolic, diastolic, pulse),
        f"低于 {target}" if target else None,
        bp_comment(systolic, diastolic, target, emergency=emergency),
    )


def glucose_comment(value_mmol: float | None, context: str | None, *, flag: str | None = None, emergency: bool = False) -> str:
    """Plain comment for a glucose value; hypo/hyper advice first (中国2型糖尿病防治指南 2020)."""
    level = {"LO": "hypo2", "HI": "hyper"}.get(flag or "") or (glucose_level(value_mmol) if value_mmol is not None else None)
    if level == "hypo2":
        return "血糖太低！\n" + HYPO_SEVERE_ADVICE
    if level == "hypo1":
        return "血糖偏低。\n" + HYPO_ADVICE
    if level == "hyper":
        if emergency:
            return "血糖很高，又有不舒服，很危险。\n请立即拨打120。"
        return "血糖很高。\n" + HYPER_ADVICE
    assert value_mmol is not None
    if context == "fasting":
        if value_mmol > FASTING_TARGET[1]:
            return "比目标高一些，请按时吃药，少吃甜食，\n明早空腹再测一次。"
        if value_mmol < FASTING_TARGET[0]:
            return "稍微低了一点，请按时吃饭，身上带几块糖。"
        return "在目标以内，很好！"
    if value_mmol >= NON_FASTING_TARGET_BELOW:
        return "比目标高一些，请按时吃药，少吃甜食，\n过两天再测一次。"
    return "在目标以内，很好！"


def glucose_reading_reply(value_mmol: float | None, context: str | None, *, flag: str | None = None, emergency: bool = False) -> str:
    """The whole reply after a glucose reading is stored."""
    return reading_reply(
        glucose_values(value_mmol, context, flag=flag),
        glucose_target(context),
        glucose_comment(value_mmol, context, flag=flag, emergency=emergency),
    )


def reading_rejected(detail: str | None = None) -> str:
    """The readings service refused the value (implausible): same words as remeasure."""
    return remeasure()


# --- my doctor, my contract, recent BP ----------------------------------------------------------
def my_doctor(team_name: str, members: Sequence[tuple[str, str]], village_doctor_phone: str | None) -> str:
    """members: (role label, name), e.g. ("村医", "李华")."""
    lines = [f"您的家庭医生团队：{team_name}"]
    lines += [f"{role}：{name}" for role, name in members]
    if village_doctor_phone:
        lines.append(f"村医电话：\n{village_doctor_phone}")
    return "\n".join(lines)


def no_contract() -> str:
    return "您还没有签约家庭医生。\n请联系村医或乡镇卫生院办理。"


def my_contract(team_name: str, packages: Sequence[str], ends_on: date, *, today: date) -> str:
    days_left = (ends_on - today).days
    lines = [f"签约团队：{team_name}", f"服务包：{'、'.join(packages) or '基础包'}",
             f"到期日期：{ends_on.year}年{ends_on.month}月{ends_on.day}日"]
    if days_left < 0:
        lines.append("已经到期，请联系村医续约。")
    elif days_left <= 30:
        lines.append(f"还有{days_left}天到期，请联系村医续约。")
    return "\n".join(lines)


def recent_bp(sessions: int, mean_systolic: float | None, mean_diastolic: float | None, target: BpTarget | None, *, days: int = 7) -> str:
    if not sessions or mean_systolic is None or mean_diastolic is None:
        return no_recent_bp(days)
    s, d = round(mean_systolic), round(mean_diastolic)
    lines = [f"最近{days}天量了{sessions}次血压。", f"平均：{s}/{d}"]
    if target is not None:
        lines.append(f"目标：低于 {target}")
        lines.append("比目标高一些，请按时吃药，坚持每天量。" if bp_above_target(s, d, target) else "控制得不错，请继续保持！")
    return "\n".join(lines)


def no_recent_bp(days: int = 7) -> str:
    return f"最近{days}天没有血压记录。\n请发：血压 150/90"


# --- triage ------------------------------------------------------------------------------------
def ask_symptoms() -> str:
    return "请说说哪里不舒服，\n例如：头晕、胸口疼、心慌。"


def dialogue_resumes() -> str:
    """After red-flag advice that interrupted a conversation: the conversation waits where it was."""
    return "急事先办。之后可以接着回复刚才的问题。"


def triage_question(question: str) -> str:
    return question + "\n（不想回答请回复：取消）"


def triage_result(level: str | None, advice: str | None = None) -> str:
    """The disposition in plain words; unknown level → contact your family doctor."""
    head = TRIAGE_LEVELS.get(level or "", TRIAGE_STUB)
    return head + (f"\n{advice}" if advice else "")


# --- reminders ---------------------------------------------------------------------------------
def ask_reminder_times() -> str:
    return ("几点提醒您吃药？\n例如：8:00 20:00\n"
            "不要提醒请回复：关闭提醒")


def reminders_set(times: Sequence[str]) -> str:
    return "好的，每天这些时间提醒您吃药：\n" + "\n".join(times)


def reminders_off() -> str:
    return "好的，已关闭吃药提醒。"


def bad_times() -> str:
    return "时间没看懂。\n请这样发：8:00 20:00"


# --- the shell (bot.py): errors, team roles, triage department, staff binding ---------------------
TEAM_ROLE_LABELS = {
    "village_doctor": "村医", "township_doctor": "乡镇医生", "county_doctor": "县医院医生",
    "nurse": "护士", "public_health_doctor": "公卫医生", "health_manager": "健康管理师",
}


def try_again_later() -> str:
    """Something failed while handling the message: ask to resend (nothing was recorded)."""
    return "系统有点忙，这条没有记上。\n请过一会儿再发一次。\n" + CALL_120


def triage_department(department: str) -> str:
    return f"建议看：{department}"


def staff_bound(name: str) -> str:
    return f"绑定成功！{name}医生，\n您团队居民的预警会推送到这个微信。"


def staff_code_failed(attempts_left: int | None) -> str:
    tail = f"\n还可以再试{attempts_left}次。" if attempts_left else ""
    return "绑定码不对或已过期。\n请在系统里重新获取绑定码。" + tail


def staff_help(name: str) -> str:
    return (f"您已作为医生（{name}）绑定。\n居民预警会推送到这里。\n"
            "解除绑定请回复：解除医生绑定")


def staff_unbound() -> str:
    return "已解除医生绑定，不再推送预警。"


# --- pushes (notifier.py): template-message titles by outbox kind (≤20 characters, no emoji) --------
PUSH_TITLES = {
    "reading_advice": "测量结果提醒", "wechat_reply": "家医回复", "alert_opened": "居民预警",
    "alert_raised": "预警升级", "alert_escalated": "预警上报", "alert_digest": "趋势预警", "referral_notice": "转诊通知",
    "referral_update": "转诊进展", "followup_next": "随访提醒", "reminder_measure": "测量提醒",
    "reminder_medication": "吃药提醒", "reminder_followup": "随访提醒", "reminder_renewal": "续约提醒",
}
PUSH_TITLE_DEFAULT = "家医消息"


def push_title(kind: str) -> str:
    return PUSH_TITLES.get(kind, PUSH_TITLE_DEFAULT)


def recent_glucose(readings: int, fasting_mean: float | None, fasting_target: tuple[float, float], *,
                   days: int = 7) -> str:
    """The resident's glucose page summary: how many readings, the fasting mean against 4.4-7.0."""
    if not readings:
        return f"最近{days}天没有血糖记录。\n请发：血糖 6.5"
    lines = [f"最近{days}天量了{readings}次血糖。"]
    if fasting_mean is not None:
        lo, hi = fasting_target
        lines.append(f"空腹平均：{fmt(round(fasting_mean, 1))}")
        lines.append(f"目标：{fmt(lo)}到{fmt(hi)}")
        if fasting_mean > hi:
            lines.append("比目标高一些，请按时吃药，注意饮食。")
        elif fasting_mean < lo:
            lines.append("有点偏低，请告诉村医。")
        else:
            lines.append("控制得不错，请继续保持！")
    return "\n".join(lines)
