"""Batch scoring decisions: deterministic acute rules first, then the trend model, with Chinese reasons.

The vectorised core (`assess`, `decide_bp`, `decide_glucose`) and its result types. Callers:
- `score_residents(windows, model, now)` for the DB trend scan (or `score_columns` when the caller
  already holds arrays): one `TrendResult` per resident and applicable kind (trend_bp, trend_glucose);
- `ml.scoring_csv.score_csv(readings, profiles, at, out)` for `flask trends score`: the CSV reader
  and writer around `resident_flags`, one FLAGS.csv row per profile.

flagged = an acute dangerous value in the last 72 h (BP >=180/110, glucose <3.0 or >=16.7), or
recurrent hypoglycaemia (>=2 episodes <3.9 in 7 days, or any <3.0), or recent control off target:
the guideline 7-day rule or the model says so AND at least two sessions on two days were above
target AND it still holds without the single highest recent value (one typo can never flag).
The rules win over the model: an acute value is flagged "critical" whatever the score.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

import numpy as np

from ml import reasons as R
from ml.clinical import FASTING_REVIEW_MIN_VALUES, HYPER_URGENT, HYPO_LEVEL2_BELOW, HYPO_RECURRENT_EPISODES
from ml.features import (
    Features,
    ProfileColumns,
    ReadingColumns,
    ResidentProfile,
    ResidentWindow,
    columns_from_windows,
    compute_features,
    without_top_values,
)
from ml.model import KINDS, TrendModel

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
    remeasure: bool = False


@dataclass(frozen=True)
class ResidentFlag:
    """One FLAGS.csv row: the resident's kinds combined (highest severity and score)."""

    resident_id: str
    flagged: bool
    severity: str
    score: float
    reasons: tuple[str, ...]
    remeasure: bool = False  # not flagged: the only problem is an unconfirmed dangerous value


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
    remeasure: np.ndarray  # not flagged; a dangerous value in 72 h awaits its confirming repeat


def decide_bp(f: Features, p: np.ndarray, tau: float, *, f_robust: Features | None = None,
              p_robust: np.ndarray | None = None) -> Decision:
    """BP decision per resident.

    critical: a confirmed episode >=180/110 in the last 72 h (rules win over the model; confirmed =
    an agreeing repeat in the session or within 15 min, or two separate dangerous sessions,
    ml.measurement). A single unconfirmed one only sets `remeasure`.
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
    remeasure = (f["bp_unconfirmed_72h"] > 0) & ~(trend | acute)
    return Decision(applicable, trend | acute, severity, np.where(applicable, score, 0.0), acute, trend, persistent,
                    remeasure)


def decide_glucose(f: Features, p: np.ndarray, tau: float, *, f_robust: Features | None = None,
                   p_robust: np.ndarray | None = None) -> Decision:
    """Glucose decision per resident.

    critical: a confirmed value <3.0 or >=16.7 mmol/L in the last 72 h (ml.measurement). high: recurrent hypoglycaemia
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
    remeasure = (f["glu_unconfirmed_72h"] > 0) & ~flagged
    return Decision(applicable, flagged, severity, np.where(applicable, score, 0.0), acute, trend, np.zeros_like(trend),
                    remeasure)


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
        if acute and f["bp_unconfirmed_72h"][i] > 0 and not d.acute[i]:
            out.append(R.bp_unconfirmed(f, i))
        out += R.bp_trend(f, i, flagged=bool(d.trend[i]), persistent=bool(d.persistent[i]))
        return out + R.bp_soft(f, i)
    d = a.glucose
    out = R.glucose_acute(f, i) if acute else []
    if acute and f["glu_unconfirmed_72h"][i] > 0 and not d.acute[i]:
        out.append(R.glucose_unconfirmed(f, i))
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
                    reasons=tuple(resident_reasons(a, kind, i)), acute=bool(d.acute[i]),
                    remeasure=bool(d.remeasure[i])))
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
        flagged = bool(bp.flagged[i] or glu.flagged[i])
        remeasure = not flagged and bool(bp.remeasure[i] or glu.remeasure[i])
        rows.append(ResidentFlag(profile.resident_id, flagged, SEVERITIES[severity], round(score, 4), reasons,
                                 remeasure))
    return rows
