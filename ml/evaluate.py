"""Held-out evaluation: the model against a last-reading baseline and the 7-day-mean rule.

Labels come from the simulator's latent values (ml.synthetic). Reported per kind: AUROC,
sensitivity and specificity at the operating threshold; for the combined flag: sensitivity for
acute dangerous values (must be 100 %: the deterministic rules win), recurrent hypoglycaemia, and
how many single artefacts (1500/90, swapped 90/150, 150/900, a slipped digit) raise a trend flag.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import roc_auc_score, roc_curve

from ml.clinical import ACUTE_DBP, ACUTE_LOOKBACK_HOURS, ACUTE_SBP, DBP_RANGE, SBP_RANGE
from ml.features import Features, ProfileColumns, ReadingColumns
from ml.measurement import batch_unconfirmed
from ml.model import TrendModel
from ml.scoring import Assessment, assess, flags_from_assessment
from ml.synthetic import ARTEFACT_KINDS, Cohort, inject_artefact

NO_DATA = -1e6  # baseline score when a baseline has nothing to say (ranks lowest)


def auroc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (NaN when only one class is present)."""
    y = np.asarray(y, bool)
    if y.all() or not y.any():
        return float("nan")
    return float(roc_auc_score(y, score))


def sens_spec(y: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """(sensitivity, specificity) of boolean predictions."""
    y, pred = np.asarray(y, bool), np.asarray(pred, bool)
    sens = float((pred & y).sum() / max(y.sum(), 1))
    spec = float((~pred & ~y).sum() / max((~y).sum(), 1))
    return sens, spec


def sensitivity_at_specificity(y: np.ndarray, score: np.ndarray, specificity: float) -> float:
    """The highest sensitivity of any cut-off of `score` whose specificity is at least `specificity`."""
    fpr, tpr, _ = roc_curve(np.asarray(y, bool), score)
    ok = fpr <= 1.0 - specificity + 1e-12
    return float(tpr[ok].max()) if ok.any() else 0.0


def specificity_threshold(y: np.ndarray, p: np.ndarray, specificity: float) -> float:
    """The lowest probability threshold whose specificity on (y, p) is at least `specificity`."""
    y = np.asarray(y, bool)
    negatives = np.sort(p[~y])
    if negatives.size == 0:
        return 0.5
    k = min(int(np.ceil(specificity * negatives.size)), negatives.size - 1)
    return float(min(max(np.nextafter(negatives[k - 1] if k > 0 else negatives[0], 1.0), 0.05), 0.95))


def youden_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The probability threshold that maximises sensitivity + specificity."""
    fpr, tpr, thr = roc_curve(np.asarray(y, bool), p)
    k = int(np.argmax(tpr - fpr))
    return float(min(max(thr[k], 0.05), 0.95))


def baselines(kind: str, f: Features) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (continuous score, boolean flag) of the comparison rules."""
    if kind == "trend_bp":
        ts, td = f["target_sys"], f["target_dia"]
        last = np.fmax(f["bp_last_sbp"] - ts, 1.5 * (f["bp_last_dbp"] - td))
        sufficient = f["bp_sufficient_7"] > 0
        rule = np.fmax(f["bp_hbpm_sbp_7"] - ts, 1.5 * (f["bp_hbpm_dbp_7"] - td))
        rule_score = np.where(sufficient, np.nan_to_num(rule, nan=NO_DATA), NO_DATA)
        return {
            "last_reading": (np.nan_to_num(last, nan=NO_DATA), np.nan_to_num(last, nan=-1) >= 0),
            "rule_7day_mean": (rule_score, f["bp_rule_uncontrolled"].astype(bool)),
        }
    last = f["glu_last_fasting_margin"]
    sufficient = f["glu_fasting_n_7"] >= 3
    rule = np.where(sufficient, np.nan_to_num(f["glu_fasting_margin_7"], nan=NO_DATA), NO_DATA)
    return {
        "last_reading": (np.nan_to_num(last, nan=NO_DATA), np.nan_to_num(last, nan=-1) >= 0),
        "rule_7day_mean": (rule, sufficient & (np.nan_to_num(f["glu_fasting_margin_7"], nan=-1) >= 0)),
    }


def _kind_metrics(kind: str, a: Assessment, tau: float, cohort: Cohort) -> tuple[dict, dict]:
    L = cohort.labels
    f, p = a.features, a.p[kind]
    if kind == "trend_bp":
        mask, y = L["bp_assessed"], L["bp_uncontrolled"]
        flag = a.bp.trend
        sufficient = f["bp_sufficient_7"] > 0
    else:
        mask, y = L["glu_assessed"], L["glu_uncontrolled"]
        flag = a.glucose.trend
        sufficient = f["glu_fasting_n_7"] >= 3
    y = y[mask]
    out: dict[str, Any] = {"n": int(mask.sum()), "prevalence": round(float(y.mean()), 4) if y.size else None}
    curves: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    scores = {"model": (p, flag)} | baselines(kind, f)
    for name, (score, pred) in scores.items():
        s, pr = score[mask], pred[mask]
        sens, spec = sens_spec(y, pr)
        suff = sufficient[mask]
        out[name] = {
            "auroc": round(auroc(y, s), 4),
            "sensitivity": round(sens, 4),
            "specificity": round(spec, 4),
            "auroc_sufficient_data": round(auroc(y[suff], s[suff]), 4),
        }
        if y.any() and not y.all():
            fpr, tpr, _ = roc_curve(y, s)
            curves[name] = (fpr, tpr)
    if y.any() and not y.all():
        pm = p[mask]
        observed, mean_p = calibration_curve(y, pm, n_bins=10, strategy="uniform")
        counts = np.bincount(np.minimum((pm * 10).astype(int), 9), minlength=10)
        curves["_calibration"] = (mean_p, observed, counts[counts > 0])
        out["model"]["brier"] = round(float(np.mean((pm - y) ** 2)), 4)
    out["model"]["threshold"] = round(tau, 4)
    out["n_sufficient_data"] = int(sufficient[mask].sum())
    return out, curves


def observed_acute(cols: ReadingColumns, at_s: int, *, confirmed: bool = True) -> np.ndarray:
    """Residents with a plausible dangerous value (BP >=180/110, glucose <3.0 or >=16.7) in 72 h.

    confirmed=True (default): only values confirmed by the readings themselves (ml.measurement:
    an agreeing repeat, or two separate dangerous sessions); False: any such value.
    """
    n = cols.n_residents
    lo = at_s - ACUTE_LOOKBACK_HOURS * 3600
    out = np.zeros(n, dtype=bool)
    for kind, res, t, a, b in (("bp", cols.bp_res, cols.bp_t, cols.bp_sbp, cols.bp_dbp),
                               ("glucose", cols.glu_res, cols.glu_t, cols.glu_mmol, None)):
        if kind == "bp":
            ok = (a >= SBP_RANGE[0]) & (a <= SBP_RANGE[1]) & (b >= DBP_RANGE[0]) & (b <= DBP_RANGE[1]) & (a > b)
            danger = (a >= ACUTE_SBP) | (b >= ACUTE_DBP)
        else:
            ok = (a >= 1.0) & (a <= 35.0)
            danger = (a < 3.0) | (a >= 16.7)
        sel = ok & (t <= at_s)
        r, tt, aa = res[sel], t[sel], a[sel].astype(float)
        bb = b[sel].astype(float) if b is not None else None
        order = np.lexsort((tt, r))
        r, tt, aa = r[order], tt[order], aa[order]
        bb = bb[order] if bb is not None else None
        d = danger[sel][order] & (tt > lo)
        if confirmed:
            drop, _, conf = batch_unconfirmed(r, tt, aa, bb, n=n, at_s=at_s,
                                              lookback_s=ACUTE_LOOKBACK_HOURS * 3600, kind=kind)
            # BP: confirmed episodes (an acute repeat of a dismissed episode is no event); glucose: the values kept
            out |= (conf > 0) if kind == "bp" else np.bincount(r[d & ~drop], minlength=n) > 0
            continue
        out |= np.bincount(r[d], minlength=n) > 0
    return out


def inject_artefacts(cohort: Cohort, residents: np.ndarray, kind: int) -> ReadingColumns:
    """A copy of the readings with one artefact 1 h before `at` for each resident in `residents`.

    kind 0: 1500/90, 1: swapped 90/150, 2: 150/900, 3: a slipped digit (last SBP + 30, plausible).
    """
    c = cohort.columns
    at_s = int(cohort.at.timestamp())
    last_s = np.full(c.n_residents, 128.0)
    last_d = np.full(c.n_residents, 78.0)
    if c.bp_res.size:  # readings are sorted by (resident, time): take each resident's last one
        is_last = np.r_[c.bp_res[1:] != c.bp_res[:-1], True]
        last_s[c.bp_res[is_last]] = c.bp_sbp[is_last]
        last_d[c.bp_res[is_last]] = c.bp_dbp[is_last]
    last_s = np.clip(last_s, 95, 170)
    last_d = np.clip(last_d, 55, 100)
    r = np.asarray(residents, np.int64)
    sbp = {0: np.full(r.size, 1500.0), 1: last_d[r], 2: last_s[r], 3: last_s[r] + 30}[kind]
    dbp = {0: np.full(r.size, 90.0), 1: last_s[r], 2: np.full(r.size, 900.0), 3: last_d[r]}[kind]
    order = np.lexsort((np.r_[c.bp_t, np.full(r.size, at_s - 3600)], np.r_[c.bp_res, r]))
    return replace(
        c,
        bp_res=np.r_[c.bp_res, r][order],
        bp_t=np.r_[c.bp_t, np.full(r.size, at_s - 3600)][order],
        bp_sbp=np.r_[c.bp_sbp, sbp][order],
        bp_dbp=np.r_[c.bp_dbp, dbp][order],
    )


def evaluate(model: TrendModel, cohort: Cohort, *, with_curves: bool = False) -> dict[str, Any]:
    """Every metric of the model card for one held-out cohort."""
    prof = ProfileColumns.from_profiles(cohort.profiles)
    a = assess(cohort.columns, prof, model, cohort.at)
    at_s = int(cohort.at.timestamp())
    L = cohort.labels
    metrics: dict[str, Any] = {"n_residents": cohort.n}
    curves: dict[str, dict] = {}
    for kind in ("trend_bp", "trend_glucose"):
        metrics[kind], curves[kind] = _kind_metrics(kind, a, model.thresholds[kind], cohort)

    rows = flags_from_assessment(a, cohort.profiles)
    flagged = np.array([r.flagged for r in rows])
    critical = np.array([r.severity == "critical" for r in rows])
    score = np.array([r.score for r in rows])
    y = L["needs_review"]
    sens, spec = sens_spec(y, flagged)
    obs = observed_acute(cohort.columns, at_s)
    latent = L["acute_72h"]
    metrics["flag"] = {
        "needs_review_prevalence": round(float(y.mean()), 4),
        "auroc": round(auroc(y, score), 4),
        "sensitivity_at_specificity_90": round(sensitivity_at_specificity(y, score, 0.90), 4),
        "sensitivity": round(sens, 4),
        "specificity": round(spec, 4),
        "acute_observed_n": int(obs.sum()),
        "acute_observed_sensitivity": round(float(critical[obs].mean()), 4) if obs.any() else None,
        "acute_latent_n": int(latent.sum()),
        "acute_latent_sensitivity": round(float(critical[latent].mean()), 4) if latent.any() else None,
        "acute_injected_spike_n": int(L["spike_72h"].sum()),
        "acute_injected_spike_sensitivity": round(float(critical[L["spike_72h"]].mean()), 4)
        if L["spike_72h"].any() else None,
        "critical_without_observed_acute": int((critical & ~obs).sum()),
        "hypo_recurrent_n": int(L["hypo_recurrent"].sum()),
        "hypo_recurrent_sensitivity": round(float(flagged[L["hypo_recurrent"]].mean()), 4)
        if L["hypo_recurrent"].any() else None,
    }
    # single artefacts in residents that are not flagged: none may raise a trend flag
    quiet = np.flatnonzero(~flagged)
    artefacts: dict[str, int] = {"residents": int(quiet.size)}
    for kind, name in enumerate(("typo_1500_90", "swapped_90_150", "typo_150_900", "slipped_digit_plus30")):
        a2 = assess(inject_artefacts(cohort, quiet, kind), prof, model, cohort.at)
        artefacts[name] = int(a2.bp.trend[quiet].sum())
    metrics["artefacts_raising_trend_flags"] = artefacts
    metrics["artefact_rates"] = artefact_rates(model, cohort)
    if with_curves:
        metrics["_curves"] = curves
    return metrics


# "Well controlled": the latent 7-day home level at least this far below the personal target.
WELL_CONTROLLED_MARGIN = (10.0, 5.0)


def artefact_residents(cohort: Cohort, limit: int = 2000) -> np.ndarray:
    """Well-controlled residents (nothing to review; latent level >=10/5 mmHg below target) who
    measure BP and have no artefact yet."""
    L, c = cohort.labels, cohort.columns
    ts = np.array([p.target.systolic for p in cohort.profiles], float)
    td = np.array([p.target.diastolic for p in cohort.profiles], float)
    well = ((L["bp_true_sbp_7"] <= ts - WELL_CONTROLLED_MARGIN[0])
            & (L["bp_true_dbp_7"] <= td - WELL_CONTROLLED_MARGIN[1]))
    at_s = int(cohort.at.timestamp())
    recent = np.bincount(c.bp_res[c.bp_t > at_s - 7 * 86400], minlength=c.n_residents) > 0
    kind = cohort.bp_artefact_kind if cohort.bp_artefact_kind is not None else cohort.bp_artefact.astype(np.int8)
    dirty = np.bincount(c.bp_res[kind > 0], minlength=c.n_residents) > 0
    return np.flatnonzero(~L["needs_review"] & well & recent & ~dirty)[:limit]


def artefact_rates(model: TrendModel, cohort: Cohort, limit: int = 2000) -> dict[str, dict[str, float]]:
    """Per artefact kind: share of well-controlled residents flagged, critical and asked to re-measure
    after one artefact of that kind ("none": the same residents without one)."""
    rows = artefact_residents(cohort, limit)
    prof = ProfileColumns.from_profiles(cohort.profiles)
    out: dict[str, dict[str, float]] = {}
    for kind in ARTEFACT_KINDS:
        cols = cohort.columns if kind == "none" else inject_artefact(cohort, rows, kind, seed=ARTEFACT_KINDS.index(kind))
        a = assess(cols, prof, model, cohort.at)
        flagged = (a.bp.flagged | a.glucose.flagged)[rows]
        critical = (a.bp.severity == 4)[rows] | (a.glucose.severity == 4)[rows]
        remeasure = ((a.bp.remeasure | a.glucose.remeasure) & ~(a.bp.flagged | a.glucose.flagged))[rows]
        out[kind] = {"n": int(rows.size), "flagged": round(float(flagged.mean()), 4),
                     "critical": round(float(critical.mean()), 4), "remeasure": round(float(remeasure.mean()), 4)}
    return out
