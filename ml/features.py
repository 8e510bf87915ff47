"""Features per resident window, vectorised over many residents (numpy only).

Input is columnar (`ReadingColumns` + `ProfileColumns`): one array per field, readings of all
residents together. `columns_from_windows` builds them from `ResidentWindow` objects; the CSV
reader and the DB scan can fill them directly. `compute_features` returns one value per resident
for every name in `BP_FEATURES` / `GLUCOSE_FEATURES` (the model inputs) and a few extras used by
the rules and the reasons.

Windows (local Asia/Shanghai calendar days, `at` included): current = the 7 days ending at `at`;
baseline = the 28 days before it; acute = the last 72 h. Implausible values (ml.clinical) are
dropped before anything is computed, and every "above target" statistic needs several sessions,
so one typo such as 1500/90 or a swapped 90/150 cannot move a resident's flag.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Sequence

import numpy as np

from ml.clinical import (
    ACUTE_DBP,
    ACUTE_LOOKBACK_HOURS,
    ACUTE_SBP,
    BASELINE_DAYS,
    FASTING_TARGET,
    GLUCOSE_MMOL_RANGE,
    HBPM_MIN_DAYS,
    HBPM_MIN_SESSIONS,
    HBPM_WINDOW_DAYS,
    HYPER_URGENT,
    HYPO_EPISODE_MERGE_MINUTES,
    HYPO_LEVEL1_BELOW,
    HYPO_LEVEL2_BELOW,
    LOCAL_UTC_OFFSET_SECONDS,
    MG_DL_PER_MMOL_L,
    NON_FASTING_TARGET_BELOW,
    SESSION_GAP_SECONDS,
    BpTarget,
    default_bp_target,
)
from ml.measurement import batch_unconfirmed, discordant_first
from ml.hbpm import (
    PERIOD_EVENING,
    PERIOD_MORNING,
    BpPoint,
    local_day,
    plausible_mask,
    sessionize,
)

DAY = 86400
# Noise model of the level estimates: day-to-day SD of home BP 8.6/5.8 mmHg (Ohasama, clinical_rules
# §1.4); fasting SMBG day-to-day SD ~1.0 mmol/L; how far a level may move in a few weeks (design).
DAY_SD_SBP, DAY_SD_DBP = 8.6, 5.8
LEVEL_CHANGE_SD_SBP, LEVEL_CHANGE_SD_DBP = 8.0, 4.5
FASTING_DAY_SD, FASTING_CHANGE_SD = 1.0, 0.8
LOOKBACK_DAYS = HBPM_WINDOW_DAYS + BASELINE_DAYS  # 35 local days are read for one window

# Glucose contexts as stored; "" (unknown) and bedtime count as non-fasting.
GLUCOSE_CONTEXTS = ("random", "fasting", "postprandial", "bedtime")
CTX_RANDOM, CTX_FASTING, CTX_POSTPRANDIAL, CTX_BEDTIME = 0, 1, 2, 3
_CTX_CODE = {"": CTX_RANDOM, "random": CTX_RANDOM, "fasting": CTX_FASTING,
             "postprandial": CTX_POSTPRANDIAL, "bedtime": CTX_BEDTIME}

PROFILE_FEATURES = ("age", "has_hypertension", "has_diabetes", "has_ckd", "target_sys", "target_dia")

BP_FEATURES: tuple[str, ...] = (
    "bp_n_readings_7", "bp_n_sessions_7", "bp_days_7", "bp_adherence_7", "bp_hbpm_sessions_7",
    "bp_sufficient_7",
    "bp_sbp_margin_7", "bp_dbp_margin_7", "bp_max_margin_7",
    "bp_morning_sbp_margin_7", "bp_morning_dbp_margin_7",
    "bp_evening_sbp_margin_7", "bp_evening_dbp_margin_7", "bp_morning_share_7",
    "bp_median_sbp_margin_7", "bp_median_dbp_margin_7",
    "bp_recent3_sbp_margin", "bp_recent3_dbp_margin",
    "bp_share_sessions_above_7", "bp_days_above_7", "bp_share_days_above_7", "bp_sessions_above_35",
    "bp_sbp_slope_7", "bp_sbp_slope_35",
    "bp_sbp_sd_7", "bp_sbp_cv_7", "bp_dbp_cv_7", "bp_sbp_arv_7",
    "bp_base_sbp_margin", "bp_base_dbp_margin", "bp_base_sessions",
    "bp_delta_sbp", "bp_delta_dbp",
    "bp_prev_sbp_margin", "bp_prev_dbp_margin",
    "bp_est_sbp_margin", "bp_est_dbp_margin", "bp_est_max_margin", "bp_z_sbp", "bp_z_dbp", "bp_z_max",
    "bp_last_sbp_margin", "bp_last_dbp_margin", "bp_days_since_last", "bp_n_readings_35",
) + PROFILE_FEATURES

GLUCOSE_FEATURES: tuple[str, ...] = (
    "glu_n_7", "glu_days_7", "glu_fasting_n_7", "glu_fasting_mean_7", "glu_fasting_margin_7",
    "glu_fasting_days_above_7", "glu_nonfasting_n_7", "glu_nonfasting_mean_7",
    "glu_base_fasting_mean", "glu_base_fasting_n", "glu_delta_fasting",
    "glu_est_fasting_margin", "glu_z_fasting", "glu_last_fasting_margin", "glu_fasting_slope_35",
    "glu_mean_35", "glu_cv_35", "glu_lbgi_35", "glu_hbgi_35",
    "glu_hypo1_episodes_7", "glu_hypo2_episodes_7", "glu_hyper_n_7", "glu_n_35",
) + PROFILE_FEATURES


@dataclass(frozen=True, slots=True)
class GlucosePoint:
    """One capillary glucose value in mmol/L with its context (fasting|postprandial|random|bedtime)."""

    measured_at: datetime
    mmol: float
    context: str = "random"


@dataclass(frozen=True)
class ResidentProfile:
    """What the rules need about a resident; an empty target means the default for age and conditions."""

    resident_id: str
    age: int | None = None
    sex: str | None = None
    conditions: frozenset[str] = frozenset()
    bp_target: BpTarget | None = None

    @property
    def target(self) -> BpTarget:
        """The personal home BP target (explicit, else ml.clinical.default_bp_target)."""
        return self.bp_target or default_bp_target(self.age or 0, self.conditions)


@dataclass(frozen=True)
class ResidentWindow:
    """A resident and their readings of (at least) the last 35 days."""

    profile: ResidentProfile
    bp: Sequence[BpPoint] = ()
    glucose: Sequence[GlucosePoint] = ()


@dataclass
class ReadingColumns:
    """Readings of many residents as arrays; `*_res` index into the profile list."""

    n_residents: int
    bp_res: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    bp_t: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # epoch seconds (UTC)
    bp_sbp: np.ndarray = field(default_factory=lambda: np.empty(0))
    bp_dbp: np.ndarray = field(default_factory=lambda: np.empty(0))
    glu_res: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    glu_t: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    glu_mmol: np.ndarray = field(default_factory=lambda: np.empty(0))
    glu_ctx: np.ndarray = field(default_factory=lambda: np.empty(0, np.int8))


@dataclass
class ProfileColumns:
    """Profiles as arrays (one element per resident)."""

    age: np.ndarray  # float, NaN when unknown
    hypertension: np.ndarray  # bool
    diabetes: np.ndarray
    ckd: np.ndarray
    target_sys: np.ndarray  # float
    target_dia: np.ndarray

    @classmethod
    def from_profiles(cls, profiles: Sequence[ResidentProfile]) -> "ProfileColumns":
        """Build the arrays from profile objects."""
        targets = [p.target for p in profiles]
        return cls(
            age=np.array([np.nan if p.age is None else p.age for p in profiles], dtype=float),
            hypertension=np.array(["hypertension" in p.conditions for p in profiles], dtype=bool),
            diabetes=np.array(["diabetes" in p.conditions for p in profiles], dtype=bool),
            ckd=np.array(["ckd" in p.conditions for p in profiles], dtype=bool),
            target_sys=np.array([t.systolic for t in targets], dtype=float),
            target_dia=np.array([t.diastolic for t in targets], dtype=float),
        )


@dataclass
class Features:
    """Named per-resident arrays: model inputs (BP_FEATURES, GLUCOSE_FEATURES) plus extras."""

    n: int
    values: dict[str, np.ndarray]

    def matrix(self, names: Sequence[str]) -> np.ndarray:
        """An (n, len(names)) float matrix; NaN marks "no data"."""
        if not names:
            return np.empty((self.n, 0))
        return np.column_stack([self.values[name].astype(float, copy=False) for name in names])

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    def take(self, rows: np.ndarray) -> "Features":
        """The features of a subset of residents."""
        return Features(int(np.asarray(rows).shape[0]), {k: v[rows] for k, v in self.values.items()})


def context_code(context: str | None) -> int:
    """Code of a glucose context; unknown contexts count as random (non-fasting)."""
    return _CTX_CODE.get((context or "").strip().lower(), CTX_RANDOM)


def epoch_seconds(moment: datetime | int | float) -> int:
    """Epoch seconds of an aware datetime (or a number passed through)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("datetime must be timezone-aware")
        return int(np.floor(moment.timestamp()))
    return int(moment)


def columns_from_windows(windows: Sequence[ResidentWindow]) -> tuple[ReadingColumns, ProfileColumns]:
    """Columnar readings and profiles of resident windows (resident i = windows[i])."""
    n = len(windows)
    bp_counts = np.fromiter((len(w.bp) for w in windows), dtype=np.int64, count=n)
    glu_counts = np.fromiter((len(w.glucose) for w in windows), dtype=np.int64, count=n)
    bp_all = [p for w in windows for p in w.bp]
    glu_all = [g for w in windows for g in w.glucose]
    m, k = len(bp_all), len(glu_all)
    cols = ReadingColumns(
        n_residents=n,
        bp_res=np.repeat(np.arange(n, dtype=np.int64), bp_counts),
        bp_t=np.floor(np.fromiter((p.measured_at.timestamp() for p in bp_all), float, m)).astype(np.int64),
        bp_sbp=np.fromiter((p.systolic for p in bp_all), float, m),
        bp_dbp=np.fromiter((p.diastolic for p in bp_all), float, m),
        glu_res=np.repeat(np.arange(n, dtype=np.int64), glu_counts),
        glu_t=np.floor(np.fromiter((g.measured_at.timestamp() for g in glu_all), float, k)).astype(np.int64),
        glu_mmol=np.fromiter((g.mmol for g in glu_all), float, k),
        glu_ctx=np.fromiter((context_code(g.context) for g in glu_all), np.int8, k),
    )
    return cols, ProfileColumns.from_profiles([w.profile for w in windows])


# --- small vectorised helpers ---------------------------------------------------------------------


def _sorted_by(res: np.ndarray, t: np.ndarray) -> np.ndarray | None:
    """None when already sorted by (res, t), else the sorting permutation."""
    if res.shape[0] < 2:
        return None
    dr = res[1:] - res[:-1]
    if np.all((dr > 0) | ((dr == 0) & (t[1:] >= t[:-1]))):
        return None
    return np.lexsort((t, res))


def _count(res: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    return np.bincount(res if mask is None else res[mask], minlength=n).astype(float)


def _sum(res: np.ndarray, w: np.ndarray, n: int, mask: np.ndarray | None = None) -> np.ndarray:
    if mask is not None:
        res, w = res[mask], w[mask]
    return np.bincount(res, weights=w, minlength=n)


def _mean(res: np.ndarray, w: np.ndarray, n: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    c = _count(res, n, mask)
    s = _sum(res, w, n, mask)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c > 0, s / np.maximum(c, 1), np.nan), c


def _n_unique_days(res: np.ndarray, day: np.ndarray, n: int) -> np.ndarray:
    """Distinct (resident, day) pairs per resident; inputs sorted by resident then time."""
    if res.shape[0] == 0:
        return np.zeros(n)
    new = np.empty(res.shape[0], dtype=bool)
    new[0] = True
    new[1:] = (res[1:] != res[:-1]) | (day[1:] != day[:-1])
    return _count(res[new], n)


def _day_means(res: np.ndarray, day: np.ndarray, *vals: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per (resident, day) means of sorted inputs: (res_of_day, day, mean_1, mean_2, ...)."""
    if res.shape[0] == 0:
        return (res, day) + tuple(np.empty(0) for _ in vals)
    new = np.empty(res.shape[0], dtype=bool)
    new[0] = True
    new[1:] = (res[1:] != res[:-1]) | (day[1:] != day[:-1])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, res.shape[0]))
    return (res[starts], day[starts]) + tuple(np.add.reduceat(v, starts) / counts for v in vals)


def _median(res: np.ndarray, vals: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.nan)
    if res.shape[0] == 0:
        return out
    order = np.lexsort((vals, res))
    r, v = res[order], vals[order]
    counts = np.bincount(r, minlength=n)
    has = counts > 0
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    lo = starts + (counts - 1) // 2
    hi = starts + counts // 2
    out[has] = (v[lo[has]] + v[hi[has]]) / 2.0
    return out


def _slope(res: np.ndarray, x: np.ndarray, y: np.ndarray, n: int, min_points: int = 3) -> np.ndarray:
    """Least-squares slope of y on x per resident (NaN under `min_points` or no spread in x)."""
    c = _count(res, n)
    sx, sy = _sum(res, x, n), _sum(res, y, n)
    sxx, sxy = _sum(res, x * x, n), _sum(res, x * y, n)
    den = c * sxx - sx * sx
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (c * sxy - sx * sy) / den
    return np.where((c >= min_points) & (den > 1e-9 * np.maximum(c, 1) ** 2), slope, np.nan)


def _sd(res: np.ndarray, y: np.ndarray, n: int, min_points: int = 3) -> tuple[np.ndarray, np.ndarray]:
    mean, c = _mean(res, y, n)
    s2 = _sum(res, y * y, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (s2 - c * mean * mean) / (c - 1)
    sd = np.sqrt(np.clip(var, 0, None))
    return np.where(c >= min_points, sd, np.nan), mean


def _last(res: np.ndarray, vals: np.ndarray, n: int) -> np.ndarray:
    """The last value per resident of inputs sorted by (resident, time)."""
    out = np.full(n, np.nan)
    if res.shape[0]:
        is_last = np.ones(res.shape[0], dtype=bool)
        is_last[:-1] = res[1:] != res[:-1]
        out[res[is_last]] = vals[is_last]
    return out


def _arv(res: np.ndarray, y: np.ndarray, n: int) -> np.ndarray:
    if res.shape[0] < 2:
        return np.full(n, np.nan)
    same = res[1:] == res[:-1]
    mean, c = _mean(res[1:][same], np.abs(np.diff(y))[same], n)
    return np.where(c >= 2, mean, np.nan)


def _bgi(mmol: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kovatchev low/high BG risk per value (Diabetes Care 1998; BG in mg/dL inside)."""
    f = 1.509 * (np.log(np.maximum(mmol, 0.1) * MG_DL_PER_MMOL_L) ** 1.084 - 5.381)
    r = 10.0 * f * f
    return np.where(f < 0, r, 0.0), np.where(f > 0, r, 0.0)


# --- the feature computation ------------------------------------------------------------------------


def compute_features(cols: ReadingColumns, profiles: ProfileColumns, at: datetime | int) -> Features:
    """Every model feature and rule input for each resident, using readings up to `at` only."""
    at_s = epoch_seconds(at)
    n = cols.n_residents
    values: dict[str, np.ndarray] = {
        "age": profiles.age.astype(float),
        "has_hypertension": profiles.hypertension.astype(float),
        "has_diabetes": profiles.diabetes.astype(float),
        "has_ckd": profiles.ckd.astype(float),
        "target_sys": profiles.target_sys.astype(float),
        "target_dia": profiles.target_dia.astype(float),
    }
    _bp_features(cols, profiles, at_s, n, values)
    _glucose_features(cols, at_s, n, values)
    return Features(n, values)


def _bp_features(cols: ReadingColumns, prof: ProfileColumns, at_s: int, n: int, out: dict) -> None:
    day_at = int(local_day(at_s))
    first_day = day_at - (LOOKBACK_DAYS - 1)
    res, t, sbp, dbp = cols.bp_res, cols.bp_t, cols.bp_sbp, cols.bp_dbp
    in_time = (t <= at_s) & (local_day(t) >= first_day)
    ok = plausible_mask(sbp, dbp)
    out["bp_n_implausible_35"] = _count(res, n, in_time & ~ok)
    sel = in_time & ok
    res, t, sbp, dbp = res[sel], t[sel], sbp[sel].astype(float), dbp[sel].astype(float)
    order = _sorted_by(res, t)
    if order is not None:
        res, t, sbp, dbp = res[order], t[order], sbp[order], dbp[order]
    ts, td = prof.target_sys, prof.target_dia
    # a dangerous value that no repeat confirmed feeds neither the features nor the acute state
    # (ml.measurement; docs/clinical_rules.md §1.3a); it asks for a re-measurement instead
    drop, unconfirmed, confirmed_72h = batch_unconfirmed(res, t, sbp, dbp, n=n, at_s=at_s, lookback_s=ACUTE_LOOKBACK_HOURS * 3600,
                                          kind="bp")
    out["bp_unconfirmed_72h"] = unconfirmed.astype(float)
    shown = drop & (t > at_s - ACUTE_LOOKBACK_HOURS * 3600)
    out["bp_unconfirmed_sbp"] = _last(res[shown], sbp[shown], n)
    out["bp_unconfirmed_dbp"] = _last(res[shown], dbp[shown], n)
    out["bp_unconfirmed_t"] = _last(res[shown], t[shown].astype(float), n)
    out["bp_n_unconfirmed_35"] = _count(res, n, drop)
    if drop.any():
        keep = ~drop
        res, t, sbp, dbp = res[keep], t[keep], sbp[keep], dbp[keep]

    # reading-level: counts, last reading, acute values in the last 72 h
    r_rel = day_at - local_day(t)
    out["bp_n_readings_7"] = _count(res, n, r_rel < HBPM_WINDOW_DAYS)
    out["bp_n_readings_35"] = _count(res, n)
    last_s, last_d, last_t = _last(res, sbp, n), _last(res, dbp, n), _last(res, t.astype(float), n)
    out["bp_last_sbp"], out["bp_last_dbp"] = last_s, last_d
    out["bp_last_sbp_margin"], out["bp_last_dbp_margin"] = last_s - ts, last_d - td
    out["bp_days_since_last"] = (at_s - last_t) / DAY
    recent = t > at_s - ACUTE_LOOKBACK_HOURS * 3600
    out["bp_acute_72h"] = confirmed_72h > 0  # confirmed episodes only (ml.measurement)
    low_r = recent & (sbp < 90)
    out["bp_low_72h"] = _count(res, n, low_r)

    S = sessionize(res, t, sbp, dbp)
    rel = day_at - S.day
    sr, ss, sd_ = S.res, S.sbp, S.dbp
    above = (ss >= ts[sr]) | (sd_ >= td[sr])
    hb = (S.period > 0) & ~S.block_start  # counted in an HBPM mean (clinical_rules §1.3)
    w7 = rel < HBPM_WINDOW_DAYS
    base = rel >= HBPM_WINDOW_DAYS
    prev = base & (rel < 2 * HBPM_WINDOW_DAYS)

    # acute sessions in the last 72 h: the worst one for the reason text (residents with a confirmed episode)
    s_recent = S.t > at_s - ACUTE_LOOKBACK_HOURS * 3600
    s_acute = s_recent & ((S.max_sbp >= ACUTE_SBP) | (S.max_dbp >= ACUTE_DBP)) & out["bp_acute_72h"][sr]
    out["bp_acute_confirmed_72h"] = out["bp_acute_72h"]
    worst_s, worst_d, worst_t = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    if s_acute.any():
        idx = np.flatnonzero(s_acute)
        sev = np.maximum(S.max_sbp[idx] - ACUTE_SBP, (S.max_dbp[idx] - ACUTE_DBP) * 1.6)
        order2 = np.lexsort((sev, sr[idx]))  # last per resident = most severe
        idx, sev = idx[order2], sev[order2]
        is_last = np.ones(idx.shape[0], dtype=bool)
        is_last[:-1] = sr[idx][1:] != sr[idx][:-1]
        idx, r = idx[is_last], sr[idx[is_last]]
        worst_s[r], worst_d[r], worst_t[r] = S.max_sbp[idx], S.max_dbp[idx], S.t[idx]
    out["bp_acute_sbp"], out["bp_acute_dbp"], out["bp_acute_t"] = worst_s, worst_d, worst_t

    # current window: HBPM mean (morning+evening, day 1 dropped), fallback to any session
    m = w7 & hb
    hb_s, hb_n = _mean(sr, ss, n, m)
    hb_d, _ = _mean(sr, sd_, n, m)
    hb_days = _n_unique_days(sr[m], S.day[m], n)
    any_s, any_n = _mean(sr, ss, n, w7)
    any_d, _ = _mean(sr, sd_, n, w7)
    mean_s = np.where(hb_n > 0, hb_s, any_s)
    mean_d = np.where(hb_n > 0, hb_d, any_d)
    out["bp_n_sessions_7"] = any_n
    out["bp_hbpm_sessions_7"] = hb_n
    out["bp_days_7"] = _n_unique_days(sr[w7], S.day[w7], n)
    out["bp_adherence_7"] = out["bp_days_7"] / HBPM_WINDOW_DAYS
    sufficient = (hb_days >= HBPM_MIN_DAYS) & (hb_n >= HBPM_MIN_SESSIONS)
    out["bp_sufficient_7"] = sufficient.astype(float)
    out["bp_hbpm_sbp_7"], out["bp_hbpm_dbp_7"] = hb_s, hb_d
    out["bp_rule_uncontrolled"] = sufficient & ((hb_s >= ts) | (hb_d >= td))
    out["bp_mean_sbp_7"], out["bp_mean_dbp_7"] = mean_s, mean_d
    out["bp_sbp_margin_7"], out["bp_dbp_margin_7"] = mean_s - ts, mean_d - td
    out["bp_max_margin_7"] = np.fmax(mean_s - ts, 1.5 * (mean_d - td))
    for name, code in (("morning", PERIOD_MORNING), ("evening", PERIOD_EVENING)):
        pm = m & (S.period == code)
        ps, pn = _mean(sr, ss, n, pm)
        pd, _ = _mean(sr, sd_, n, pm)
        out[f"bp_{name}_sbp_7"], out[f"bp_{name}_dbp_7"], out[f"bp_{name}_n_7"] = ps, pd, pn
        out[f"bp_{name}_sbp_margin_7"], out[f"bp_{name}_dbp_margin_7"] = ps - ts, pd - td
    with np.errstate(invalid="ignore", divide="ignore"):
        out["bp_morning_share_7"] = np.where(hb_n > 0, out["bp_morning_n_7"] / np.maximum(hb_n, 1), np.nan)
    out["bp_median_sbp_margin_7"] = _median(sr[w7], ss[w7], n) - ts
    out["bp_median_dbp_margin_7"] = _median(sr[w7], sd_[w7], n) - td
    r3 = rel < 3
    r3_s, _ = _mean(sr, ss, n, r3)
    r3_d, _ = _mean(sr, sd_, n, r3)
    out["bp_recent3_sbp_margin"], out["bp_recent3_dbp_margin"] = r3_s - ts, r3_d - td

    # persistence: sessions and days above the personal target
    n_above_7 = _count(sr, n, w7 & above)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["bp_share_sessions_above_7"] = np.where(any_n > 0, n_above_7 / np.maximum(any_n, 1), np.nan)
    out["bp_sessions_above_35"] = _count(sr, n, above)
    d_res, d_day, d_s, d_d = _day_means(sr, S.day, ss, sd_)
    d_above = (d_s >= ts[d_res]) | (d_d >= td[d_res]) if d_res.shape[0] else np.empty(0, bool)
    d_w7 = (day_at - d_day) < HBPM_WINDOW_DAYS
    out["bp_days_above_7"] = _count(d_res, n, d_w7 & d_above)
    out["bp_days_above_35"] = _count(d_res, n, d_above)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["bp_share_days_above_7"] = np.where(
            out["bp_days_7"] > 0, out["bp_days_above_7"] / np.maximum(out["bp_days_7"], 1), np.nan)

    # trend and variability (session values; days relative to `at`)
    x = (S.t - at_s) / DAY
    out["bp_sbp_slope_7"] = _slope(sr[w7], x[w7], ss[w7], n)
    out["bp_sbp_slope_35"] = _slope(sr, x, ss, n, min_points=4)
    sd7, mean7 = _sd(sr[w7], ss[w7], n)
    sdd7, meand7 = _sd(sr[w7], sd_[w7], n)
    out["bp_sbp_sd_7"] = sd7
    with np.errstate(invalid="ignore", divide="ignore"):
        out["bp_sbp_cv_7"] = 100.0 * sd7 / mean7
        out["bp_dbp_cv_7"] = 100.0 * sdd7 / meand7
    out["bp_sbp_arv_7"] = _arv(sr[w7], ss[w7], n)

    # the resident's own baseline (28 days before the window) and the previous 7-day window
    mb = base & hb
    b_s, b_n = _mean(sr, ss, n, mb)
    b_d, _ = _mean(sr, sd_, n, mb)
    ba_s, ba_n = _mean(sr, ss, n, base)
    ba_d, _ = _mean(sr, sd_, n, base)
    base_s = np.where(b_n > 0, b_s, ba_s)
    base_d = np.where(b_n > 0, b_d, ba_d)
    out["bp_base_sbp"], out["bp_base_dbp"] = base_s, base_d
    out["bp_base_sbp_margin"], out["bp_base_dbp_margin"] = base_s - ts, base_d - td
    out["bp_base_sessions"] = ba_n
    out["bp_delta_sbp"], out["bp_delta_dbp"] = mean_s - base_s, mean_d - base_d
    mp = prev & hb
    p_s, p_n = _mean(sr, ss, n, mp)
    p_d, _ = _mean(sr, sd_, n, mp)
    p_days = _n_unique_days(sr[mp], S.day[mp], n)
    out["bp_prev_sbp_margin"], out["bp_prev_dbp_margin"] = p_s - ts, p_d - td
    out["bp_prev_uncontrolled"] = (p_days >= HBPM_MIN_DAYS) & (p_n >= HBPM_MIN_SESSIONS) & ((p_s >= ts) | (p_d >= td))

    # precision-weighted estimate of the current level: the 7-day mean, pulled towards the
    # resident's own baseline as much as its noise warrants (day-to-day SD 8.6/5.8, Ohasama)
    days7 = out["bp_days_7"]
    days_b = _n_unique_days(sr[base], S.day[base], n)
    n_eff = days7 + 0.25 * np.maximum(any_n - days7, 0)
    n_eff_b = days_b + 0.25 * np.maximum(ba_n - days_b, 0)
    for key, m7, mb, tgt, sigma, drift in (("sbp", mean_s, base_s, ts, DAY_SD_SBP, LEVEL_CHANGE_SD_SBP),
                                           ("dbp", mean_d, base_d, td, DAY_SD_DBP, LEVEL_CHANGE_SD_DBP)):
        est, z = _combine(m7, n_eff, mb, n_eff_b, tgt, sigma, drift)
        out[f"bp_est_{key}_margin"], out[f"bp_z_{key}"] = est - tgt, z
    out["bp_est_max_margin"] = np.fmax(out["bp_est_sbp_margin"], 1.5 * out["bp_est_dbp_margin"])
    out["bp_z_max"] = np.fmax(out["bp_z_sbp"], out["bp_z_dbp"])


def _combine(m_now, n_now, m_base, n_base, target, sigma, drift):
    """Precision-weighted level and its z-score against target; NaN when there are no data.

    The current mean has variance sigma^2/n_now; the baseline predicts the current level with
    variance sigma^2/n_base + drift^2 (levels move over weeks). Returns (estimate, z).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        w_now = np.where(n_now > 0, n_now / sigma**2, 0.0)
        w_base = np.where(n_base > 0, 1.0 / (sigma**2 / np.maximum(n_base, 1) + drift**2), 0.0)
        total = w_now + w_base
        est = (np.nan_to_num(m_now) * w_now + np.nan_to_num(m_base) * w_base) / total
        z = (est - target) * np.sqrt(total)
    return np.where(total > 0, est, np.nan), np.where(total > 0, z, np.nan)


def _glucose_features(cols: ReadingColumns, at_s: int, n: int, out: dict) -> None:
    day_at = int(local_day(at_s))
    first_day = day_at - (LOOKBACK_DAYS - 1)
    res, t, g, ctx = cols.glu_res, cols.glu_t, cols.glu_mmol, cols.glu_ctx
    in_time = (t <= at_s) & (local_day(t) >= first_day)
    ok = (g >= GLUCOSE_MMOL_RANGE[0]) & (g <= GLUCOSE_MMOL_RANGE[1])
    out["glu_n_implausible_35"] = _count(res, n, in_time & ~ok)
    sel = in_time & ok
    res, t, g, ctx = res[sel], t[sel], g[sel].astype(float), ctx[sel]
    order = _sorted_by(res, t)
    if order is not None:
        res, t, g, ctx = res[order], t[order], g[order], ctx[order]
    drop, unconfirmed, _ = batch_unconfirmed(res, t, g, None, n=n, at_s=at_s, lookback_s=ACUTE_LOOKBACK_HOURS * 3600,
                                          kind="glucose")
    out["glu_unconfirmed_72h"] = unconfirmed.astype(float)
    shown = drop & (t > at_s - ACUTE_LOOKBACK_HOURS * 3600)
    out["glu_unconfirmed_mmol"] = _last(res[shown], g[shown], n)
    out["glu_unconfirmed_t"] = _last(res[shown], t[shown].astype(float), n)
    if drop.any():
        keep = ~drop
        res, t, g, ctx = res[keep], t[keep], g[keep], ctx[keep]
    day = local_day(t)
    rel = day_at - day
    w7 = rel < HBPM_WINDOW_DAYS
    base = ~w7
    fasting = ctx == CTX_FASTING
    hi_f = FASTING_TARGET[1]

    out["glu_n_7"] = _count(res, n, w7)
    out["glu_n_35"] = _count(res, n)
    out["glu_days_7"] = _n_unique_days(res[w7], day[w7], n)
    fm, fn = _mean(res, g, n, w7 & fasting)
    out["glu_fasting_mean_7"], out["glu_fasting_n_7"] = fm, fn
    out["glu_fasting_margin_7"] = fm - hi_f
    f7 = w7 & fasting
    fr, fd, fv = _day_means(res[f7], day[f7], g[f7])
    out["glu_fasting_days_above_7"] = _count(fr, n, fv >= hi_f) if fr.shape[0] else np.zeros(n)
    nm, nn = _mean(res, g, n, w7 & ~fasting)
    out["glu_nonfasting_mean_7"], out["glu_nonfasting_n_7"] = nm, nn
    out["glu_above_target_35"] = _count(res, n, (fasting & (g >= hi_f)) | (~fasting & (g >= NON_FASTING_TARGET_BELOW)))
    out["glu_above_days_35"] = _n_unique_days(
        res[(fasting & (g >= hi_f)) | (~fasting & (g >= NON_FASTING_TARGET_BELOW))],
        day[(fasting & (g >= hi_f)) | (~fasting & (g >= NON_FASTING_TARGET_BELOW))], n)
    bm, bn = _mean(res, g, n, base & fasting)
    out["glu_base_fasting_mean"], out["glu_base_fasting_n"] = bm, bn
    out["glu_delta_fasting"] = fm - bm
    est, z = _combine(fm, fn, bm, bn, hi_f, FASTING_DAY_SD, FASTING_CHANGE_SD)
    out["glu_est_fasting_margin"], out["glu_z_fasting"] = est - hi_f, z
    out["glu_last_fasting_margin"] = _last(res[fasting], g[fasting], n) - hi_f
    x = (t - at_s) / DAY
    out["glu_fasting_slope_35"] = _slope(res[fasting], x[fasting], g[fasting], n, min_points=4)
    sd, mean = _sd(res, g, n)
    out["glu_mean_35"] = mean
    with np.errstate(invalid="ignore", divide="ignore"):
        out["glu_cv_35"] = 100.0 * sd / mean
    lo_r, hi_r = _bgi(g)
    lbgi, c = _mean(res, lo_r, n)
    hbgi, _ = _mean(res, hi_r, n)
    out["glu_lbgi_35"], out["glu_hbgi_35"] = lbgi, hbgi

    # hypoglycaemia episodes in 7 days: low readings within 60 min are one episode (a recheck)
    low = w7 & (g < HYPO_LEVEL1_BELOW)
    lr, lt, lg = res[low], t[low], g[low]
    ep_new = np.ones(lr.shape[0], dtype=bool)
    if lr.shape[0] > 1:
        ep_new[1:] = (lr[1:] != lr[:-1]) | ((lt[1:] - lt[:-1]) > HYPO_EPISODE_MERGE_MINUTES * 60)
    ep_id = np.cumsum(ep_new) - 1
    ep_min = np.full(int(ep_new.sum()), np.inf)
    if lr.shape[0]:
        np.minimum.at(ep_min, ep_id, lg)
    ep_res = lr[ep_new]
    lvl2 = ep_min < HYPO_LEVEL2_BELOW
    out["glu_hypo1_episodes_7"] = _count(ep_res, n, ~lvl2)
    out["glu_hypo2_episodes_7"] = _count(ep_res, n, lvl2)
    out["glu_hyper_n_7"] = _count(res, n, w7 & (g >= HYPER_URGENT))
    out["glu_min_7"] = _extreme(res[w7], g[w7], n, np.minimum, np.inf)
    recent = t > at_s - ACUTE_LOOKBACK_HOURS * 3600
    out["glu_min_72h"] = _extreme(res[recent], g[recent], n, np.minimum, np.inf)
    out["glu_max_72h"] = _extreme(res[recent], g[recent], n, np.maximum, -np.inf)
    out["glu_hyper_n_72h"] = _count(res, n, recent & (g >= HYPER_URGENT))


def _extreme(res: np.ndarray, vals: np.ndarray, n: int, ufunc: np.ufunc, init: float) -> np.ndarray:
    out = np.full(n, init)
    if res.shape[0]:
        ufunc.at(out, res, vals)
    return np.where(np.isfinite(out), out, np.nan)


def features_for_windows(windows: Sequence[ResidentWindow], at: datetime) -> Features:
    """Convenience: `compute_features` on resident objects."""
    cols, prof = columns_from_windows(windows)
    return compute_features(cols, prof, at)


__all__ = [
    "BP_FEATURES", "GLUCOSE_FEATURES", "Features", "GlucosePoint", "ProfileColumns", "ReadingColumns",
    "ResidentProfile", "ResidentWindow", "columns_from_windows", "compute_features",
    "context_code", "epoch_seconds", "features_for_windows", "without_top_values",
]


def without_top_values(cols: ReadingColumns, profiles: ProfileColumns, at: datetime | int) -> ReadingColumns:
    """The readings minus each resident's single most-above-target BP session and glucose value
    of the last 7 days: a trend flag must hold without them (one odd reading never flags)."""
    at_s = epoch_seconds(at)
    since = (int(local_day(at_s)) - (HBPM_WINDOW_DAYS - 1)) * DAY - LOCAL_UTC_OFFSET_SECONDS
    keep_bp = np.ones(cols.bp_res.shape[0], dtype=bool)
    order = _sorted_by(cols.bp_res, cols.bp_t)
    idx = np.arange(cols.bp_res.shape[0]) if order is None else order
    res, t = cols.bp_res[idx], cols.bp_t[idx]
    sbp, dbp = cols.bp_sbp[idx].astype(float), cols.bp_dbp[idx].astype(float)
    sel = np.flatnonzero((t <= at_s) & (t >= since) & plausible_mask(sbp, dbp))
    if sel.shape[0]:
        # the top session among what the features see: unconfirmed dangerous values are not there, and
        # a discordant first reading does not count in its session's value (ml.measurement)
        unconfirmed, _, _ = batch_unconfirmed(res[sel], t[sel], sbp[sel], dbp[sel], n=cols.n_residents, at_s=at_s,
                                              lookback_s=ACUTE_LOOKBACK_HOURS * 3600, kind="bp")
        sel = sel[~unconfirmed]
    if sel.shape[0]:
        r, tt = res[sel], t[sel]
        new = np.empty(sel.shape[0], dtype=bool)
        new[0] = True
        new[1:] = (r[1:] != r[:-1]) | ((tt[1:] - tt[:-1]) > SESSION_GAP_SECONDS)
        sid = np.cumsum(new) - 1
        starts = np.flatnonzero(new)
        counts = np.diff(np.append(starts, sel.shape[0]))
        s_res = r[starts]
        ss, dd = sbp[sel], dbp[sel]
        drop = discordant_first(starts, counts, ss, dd)
        counted = counts - drop
        ms = (np.add.reduceat(ss, starts) - np.where(drop, ss[starts], 0.0)) / counted - profiles.target_sys[s_res]
        md = (np.add.reduceat(dd, starts) - np.where(drop, dd[starts], 0.0)) / counted - profiles.target_dia[s_res]
        top = _argmax_per_group(s_res, np.maximum(ms, 1.5 * md))
        keep_bp[idx[sel[np.isin(sid, top)]]] = False
    keep_glu = np.ones(cols.glu_res.shape[0], dtype=bool)
    g, ctx = cols.glu_mmol.astype(float), cols.glu_ctx
    gsel = np.flatnonzero((cols.glu_t <= at_s) & (cols.glu_t >= since)
                          & (g >= GLUCOSE_MMOL_RANGE[0]) & (g <= GLUCOSE_MMOL_RANGE[1]))
    if gsel.shape[0]:
        go = np.lexsort((cols.glu_t[gsel], cols.glu_res[gsel]))
        gsel = gsel[go]
        unconfirmed, _, _ = batch_unconfirmed(cols.glu_res[gsel], cols.glu_t[gsel], g[gsel], None, n=cols.n_residents,
                                              at_s=at_s, lookback_s=ACUTE_LOOKBACK_HOURS * 3600, kind="glucose")
        gsel = gsel[~unconfirmed]
    if gsel.shape[0]:
        target = np.where(ctx[gsel] == CTX_FASTING, FASTING_TARGET[1], NON_FASTING_TARGET_BELOW)
        top = _argmax_per_group(cols.glu_res[gsel], g[gsel] - target)
        keep_glu[gsel[top]] = False
    return ReadingColumns(
        n_residents=cols.n_residents,
        bp_res=cols.bp_res[keep_bp], bp_t=cols.bp_t[keep_bp], bp_sbp=cols.bp_sbp[keep_bp], bp_dbp=cols.bp_dbp[keep_bp],
        glu_res=cols.glu_res[keep_glu], glu_t=cols.glu_t[keep_glu], glu_mmol=cols.glu_mmol[keep_glu],
        glu_ctx=cols.glu_ctx[keep_glu],
    )


def _argmax_per_group(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Positions (into the inputs) of the largest value of each group."""
    order = np.lexsort((value, group))
    g = group[order]
    is_last = np.ones(g.shape[0], dtype=bool)
    is_last[:-1] = g[1:] != g[:-1]
    return order[is_last]
