"""The complete 随访服务记录表: check the boxes against the code table, the 规范's consistency rules and
the next step (下一步管理措施) that decides the next due date. Pure: no Flask, no database.

规范 = 国家基本公共卫生服务规范（第三版）, 国卫基层发〔2017〕13号, 高血压 / 2型糖尿病患者健康管理服务规范
(docs/public_health_forms.md quotes the rules):
- 控制满意: hypertension SBP <140 and DBP <90 (≥65 years: <150/90 is accepted, 规范 and 基层指南 2020);
  diabetes fasting glucose <7.0 mmol/L; no adverse drug reaction; no new or worse complication.
- a first 控制不满意 or 不良反应 visit: adjust the drugs, follow up within 2 weeks;
- two consecutive unsatisfactory visits, or a new or worse complication: refer, follow up within 2 weeks;
- danger signs (SBP ≥180 and/or DBP ≥110; for diabetes glucose ≥16.7 or ≤3.9 mmol/L): 紧急转诊 after
  handling, then follow up within 2 weeks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping, Sequence

from app.errors import RuleViolation
from app.services.clock import add_months
from app.services.phs import codes
from ml.clinical import ACUTE_DBP, ACUTE_SBP, FASTING_TARGET, HYPER_URGENT

# 规范 控制满意 thresholds (docs/public_health_forms.md §规范).
CONTROLLED_BP = (140, 90)
CONTROLLED_BP_65_PLUS = (150, 90)   # 规范: ≥65 years <150/90; 基层指南 2020 likewise for 65–79
ELDERLY_AGE = 65
FASTING_CONTROLLED_BELOW = FASTING_TARGET[1]   # 7.0 mmol/L, 规范 T2D 控制满意
HYPO_DANGER = 3.9                               # 规范 T2D danger sign: glucose ≤3.9 mmol/L
TWO_WEEKS = timedelta(days=14)                  # 规范: "2周内随访"
ROUTINE_MONTHS = 3                              # 规范: ≥4 face-to-face visits a year; 基层指南: every 3 months

NEXT_STEP_ORDER = ("routine", "two_weeks", "referral", "emergency_referral")
REFERRAL_STEPS = ("referral", "emergency_referral")
UNSATISFACTORY = ("uncontrolled", "adverse_reaction")
CHANNELS = tuple(codes.VALUE_SETS["entry_channel"].keys)  # provenance: app / web / import


@dataclass(frozen=True)
class NextStep:
    """What the 规范 asks after this visit: the least next step allowed, and the referral reason if any."""
    step: str
    referral_reason: str | None
    why: str


def _fail(code: str, detail: str, errors: dict[str, list[str]]) -> RuleViolation:
    return RuleViolation(code, detail, errors=errors)


def default_program(conditions: Sequence[str], *, systolic: int | None, glucose_mmol: float | None) -> str:
    """Which form a visit fills when the caller does not say: hypertension first, diabetes for a glucose-only
    visit of a diabetic (the same rule migration 0011 applied to existing records)."""
    if "diabetes" in conditions and ("hypertension" not in conditions
                                     or (systolic is None and glucose_mmol is not None)):
        return "dm"
    return "htn"


def clean_form(program: str, form: Mapping[str, Any] | None) -> dict[str, Any]:
    """The form's boxes (not the ones kept in columns) checked against the code table: known keys of this
    form, the right kind, values in their value set, numbers in their plausible range. Returns JSON-ready data."""
    if program not in codes.PROGRAMS:
        raise _fail("followup.program", "未知随访表 / unknown form", {"program": ["htn / dm"]})
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key, value in (form or {}).items():
        try:
            f = codes.form_field(program, key)
        except KeyError:
            errors[key] = [f"{codes.FORM_TITLES[program]}没有这一项 / not a field of this form"]
            continue
        if f.column:
            errors[key] = ["请放在表单外层 / give this field at the top level"]
            continue
        if value is None or value == "" or value == []:
            continue
        problem, clean = _clean_value(f, value)
        if problem:
            errors[key] = [problem]
        else:
            out[key] = clean
    if errors:
        raise _fail("followup.form", "随访表填写有误 / the form has invalid fields", errors)
    return out


def _clean_value(f: codes.FormField, value: Any) -> tuple[str | None, Any]:
    if f.kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "需要数字 / a number", None
        if f.kind == "int" and int(value) != value:
            return "需要整数 / a whole number", None
        value = int(value) if f.kind == "int" else round(float(value), 1)
        low, high = f.range or (float("-inf"), float("inf"))
        if not low <= value <= high:
            what = "目标" if f.target_of else "数值"
            return f"{what}不合理，应在{low:g}–{high:g}{f.unit or ''}之间 / outside {low:g}–{high:g}", None
        return None, value
    if f.kind == "text":
        if not isinstance(value, str) or len(value.strip()) > f.max_length:
            return f"最多{f.max_length}字 / text up to {f.max_length} characters", None
        return None, value.strip()
    if f.kind == "date":
        try:
            return None, date.fromisoformat(str(value)).isoformat()
        except ValueError:
            return "日期格式 YYYY-MM-DD / a date", None
    keys = codes.VALUE_SETS[f.value_set].keys
    if f.kind == "code":
        if value not in keys:
            return "可选：" + "/".join(keys), None
        return None, value
    if not isinstance(value, list) or any(v not in keys for v in value):
        return "可选（多选）：" + "/".join(keys), None
    chosen = list(dict.fromkeys(value))
    if "none" in chosen and len(chosen) > 1:
        return "无症状不能与其他症状同选 / 'none' excludes the others", None
    return None, chosen


def danger_signs(program: str, *, systolic: int | None, diastolic: int | None,
                 glucose_mmol: float | None) -> list[str]:
    """The 规范's measurable danger signs at this visit (each one means 紧急转诊)."""
    signs = []
    if systolic is not None and (systolic >= ACUTE_SBP or diastolic >= ACUTE_DBP):
        signs.append(f"血压≥{ACUTE_SBP}/{ACUTE_DBP}mmHg")
    if program == "dm" and glucose_mmol is not None:
        if glucose_mmol >= HYPER_URGENT:
            signs.append(f"血糖≥{HYPER_URGENT}mmol/L")
        elif glucose_mmol <= HYPO_DANGER:
            signs.append(f"血糖≤{HYPO_DANGER}mmol/L")
    return signs


def check_classification(program: str, classification: str, *, age: int, systolic: int | None,
                         diastolic: int | None, glucose_mmol: float | None, form: Mapping[str, Any]) -> None:
    """此次随访分类 consistent with the measured values and the boxes (规范 definitions; 422 otherwise)."""
    bp_limit = CONTROLLED_BP_65_PLUS if age >= ELDERLY_AGE else CONTROLLED_BP
    bp_high = systolic is not None and (systolic >= bp_limit[0] or diastolic >= bp_limit[1])
    bp_at_target = systolic is not None and systolic < CONTROLLED_BP[0] and diastolic < CONTROLLED_BP[1]
    glucose_high = program == "dm" and glucose_mmol is not None and glucose_mmol >= FASTING_CONTROLLED_BELOW
    glucose_at_target = glucose_mmol is not None and glucose_mmol < FASTING_CONTROLLED_BELOW
    errors: dict[str, list[str]] = {}
    if classification == "controlled":
        if bp_high:
            errors["classification"] = [f"血压{systolic}/{diastolic}未达标（<{bp_limit[0]}/{bp_limit[1]}），"
                                        "不能选控制满意 / BP above target"]
        elif glucose_high:
            errors["classification"] = [f"空腹血糖{glucose_mmol}≥{FASTING_CONTROLLED_BELOW}，不能选控制满意 / "
                                        "fasting glucose above target"]
        elif form.get("adverse_reaction") == "yes":
            errors["classification"] = ["有药物不良反应，不能选控制满意 / an adverse reaction is recorded"]
    elif classification == "uncontrolled":
        measured = [m for m in (systolic, glucose_mmol if program == "dm" else None) if m is not None]
        at_target = (systolic is None or bp_at_target) and (program != "dm" or glucose_mmol is None
                                                             or glucose_at_target)
        symptoms = [s for s in form.get("symptoms", []) if s != "none"]
        if measured and at_target and not symptoms:
            errors["classification"] = ["测量值均达标且无症状，不应选控制不满意 / values at target, no symptoms"]
    elif classification == "adverse_reaction" and form.get("adverse_reaction") == "no":
        errors["adverse_reaction"] = ["此次分类为不良反应，请填写不良反应 / record the adverse reaction"]
    if errors:
        raise _fail("followup.classification", "随访分类与测量值不一致 / classification contradicts the values",
                    errors)


def required_next_step(classification: str, previous: Sequence[str], dangers: Sequence[str]) -> NextStep:
    """The least 下一步管理措施 the 规范 allows, given earlier classifications (newest first)."""
    last = previous[0] if previous else None
    if dangers:
        return NextStep("emergency_referral", "emergency", "危险情况：" + "、".join(dangers))
    if classification == "complication":
        return NextStep("referral", "new_complication", "出现并发症")
    if classification in UNSATISFACTORY and last in UNSATISFACTORY:
        reason = "adverse_uncontrolled" if classification == last == "adverse_reaction" else "two_uncontrolled"
        return NextStep("referral", reason, "连续两次控制不满意")
    if classification in UNSATISFACTORY:
        return NextStep("two_weeks", None, "第1次控制不满意")
    return NextStep("routine", None, "控制满意")


def choose_next_step(required: NextStep, asked: str | None) -> str:
    """The doctor may choose a stricter step than the 规范's least one, never a laxer one."""
    if asked is None:
        return required.step
    if asked not in NEXT_STEP_ORDER:
        raise _fail("followup.next_step", "未知下一步管理措施 / unknown next step",
                    {"next_step": ["/".join(NEXT_STEP_ORDER)]})
    if NEXT_STEP_ORDER.index(asked) < NEXT_STEP_ORDER.index(required.step):
        label = codes.label("next_step", required.step)
        raise _fail("followup.referral_required" if required.step in REFERRAL_STEPS else "followup.next_step",
                    f"{required.why}，规范要求{label} / the 规范 requires {required.step}",
                    {"next_step": [f"{required.why}：至少{label}"]})
    return asked


def due_date(next_step: str, visited_on: date) -> date:
    """The next visit by the 下一步管理措施: 2 weeks after a first unsatisfactory visit or a referral
    (规范: 2周内主动随访), else the routine quarterly visit."""
    if next_step == "routine":
        return add_months(visited_on, ROUTINE_MONTHS)
    return visited_on + TWO_WEEKS


def check_referral(next_step: str, required: NextStep, form: dict[str, Any], *, full_form: bool) -> None:
    """A referral step carries its reason (defaulted from the rule); a full-form entry also names the
    institution and department (转诊机构及科别), as the paper form asks."""
    if next_step not in REFERRAL_STEPS:
        return
    form.setdefault("referral_reason", required.referral_reason or "other")
    if full_form and not form.get("referral_to"):
        raise _fail("followup.referral_to", "转诊需填写机构及科别 / referral needs institution and department",
                    {"referral_to": ["请填写转诊机构及科别"]})


def check_outcome(outcome: str, form: Mapping[str, Any]) -> None:
    """转归: 终止管理 needs its reason."""
    if outcome not in codes.VALUE_SETS["outcome"].keys:
        raise _fail("followup.outcome", "未知转归 / unknown outcome",
                    {"outcome": ["/".join(codes.VALUE_SETS["outcome"].keys)]})
    if outcome == "ended" and not form.get("end_reason"):
        raise _fail("followup.outcome", "终止管理需填写原因 / ending management needs a reason",
                    {"end_reason": ["/".join(codes.VALUE_SETS["end_reason"].keys)]})


def check_channel(channel: str) -> None:
    """Provenance: how the record was entered."""
    if channel not in CHANNELS:
        raise _fail("followup.entry_channel", "未知录入方式 / unknown entry channel", {"entry_channel": list(CHANNELS)})


def check_next_visit(asked: date | None, rule_due: date, visited_on: date) -> date:
    """下次随访日期: the 规范's date, or an earlier one the doctor picks (never later, never before the visit)."""
    if asked is None:
        return rule_due
    if asked <= visited_on or asked > rule_due:
        raise _fail("followup.next_due_on", "下次随访日期应在本次之后、规范期限之内 / next visit outside the 规范 window",
                    {"next_due_on": [f"应在{visited_on.isoformat()}之后、{rule_due.isoformat()}之前"]})
    return asked


