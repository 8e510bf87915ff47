"""Immediate rules on ingest (即时规则): pure, table-driven, no database and no Flask.

Inputs are the new reading, the resident's readings around it (a repeat within 15 min confirms a BP
value; the last 7 days of glucose count hypoglycaemia episodes) and the symptoms they reported.
Output is a list of findings: which alert to open or update, and what to tell the resident.
Thresholds come from ml.clinical, where each one cites its guideline; the rule codes (BP-E1, G-U1…)
are those of docs/clinical_rules.md §1.5 and §2.6.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterable, Sequence

from app.language import read

# The 180/110, 3.0/3.9 and 16.7 thresholds live in ml.clinical (bp_is_acute, glucose_level) with their citations;
# whether a dangerous value is confirmed is ml.measurement's (one rule for these rules and the trend features).
from ml import measurement
from ml.clinical import (
    ACUTE_LOOKBACK_HOURS,
    CONFIRM_WINDOW_MINUTES,
    HYPO_EPISODE_MERGE_MINUTES,
    HYPO_RECURRENT_DAYS,
    HYPO_RECURRENT_EPISODES,
    LOW_SBP,
    bp_is_acute,
    glucose_level,
)

METER_HI, METER_LO = "HI", "LO"
CONFIRM_WINDOW = timedelta(minutes=CONFIRM_WINDOW_MINUTES)
# Acute values older than 72 h are history for the trend scan, not an emergency (ml.clinical).
FRESH_FOR = timedelta(hours=ACUTE_LOOKBACK_HOURS)
EPISODE_MERGE = timedelta(minutes=HYPO_EPISODE_MERGE_MINUTES)
RECURRENT_WINDOW = timedelta(days=HYPO_RECURRENT_DAYS)


# --- inputs ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BpObs:
    measured_at: datetime
    systolic: int
    diastolic: int


@dataclass(frozen=True, slots=True)
class GlucoseObs:
    measured_at: datetime
    value_mmol: float | None  # None when the meter showed HI or LO
    meter_flag: str | None = None
    context: str = "random"

    @property
    def level(self) -> str | None:
        """'hypo2' / 'hypo1' / 'hyper' / None; HI counts as >=16.7, LO as <3.0 (docs/clinical_rules.md §0, §2.6)."""
        if self.meter_flag == METER_HI:
            return "hyper"
        if self.meter_flag == METER_LO:
            return "hypo2"
        return glucose_level(self.value_mmol) if self.value_mmol is not None else None

    @property
    def is_hypo(self) -> bool:
        return self.level in ("hypo1", "hypo2")


@dataclass(frozen=True)
class Symptoms:
    """What the resident reported, reduced to the flags the rules need."""
    text: str | None = None
    bp_red_flag: bool = False  # severe headache, vomiting, chest pain, speech/limb trouble, confusion…
    glucose_red_flag: bool = False  # vomiting, abdominal pain, deep breathing, drowsiness…
    dizziness: bool = False  # dizziness, fainting, blacking out (low-BP rule)
    hypo_severe: bool = False  # impaired consciousness or needing help (hypoglycaemia level 3)
    emergency: bool = False  # an emergency whatever the value (chest pain, stroke signs: BP-E1 2nd clause)
    matched: tuple[str, ...] = ()

    @property
    def reported(self) -> bool:
        return bool(self.text and self.text.strip())


NO_SYMPTOMS = Symptoms()

# --- symptoms: read by the clinical language layer (app.language), the same reader triage uses ----------
# Red flags: 规范 2017 danger signs and 基层高血压指南 2020 急诊转诊 (clinical_rules §1.5); BE-FAST stroke signs.
BP_RED_FLAGS = frozenset({
    "headache", "thunderclap", "chest_pain", "chest_tightness", "tearing_pain", "vomiting", "persistent_vomiting",
    "nausea", "speech", "unilateral_weakness", "face_droop", "unilateral_numbness", "blurred_vision", "vision_loss",
    "diplopia", "eye_pain", "unresponsive", "confusion", "drowsy", "seizure", "dyspnoea", "severe_dyspnoea",
    "orthopnoea", "palpitations", "stroke_suspected", "mi_suspected"})
# 规范 2017 T2D danger signs / clinical_rules §2.3: ketoacidosis and hyperosmolar signs.
GLUCOSE_RED_FLAGS = frozenset({
    "vomiting", "persistent_vomiting", "vomits_everything", "nausea", "abdominal_pain", "kussmaul", "acetone_breath",
    "drowsy", "unresponsive", "confusion"})
DIZZINESS = frozenset({"dizziness", "vertigo", "syncope", "near_syncope", "orthostatic", "ataxia"})
# Hypoglycaemia level 3: "severe event needing another person's help" (CDS 2020 / ADA; §2.2).
HYPO_SEVERE = frozenset({"unresponsive", "confusion", "seizure", "hypo_coma", "needs_help"})
# Emergency with any value (BP-E1 second clause: chest pain or neuro symptoms).
EMERGENCY = frozenset({"chest_pain", "speech", "unilateral_weakness", "face_droop", "unresponsive", "not_breathing",
                       "seizure", "severe_dyspnoea", "dyspnoea", "thunderclap", "stroke_suspected", "mi_suspected"})


def symptom_flags(text: str | None, *, emergency: bool = False) -> Symptoms:
    """Reduce reported symptoms to rule flags; `emergency` comes from a triage assessment, never lowered.
    Only findings asserted present count: "头疼倒没有", "喘气正常", "不闷" raise nothing."""
    if not text or not text.strip():
        return Symptoms(text=text, emergency=emergency)
    present = [f for f in read(text).findings if f.present and f.value is None]
    codes = {f.code for f in present}
    matched = tuple(dict.fromkeys(f.text for f in present
                                  if f.code in BP_RED_FLAGS | GLUCOSE_RED_FLAGS | DIZZINESS | HYPO_SEVERE))
    return Symptoms(text=text, bp_red_flag=bool(codes & BP_RED_FLAGS), glucose_red_flag=bool(codes & GLUCOSE_RED_FLAGS),
                    dizziness=bool(codes & DIZZINESS), hypo_severe=bool(codes & HYPO_SEVERE),
                    emergency=emergency or bool(codes & EMERGENCY), matched=matched)


# --- facts ------------------------------------------------------------------------------------------
# Confirmation states (ml.measurement): only a confirmed dangerous value opens its alert.
CONFIRMED, AWAITING, DISMISSED, UNCONFIRMED = (measurement.CONFIRMED, measurement.AWAITING, measurement.DISMISSED,
                                               measurement.UNCONFIRMED)
WAITING = (AWAITING, UNCONFIRMED)  # on ingest both ask for a repeat; the timeout job tells them apart


def bp_red_flag(symptoms: Symptoms) -> bool:
    """Symptoms that confirm a dangerous BP at once (BP-E1: 基层高血压防治管理指南 2020 急诊转诊)."""
    return symptoms.bp_red_flag or symptoms.emergency


def glucose_red_flag(symptoms: Symptoms) -> bool:
    """Symptoms that confirm a dangerous glucose at once (规范 2017 T2D danger signs; hypoglycaemia level 3)."""
    return symptoms.glucose_red_flag or symptoms.hypo_severe or symptoms.emergency


def episode_of(confirmation: measurement.Confirmation, reading) -> measurement.Confirmation | None:
    """The confirmation when `reading` (the very object passed in) is its dangerous reading or a repeat, else None."""
    if confirmation.index is reading or any(r is reading for r in confirmation.repeats):
        return confirmation
    return None


@dataclass(frozen=True)
class BpFacts:
    reading: BpObs
    confirmation: measurement.Confirmation | None  # the dangerous episode this reading belongs to, if any
    symptoms: Symptoms
    fresh: bool

    @property
    def state(self) -> str | None:
        return self.confirmation.state if self.confirmation else None

    @property
    def single_acute(self) -> bool:
        return bp_is_acute(self.reading.systolic, self.reading.diastolic)

    @property
    def confirmed_acute(self) -> bool:
        """The episode is confirmed: a repeat agrees (session value still >=180/110) or a red flag (§1.5)."""
        return self.state == CONFIRMED

    @property
    def confirm_systolic(self) -> float | None:
        value = self.confirmation.value if self.confirmation else None
        return value.systolic if value else None

    @property
    def confirm_diastolic(self) -> float | None:
        value = self.confirmation.value if self.confirmation else None
        return value.diastolic if value else None

    @property
    def low(self) -> bool:
        return self.reading.systolic < LOW_SBP


@dataclass(frozen=True)
class GlucoseFacts:
    reading: GlucoseObs
    hypo_episodes: int  # episodes of <3.9 in the 7 days up to this reading, this one included
    symptoms: Symptoms
    fresh: bool
    recent: bool  # within the 7-day recurrence window of now
    confirmation: measurement.Confirmation | None = None  # the dangerous episode this reading belongs to

    @property
    def level(self) -> str | None:
        return self.reading.level

    @property
    def state(self) -> str | None:
        return self.confirmation.state if self.confirmation else None


def bp_confirmation(reading, around: Sequence, *, symptoms: Symptoms, now: datetime) -> measurement.Confirmation | None:
    """The confirmation of the dangerous episode `reading` belongs to (objects with measured_at/systolic/diastolic)."""
    found = measurement.confirm_bp([*around, reading], now=now, red_flag=bp_red_flag(symptoms))
    return episode_of(found, reading)


def glucose_confirmation(reading: measurement.Glucose, around: Sequence[measurement.Glucose], *, symptoms: Symptoms,
                         now: datetime) -> measurement.Confirmation | None:
    """As bp_confirmation, for glucose (ml.measurement.Glucose objects)."""
    found = measurement.confirm_glucose([*around, reading], now=now, red_flag=glucose_red_flag(symptoms))
    return episode_of(found, reading)


def bp_facts(reading: BpObs, around: Sequence[BpObs], *, symptoms: Symptoms = NO_SYMPTOMS, now: datetime,
             confirmation: measurement.Confirmation | None | bool = False) -> BpFacts:
    """Facts for a new BP reading; `around` are the resident's other readings (any order).

    `confirmation`: the caller's ml.measurement result for this reading's episode (None: not in one);
    when not given it is worked out from `around`.
    """
    if confirmation is False:
        confirmation = bp_confirmation(reading, around, symptoms=symptoms, now=now)
    return BpFacts(reading, confirmation, symptoms, fresh=now - reading.measured_at <= FRESH_FOR)


def hypo_episodes(readings: Iterable[GlucoseObs]) -> int:
    """Low readings (<3.9, LO included) merged into episodes: within 60 min of the previous low is the same one."""
    episodes, last = 0, None
    for r in sorted((r for r in readings if r.is_hypo), key=lambda r: r.measured_at):
        if last is None or r.measured_at - last > EPISODE_MERGE:
            episodes += 1
        last = r.measured_at
    return episodes


def glucose_facts(reading: GlucoseObs, history: Sequence[GlucoseObs], *, symptoms: Symptoms = NO_SYMPTOMS,
                  now: datetime, confirmation: measurement.Confirmation | None | bool = False) -> GlucoseFacts:
    """Facts for a new glucose reading; `history` are the resident's earlier readings.

    `confirmation` as for bp_facts; when not given it is worked out from `history`.
    """
    window = [h for h in history if reading.measured_at - RECURRENT_WINDOW <= h.measured_at <= reading.measured_at]
    episodes = hypo_episodes([*window, reading]) if reading.is_hypo else 0
    age = now - reading.measured_at
    if confirmation is False:
        as_ml = [measurement.Glucose(h.measured_at, h.value_mmol, h.meter_flag) for h in history]
        confirmation = glucose_confirmation(measurement.Glucose(reading.measured_at, reading.value_mmol,
                                                                reading.meter_flag), as_ml, symptoms=symptoms, now=now)
    return GlucoseFacts(reading, episodes, symptoms, fresh=age <= FRESH_FOR, recent=age <= RECURRENT_WINDOW,
                        confirmation=confirmation)


# --- the rule tables -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """When `when` holds, the rule fires; only the first rule of each group fires."""
    code: str
    group: str
    when: Callable
    advice: str  # a key of app.services.reading_texts.ADVICE
    kind: str | None = None  # alert kind to open or update; None = advice only
    severity: str | None = None
    needs_repeat: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    advice: str
    kind: str | None = None
    severity: str | None = None
    needs_repeat: bool = False
    detail: dict = field(default_factory=dict)


BP_RULES: tuple[Rule, ...] = (
    # BP-E1: >=180/110 with red-flag symptoms -> 120 now (基层高血压防治管理指南 2020 急诊转诊). A red
    # flag is never downgraded for want of a repeat (docs/clinical_rules.md), so one reading suffices.
    Rule("BP-E1", "acute", lambda f: f.fresh and bp_red_flag(f.symptoms) and (f.single_acute or f.confirmed_acute),
         "bp_emergency", "acute_bp", "critical"),
    # BP-U1: confirmed SBP >=180 or DBP >=110 (规范 2017 danger sign; confirmed = a repeat in the same session
    # or within 15 min after 5 min of rest agrees, clinical_rules §1.5, ml.measurement) -> team today, referral.
    Rule("BP-U1", "acute", lambda f: f.fresh and f.confirmed_acute, "bp_urgent", "acute_bp", "high"),
    # A single unconfirmed value asks for a repeat after 5 min of rest instead of alarming (§1.5); the
    # readings service tracks it as awaiting confirmation (no repeat in 30 min: the village doctor calls).
    Rule("BP-R1", "acute", lambda f: f.fresh and f.state in WAITING, "bp_repeat", needs_repeat=True),
    # The repeat did not agree: nothing is raised; the high reading is kept, marked not confirmed.
    Rule("BP-N1", "acute", lambda f: f.fresh and f.state == DISMISSED and not f.single_acute, "bp_repeat_normal"),
    # BP-L1: SBP <90 with dizziness or fainting -> same-day contact (基层指南 2020; docs/clinical_rules.md §1.5).
    Rule("BP-L1", "low", lambda f: f.fresh and f.low and f.symptoms.dizziness, "bp_low_symptoms", "low_bp", "high"),
    Rule("BP-L0", "low", lambda f: f.fresh and f.low, "bp_low"),
    # Chest pain or stroke signs with any BP value: emergency (clinical_rules §1.5 BP-E1, second clause).
    Rule("SYM-E1", "symptoms", lambda f: f.fresh and f.symptoms.emergency, "symptom_emergency",
         "triage_red_flag", "critical"),
)

GLUCOSE_RULES: tuple[Rule, ...] = (
    # G-E1, level 3: a low with impaired consciousness -> 120 (CDS 2020 level 3; §2.6).
    Rule("G-E1S", "low", lambda f: f.fresh and f.reading.is_hypo and f.symptoms.hypo_severe, "hypo_emergency",
         "hypoglycaemia", "critical"),
    # G-E1, level 2: <3.0 mmol/L (or LO), confirmed by a repeat or a red flag -> 15 g sugar, recheck in
    # 15 min, immediate contact (CDS 2020; clinical_rules §2.6).
    Rule("G-E1", "low", lambda f: f.fresh and f.level == "hypo2" and f.state == CONFIRMED, "hypo_severe",
         "hypoglycaemia", "critical"),
    # Level 2 not yet confirmed: wash hands and measure again (sugar first if it feels like a low).
    Rule("G-R1", "low", lambda f: f.fresh and f.level == "hypo2" and f.state in WAITING, "hypo_repeat",
         needs_repeat=True),
    # Level 1: 3.0-<3.9 mmol/L (CDS 2020) -> 15 g sugar; the team looks at it (moderate).
    Rule("G-L1", "low", lambda f: f.fresh and f.level == "hypo1", "hypo", "hypoglycaemia", "moderate"),
    # G-U1: >=2 hypoglycaemia episodes in 7 days -> review of drugs within 48 h (§2.6).
    Rule("G-U1", "recurrent", lambda f: f.recent and f.hypo_episodes >= HYPO_RECURRENT_EPISODES, "hypo_recurrent",
         "hypoglycaemia_recurrent", "high"),
    # G-E2: >=16.7 mmol/L (or HI) with vomiting, abdominal pain, deep breathing or drowsiness -> 120 (规范 2017 T2D).
    Rule("G-E2", "high", lambda f: f.fresh and f.level == "hyper" and f.symptoms.glucose_red_flag,
         "hyper_emergency", "acute_glucose", "critical"),
    # G-U2: >=16.7 mmol/L confirmed, without those symptoms -> same-day contact (国家基层糖尿病防治管理指南 2022).
    Rule("G-U2", "high", lambda f: f.fresh and f.level == "hyper" and f.state == CONFIRMED, "hyper",
         "acute_glucose", "high"),
    Rule("G-R2", "high", lambda f: f.fresh and f.level == "hyper" and f.state in WAITING, "hyper_repeat",
         needs_repeat=True),
    # A normal repeat dismissed the dangerous value: nothing is raised, the reading is kept, not confirmed.
    Rule("G-N1", "high", lambda f: f.fresh and f.state == DISMISSED and f.level is None, "glucose_repeat_normal"),
    Rule("SYM-E1", "symptoms", lambda f: f.fresh and f.symptoms.emergency, "symptom_emergency",
         "triage_red_flag", "critical"),
)


SAYS_CALL_120 = frozenset({"BP-E1", "G-E1S", "G-E2"})
EMERGENCY_CODES = SAYS_CALL_120 | {"SYM-E1"}


def evaluate(rules: Sequence[Rule], facts: BpFacts | GlucoseFacts) -> list[Finding]:
    """The findings of the first matching rule of each group, in table order."""
    fired: list[Finding] = []
    groups: set[str] = set()
    for rule in rules:
        if rule.group in groups or not rule.when(facts):
            continue
        groups.add(rule.group)
        fired.append(Finding(rule.code, rule.advice, rule.kind, rule.severity, rule.needs_repeat))
    # A finding whose advice already says "call 120" covers the symptoms: no second alert for one event.
    if any(f.code in SAYS_CALL_120 for f in fired):
        fired = [f for f in fired if f.code != "SYM-E1"]
    # Emergency advice never also tells the resident to rest and measure again (one message, one action).
    if any(f.code in EMERGENCY_CODES for f in fired):
        fired = [f for f in fired if not f.needs_repeat]
    return fired


def evaluate_bp(facts: BpFacts) -> list[Finding]:
    """Immediate BP rules."""
    return evaluate(BP_RULES, facts)


def evaluate_glucose(facts: GlucoseFacts) -> list[Finding]:
    """Immediate glucose rules."""
    return evaluate(GLUCOSE_RULES, facts)


SEVERITY_ORDER = {"critical": 0, "high": 1, "moderate": 2, "low": 3, None: 4}


def by_urgency(findings: Iterable[Finding]) -> list[Finding]:
    """Most urgent first (for the order of the advice)."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], not f.needs_repeat))

