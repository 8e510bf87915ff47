"""The question catalogue: kinds, when a question may be asked, probe values, answer parsing."""
from __future__ import annotations

import re
from typing import Any, Callable

from app.services.triage import texts as tx

# Number questions: the vitals field they fill and the values tried to see whether the answer could
# change the level (a question is only asked when some answer would).
NUMBER_PROBES: dict[str, tuple[Any, ...]] = {
    "temp": (37.0, 38.0, 38.8, 39.5, 40.5, 41.5),
    "bp": ((120, 80), (150, 95), (170, 100), (185, 115), (210, 130), (75, 50)),
    "glucose": (2.5, 3.5, 6.0, 12.0, 20.0, 35.0),
    "pulse": (35, 45, 75, 110, 130, 160),
}
NUMBER_QUESTIONS = frozenset(NUMBER_PROBES)

_STROKE_LIKE = ("face_droop", "unilateral_weakness", "speech", "stroke_suspected", "unilateral_numbness",
                "vision_loss", "diplopia", "ataxia")

# When a question makes sense to ask at all (beyond being decisive).
ASK_WHEN: dict[str, Callable[[Any], bool]] = {
    "glucose": lambda c: c.diabetic,
    "hypo_sx": lambda c: c.diabetic,
    "bp": lambda c: c.cond("hypertension") or c.elderly or c.pregnant or c.has("high_bp_reported"),
    "pulse": lambda c: c.has("palpitations", "bradycardia_sx"),
    "temp": lambda c: c.fever and c.temp is None,
    "fever": lambda c: c.fever_unknown,
    "preg_possible": lambda c: c.sex == "F" and c.age is not None and 14 <= c.age <= 50 and not c.pregnant,
    "child_danger": lambda c: c.child,
    "child_breath": lambda c: c.child,
    "child_dehyd": lambda c: c.child and c.has("diarrhoea", "vomiting"),
    "stroke_sudden": lambda c: c.has(*_STROKE_LIKE),
    "head_neck": lambda c: not c.has("neck_stiffness"),
    "fall_head": lambda c: not c.has("head_injury"),
    "gi_blood": lambda c: not c.has("melena", "bloody_stool", "haematemesis"),
    "leg_one_side": lambda c: not c.has("unilateral_leg", "bilateral"),
    "abdo_rlq": lambda c: not c.has("rlq", "epigastric") and not c.child,
    "ear_sudden": lambda c: c.has("hearing_loss"),
    "sore_throat_severe": lambda c: c.has("sore_throat") and c.severe("sore_throat"),
    "wound_deep": lambda c: c.has("wound") and not c.mild("wound"),
    "burn_size": lambda c: c.has("burn") and not c.mild("burn"),
    "limb_function": lambda c: c.has("fall", "trauma", "sprain") and not c.mild("sprain", "trauma", "limb_pain"),
}

_YES = ("是", "有", "对", "嗯", "会", "yes", "y", "true", "1", "好像")
_NO = ("否", "没", "无", "不", "no", "n", "false", "0")
_UNSURE = ("不知道", "不清楚", "不确定", "说不好", "不晓得", "unknown", "?", "？")


def question_text(qid: str) -> str:
    return tx.QUESTIONS[qid]


def question_kind(qid: str) -> str:
    return "number" if qid in NUMBER_QUESTIONS else "yes_no"


def parse_answer(qid: str, value: object) -> object:
    """Normalize a caller's answer: bool for yes/no, float (or a (sys, dia) pair for bp); None = unknown."""
    if value is None:
        return None
    if qid in NUMBER_QUESTIONS:
        return _parse_number(qid, value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    s = str(value).strip().lower()
    if not s or any(s.startswith(u) for u in _UNSURE):
        return None
    if any(s.startswith(n) for n in _NO):
        return False
    if any(s.startswith(y) for y in _YES):
        return True
    return None


def _parse_number(qid: str, value: object) -> object:
    from app.services.triage.language import normalize, parse_bp_number, to_number

    if isinstance(value, (tuple, list)) and qid == "bp":
        return (float(value[0]), float(value[1]) if len(value) > 1 and value[1] is not None else None)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return (float(value), None) if qid == "bp" else float(value)
    s = normalize(str(value))
    if qid == "bp":
        sbp, dbp = parse_bp_number(s)
        return (sbp, dbp) if sbp else None
    m = re.search(r"\d+(?:\.\d+)?", s)
    if m:
        v = float(m.group(0))
        tail = re.search(r"\d+度(\d)", s)
        if qid == "temp" and tail and "." not in m.group(0):
            v += int(tail.group(1)) / 10
        return v
    run = re.search(r"[零〇一二两三四五六七八九十百点]+", s)
    if run:
        head, _, tail = run.group(0).partition("度")
        v = to_number(head)
        if v is not None and qid == "temp" and "度" in s:
            rest = s.split("度", 1)[1][:1]
            extra = to_number(rest) if rest else None
            if extra is not None and extra < 10:
                v += extra / 10
        return v
    return None


def apply_number(qid: str, value: object, vitals: Any) -> tuple[str, ...]:
    """Copy a number answer into the vitals it measures; returns the fields it set."""
    if value is None or qid not in NUMBER_QUESTIONS:
        return ()
    if qid == "bp":
        sbp, dbp = value if isinstance(value, tuple) else (value, None)
        vitals.systolic = sbp
        if dbp is not None:
            vitals.diastolic = dbp
            return ("systolic", "diastolic")
        return ("systolic",)
    if qid == "temp":
        vitals.temperature = value
        return ("temperature",)
    if qid == "glucose":
        from ml.clinical import mgdl_to_mmol

        vitals.glucose = mgdl_to_mmol(value) if value > 35 else value
        return ("glucose",)
    vitals.pulse = value
    return ("pulse",)
