"""The printable 随访服务记录表 (规范 第三版 layout): A4, Chinese, one row per box, four visit columns a page.

fpdf2 draws it with a CJK font that the project's set-up installs (Debian fonts-noto-cjk, Makefile); the font
path can be overridden with PHS_PDF_FONT. Labels and value sets come from app/services/phs/codes.py.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Sequence

from app.services.clock import local_date
from app.services.phs import codes

FONT_CANDIDATES = (  # (path, index in a font collection): Noto Sans CJK SC is face 2 of the Debian .ttc
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)
VISITS_PER_PAGE = 4
PAGE_W, MARGIN = 210, 10
SECTION_W, LABEL_W = 14, 38
VISIT_W = (PAGE_W - 2 * MARGIN - SECTION_W - LABEL_W) / VISITS_PER_PAGE
ROW_H, FONT_SIZE = 5.2, 7.5


class FontMissing(RuntimeError):
    """No CJK font installed (run the Makefile set-up: it installs fonts-noto-cjk)."""


def font_path() -> tuple[str, int]:
    """The CJK font to embed: PHS_PDF_FONT, else the first installed candidate."""
    override = os.environ.get("PHS_PDF_FONT")
    if override:
        return override, int(os.environ.get("PHS_PDF_FONT_INDEX", "0"))
    for path, index in FONT_CANDIDATES:
        if os.path.exists(path):
            return path, index
    raise FontMissing("no CJK font: install fonts-noto-cjk (make install does)")


@dataclass(frozen=True)
class Visit:
    """What one column shows: the follow-up row plus its doctor's name."""
    followup: object
    doctor: str


def _form(v: Visit, key: str):
    return (v.followup.form or {}).get(key)


def _coded(value_set: str, key: str) -> Callable[[Visit], str]:
    def show(v: Visit) -> str:
        value = _form(v, key)
        return codes.label(value_set, value) if value else ""
    return show


def _now_target(key: str, target: str, unit: str = "") -> Callable[[Visit], str]:
    def show(v: Visit) -> str:
        now, aim = _form(v, key), _form(v, target)
        if now is None and aim is None:
            return ""
        return f"{'' if now is None else f'{now:g}'}/{'' if aim is None else f'{aim:g}'}{unit}"
    return show


def _coded_now_target(value_set: str, key: str, target: str) -> Callable[[Visit], str]:
    def show(v: Visit) -> str:
        now, aim = _form(v, key), _form(v, target)
        if not now and not aim:
            return ""
        return f"{codes.label(value_set, now) if now else ''}/{codes.label(value_set, aim) if aim else ''}"
    return show


def _symptoms(program: str) -> Callable[[Visit], str]:
    value_set = f"{program}_symptom"

    def show(v: Visit) -> str:
        chosen = [codes.VALUE_SETS[value_set].by_key(k) for k in _form(v, "symptoms") or []]
        text = " ".join(f"{c.code}{c.label}" for c in chosen)
        other = _form(v, "symptoms_other")
        return f"{text} {other}".strip() if other else text
    return show


def _with_text(value_set: str, key: str, text_key: str) -> Callable[[Visit], str]:
    def show(v: Visit) -> str:
        value = _form(v, key)
        label = codes.label(value_set, value) if value else ""
        extra = _form(v, text_key)
        return f"{label} {extra}".strip() if extra else label
    return show


def _medication(i: int) -> Callable[[Visit], str]:
    def show(v: Visit) -> str:
        meds = v.followup.medications
        if i >= len(meds):
            return ""
        m = meds[i]
        return " ".join(x for x in (m.drug, m.frequency, m.dose) if x)
    return show


def _text(key: str) -> Callable[[Visit], str]:
    return lambda v: str(_form(v, key) or "")


def _rows(program: str) -> list[tuple[str, str, Callable[[Visit], str], int]]:
    """(section, label, value of one visit, lines) in the paper form's order."""
    f = lambda key: codes.form_field(program, key).label  # noqa: E731
    rows: list[tuple[str, str, Callable[[Visit], str], int]] = [
        ("", f("visited_at"), lambda v: local_date(v.followup.visited_at).isoformat(), 1),
        ("", f("method"), lambda v: codes.label("visit_mode", v.followup.method.value), 1),
        ("症状", "", _symptoms(program), 3),
        ("体征", "血压(mmHg)", lambda v: (f"{v.followup.systolic}/{v.followup.diastolic}"
                                        if v.followup.systolic is not None else ""), 1),
        ("体征", "体重(kg) 现/目标", _now_target("weight_kg", "weight_target_kg"), 1),
        ("体征", "体质指数 现/目标", _now_target("bmi", "bmi_target"), 1),
    ]
    if program == "htn":
        rows.append(("体征", "心率(次/分钟)", lambda v: str(_form(v, "heart_rate") or ""), 1))
    else:
        rows.append(("体征", "足背动脉搏动", lambda v: " ".join(
            x for x in (_coded("foot_pulse", "foot_pulse")(v), _coded("side", "foot_pulse_side")(v)) if x), 1))
    rows += [
        ("体征", "其他", _text("signs_other"), 1),
        ("生活方式指导", "日吸烟量(支)", _now_target("smoking_per_day", "smoking_target"), 1),
        ("生活方式指导", "日饮酒量(两)", _now_target("drinking_per_day", "drinking_target"), 1),
        ("生活方式指导", "运动(次/周)", _now_target("exercise_per_week", "exercise_per_week_target"), 1),
        ("生活方式指导", "运动(分钟/次)", _now_target("exercise_minutes", "exercise_minutes_target"), 1),
    ]
    if program == "htn":
        rows.append(("生活方式指导", "摄盐情况", _coded_now_target("salt", "salt", "salt_target"), 1))
    else:
        rows.append(("生活方式指导", "主食(克/天)", _now_target("staple_g_per_day", "staple_target_g_per_day"), 1))
    rows += [
        ("生活方式指导", f("psychological"), _coded("good_fair_poor", "psychological"), 1),
        ("生活方式指导", f("compliance"), _coded("good_fair_poor", "compliance"), 1),
    ]
    if program == "dm":
        rows += [
            ("辅助检查", "空腹血糖(mmol/L)", lambda v: "" if v.followup.glucose_mmol is None
             else f"{v.followup.glucose_mmol:g}", 1),
            ("辅助检查", "糖化血红蛋白(%)", lambda v: " ".join(
                x for x in (f"{_form(v, 'hba1c_percent'):g}" if _form(v, "hba1c_percent") else "",
                            _form(v, "hba1c_on") or "") if x), 1),
        ]
    rows += [
        ("辅助检查", "其他", _text("tests_other"), 1),
        ("", f("adherence"), _coded("adherence", "adherence"), 1),
        ("", "不规律服药原因", _coded("nonadherence_reason", "nonadherence_reason"), 1),
        ("", f("adverse_reaction"), _with_text("yes_no", "adverse_reaction", "adverse_reaction_text"), 1),
    ]
    if program == "dm":
        rows.append(("", f("hypoglycaemia"), _coded("hypoglycaemia", "hypoglycaemia"), 1))
    rows += [
        ("", f("classification"), lambda v: codes.label("classification", v.followup.classification.value), 1),
        ("", f("next_step"), lambda v: codes.label("next_step", v.followup.next_step), 2),
    ]
    rows += [("用药情况", f"药物名称{i + 1} 用法用量", _medication(i), 1)
             for i in range(codes.MEDICATION_ROWS_ON_FORM)]
    if program == "dm":
        rows.append(("用药情况", "胰岛素 种类 用法用量", lambda v: " ".join(
            x for x in (_form(v, "insulin_type"), _form(v, "insulin_dose")) if x), 1))
    rows += [
        ("转诊", "原因", _with_text("referral_reason", "referral_reason", "referral_reason_text"), 2),
        ("转诊", "机构及科别", _text("referral_to"), 1),
        ("", f("next_due_on"), lambda v: v.followup.next_due_on.isoformat(), 1),
        ("", "随访医生签名", lambda v: v.doctor, 1),
        ("", f("outcome"), lambda v: " ".join(x for x in (codes.label("outcome", v.followup.outcome),
                                                          _coded("end_reason", "end_reason")(v)) if x), 1),
    ]
    return rows


def render(*, program: str, name: str, record_no: str | None, visits: Sequence[Visit],
           title_note: str = "") -> bytes:
    """The form for one program: four visits a page (an empty form if there are none)."""
    return render_forms(parts=[(program, visits)], name=name, record_no=record_no, title_note=title_note)


def render_forms(*, parts: Sequence[tuple[str, Sequence[Visit]]], name: str, record_no: str | None,
                 title_note: str = "") -> bytes:
    """Several forms in one file (a resident on both programmes): each program's visits, four a page."""
    from fpdf import FPDF  # imported on first print: it is slow to import, and most processes never print

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    path, index = font_path()
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_title("随访服务记录表")
    for program, visits in parts:
        pages = [visits[i:i + VISITS_PER_PAGE] for i in range(0, len(visits), VISITS_PER_PAGE)] or [[]]
        for number, page in enumerate(pages, 1):
            _page(pdf, program, name, record_no, page, f"{title_note} 第{number}页/共{len(pages)}页".strip())
    return bytes(pdf.output())


def _page(pdf, program: str, name: str, record_no: str | None, visits: Sequence[Visit], note: str) -> None:
    pdf.add_page()
    pdf.set_font("cjk", size=14)
    pdf.set_xy(MARGIN, MARGIN)
    pdf.cell(PAGE_W - 2 * MARGIN, 8, codes.FORM_TITLES[program], align="C")
    pdf.set_font("cjk", size=9)
    pdf.set_xy(MARGIN, MARGIN + 9)
    pdf.cell(90, 6, f"姓名：{name}")
    pdf.cell(PAGE_W - 2 * MARGIN - 90, 6, f"编号：{record_no or ''}", align="R")
    y = MARGIN + 16
    pdf.set_font("cjk", size=FONT_SIZE)
    x0 = MARGIN + SECTION_W + LABEL_W
    rows = _rows(program)
    section_start = {}
    for section, label, value, lines in rows:
        h = ROW_H * lines
        if section and section not in section_start:
            section_start[section] = y
        if section:
            pdf.rect(MARGIN + SECTION_W, y, LABEL_W, h)
            pdf.set_xy(MARGIN + SECTION_W, y)
            pdf.multi_cell(LABEL_W, ROW_H, label or section, align="L", max_line_height=ROW_H)
        else:
            pdf.rect(MARGIN, y, SECTION_W + LABEL_W, h)
            pdf.set_xy(MARGIN, y)
            pdf.multi_cell(SECTION_W + LABEL_W, ROW_H, label, align="L")
        for i in range(VISITS_PER_PAGE):
            x = x0 + i * VISIT_W
            pdf.rect(x, y, VISIT_W, h)
            if i < len(visits):
                text = value(visits[i])
                if text:
                    pdf.set_xy(x, y)
                    pdf.multi_cell(VISIT_W, min(ROW_H, h / max(1, _lines_needed(pdf, text))), text, align="L")
        y += h
        section_end = y
        if section:
            section_start[section + "#end"] = section_end
    for section in dict.fromkeys(s for s, *_ in rows if s):
        top, bottom = section_start[section], section_start[section + "#end"]
        pdf.rect(MARGIN, top, SECTION_W, bottom - top)
        pdf.set_xy(MARGIN, top + (bottom - top) / 2 - ROW_H / 2)
        pdf.multi_cell(SECTION_W, ROW_H * 0.8, section, align="C")
    pdf.set_font("cjk", size=7)
    pdf.set_xy(MARGIN, y + 2)
    pdf.multi_cell(PAGE_W - 2 * MARGIN, 3.5,
                   "填表说明：按《国家基本公共卫生服务规范（第三版）》填写；生活方式指导与体重、体质指数填“现/目标”。"
                   "随访方式含微信、视频为本系统扩展。" + (f"  {note}" if note else ""))


def _lines_needed(pdf, text: str) -> int:
    return max(1, int(pdf.get_string_width(text) // (VISIT_W - 2)) + 1)
