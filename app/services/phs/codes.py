"""The one code table of the 随访服务记录表 (hypertension and type 2 diabetes follow-up forms).

Everything the follow-up form stores, prints and exports is defined here, once: each field's key, its
Chinese label, its WS 363 data-element code where one is known, its value set, unit and plausible range,
and which form (高血压 / 2型糖尿病) carries it. The entry form, the PDF, the validation and the three export
serializers all read this table. Pure module: no Flask, no SQLAlchemy.

Sources (docs/public_health_forms.md has the full list and what was checked):
- 规范: 国家基本公共卫生服务规范（第三版）, 国卫基层发〔2017〕13号, 附件 高血压患者随访服务记录表 and
  2型糖尿病患者随访服务记录表 — the fields and the option numbers printed on the paper form;
- WS 363 卫生信息数据元目录 (OID 2.16.156.10011.2.2.1): data-element codes. The codes marked
  `de_checked=False` were read in a shared-document template sample that predates WS/T 483-2016; they are
  exported but must be checked against the published standard before a county relies on them;
- WS/T 364 卫生信息数据元值域代码 (OIDs 2.16.156.10011.2.3.*): where the form's option numbers are the value set;
- vendor systems: 不规律服药原因, 转诊原因 and 转归 lists (no national value set; marked `source="vendor"`);
- JiaYi extensions (微信/视频 visits, entry channel): marked `source="jiayi"`, never sent as national codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Shared-document type codes (code system 2.16.156.10011.2.4, WS/T 483-2016).
DOC_CODE_SYSTEM = "2.16.156.10011.2.4"
DE_CODE_SYSTEM = "2.16.156.10011.2.2.1"   # WS 363 data elements
PROGRAMS = ("htn", "dm")
DOCUMENT_TYPES = {"htn": ("HSDB04.01", "高血压患者随访服务"), "dm": ("HSDB04.02", "2型糖尿病患者随访服务")}
DATASETS = {"htn": "EHR-DE-12 高血压患者随访信息", "dm": "EHR-DE-13 2型糖尿病患者随访信息"}
FORM_TITLES = {"htn": "高血压患者随访服务记录表", "dm": "2型糖尿病患者随访服务记录表"}


@dataclass(frozen=True)
class Code:
    code: str          # the code sent out (the form's option number for national value sets)
    key: str           # JiaYi's stable identifier, used in the API
    label: str         # Chinese label as printed on the form
    extension: bool = False   # a JiaYi extension, not a national code


@dataclass(frozen=True)
class ValueSet:
    name: str
    label: str
    source: str        # "规范" / "WS/T 364" / "vendor" / "jiayi"
    codes: tuple[Code, ...]

    def by_key(self, key: str) -> Code:
        for c in self.codes:
            if c.key == key:
                return c
        raise KeyError(key)

    def by_key_code(self, code: str) -> Code:
        for c in self.codes:
            if c.code == code:
                return c
        raise KeyError(code)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.codes]


def _vs(name: str, label: str, source: str, *items: tuple) -> ValueSet:
    return ValueSet(name, label, source, tuple(Code(*item) for item in items))


VALUE_SETS: dict[str, ValueSet] = {vs.name: vs for vs in (
    _vs("visit_mode", "随访方式", "规范 (WS/T 364 随访方式代码)",
        ("1", "face_to_face", "门诊"), ("2", "home", "家庭"), ("3", "phone", "电话"),
        ("91", "wechat", "微信", True), ("92", "video", "视频", True)),
    _vs("htn_symptom", "高血压症状", "规范",
        ("1", "none", "无症状"), ("2", "headache_dizziness", "头痛头晕"), ("3", "nausea_vomiting", "恶心呕吐"),
        ("4", "blurred_vision_tinnitus", "眼花耳鸣"), ("5", "dyspnoea", "呼吸困难"),
        ("6", "palpitation_chest_tightness", "心悸胸闷"), ("7", "epistaxis", "鼻衄出血不止"),
        ("8", "limb_numbness", "四肢发麻"), ("9", "leg_oedema", "下肢水肿"), ("10", "other", "其他")),
    _vs("dm_symptom", "糖尿病症状", "规范",
        ("1", "none", "无症状"), ("2", "polydipsia", "多饮"), ("3", "polyphagia", "多食"), ("4", "polyuria", "多尿"),
        ("5", "blurred_vision", "视力模糊"), ("6", "infection", "感染"), ("7", "hand_foot_numbness", "手脚麻木"),
        ("8", "leg_oedema", "下肢浮肿"), ("9", "weight_loss", "体重明显下降"), ("10", "other", "其他")),
    _vs("salt", "摄盐情况", "规范", ("1", "light", "轻"), ("2", "moderate", "中"), ("3", "heavy", "重")),
    _vs("good_fair_poor", "良好/一般/差", "规范", ("1", "good", "良好"), ("2", "fair", "一般"), ("3", "poor", "差")),
    _vs("foot_pulse", "足背动脉搏动", "规范",
        ("1", "normal", "触及正常"), ("2", "weak", "减弱"), ("3", "absent", "消失")),
    _vs("side", "侧别", "规范", ("1", "both", "双侧"), ("2", "left", "左侧"), ("3", "right", "右侧")),
    _vs("adherence", "服药依从性", "规范", ("1", "regular", "规律"), ("2", "intermittent", "间断"),
        ("3", "none", "不服药")),
    _vs("nonadherence_reason", "不规律服药原因", "vendor",
        ("1", "cost", "经济原因"), ("2", "forgot", "忘记"), ("3", "side_effect", "不良反应"),
        ("4", "supply", "配药不方便"), ("9", "other", "其他")),
    _vs("yes_no", "无/有", "规范", ("1", "no", "无"), ("2", "yes", "有")),
    _vs("hypoglycaemia", "低血糖反应", "规范", ("1", "none", "无"), ("2", "occasional", "偶尔"),
        ("3", "frequent", "频繁")),
    _vs("classification", "此次随访分类", "规范", ("1", "controlled", "控制满意"),
        ("2", "uncontrolled", "控制不满意"), ("3", "adverse_reaction", "不良反应"), ("4", "complication", "并发症")),
    _vs("next_step", "下一步管理措施", "规范", ("1", "routine", "常规随访"),
        ("2", "two_weeks", "第1次控制不满意2周随访"), ("3", "referral", "两次控制不满意转诊随访"),
        ("4", "emergency_referral", "紧急转诊")),
    _vs("referral_reason", "转诊原因", "vendor", ("1", "two_uncontrolled", "连续两次控制不满意"),
        ("2", "adverse_uncontrolled", "药物不良反应难以控制"), ("3", "new_complication", "出现新的并发症"),
        ("4", "worse_complication", "原有并发症加重"), ("5", "emergency", "危急情况紧急转诊"), ("9", "other", "其他")),
    _vs("outcome", "转归", "vendor", ("1", "continue", "继续随访"), ("2", "lost_temporarily", "暂时失访"),
        ("3", "ended", "终止管理")),
    _vs("end_reason", "终止管理原因", "vendor", ("1", "death", "死亡"), ("2", "moved", "迁出"), ("3", "lost", "失访"),
        ("4", "refused", "拒绝")),
    _vs("entry_channel", "录入方式", "jiayi", ("app", "app", "应用/接口"), ("web", "web", "网页"),
        ("import", "import", "导入")),
)}


@dataclass(frozen=True)
class FormField:
    """One box of the paper form. `kind`: int, float, text, date, code, codes (multiple choice)."""
    key: str
    label: str
    section: str
    kind: str
    programs: tuple[str, ...] = PROGRAMS
    de: str | None = None             # WS 363 data-element code
    de_checked: bool = False          # True when read in the published standard, not a draft template
    value_set: str | None = None
    unit: str | None = None
    range: tuple[float, float] | None = None   # plausible values; outside → 422
    target_of: str | None = None      # this is the "target for the next visit" of another field
    column: bool = False              # stored in its own column of `followups`, else in `followups.form`
    required: bool = False
    max_length: int = 200
    extra: dict = field(default_factory=dict)


SECTIONS = ("随访", "症状", "体征", "生活方式指导", "辅助检查", "用药", "分类与措施", "转诊", "转归")

# Ranges: a "now" range is what can be measured at all; a target range is what a sensible target can be
# (规范 asks for a target for the next visit: e.g. BMI target 18.5–24 for adults, 中国成人超重和肥胖预防控制指南;
# we accept 16–30 so that a step-wise target for an obese patient passes). Glucose and BP reuse ml.clinical's ranges.
FIELDS: tuple[FormField, ...] = (
    FormField("visited_at", "随访日期", "随访", "date", column=True, required=True),
    FormField("method", "随访方式", "随访", "code", de="DE06.00.108.00", value_set="visit_mode", column=True,
              required=True),
    FormField("symptoms", "症状", "症状", "codes", ("htn",), de="DE04.01.116.00", value_set="htn_symptom"),
    FormField("symptoms", "症状", "症状", "codes", ("dm",), de="DE04.01.116.00", value_set="dm_symptom"),
    FormField("symptoms_other", "其他症状", "症状", "text"),
    FormField("systolic", "收缩压", "体征", "int", de="DE04.10.174.00", unit="mmHg", range=(50, 300), column=True),
    FormField("diastolic", "舒张压", "体征", "int", de="DE04.10.176.00", unit="mmHg", range=(30, 200), column=True),
    FormField("weight_kg", "体重", "体征", "float", de="DE04.10.188.00", unit="kg", range=(20, 250)),
    FormField("weight_target_kg", "目标体重", "体征", "float", unit="kg", range=(30, 150), target_of="weight_kg"),
    FormField("bmi", "体质指数", "体征", "float", de="DE05.10.075.00", unit="kg/m²", range=(10, 60)),
    FormField("bmi_target", "目标体质指数", "体征", "float", unit="kg/m²", range=(16, 30), target_of="bmi"),
    FormField("heart_rate", "心率", "体征", "int", ("htn",), de="DE04.10.206.00", unit="次/分钟", range=(25, 250)),
    FormField("foot_pulse", "足背动脉搏动", "体征", "code", ("dm",), value_set="foot_pulse"),
    FormField("foot_pulse_side", "足背动脉搏动侧别", "体征", "code", ("dm",), value_set="side"),
    FormField("signs_other", "体征其他", "体征", "text"),
    FormField("smoking_per_day", "日吸烟量", "生活方式指导", "int", de="DE03.00.053.00", unit="支", range=(0, 100)),
    FormField("smoking_target", "日吸烟量目标", "生活方式指导", "int", unit="支", range=(0, 40),
              target_of="smoking_per_day"),
    FormField("drinking_per_day", "日饮酒量", "生活方式指导", "float", de="DE03.00.054.00", unit="两", range=(0, 40)),
    FormField("drinking_target", "日饮酒量目标", "生活方式指导", "float", unit="两", range=(0, 10),
              target_of="drinking_per_day"),
    FormField("exercise_per_week", "运动频率", "生活方式指导", "int", de="DE03.00.087.00", unit="次/周",
              range=(0, 21)),
    FormField("exercise_minutes", "运动时长", "生活方式指导", "int", de="DE03.00.088.00", unit="分钟/次",
              range=(0, 600)),
    FormField("exercise_per_week_target", "运动频率目标", "生活方式指导", "int", unit="次/周", range=(0, 14),
              target_of="exercise_per_week"),
    FormField("exercise_minutes_target", "运动时长目标", "生活方式指导", "int", unit="分钟/次", range=(0, 240),
              target_of="exercise_minutes"),
    FormField("salt", "摄盐情况", "生活方式指导", "code", ("htn",), de="DE03.00.094.00", value_set="salt"),
    FormField("salt_target", "摄盐情况目标", "生活方式指导", "code", ("htn",), value_set="salt", target_of="salt"),
    FormField("staple_g_per_day", "主食", "生活方式指导", "int", ("dm",), unit="克/天", range=(0, 2000)),
    FormField("staple_target_g_per_day", "主食目标", "生活方式指导", "int", ("dm",), unit="克/天", range=(100, 600),
              target_of="staple_g_per_day"),
    FormField("psychological", "心理调整", "生活方式指导", "code", de="DE05.10.083.00", value_set="good_fair_poor"),
    FormField("compliance", "遵医行为", "生活方式指导", "code", de="DE05.10.068.00", value_set="good_fair_poor"),
    FormField("glucose_mmol", "空腹血糖", "辅助检查", "float", ("dm",), unit="mmol/L", range=(1.0, 35.0), column=True),
    FormField("hba1c_percent", "糖化血红蛋白", "辅助检查", "float", ("dm",), unit="%", range=(3.0, 20.0)),
    FormField("hba1c_on", "糖化血红蛋白检查日期", "辅助检查", "date", ("dm",)),
    FormField("tests_other", "辅助检查", "辅助检查", "text"),
    FormField("adherence", "服药依从性", "用药", "code", value_set="adherence"),
    FormField("nonadherence_reason", "不规律服药原因", "用药", "code", value_set="nonadherence_reason"),
    FormField("adverse_reaction", "药物不良反应", "用药", "code", de="DE06.00.129.00", value_set="yes_no"),
    FormField("adverse_reaction_text", "药物不良反应描述", "用药", "text"),
    FormField("hypoglycaemia", "低血糖反应", "用药", "code", ("dm",), value_set="hypoglycaemia"),
    FormField("insulin_type", "胰岛素种类", "用药", "text", ("dm",), max_length=64),
    FormField("insulin_dose", "胰岛素用法和用量", "用药", "text", ("dm",), max_length=64),
    FormField("classification", "此次随访分类", "分类与措施", "code", value_set="classification", column=True,
              required=True),
    FormField("next_step", "下一步管理措施", "分类与措施", "code", value_set="next_step", column=True),
    FormField("referral_reason", "转诊原因", "转诊", "code", de="DE06.00.177.00", value_set="referral_reason"),
    FormField("referral_reason_text", "转诊原因说明", "转诊", "text"),
    FormField("referral_to", "转诊机构及科别", "转诊", "text", max_length=100),
    FormField("next_due_on", "下次随访日期", "转归", "date", column=True),
    FormField("outcome", "转归", "转归", "code", value_set="outcome", column=True),
    FormField("end_reason", "终止管理原因", "转归", "code", value_set="end_reason"),
)

# Medications (用药情况) are rows, not boxes: drug name, 用法 (frequency) and 用量 (dose), as on the paper form.
MEDICATION_ROWS_ON_FORM = 4


def fields_for(program: str) -> list[FormField]:
    """The fields of one form, in the paper form's order."""
    return [f for f in FIELDS if program in f.programs]


def form_field(program: str, key: str) -> FormField:
    """One field of one form (KeyError if that form has no such box)."""
    for f in FIELDS:
        if f.key == key and program in f.programs:
            return f
    raise KeyError(key)


FORM_KEYS = frozenset(f.key for f in FIELDS if not f.column)


def label(value_set: str, key: str | None) -> str | None:
    """The Chinese label of a coded value (None stays None)."""
    return VALUE_SETS[value_set].by_key(key).label if key is not None else None


def code(value_set: str, key: str | None) -> str | None:
    """The code sent out for a value (None stays None)."""
    return VALUE_SETS[value_set].by_key(key).code if key is not None else None


def definition() -> dict:
    """The whole table as plain data (the entry form in the workspace pages is rendered from it)."""
    return {
        "programs": {p: {"title": FORM_TITLES[p], "document_code": DOCUMENT_TYPES[p][0], "dataset": DATASETS[p],
                         "fields": [_field_dict(f) for f in fields_for(p)]} for p in PROGRAMS},
        "sections": list(SECTIONS),
        "value_sets": {name: {"label": vs.label, "source": vs.source,
                              "codes": [{"code": c.code, "key": c.key, "label": c.label, "extension": c.extension}
                                        for c in vs.codes]} for name, vs in VALUE_SETS.items()},
        "medication_rows_on_form": MEDICATION_ROWS_ON_FORM,
    }


def _field_dict(f: FormField) -> dict:
    return {"key": f.key, "label": f.label, "section": f.section, "kind": f.kind, "de": f.de,
            "de_checked": f.de_checked, "value_set": f.value_set, "unit": f.unit,
            "range": list(f.range) if f.range else None, "target_of": f.target_of, "required": f.required}
