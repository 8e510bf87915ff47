"""Batch scoring: deterministic acute rules first, then the trend model, with Chinese reasons.

Two entry points share one vectorised core:
- `score_residents(windows, model, now)` for the DB trend scan (or `score_columns` when the caller
  already holds arrays): one `TrendResult` per resident and applicable kind (trend_bp, trend_glucose);
- `score_csv(readings, profiles, at, out)` for `flask trends score` (issue 4 item 4): one FLAGS.csv
  row per profile.

flagged = an acute dangerous value in the last 72 h (BP >=180/110, glucose <3.0 or >=16.7), or
recurrent hypoglycaemia (>=2 episodes <3.9 in 7 days, or any <3.0), or recent control off target:
the guideline 7-day rule or the model says so AND at least two sessions on two days were above
target AND it still holds without the single highest recent value (one typo can never flag).
The rules win over the model: an acute value is flagged "critical" whatever the score.
"""
from __future__ import annotations

import csv
import math
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Sequence, TextIO

import numpy as np

from ml import reasons as R
from ml.clinical import (
    DBP_RANGE,
    FASTING_REVIEW_MIN_VALUES,
    GLUCOSE_MMOL_RANGE,
    HYPER_URGENT,
    HYPO_LEVEL2_BELOW,
    HYPO_RECURRENT_EPISODES,
    PULSE_RANGE,
    SBP_RANGE,
    BpTarget,
    default_bp_target,
)
from ml.features import (
    GLUCOSE_CONTEXTS,
    LOOKBACK_DAYS,
    Features,
    ProfileColumns,
    ReadingColumns,
    ResidentProfile,
    ResidentWindow,
    columns_from_windows,
    compute_features,
    epoch_seconds,
    without_top_values,
)
from ml.hbpm import LOCAL_TZ
from ml.model import KINDS, TrendModel, load_model

SEVERITIES = ("none", "low", "moderate", "high", "critical")
NONE, LOW, MODERATE, HIGH, CRITICAL = range(5)
ACUTE_SCORE = 0.99  # rules win: an acute value outranks every model score
HYPO2_SCORE = 0.95
HYPO_RECURRENT_SCORE = 0.9
MODERATE_PROBABILITY = 0.8


@dataclass(frozen=True)
class TrendResult:
    """One resident and kind: flag, severity, score 0..1 and reasons for the doctor."""

    resident_id: str
    kind: str  # "trend_bp" | "trend_glucose"
    flagged: bool
    severity: str  # none | low | moderate | high | critical
    score: float
    reasons: tuple[str, ...]
    acute: bool = False


@dataclass(frozen=True)
class ResidentFlag:
    """One FLAGS.csv row: the resident's kinds combined (highest severity and score)."""

    resident_id: str
    flagged: bool
    severity: str
    score: float
    reasons: tuple[str, ...]


@dataclass
class Decision:
    """Per-resident arrays of one kind's decision."""

    applicable: np.ndarray
    flagged: np.ndarray
    severity: np.ndarray
    score: np.ndarray
    acute: np.ndarray
    trend: np.ndarray
    persistent: np.ndarray


def decide_bp(f: Features, p: np.ndarray, tau: float, *, f_robust: Features | None = None,
              p_robust: np.ndarray | None = None) -> Decision:
    """BP decision per resident.

    critical: any plausible reading >=180/110 in the last 72 h (rules win over the model).
    trend: >=2 sessions on >=2 days above target, and either the guideline rule (HBPM 7-day mean
    >= target with >=3 days and >=6 sessions, BP-T1) or the model (>= threshold) holds, in both
    cases also without the resident's single highest recent session (`*_robust`).
    """
    has = f["bp_n_readings_35"] > 0
    applicable = has | (f["has_hypertension"] > 0)
    evidence = (f["bp_sessions_above_35"] >= 2) & (f["bp_days_above_35"] >= 2)
    pr = p if p_robust is None else p_robust
    rule = f["bp_rule_uncontrolled"].astype(bool)
    if f_robust is not None:  # the 7-day mean must stay at/above target without the top session
        with np.errstate(invalid="ignore"):
            rule &= (f_robust["bp_hbpm_sbp_7"] >= f["target_sys"]) | (f_robust["bp_hbpm_dbp_7"] >= f["target_dia"])
    trend = has & evidence & (((p >= tau) & (pr >= tau)) | rule)
    acute = f["bp_acute_72h"].astype(bool)
    persistent = f["bp_rule_uncontrolled"] & f["bp_prev_uncontrolled"]
    big = (f["bp_n_sessions_7"] >= 3) & ((f["bp_sbp_margin_7"] >= 20) | (f["bp_dbp_margin_7"] >= 10))
    severity = np.select(
        [acute, trend & (persistent | big), trend & (p >= MODERATE_PROBABILITY), trend],
        [CRITICAL, HIGH, MODERATE, LOW], NONE)
    score = np.where(trend, np.maximum(p, tau), np.minimum(p, tau - 1e-3))
    score = np.where(acute, np.maximum(score, ACUTE_SCORE), score)
    return Decision(applicable, trend | acute, severity, np.where(applicable, score, 0.0), acute, trend, persistent)


def decide_glucose(f: Features, p: np.ndarray, tau: float, *, f_robust: Features | None = None,
                   p_robust: np.ndarray | None = None) -> Decision:
    """Glucose decision per resident.

    critical: a value <3.0 or >=16.7 mmol/L in the last 72 h. high: recurrent hypoglycaemia
    (>=2 episodes <3.9 in 7 days, or any <3.0). trend: >=2 values on >=2 days above target, and
    the G-T1 rule (7-day fasting mean >=7.0 with >=3 values) or the model, both also without the
    single highest recent value.
    """
    has = f["glu_n_35"] > 0
    applicable = has | (f["has_diabetes"] > 0)
    evidence = (f["glu_above_target_35"] >= 2) & (f["glu_above_days_35"] >= 2)
    pr = p if p_robust is None else p_robust

    rule = (f["glu_fasting_n_7"] >= FASTING_REVIEW_MIN_VALUES) & (np.nan_to_num(f["glu_fasting_margin_7"], nan=-1) >= 0)
    if f_robust is not None:  # and without the single highest value
        rule &= np.nan_to_num(f_robust["glu_fasting_margin_7"], nan=-1) >= 0
    trend = has & evidence & (((p >= tau) & (pr >= tau)) | rule)
    with np.errstate(invalid="ignore"):
        acute = (f["glu_min_72h"] < HYPO_LEVEL2_BELOW) | (f["glu_max_72h"] >= HYPER_URGENT)
    h1, h2 = f["glu_hypo1_episodes_7"], f["glu_hypo2_episodes_7"]
    hypo = (h1 + h2 >= HYPO_RECURRENT_EPISODES) | (h2 >= 1)
    very_high = (f["glu_fasting_n_7"] >= 3) & (f["glu_fasting_mean_7"] >= 10.0)
    severity = np.select(
        [acute, hypo | (trend & (very_high | (f["glu_hyper_n_7"] > 0))), trend & (p >= MODERATE_PROBABILITY), trend],
        [CRITICAL, HIGH, MODERATE, LOW], NONE)
    flagged = trend | acute | hypo
    score = np.where(trend, np.maximum(p, tau), np.minimum(p, tau - 1e-3))
    score = np.where(hypo, np.maximum(score, np.where(h2 >= 1, HYPO2_SCORE, HYPO_RECURRENT_SCORE)), score)
    score = np.where(acute, np.maximum(score, ACUTE_SCORE), score)
    return Decision(applicable, flagged, severity, np.where(applicable, score, 0.0), acute, trend, np.zeros_like(trend))


@dataclass
class Assessment:
    """Features, model probabilities and decisions of one batch."""

    features: Features
    p: dict[str, np.ndarray]
    p_robust: dict[str, np.ndarray]  # without each resident's single highest recent session/value
    bp: Decision
    glucose: Decision


def assess(
    cols: ReadingColumns, profiles: Sequence[ResidentProfile] | ProfileColumns, model: TrendModel, at: datetime | int
) -> Assessment:
    """Vectorised core: features (twice: as read, and without the top value) -> model -> rules."""
    prof = profiles if isinstance(profiles, ProfileColumns) else ProfileColumns.from_profiles(profiles)
    f = compute_features(cols, prof, at)
    p = {kind: model.predict(kind, f) for kind in KINDS}
    # The robust score (without the top value) only matters where the plain score would flag.
    f_robust = compute_features(without_top_values(cols, prof, at), prof, at)
    pr = {}
    for kind in KINDS:
        pr[kind] = np.zeros(f.n)
        rows = np.flatnonzero(p[kind] >= model.thresholds[kind])
        if rows.size:
            pr[kind][rows] = model.predict(kind, f_robust.take(rows))
    bp = decide_bp(f, p["trend_bp"], model.thresholds["trend_bp"], f_robust=f_robust, p_robust=pr["trend_bp"])
    glu = decide_glucose(f, p["trend_glucose"], model.thresholds["trend_glucose"], f_robust=f_robust,
                         p_robust=pr["trend_glucose"])
    return Assessment(f, p, pr, bp, glu)


def resident_reasons(a: Assessment, kind: str, i: int, *, acute: bool = True) -> list[str]:
    """The doctor's reasons for resident `i` of an assessment and one kind ("trend_bp" | "trend_glucose").

    acute=False leaves out what the acute alert kinds say (acute values, hypoglycaemia episodes: the
    readings service raises those), for the trend scan's alerts.
    """
    f = a.features
    if kind == "trend_bp":
        d = a.bp
        out = [R.bp_acute(f, i)] if acute and d.acute[i] else []
        out += R.bp_trend(f, i, flagged=bool(d.trend[i]), persistent=bool(d.persistent[i]))
        return out + R.bp_soft(f, i)
    d = a.glucose
    out = R.glucose_acute(f, i) if acute else []
    hypo = R.glucose_hypo(f, i) if acute else None
    if hypo:
        out.append(hypo)
    out += R.glucose_trend(f, i, flagged=bool(d.trend[i]))
    return out + R.glucose_soft(f, i)


def score_columns(
    cols: ReadingColumns, profiles: Sequence[ResidentProfile], model: TrendModel, now: datetime
) -> list[TrendResult]:
    """TrendResults for residents given as arrays (resident i = profiles[i]); readings up to `now`."""
    if cols.n_residents != len(profiles):
        raise ValueError("one profile per resident index is required")
    a = assess(cols, profiles, model, now)
    bp, glu = a.bp, a.glucose
    results: list[TrendResult] = []
    for i, profile in enumerate(profiles):
        for kind, d in (("trend_bp", bp), ("trend_glucose", glu)):
            if d.applicable[i]:
                results.append(TrendResult(
                    resident_id=profile.resident_id, kind=kind, flagged=bool(d.flagged[i]),
                    severity=SEVERITIES[int(d.severity[i])], score=round(float(d.score[i]), 4),
                    reasons=tuple(resident_reasons(a, kind, i)), acute=bool(d.acute[i])))
    return results


def score_residents(windows: Sequence[ResidentWindow], model: TrendModel, now: datetime) -> list[TrendResult]:
    """TrendResults for resident windows (readings of the last 35 days; later ones are ignored)."""
    cols, _ = columns_from_windows(windows)
    return score_columns(cols, [w.profile for w in windows], model, now)


def resident_flags(
    cols: ReadingColumns, profiles: Sequence[ResidentProfile], model: TrendModel, at: datetime
) -> list[ResidentFlag]:
    """One combined row per resident: flagged if any kind is, highest severity and score."""
    return flags_from_assessment(assess(cols, profiles, model, at), profiles)


def flags_from_assessment(a: Assessment, profiles: Sequence[ResidentProfile]) -> list[ResidentFlag]:
    """FLAGS.csv rows of an assessment (resident i = profiles[i])."""
    bp, glu = a.bp, a.glucose
    rows: list[ResidentFlag] = []
    for i, profile in enumerate(profiles):
        parts = []
        for kind, d in (("trend_bp", bp), ("trend_glucose", glu)):
            if d.applicable[i]:
                parts.append((int(d.severity[i]), float(d.score[i]), resident_reasons(a, kind, i)))
        parts.sort(key=lambda x: (-x[0], -x[1]))
        reasons = tuple(r for _, _, rs in parts for r in rs) or ("无血压或血糖记录，未纳入趋势评估",)
        severity = max((s for s, _, _ in parts), default=NONE)
        score = max((s for _, s, _ in parts), default=0.0)
        rows.append(ResidentFlag(profile.resident_id, bool(bp.flagged[i] or glu.flagged[i]),
                                 SEVERITIES[severity], round(score, 4), reasons))
    return rows


# --- CSV contract (issue 4 item 4) ------------------------------------------------------------------

READING_COLUMNS = ("resident_id", "measured_at", "kind", "systolic", "diastolic", "pulse", "glucose_mmol", "context")
PROFILE_COLUMNS = ("resident_id", "age", "sex", "conditions", "bp_target_sys", "bp_target_dia")
FLAG_COLUMNS = ("resident_id", "flagged", "severity", "score", "reasons")
MAX_REPORTED = 1000
# Meter "HI"/"LO" are flags, not numbers (DESIGN.md); scored as beyond 33.3 / below 1.1 mmol/L.
METER_HI_MMOL = 33.4
METER_LO_MMOL = 1.0
_CONDITION_ALIASES = {
    "高血压": "hypertension", "htn": "hypertension", "糖尿病": "diabetes", "t2d": "diabetes", "dm": "diabetes",
    "2型糖尿病": "diabetes", "慢性肾病": "ckd", "慢性肾脏病": "ckd", "冠心病": "chd", "脑卒中": "stroke",
}
_SEX = {"m": "M", "f": "F", "男": "M", "女": "F"}


class _Reporter:
    def __init__(self, err: TextIO, name: str) -> None:
        self.err, self.name, self.count = err, name, 0

    def __call__(self, line: int, message: str) -> None:
        self.count += 1
        if self.count <= MAX_REPORTED:
            print(f"{self.name}:{line}: {message}", file=self.err)

    def summary(self, what: str) -> None:
        if self.count > MAX_REPORTED:
            print(f"{self.name}: {self.count - MAX_REPORTED} more {what} not shown", file=self.err)


def _header_index(header: list[str], required: Sequence[str]) -> dict[str, int] | list[str]:
    names = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in names]
    return missing if missing else {c: names.index(c) for c in required}


def _int_field(text: str) -> int:
    value = float(text)
    if not math.isfinite(value) or value != int(value):
        raise ValueError(text)
    return int(value)


def read_profiles(path: Path | str, err: TextIO = sys.stderr) -> list[ResidentProfile] | None:
    """PROFILES.csv -> profiles in file order; problems reported on `err`; None if unusable."""
    report = _Reporter(err, Path(path).name)
    try:
        fh = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        print(f"{path}: cannot open profiles: {exc}", file=err)
        return None
    with fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        idx = _header_index(header or [], PROFILE_COLUMNS)
        if isinstance(idx, list):
            print(f"{Path(path).name}:1: missing column(s) {', '.join(idx)}", file=err)
            return None
        width = max(idx.values()) + 1
        seen: set[str] = set()
        profiles: list[ResidentProfile] = []
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) < width:
                report(line, f"expected {len(header)} columns, got {len(row)}; row skipped")
                continue
            rid = row[idx["resident_id"]].strip()
            if not rid:
                report(line, "empty resident_id; row skipped")
                continue
            if rid in seen:
                report(line, f"duplicate resident_id {rid}; first row kept")
                continue
            age: int | None = None
            if row[idx["age"]].strip():
                try:
                    age = _int_field(row[idx["age"]])
                    if not 0 <= age <= 120:
                        raise ValueError
                except ValueError:
                    report(line, f"age {row[idx['age']]!r} is not an age in years; default target used")
                    age = None
            sex_text = row[idx["sex"]].strip()
            sex = _SEX.get(sex_text.lower())
            if sex_text and sex is None:
                report(line, f"sex {sex_text!r} is not M or F; ignored")
            conditions = frozenset(
                _CONDITION_ALIASES.get(tok.strip().lower(), tok.strip().lower())
                for tok in row[idx["conditions"]].replace("，", ";").replace(",", ";").replace("、", ";").split(";")
                if tok.strip())
            target = _read_target(row[idx["bp_target_sys"]], row[idx["bp_target_dia"]], age, conditions,
                                  lambda msg, line=line: report(line, msg))
            seen.add(rid)
            profiles.append(ResidentProfile(rid, age, sex, conditions, target))
        report.summary("profile problems")
    return profiles


def _read_target(sys_text: str, dia_text: str, age, conditions, report) -> BpTarget | None:
    sys_text, dia_text = sys_text.strip(), dia_text.strip()
    if not sys_text and not dia_text:
        return None
    default = default_bp_target(age or 0, conditions)
    try:
        s = _int_field(sys_text) if sys_text else default.systolic
        d = _int_field(dia_text) if dia_text else default.diastolic
        if not (90 <= s <= 200 and 50 <= d <= 120 and s > d):
            raise ValueError
    except ValueError:
        report(f"bp target {sys_text or '-'}/{dia_text or '-'} is not plausible; default {default} used")
        return None
    return BpTarget(s, d)


def read_readings(
    path: Path | str, index: dict[str, int], at: datetime, err: TextIO = sys.stderr
) -> ReadingColumns | None:
    """READINGS.csv -> arrays for the residents in `index`, readings up to `at` (35 days back)."""
    name = Path(path).name
    report = _Reporter(err, name)
    at_s = epoch_seconds(at)
    oldest = at_s - (LOOKBACK_DAYS + 1) * 86400
    try:
        fh = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        print(f"{path}: cannot open readings: {exc}", file=err)
        return None
    bp_r: list[int] = []
    bp_t: list[int] = []
    bp_s: list[int] = []
    bp_d: list[int] = []
    g_r: list[int] = []
    g_t: list[int] = []
    g_v: list[float] = []
    g_c: list[int] = []
    seen: set[tuple] = set()
    unknown: dict[str, list[int]] = {}  # resident_id -> [first line, rows]
    after = 0
    ctx_codes = {c: i for i, c in enumerate(GLUCOSE_CONTEXTS)}
    ctx_codes[""] = 0
    fromiso = datetime.fromisoformat
    with fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        idx = _header_index(header or [], READING_COLUMNS)
        if isinstance(idx, list):
            print(f"{name}:1: missing column(s) {', '.join(idx)}", file=err)
            return None
        width = max(idx.values()) + 1
        i_id, i_at, i_kind = idx["resident_id"], idx["measured_at"], idx["kind"]
        i_s, i_d, i_p, i_g, i_c = idx["systolic"], idx["diastolic"], idx["pulse"], idx["glucose_mmol"], idx["context"]
        for row in reader:
            if len(row) < width:
                if row and any(c.strip() for c in row):
                    report(reader.line_num, f"expected {len(header)} columns, got {len(row)}; row skipped")
                continue
            rid = row[i_id].strip()
            if not rid:
                report(reader.line_num, "empty resident_id; row skipped")
                continue
            try:
                moment = fromiso(row[i_at].strip())
            except ValueError:
                report(reader.line_num, f"measured_at {row[i_at]!r} is not ISO 8601; row skipped")
                continue
            if moment.tzinfo is None:
                report(reader.line_num, f"measured_at {row[i_at]!r} has no UTC offset; row skipped")
                continue
            t = math.floor(moment.timestamp())
            kind = row[i_kind].strip().lower()
            try:
                if kind == "bp":
                    s, d = _int_field(row[i_s]), _int_field(row[i_d])
                    pulse_text = row[i_p].strip()
                    pulse = _int_field(pulse_text) if pulse_text else None
                    value: tuple = (s, d)
                elif kind == "glucose":
                    g_text = row[i_g].strip().upper()
                    g = METER_HI_MMOL if g_text == "HI" else METER_LO_MMOL if g_text == "LO" else float(g_text)
                    if not math.isfinite(g):
                        raise ValueError(g_text)
                    ctx_text = row[i_c].strip().lower()
                    value = (g, ctx_text)
                else:
                    report(reader.line_num, f"kind {row[i_kind]!r} is not bp or glucose; row skipped")
                    continue
            except ValueError:
                raw = "/".join(row[i] for i in (i_s, i_d, i_p)) if kind == "bp" else row[i_g]
                report(reader.line_num, f"{kind} value {raw!r} is not a number; row skipped")
                continue
            r = index.get(rid)
            if r is None:
                unknown.setdefault(rid, [reader.line_num, 0])[1] += 1
                continue
            if moment > at:
                after += 1
                continue
            if t < oldest:
                continue
            key = (r, t, kind, value)
            if key in seen:
                continue
            seen.add(key)
            if kind == "bp":
                if not (SBP_RANGE[0] <= s <= SBP_RANGE[1] and DBP_RANGE[0] <= d <= DBP_RANGE[1] and s > d):
                    report(reader.line_num, f"implausible BP {s}/{d} (SBP {SBP_RANGE[0]}-{SBP_RANGE[1]}, "
                                            f"DBP {DBP_RANGE[0]}-{DBP_RANGE[1]}, SBP>DBP); not scored")
                elif pulse is not None and not PULSE_RANGE[0] <= pulse <= PULSE_RANGE[1]:
                    report(reader.line_num, f"implausible pulse {pulse}; BP kept, pulse ignored")
                # implausible BP stays in the arrays: the features drop and count it for the reasons
                bp_r.append(r)
                bp_t.append(t)
                bp_s.append(s)
                bp_d.append(d)
            else:
                if not GLUCOSE_MMOL_RANGE[0] <= g <= GLUCOSE_MMOL_RANGE[1]:
                    report(reader.line_num, f"implausible glucose {g} mmol/L "
                                            f"({GLUCOSE_MMOL_RANGE[0]}-{GLUCOSE_MMOL_RANGE[1]}); not scored")
                code = ctx_codes.get(ctx_text)
                if code is None:
                    report(reader.line_num, f"context {ctx_text!r} unknown; counted as random")
                    code = 0
                g_r.append(r)
                g_t.append(t)
                g_v.append(g)
                g_c.append(code)
    for rid, (first_line, count) in unknown.items():
        report(first_line, f"resident_id {rid} not in profiles; {count} reading(s) from here on skipped")
    report.summary("problems")
    if after:
        print(f"{name}: {after} reading(s) after --at {at.isoformat()} not used", file=err)
    return ReadingColumns(
        n_residents=len(index),
        bp_res=np.array(bp_r, dtype=np.int64), bp_t=np.array(bp_t, dtype=np.int64),
        bp_sbp=np.array(bp_s, dtype=float), bp_dbp=np.array(bp_d, dtype=float),
        glu_res=np.array(g_r, dtype=np.int64), glu_t=np.array(g_t, dtype=np.int64),
        glu_mmol=np.array(g_v, dtype=float), glu_ctx=np.array(g_c, dtype=np.int8),
    )


def write_flags(rows: Sequence[ResidentFlag], out_path: Path | str) -> None:
    """FLAGS.csv: resident_id, flagged 0|1, severity, score 0..1, reasons (joined by "；")."""
    with open(out_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(FLAG_COLUMNS)
        for row in rows:
            w.writerow((row.resident_id, int(row.flagged), row.severity, f"{row.score:.3f}", "；".join(row.reasons)))


def score_csv(
    readings_path: Path | str,
    profiles_path: Path | str,
    at: datetime,
    out_path: Path | str,
    err: TextIO = sys.stderr,
    model: TrendModel | None = None,
) -> int:
    """The `trends score` CLI contract; returns the exit code (0 ok, 2 unusable input)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=LOCAL_TZ)  # a bare --at is local time (Asia/Shanghai)
    if model is None:
        model = load_model()
    profiles = read_profiles(profiles_path, err)
    if profiles is None:
        return 2
    cols = read_readings(readings_path, {p.resident_id: i for i, p in enumerate(profiles)}, at, err)
    if cols is None:
        return 2
    write_flags(resident_flags(cols, profiles, model, at), out_path)
    return 0
