"""assess(): text (+ profile, readings, answers) -> Assessment. Pure: no Flask, no database."""
from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Any

from app.services.triage import texts as tx
from app.language import OTHER
from app.services.triage.language import Parsed, parse, warm_up as _read_ahead
from app.services.triage.context import E, LEVEL_NAMES, PROTOCOLS, R, U, Ctx, Out, Protocol, Vitals, triggered
from app.services.triage.protocols import GENERAL_CODES, care_question, episode_over
from app.services.triage.questions import (
    ASK_WHEN,
    NUMBER_PROBES,
    NUMBER_QUESTIONS,
    parse_answer,
    question_kind,
    question_text,
)
from ml.triage_text import model as text_model

MAX_QUESTIONS = 3  # then answer with the safer level still possible (docs/triage.md)
BATCH_QUESTIONS = 3

# Conditions a profile may carry, with the synonyms other modules use (ml.clinical.Condition).
_CONDITION_ALIASES = {"chd": "heart_disease", "heart_failure": "heart_disease", "af": "atrial_fibrillation",
                      "anticoagulant": "anticoagulants"}
_TEXT_CONDITIONS = {
    "cond_hypertension": ("hypertension",), "cond_diabetes": ("diabetes",), "cond_insulin": ("diabetes", "insulin"),
    "cond_sulfonylurea": ("diabetes", "sulfonylurea"), "cond_heart_disease": ("heart_disease",),
    "cond_af": ("atrial_fibrillation",), "cond_copd": ("copd",), "cond_asthma": ("asthma",),
    "asthma_attack": ("asthma",), "copd_flare": ("copd",), "cond_ckd": ("ckd",), "cond_stroke_history": ("stroke",),
    "cond_anticoagulants": ("anticoagulants",), "cond_pregnancy": ("pregnancy",),
    "cond_immunosuppressed": ("immunosuppressed",), "cond_epilepsy": ("epilepsy",), "cond_cancer": ("cancer",),
    "morning_sickness": ("pregnancy",), "reduced_fetal_movement": ("pregnancy",), "rom": ("pregnancy",),
}
# Departments a child is seen in 儿科 for instead (surgical, eye, ENT, skin problems keep theirs).
_PAEDIATRIC_DEPTS = frozenset({tx.CARDIO, tx.NEURO, tx.ENDO, tx.RESP, tx.GI, tx.GP, "感染科", tx.URO})


@dataclass(frozen=True)
class Profile:
    """What the program knows about the resident (居民): age, sex 'M'/'F', chronic conditions."""
    age: int | None = None
    sex: str | None = None
    conditions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Readings:
    """Latest measured values; numbers in the text override them."""
    systolic: float | None = None
    diastolic: float | None = None
    pulse: float | None = None
    glucose_mmol: float | None = None
    temperature: float | None = None
    spo2: float | None = None


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    kind: str  # 'yes_no' | 'number'

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "text": self.text, "kind": self.kind}


@dataclass(frozen=True)
class RedFlag:
    code: str
    label: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label}


@dataclass(frozen=True)
class TraceEntry:
    rule: str
    source: str
    level: str
    complaint: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "source": self.source, "level": self.level, "complaint": self.complaint}


@dataclass(frozen=True)
class Assessment:
    """The result. While ``final`` is False, ``questions`` holds the one question to ask next and
    ``level`` is the safer answer to use if the conversation stops here."""
    level: str
    department: str
    complaints: tuple[str, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    questions: tuple[Question, ...] = ()
    advice: str = ""
    trace: tuple[TraceEntry, ...] = ()
    final: bool = True

    @property
    def rule_red_flags(self) -> tuple[RedFlag, ...]:
        """The red flags the rules found, without the second reader's request for a doctor's review."""
        return tuple(f for f in self.red_flags if f.code != REVIEW_FLAG)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "department": self.department,
            "complaints": list(self.complaints),
            "red_flags": [f.to_dict() for f in self.red_flags],
            "questions": [q.to_dict() for q in self.questions],
            "advice": self.advice,
            "trace": [t.to_dict() for t in self.trace],
            "final": self.final,
        }


# ---------------------------------------------------------------------------------------------

# "不怎么动" tells of a baby in the womb only with a word for the baby or the pregnancy ("推着不怎么动" is a lump's).
_FETUS_RE = re.compile(r"胎|宝宝|孩子|娃|小人|bb|肚|孕|怀")


def _conditions_from_text(p: Parsed) -> set[str]:
    out: set[str] = set()
    for code, names in _TEXT_CONDITIONS.items():
        if code in p.positive:
            if code == "reduced_fetal_movement" and not any(
                    _FETUS_RE.search(p.text, max(0, m.start - 6), m.end) for m in p.positive[code]):
                continue
            out.update(names)
    return out


def _context(p: Parsed, profile: Profile | None, readings: Readings | None, answers: dict[str, object]) -> Ctx:
    profile = profile or Profile()
    sub = p.subject
    text_conds = _conditions_from_text(p)
    n = p.numbers
    if sub.other:
        # The text is about someone else: the resident's own profile and readings do not apply.
        age, sex, conds = sub.age_years, sub.sex, set(text_conds)
        base = Readings()
    else:
        age = sub.age_years if sub.age_years is not None else profile.age
        sex = sub.sex or profile.sex
        conds = {_CONDITION_ALIASES.get(c, c) for c in profile.conditions} | text_conds
        base = readings or Readings()
    if "cond_pregnancy" in p.negative and "cond_pregnancy" not in p.positive:
        conds.discard("pregnancy")
    vitals = Vitals(
        temperature=n.temperature if n.temperature is not None else base.temperature,
        systolic=n.systolic if n.systolic is not None else base.systolic,
        diastolic=n.diastolic if n.diastolic is not None else (base.diastolic if n.systolic is None else None),
        pulse=n.pulse if n.pulse is not None else base.pulse,
        glucose=n.glucose if n.glucose is not None else base.glucose_mmol,
        spo2=n.spo2 if n.spo2 is not None else base.spo2,
        resp_rate=n.resp_rate,
        glucose_after_treatment=n.glucose_after_treatment,
        glucose_after_meal=n.glucose_after_meal,
    )
    parsed_answers: dict[str, object] = {}
    for qid, value in (answers or {}).items():
        if qid not in tx.QUESTIONS:
            continue
        parsed_answers[qid] = parse_answer(qid, value)
    stated = frozenset(f for f in ("temperature", "systolic", "diastolic", "pulse", "glucose", "spo2")
                       if getattr(n, f) is not None)
    c = Ctx(p, age=age, sex=sex, conditions=frozenset(conds), vitals=vitals, answers={}, child=sub.child,
            stated=stated)
    for qid, value in parsed_answers.items():
        c = c.with_answer(qid, value)
    return c


def _evaluate(c: Ctx) -> list[tuple[Protocol, Out]]:
    results: list[tuple[Protocol, Out]] = []
    fallback = {}
    for proto in PROTOCOLS:
        if proto.code in ("general", "all_over", "care_question"):
            fallback[proto.code] = proto
            continue
        if triggered(c, proto):
            out = Out()
            proto.fn(c, out)
            if out.hits:
                results.append((proto, out))
    if not results:
        if any(c.has(code) for code in GENERAL_CODES):
            proto = fallback["general"]
        elif episode_over(c):
            proto = fallback["all_over"]
        elif care_question(c):
            proto = fallback["care_question"]
        else:
            return results
        out = Out()
        proto.fn(c, out)
        results.append((proto, out))
    return results


def _level(results: list[tuple[Protocol, Out]]) -> int:
    return max((out.level for _, out in results), default=R)


def _ranked(results: list[tuple[Protocol, Out]]) -> list[tuple[Protocol, Out]]:
    order = {p.code: i for i, p in enumerate(PROTOCOLS)}
    return sorted(results, key=lambda po: (-po[1].level, order[po[0].code]))


def _next_questions(c: Ctx, results: list[tuple[Protocol, Out]], limit: int) -> list[str]:
    """Questions whose answer could change the level, most decisive first (the answer that would
    raise the level most; then complaint priority, then the protocol's own order)."""
    candidates: list[tuple[int, int, int, str]] = []
    seen: set[str] = set()
    for pi, (proto, _out) in enumerate(_ranked(results)):
        for qi, qid in enumerate(proto.questions):
            if qid in seen or qid in c.answers:
                continue
            seen.add(qid)
            when = ASK_WHEN.get(qid)
            if when is not None and not when(c):
                continue
            if qid in NUMBER_QUESTIONS and _known(c, qid):
                continue
            if qid in NUMBER_QUESTIONS:
                levels = {_level(_evaluate(c.with_answer(qid, probe if not isinstance(probe, (int, float))
                                                      else float(probe)))) for probe in NUMBER_PROBES[qid]}
            else:
                levels = {_level(_evaluate(c.with_answer(qid, True))), _level(_evaluate(c.with_answer(qid, False)))}
            if len(levels) > 1:
                candidates.append((-max(levels), pi, qi, qid))
    candidates.sort()
    return [qid for *_, qid in candidates[:limit]]


def _known(c: Ctx, qid: str) -> bool:
    field = {"temp": "temperature", "bp": "systolic", "glucose": "glucose", "pulse": "pulse"}[qid]
    return getattr(c.v, field) is not None


def _department(c: Ctx, level: int, ranked: list[tuple[Protocol, Out]]) -> str:
    if not ranked:
        return tx.GP
    if level == E:
        return tx.ED
    proto, out = ranked[0]
    dept = out.dept or proto.dept
    if c.child and proto.paediatric and dept in _PAEDIATRIC_DEPTS:
        return tx.PAED
    if c.pregnant and proto.obstetric:
        return tx.OBGYN
    return dept


def _advice(level: int, ranked: list[tuple[Protocol, Out]]) -> str:
    name = LEVEL_NAMES[level]
    lines = [tx.LEVEL_HEAD[name]]
    keys: list[str] = []
    for _proto, out in ranked:
        if out.level < level and keys:
            break
        for key in out.advice[:2]:
            if key not in keys:
                keys.append(key)
    lines.extend(tx.ADVICE[k] for k in keys[:3])
    if not ranked:
        lines.append(tx.UNRECOGNISED)
    if name in tx.LEVEL_WATCH:
        lines.append(tx.LEVEL_WATCH[name])
    lines.append(tx.DISCLAIMER)
    return "\n".join(lines)


def warm_up() -> None:
    """Load the language layer's dictionaries and the second reader's table now (at start-up), not on the first
    message."""
    _read_ahead()
    text_model()


REVIEW_FLAG = "review.text_model"
REVIEW_SOURCE = "ml.triage_text: character n-gram model trained on the development cases (docs/triage.md §2.4)"


def _review_advice() -> str:
    return "\n".join((tx.LEVEL_HEAD["urgent"], tx.REVIEW, tx.LEVEL_WATCH["urgent"], tx.DISCLAIMER))


def assess(text: str, *, profile: Profile | None = None, readings: Readings | None = None,
           answers: dict[str, object] | None = None, asked: int = 0, interactive: bool = True) -> Assessment:
    """Triage free Chinese text into emergency / urgent / routine / self_care with a department,
    red flags, advice and a rule trace; in interactive mode ask at most 3 decisive questions."""
    p = parse(text)
    c = _context(p, profile, readings, answers or {})
    results = _evaluate(c)
    ranked = _ranked(results)
    level = _level(results)
    # The second reader (ml.triage_text, docs/triage.md §2.4) sees the characters the lexicon has no words for: it
    # may raise routine or self-care to urgent, for a doctor's look today; never lower, never call an ambulance.
    # Words the rules read as someone else's ("邻居…送医院了 我会不会也…") were answered too: the model, which cannot
    # tell whose they are, overrules that judgement only at its higher threshold.
    judged = any(out.hits for _, out in results) or any(m.assertion == OTHER for m in p.mentions)
    review = level < U and text_model().flags(text, rules_answered=judged)
    if review:
        level = U
    asked = max(asked, len(answers or {}))

    # An emergency that rests on a finding is answered at once; only one that rests on an assumption
    # (an unknown taken as the worse case) may still be refined by a question.
    confirmed_emergency = any(h.level == E and not h.assumed for _, out in results for h in out.hits)
    if confirmed_emergency:
        pending = []
    elif interactive:
        pending = _next_questions(c, results, 1) if asked < MAX_QUESTIONS else []
    else:
        pending = _next_questions(c, results, BATCH_QUESTIONS)
    questions = tuple(Question(q, question_text(q), question_kind(q)) for q in pending)
    final = not (interactive and questions)
    if interactive and final:
        questions = ()

    flags: list[RedFlag] = []
    seen: set[str] = set()
    for _proto, out in ranked:
        for h in sorted(out.hits, key=lambda h: -h.level):
            if h.flag and h.level >= U and h.flag not in seen:
                seen.add(h.flag)
                flags.append(RedFlag(h.flag, tx.RED_FLAGS.get(h.flag, h.flag)))
    trace = tuple(TraceEntry(h.rule, h.source, LEVEL_NAMES[h.level], proto.code)
                  for proto, out in ranked for h in out.hits)
    if review:
        flags.append(RedFlag(REVIEW_FLAG, tx.RED_FLAGS[REVIEW_FLAG]))
        trace += (TraceEntry(REVIEW_FLAG, REVIEW_SOURCE, LEVEL_NAMES[U], ""),)
    return Assessment(
        level=LEVEL_NAMES[level],
        department=_department(c, level, ranked),
        complaints=tuple(proto.code for proto, _ in ranked),
        red_flags=tuple(flags),
        questions=questions,
        advice=_review_advice() if review else _advice(level, ranked),
        trace=trace,
        final=final,
    )
