"""Seeded cohort simulator: home BP and glucose readings with labels from latent true values.

No real home-BP series ships offline (clinical_rules §4), so the trend model is trained on a
parametric generator calibrated to published home-BP statistics:
- between-person spread of treated hypertensives: home SBP 134.2 +/- 14.3 (J-HOP, Hoshide 2018);
- day-to-day SD 8.6 +/- 3.1 / 5.8 +/- 2.0 mmHg (Ohasama, Kato et al.), AR(1) between days;
- morning - evening SBP difference, a subset >15 mmHg (Eguchi & Kario 2007);
- day-1 excess +2.8/+1.4 mmHg, settling by day 3 (ESH 2021, 2,122 participants);
- noise between duplicate readings 1 min apart and a higher first reading;
- missing days, sparse and lapsed measurers, 7-day blocks, starters;
- gradual drifts, step changes after stopping (or adding) a drug, true spikes >=180/110;
- artefacts (`ARTEFACT_KINDS`): a typo (one digit wrong), swapped SBP/DBP, a dropped or an extra
  digit, a unit slip (kPa), a digit slip (a single plausible 180-199 reading, never repeated) and a
  cuff error (a wild first reading 190-245/112-140, then two normal repeats in the same session);
- residents re-measure a dangerous value as they are asked to (docs/clinical_rules.md §1.3a): a
  true spike >=180/110 and a true glucose <3.0 or >=16.7 come with an agreeing repeat;
- glucose (diabetes): fasting/post-meal 2-7 times a week (CDS 2020 SMBG advice), meter CV ~5 %,
  drifts, single and recurrent hypoglycaemia (level 1 and 2), rare values >=16.7, mg/dL unit slips
  and single unrepeated high values (sugar on the finger).

Labels are computed from the latent true values (the person's underlying level and the true
value of each measured session), never from the noisy readings.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from ml.clinical import (
    ACUTE_DBP,
    ACUTE_LOOKBACK_HOURS,
    ACUTE_SBP,
    FASTING_TARGET,
    HYPER_URGENT,
    HYPO_LEVEL1_BELOW,
    HYPO_LEVEL2_BELOW,
    HYPO_RECURRENT_EPISODES,
    LOCAL_UTC_OFFSET_SECONDS,
    BpTarget,
)
from ml.features import (
    CTX_FASTING,
    CTX_POSTPRANDIAL,
    CTX_RANDOM,
    GLUCOSE_CONTEXTS,
    GlucosePoint,
    ReadingColumns,
    ResidentProfile,
    ResidentWindow,
)
from ml.hbpm import BpPoint

DEFAULT_AT = datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
DAY = 86400
WARMUP_DAYS = 7  # simulated before the output range so that block starts are known

# measurement patterns (BP)
DAILY_BOTH, MORNING_ONLY, BLOCK, SPARSE, LAPSED, STARTER, NEVER = range(7)
PATTERN_NAMES = ("daily_both", "morning_only", "block", "sparse", "lapsed", "starter", "never")
# measurement artefacts (per BP reading; 0 = none)
ARTEFACT_KINDS = ("none", "typo", "swapped", "dropped_digit", "extra_digit", "unit_slip", "digit_slip", "cuff_error")
TYPO, SWAPPED, DROPPED, EXTRA, UNIT, SLIP, CUFF = range(1, 8)
# latent BP events
STABLE, DRIFT_UP, DRIFT_DOWN, STEP_UP, STEP_DOWN = range(5)
EVENT_NAMES = ("stable", "drift_up", "drift_down", "step_up", "step_down")


@dataclass(frozen=True)
class SimConfig:
    """Generator parameters; the defaults follow the sources in the module docstring."""

    days: int = 35
    p_hypertension: float = 0.85
    p_diabetes_given_htn: float = 0.35
    p_ckd: float = 0.06
    p_custom_target: float = 0.08
    # between-person home BP of treated hypertensives (mid-level of morning and evening)
    sbp_mean: float = 133.0
    sbp_sd: float = 14.0
    dbp_mean: float = 80.0
    dbp_sd: float = 6.5  # residual SD after the SBP and age terms
    sbp_mean_normotensive: float = 122.0
    me_dif_mean: float = 5.0  # morning - evening SBP
    me_dif_sd: float = 7.0
    # day-to-day SD of home values (Ohasama) and its split
    day_sd_sbp: tuple[float, float] = (8.6, 3.1)
    day_sd_dbp: tuple[float, float] = (5.8, 2.0)
    day_ar: float = 0.3
    session_sd: tuple[float, float] = (3.0, 2.0)
    reading_sd: tuple[float, float] = (4.0, 3.0)
    first_reading_excess: tuple[float, float] = (2.0, 0.8)
    day1_excess: tuple[float, float] = (2.8, 1.4)
    day2_fraction: float = 0.4
    # patterns: daily_both, morning_only, block, sparse, lapsed, starter, never
    pattern_p: tuple[float, ...] = (0.28, 0.14, 0.18, 0.20, 0.08, 0.06, 0.06)
    readings_per_session_p: tuple[float, float, float] = (0.25, 0.60, 0.15)
    # events: stable, drift_up, drift_down, step_up, step_down
    event_p: tuple[float, ...] = (0.58, 0.15, 0.06, 0.12, 0.09)
    drift_sbp: tuple[float, float] = (8.0, 30.0)
    step_sbp: tuple[float, float] = (10.0, 25.0)
    p_spike: float = 0.03
    artefact_rate: float = 0.006  # per reading: typo, swapped, dropped/extra digit, unit slip
    digit_slip_rate: float = 0.004  # per single-reading session: one plausible 180-199 reading
    cuff_error_rate: float = 0.004  # per session: a wild first reading, two normal repeats
    # glucose
    fasting_mean: float = 6.9
    fasting_sd: float = 1.6
    p_hypo_prone: float = 0.30
    p_recurrent_given_prone: float = 0.25
    p_hyper_event: float = 0.03
    meter_cv: float = 0.05
    glucose_artefact_rate: float = 0.004


@dataclass
class Cohort:
    """A simulated cohort: profiles, columnar readings (with pulse) and latent labels."""

    at: datetime
    seed: int
    profiles: list[ResidentProfile]
    columns: ReadingColumns
    bp_pulse: np.ndarray
    bp_artefact: np.ndarray  # per BP reading: True when the value is an injected artefact
    bp_artefact_kind: np.ndarray | None = None  # per BP reading: index into ARTEFACT_KINDS
    labels: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.profiles)

    def data_hash(self) -> str:
        """SHA-256 of the readings, profiles and labels (the training-data fingerprint)."""
        h = hashlib.sha256()
        c = self.columns
        for arr in (c.bp_res, c.bp_t, c.bp_sbp, c.bp_dbp, c.glu_res, c.glu_t, c.glu_mmol, c.glu_ctx):
            h.update(np.ascontiguousarray(arr).tobytes())
        for p in self.profiles:
            h.update(f"{p.resident_id}|{p.age}|{p.sex}|{sorted(p.conditions)}|{p.bp_target}".encode())
        for key in sorted(self.labels):
            h.update(key.encode())
            h.update(np.ascontiguousarray(self.labels[key]).tobytes())
        return h.hexdigest()


def shifted_config() -> SimConfig:
    """A deliberately different cohort for a robustness check (noisier, sparser, other mix)."""
    return replace(
        SimConfig(),
        sbp_mean=139.0, sbp_sd=16.0, dbp_mean=82.0, me_dif_mean=8.0, me_dif_sd=9.0,
        day_sd_sbp=(10.0, 3.5), day_sd_dbp=(6.5, 2.2), day_ar=0.45, reading_sd=(5.0, 3.5),
        pattern_p=(0.18, 0.22, 0.12, 0.30, 0.08, 0.04, 0.06),
        event_p=(0.50, 0.20, 0.05, 0.15, 0.10), artefact_rate=0.02,
        fasting_mean=7.6, fasting_sd=2.0, meter_cv=0.07,
    )


def simulate(n_residents: int, *, seed: int, at: datetime = DEFAULT_AT, config: SimConfig | None = None) -> Cohort:
    """Simulate `n_residents` residents over the `config.days` local days ending at `at`."""
    cfg = config or SimConfig()
    rng = np.random.default_rng(seed)
    n = n_residents
    at_s = int(at.timestamp())
    day_at = (at_s + LOCAL_UTC_OFFSET_SECONDS) // DAY
    T = cfg.days + WARMUP_DAYS
    first_day = day_at - (T - 1)
    day_start = (first_day + np.arange(T)) * DAY - LOCAL_UTC_OFFSET_SECONDS  # local midnight, epoch s
    k_out = WARMUP_DAYS  # first output day index

    # --- residents ---
    age = np.clip(np.round(rng.normal(66, 10, n)), 35, 95).astype(int)
    sex = np.where(rng.random(n) < 0.5, "M", "F")
    htn = rng.random(n) < cfg.p_hypertension
    dm = np.where(htn, rng.random(n) < cfg.p_diabetes_given_htn, True)
    ckd = rng.random(n) < cfg.p_ckd
    custom = rng.random(n) < cfg.p_custom_target
    custom_choice = rng.integers(0, 3, n)
    profiles: list[ResidentProfile] = []
    for i in range(n):
        conds = {c for c, on in (("hypertension", htn[i]), ("diabetes", dm[i]), ("ckd", ckd[i])) if on}
        target = None
        if custom[i]:
            target = (BpTarget(140, 90), BpTarget(130, 80), BpTarget(135, 85))[custom_choice[i]]
        profiles.append(ResidentProfile(f"R{seed % 1000:03d}{i:06d}", int(age[i]), str(sex[i]), frozenset(conds), target))
    ts = np.array([p.target.systolic for p in profiles], float)
    td = np.array([p.target.diastolic for p in profiles], float)

    # --- latent BP ---
    mu_s = np.where(htn, rng.normal(cfg.sbp_mean, cfg.sbp_sd, n), rng.normal(cfg.sbp_mean_normotensive, 9, n))
    mu_s += 0.25 * (age - 66)
    mu_d = cfg.dbp_mean - 0.35 * (age - 66) + 0.35 * (mu_s - cfg.sbp_mean) + rng.normal(0, cfg.dbp_sd, n)
    me_s = rng.normal(cfg.me_dif_mean, cfg.me_dif_sd, n)
    me_d = 0.5 * me_s + rng.normal(0, 2.0, n)
    tot_s = rng.gamma((cfg.day_sd_sbp[0] / cfg.day_sd_sbp[1]) ** 2, cfg.day_sd_sbp[1] ** 2 / cfg.day_sd_sbp[0], n)
    tot_d = tot_s * cfg.day_sd_dbp[0] / cfg.day_sd_sbp[0] * rng.lognormal(0, 0.2, n)
    sig_s = np.sqrt(np.maximum(tot_s**2 - cfg.session_sd[0] ** 2 - cfg.reading_sd[0] ** 2 / 2, 4.0))
    sig_d = np.sqrt(np.maximum(tot_d**2 - cfg.session_sd[1] ** 2 - cfg.reading_sd[1] ** 2 / 2, 2.0))
    dev_s, dev_d = _ar_pair(rng, n, T, cfg.day_ar, sig_s, sig_d, rho=0.6)
    event = rng.choice(5, n, p=cfg.event_p)
    trend_s, trend_d = _events(rng, n, T, event, cfg)
    level_s = mu_s[:, None] + trend_s  # underlying level: the control status is judged on it
    level_d = mu_d[:, None] + trend_d

    # --- BP schedule, sessions and readings ---
    pattern = np.where(htn, rng.choice(7, n, p=cfg.pattern_p), rng.choice([SPARSE, NEVER], n, p=[0.4, 0.6]))
    M, E, O = _bp_schedule(rng, n, T, pattern)
    measured = M | E | O
    block1 = _block_starts(measured)
    day2 = np.zeros_like(block1)
    day2[:, 1:] = block1[:, :-1] & measured[:, 1:]
    s_res, s_k, s_per, s_t = _sessions(rng, M, E, O, day_start)
    keep = (s_k >= k_out) & (s_t <= at_s)
    s_res, s_k, s_per, s_t = s_res[keep], s_k[keep], s_per[keep], s_t[keep]
    per_off_s = np.select([s_per == 1, s_per == 2], [me_s[s_res] / 2, -me_s[s_res] / 2], -1.0)
    per_off_d = np.select([s_per == 1, s_per == 2], [me_d[s_res] / 2, -me_d[s_res] / 2], -0.5)
    ns = s_res.shape[0]
    true_s = level_s[s_res, s_k] + dev_s[s_res, s_k] + per_off_s + rng.normal(0, cfg.session_sd[0], ns)
    true_d = level_d[s_res, s_k] + dev_d[s_res, s_k] + per_off_d + rng.normal(0, cfg.session_sd[1], ns)
    # true spikes >=180/110 on one recent session (days 0-4 before `at`)
    spike = np.zeros(ns, dtype=bool)
    spikers = np.flatnonzero(rng.random(n) < cfg.p_spike)
    recent_ok = s_t > at_s - 5 * DAY
    by_res = _group_index(s_res[recent_ok], n)
    recent_idx = np.flatnonzero(recent_ok)
    for r in spikers:
        cand = recent_idx[by_res[r]:by_res[r + 1]]
        if cand.shape[0]:
            j = cand[rng.integers(cand.shape[0])]
            spike[j] = True
            if rng.random() < 0.75:
                true_s[j] = max(true_s[j] + 45, rng.uniform(188, 220))
                true_d[j] = max(true_d[j] + 15, true_d[j])
            else:
                true_d[j] = max(true_d[j] + 25, rng.uniform(114, 128))
                true_s[j] = max(true_s[j] + 25, true_d[j] + 40)
    excess_s = cfg.day1_excess[0] * (block1[s_res, s_k] + cfg.day2_fraction * day2[s_res, s_k])
    excess_d = cfg.day1_excess[1] * (block1[s_res, s_k] + cfg.day2_fraction * day2[s_res, s_k])

    n_read = rng.choice([1, 2, 3], ns, p=cfg.readings_per_session_p)
    n_read[spike] = np.maximum(n_read[spike], 2)  # told to re-measure, the resident does: it agrees
    cuff = (rng.random(ns) < cfg.cuff_error_rate) & ~spike
    n_read[cuff] = 3
    slip = (rng.random(ns) < cfg.digit_slip_rate) & ~spike & ~cuff & (n_read == 1)
    r_sess = np.repeat(np.arange(ns), n_read)
    r_j = np.arange(r_sess.shape[0]) - np.repeat(np.cumsum(n_read) - n_read, n_read)
    gaps = rng.integers(60, 121, r_sess.shape[0]) * (r_j > 0)
    r_t = s_t[r_sess] + _cumsum_within(gaps, r_sess)
    m = r_sess.shape[0]
    first = r_j == 0
    r_s = true_s[r_sess] + excess_s[r_sess] + cfg.first_reading_excess[0] * first + rng.normal(0, cfg.reading_sd[0], m)
    r_d = true_d[r_sess] + excess_d[r_sess] + cfg.first_reading_excess[1] * first + rng.normal(0, cfg.reading_sd[1], m)
    r_s, r_d = np.round(r_s), np.round(r_d)
    r_d = np.minimum(r_d, r_s - 15)  # a real SBP stays above DBP
    pulse = np.round(rng.normal(74, 9, n)[s_res[r_sess]] + rng.normal(0, 3, m))
    r_s, r_d, kind = _bp_artefacts(rng, r_s, r_d, cfg.artefact_rate)
    first_cuff = first & cuff[r_sess]
    r_s[first_cuff] = rng.integers(190, 246, int(first_cuff.sum()))
    r_d[first_cuff] = rng.integers(112, 141, int(first_cuff.sum()))
    kind[first_cuff] = CUFF
    slipped = slip[r_sess]
    r_s[slipped] = rng.integers(180, 200, int(slipped.sum()))
    r_d[slipped] = np.minimum(r_d[slipped], r_s[slipped] - 40)
    kind[slipped] = SLIP
    artefact = kind > 0
    r_res = s_res[r_sess]
    in_range = r_t <= at_s  # a session just before `at` may have readings after it
    r_res, r_t, r_s, r_d, pulse, artefact, kind = (a[in_range] for a in (r_res, r_t, r_s, r_d, pulse, artefact, kind))

    # --- glucose ---
    g_res, g_t, g_val, g_ctx, g_latent, g_latent_level = _glucose(rng, n, T, k_out, dm, day_start, at_s, cfg)

    # --- labels from latent values ---
    last7 = slice(T - 7, T)
    true7_s = level_s[:, last7].mean(axis=1)
    true7_d = level_d[:, last7].mean(axis=1)
    bp_assessed = htn | (np.bincount(r_res, minlength=n) > 0)
    bp_unc = bp_assessed & ((true7_s >= ts) | (true7_d >= td))  # as ml.clinical.bp_above_target
    recent72 = s_t > at_s - ACUTE_LOOKBACK_HOURS * 3600
    acute_bp = np.bincount(s_res[recent72 & ((true_s >= ACUTE_SBP) | (true_d >= ACUTE_DBP))], minlength=n) > 0
    g_recent = g_t > at_s - ACUTE_LOOKBACK_HOURS * 3600
    acute_glu = np.bincount(g_res[g_recent & ((g_latent < HYPO_LEVEL2_BELOW) | (g_latent >= HYPER_URGENT))],
                            minlength=n) > 0
    g_week = g_t > at_s - 7 * DAY
    hypo_any = np.bincount(g_res[g_week & (g_latent < HYPO_LEVEL1_BELOW)], minlength=n)
    hypo2 = np.bincount(g_res[g_week & (g_latent < HYPO_LEVEL2_BELOW)], minlength=n)
    hypo_rec = (hypo_any >= HYPO_RECURRENT_EPISODES) | (hypo2 > 0)
    glu_true7 = g_latent_level[:, last7].mean(axis=1)
    glu_unc = dm & (glu_true7 >= FASTING_TARGET[1])
    labels = {
        "bp_assessed": bp_assessed,
        "bp_uncontrolled": bp_unc,
        "bp_true_sbp_7": true7_s,
        "bp_true_dbp_7": true7_d,
        "glu_assessed": dm.copy(),
        "glu_uncontrolled": glu_unc,
        "glu_true_fasting_7": glu_true7,
        "acute_72h": acute_bp | acute_glu,
        "acute_bp_72h": acute_bp,
        "acute_glu_72h": acute_glu,
        "hypo_recurrent": hypo_rec,
        "needs_review": bp_unc | glu_unc | acute_bp | acute_glu | hypo_rec,
        "spike": np.bincount(s_res[spike], minlength=n) > 0,
        "spike_72h": np.bincount(s_res[spike & recent72], minlength=n) > 0,
        "pattern": pattern,
        "event": event,
    }
    cols = ReadingColumns(
        n_residents=n,
        bp_res=r_res.astype(np.int64),
        bp_t=r_t.astype(np.int64),
        bp_sbp=r_s,
        bp_dbp=r_d,
        glu_res=g_res,
        glu_t=g_t,
        glu_mmol=g_val,
        glu_ctx=g_ctx,
    )
    return Cohort(at=at, seed=seed, profiles=profiles, columns=cols, bp_pulse=pulse,
                  bp_artefact=artefact, bp_artefact_kind=kind.astype(np.int8), labels=labels)


# --- pieces ---------------------------------------------------------------------------------------


def _ar_pair(rng, n, T, phi, sig_a, sig_b, rho):
    """Two correlated AR(1) day series per person with marginal SDs sig_a, sig_b."""
    z1 = rng.normal(size=(n, T))
    z2 = rho * z1 + np.sqrt(1 - rho * rho) * rng.normal(size=(n, T))
    a, b = np.empty((n, T)), np.empty((n, T))
    a[:, 0], b[:, 0] = z1[:, 0], z2[:, 0]
    c = np.sqrt(1 - phi * phi)
    for k in range(1, T):
        a[:, k] = phi * a[:, k - 1] + c * z1[:, k]
        b[:, k] = phi * b[:, k - 1] + c * z2[:, k]
    return a * sig_a[:, None], b * sig_b[:, None]


def _events(rng, n, T, event, cfg):
    k = np.arange(T)[None, :]
    onset = rng.integers(0, T - 3, n)[:, None]
    length = rng.integers(7, 22, n)[:, None]
    drift = rng.uniform(*cfg.drift_sbp, n)[:, None]
    step = rng.uniform(*cfg.step_sbp, n)[:, None]
    ramp = np.clip((k - onset) / length, 0, 1)
    jump = np.clip((k - onset + 1) / 2.0, 0, 1)
    e = event[:, None]
    trend_s = np.select(
        [e == DRIFT_UP, e == DRIFT_DOWN, e == STEP_UP, e == STEP_DOWN],
        [drift * ramp, -0.7 * drift * ramp, step * jump, -0.8 * step * jump], 0.0)
    trend_d = trend_s * rng.uniform(0.4, 0.6, n)[:, None]
    return trend_s, trend_d


def _bp_schedule(rng, n, T, pattern):
    k = np.arange(T)[None, :]
    p = pattern[:, None]
    u = rng.random((n, T, 4))
    p_day = np.select([p == DAILY_BOTH, p == MORNING_ONLY, p == SPARSE],
                      [rng.uniform(0.75, 0.98, n)[:, None], rng.uniform(0.7, 0.95, n)[:, None],
                       rng.uniform(0.08, 0.45, n)[:, None]], 0.9)
    day = u[..., 0] < p_day
    both_m, both_e = day & (u[..., 1] < 0.95), day & (u[..., 2] < 0.85)
    block_start = rng.integers(WARMUP_DAYS, T - 2, n)[:, None]
    in_block = (k >= block_start) & (k < block_start + 7)
    weekly = (k % 7 == rng.integers(0, 7, n)[:, None]) & (u[..., 3] < 0.55) & ~in_block
    stop = rng.integers(T - 20, T - 1, n)[:, None]
    start = rng.integers(T - 14, T, n)[:, None]
    sp_choice = u[..., 3]
    M = np.select(
        [p == DAILY_BOTH, p == MORNING_ONLY, p == BLOCK, p == SPARSE, p == LAPSED, p == STARTER],
        [both_m, day, (in_block & both_m) | weekly, day & (sp_choice < 0.5), both_m & (k < stop), both_m & (k >= start)],
        False)
    E = np.select(
        [p == DAILY_BOTH, p == BLOCK, p == SPARSE, p == LAPSED, p == STARTER],
        [both_e & (u[..., 3] < 0.9), in_block & both_e, day & (sp_choice >= 0.5) & (sp_choice < 0.8),
         both_e & (k < stop), both_e & (k >= start)], False)
    O = np.select([p == DAILY_BOTH, p == SPARSE], [both_e & (u[..., 3] >= 0.9), day & (sp_choice >= 0.8)], False)
    return M.astype(bool), E.astype(bool), O.astype(bool)


def _block_starts(measured):
    """Day 1 of a block: measured, with no measurement in the 7 days before (in simulated range)."""
    n, T = measured.shape
    cs = np.concatenate([np.zeros((n, 1), int), np.cumsum(measured, axis=1)], axis=1)
    k = np.arange(T)
    lo = np.maximum(k - 7, 0)
    before = cs[:, k] - cs[:, lo]
    return measured & (before == 0)


def _sessions(rng, M, E, O, day_start):
    parts = []
    for code, mask, (h0, span) in ((1, M, (6.0, 3.5)), (2, E, (19.0, 3.5)), (0, O, (12.0, 5.5))):
        r, k = np.nonzero(mask)
        off = (h0 + rng.random(r.shape[0]) * span) * 3600
        parts.append((r, k, np.full(r.shape[0], code, np.int8), day_start[k] + off.astype(np.int64)))
    res = np.concatenate([p[0] for p in parts])
    k = np.concatenate([p[1] for p in parts])
    per = np.concatenate([p[2] for p in parts])
    t = np.concatenate([p[3] for p in parts])
    order = np.lexsort((t, res))
    return res[order], k[order], per[order], t[order]


def _group_index(sorted_res, n):
    return np.concatenate([[0], np.cumsum(np.bincount(sorted_res, minlength=n))])


def _cumsum_within(vals, group):
    cs = np.cumsum(vals)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    offset = np.repeat(cs[starts] - vals[starts], np.diff(np.r_[starts, group.shape[0]]))
    return cs - offset


def _bp_artefacts(rng, s, d, rate):
    """Per-reading entry slips; returns (sbp, dbp, kind) with kind an index into ARTEFACT_KINDS."""
    s, d = s.copy(), d.copy()
    m = s.shape[0]
    hit = rng.random(m) < rate
    kind = np.where(hit, rng.choice([TYPO, SWAPPED, DROPPED, EXTRA, UNIT], m), 0).astype(np.int8)
    for j in np.flatnonzero(hit):
        field = int(rng.integers(0, 2))  # 0 systolic, 1 diastolic
        value = int(s[j] if field == 0 else d[j])
        text = str(value)
        k = int(rng.integers(0, len(text)))
        if kind[j] == SWAPPED:
            s[j], d[j] = d[j], s[j]
            continue
        if kind[j] == UNIT:  # read off a kPa scale: 135/85 -> 18/11
            s[j], d[j] = round(s[j] / 7.5), round(d[j] / 7.5)
            continue
        if kind[j] == TYPO:  # one digit replaced by another
            new = text[:k] + str((int(text[k]) + int(rng.integers(1, 10))) % 10) + text[k + 1:]
        elif kind[j] == DROPPED:
            new = text[:k] + text[k + 1:]
        else:  # EXTRA: a key pressed twice
            new = text[:k + 1] + text[k] + text[k + 1:]
        new_value = int(new) if new and new.lstrip("0") else 0
        if field == 0:
            s[j] = new_value
        else:
            d[j] = new_value
    return s, d, kind


def _glucose(rng, n, T, k_out, dm, day_start, at_s, cfg):
    """Glucose readings of diabetic residents and the latent fasting level per day."""
    k = np.arange(T)[None, :]
    mu_f = np.clip(rng.normal(cfg.fasting_mean, cfg.fasting_sd, n), 4.6, 15.0)
    prone = dm & (rng.random(n) < cfg.p_hypo_prone)
    recurrent = prone & (rng.random(n) < cfg.p_recurrent_given_prone)
    kind = rng.choice(3, n, p=[0.75, 0.18, 0.07])  # stable, worsening, improving
    onset = rng.integers(0, T - 3, n)[:, None]
    length = rng.integers(7, 22, n)[:, None]
    ramp = np.clip((k - onset) / length, 0, 1)
    amp = rng.uniform(1.0, 4.0, n)[:, None]
    trend = np.select([kind[:, None] == 1, kind[:, None] == 2], [amp * ramp, -0.7 * amp * ramp], 0.0)
    level = mu_f[:, None] + trend  # latent fasting level: control is judged on it
    sig = rng.uniform(0.4, 1.1, n)
    phi = 0.3
    dev = np.empty((n, T))
    dev[:, 0] = rng.normal(size=n)
    for j in range(1, T):
        dev[:, j] = phi * dev[:, j - 1] + np.sqrt(1 - phi * phi) * rng.normal(size=n)
    dev *= sig[:, None]
    pp_exc = np.clip(rng.normal(3.0, 1.0, n), 0.5, None)

    per_week = np.where(prone, rng.integers(3, 8, n), rng.integers(2, 8, n))
    u = rng.random((n, T, 3))
    day = dm[:, None] & (u[..., 0] < per_week[:, None] / 7.0)
    fasting_day = day & (u[..., 1] < 0.7)
    pp_day = day & ((u[..., 1] >= 0.7) | ((per_week[:, None] >= 5) & (u[..., 2] < 0.3)))
    parts = []
    for ctx, mask, (h0, span) in ((CTX_FASTING, fasting_day, (6.0, 2.0)), (CTX_POSTPRANDIAL, pp_day, (9.0, 12.0))):
        r, kk = np.nonzero(mask)
        t = day_start[kk] + ((h0 + rng.random(r.shape[0]) * span) * 3600).astype(np.int64)
        lat = level[r, kk] + dev[r, kk] + (pp_exc[r] + 0.3 * dev[r, kk] if ctx == CTX_POSTPRANDIAL else 0.0)
        parts.append((r, kk, t, np.clip(lat, 3.9, 30.0), np.full(r.shape[0], ctx, np.int8)))
    # hypoglycaemia episodes (latent value below 3.9), measured because the resident felt them
    ep_r, ep_k = [], []
    singles = np.nonzero(prone[:, None] & (rng.random((n, T)) < 1 / 21))
    ep_r.append(singles[0])
    ep_k.append(singles[1])
    for r in np.flatnonzero(recurrent):
        start = rng.integers(T - 14, T - 1)
        count = rng.integers(2, 5)
        ep_r.append(np.full(count, r))
        ep_k.append(np.minimum(start + rng.integers(0, 7, count), T - 1))
    er, ek = np.concatenate(ep_r), np.concatenate(ep_k)
    measured = rng.random(er.shape[0]) < 0.85
    er, ek = er[measured], ek[measured]
    et = day_start[ek] + (rng.choice([3.0, 10.5, 16.0, 21.5], er.shape[0]) * 3600
                          + rng.integers(-2700, 2700, er.shape[0])).astype(np.int64)
    elat = np.where(rng.random(er.shape[0]) < 0.7, rng.uniform(3.0, 3.85, er.shape[0]), rng.uniform(2.2, 2.95, er.shape[0]))
    parts.append((er, ek, et, elat, np.full(er.shape[0], CTX_RANDOM, np.int8)))
    # a level-2 low is re-measured at once, as the resident is asked to (still <3.9 before the sugar acts)
    lv2 = elat < 3.0
    parts.append((er[lv2], ek[lv2], et[lv2] + rng.integers(120, 600, int(lv2.sum())),
                  np.minimum(elat[lv2] + rng.uniform(-0.2, 0.5, int(lv2.sum())), 3.8),
                  np.full(int(lv2.sum()), CTX_RANDOM, np.int8)))
    # rare true hyperglycaemia >=16.7
    hr = np.flatnonzero(dm & (rng.random(n) < cfg.p_hyper_event))
    hk = rng.integers(T - 10, T, hr.shape[0])
    ht = day_start[hk] + ((9.0 + rng.random(hr.shape[0]) * 12) * 3600).astype(np.int64)
    hv = rng.uniform(17.0, 26.0, hr.shape[0])
    parts.append((hr, hk, ht, hv, np.full(hr.shape[0], CTX_POSTPRANDIAL, np.int8)))
    parts.append((hr, hk, ht + rng.integers(120, 600, hr.shape[0]), hv * rng.uniform(0.93, 1.07, hr.shape[0]),
                  np.full(hr.shape[0], CTX_POSTPRANDIAL, np.int8)))  # and re-measured

    res = np.concatenate([p[0] for p in parts]).astype(np.int64)
    kk = np.concatenate([p[1] for p in parts])
    t = np.concatenate([p[2] for p in parts]).astype(np.int64)
    lat = np.concatenate([p[3] for p in parts])
    ctx = np.concatenate([p[4] for p in parts]).astype(np.int8)
    keep = (kk >= k_out) & (t <= at_s)
    res, t, lat, ctx = res[keep], t[keep], lat[keep], ctx[keep]
    order = np.lexsort((t, res))
    res, t, lat, ctx = res[order], t[order], lat[order], ctx[order]
    val = np.round(lat * (1 + rng.normal(0, cfg.meter_cv, lat.shape[0])), 1)
    typo = rng.random(val.shape[0]) < cfg.glucose_artefact_rate
    val = np.where(typo, np.round(val * 18.0), val)  # a mg/dL value typed into the mmol/L field
    sugar = (rng.random(val.shape[0]) < cfg.glucose_artefact_rate / 2) & ~typo
    val = np.where(sugar, np.round(rng.uniform(17.0, 25.0, val.shape[0]), 1), val)  # sugar on the finger, not repeated
    return res, t, val, ctx, lat, level


# --- export ---------------------------------------------------------------------------------------


def to_windows(cohort: Cohort) -> list[ResidentWindow]:
    """The cohort as `ResidentWindow` objects (for the per-resident API and tests)."""
    c = cohort.columns
    tz = cohort.at.tzinfo
    bp: list[list[BpPoint]] = [[] for _ in range(cohort.n)]
    for r, t, s, d, p in zip(c.bp_res.tolist(), c.bp_t.tolist(), c.bp_sbp.tolist(), c.bp_dbp.tolist(),
                             cohort.bp_pulse.tolist()):
        bp[r].append(BpPoint(datetime.fromtimestamp(t, tz), int(s), int(d), int(p)))
    glu: list[list[GlucosePoint]] = [[] for _ in range(cohort.n)]
    for r, t, g, x in zip(c.glu_res.tolist(), c.glu_t.tolist(), c.glu_mmol.tolist(), c.glu_ctx.tolist()):
        glu[r].append(GlucosePoint(datetime.fromtimestamp(t, tz), float(g), GLUCOSE_CONTEXTS[x]))
    return [ResidentWindow(p, bp[i], glu[i]) for i, p in enumerate(cohort.profiles)]


READINGS_HEADER = ("resident_id", "measured_at", "kind", "systolic", "diastolic", "pulse", "glucose_mmol", "context")
PROFILES_HEADER = ("resident_id", "age", "sex", "conditions", "bp_target_sys", "bp_target_dia")


def write_csv(cohort: Cohort, readings_path: Path | str, profiles_path: Path | str) -> None:
    """Write the cohort in the `trends score` CSV formats (ml.scoring_csv)."""
    c = cohort.columns
    tz = cohort.at.tzinfo
    ids = [p.resident_id for p in cohort.profiles]
    with open(readings_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(READINGS_HEADER)
        for r, t, s, d, p in zip(c.bp_res.tolist(), c.bp_t.tolist(), c.bp_sbp.tolist(), c.bp_dbp.tolist(),
                                 cohort.bp_pulse.tolist()):
            w.writerow((ids[r], datetime.fromtimestamp(t, tz).isoformat(), "bp", int(s), int(d), int(p), "", ""))
        for r, t, g, x in zip(c.glu_res.tolist(), c.glu_t.tolist(), c.glu_mmol.tolist(), c.glu_ctx.tolist()):
            w.writerow((ids[r], datetime.fromtimestamp(t, tz).isoformat(), "glucose", "", "", "", f"{g:.1f}",
                        GLUCOSE_CONTEXTS[x]))
    with open(profiles_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(PROFILES_HEADER)
        for p in cohort.profiles:
            t = p.bp_target
            w.writerow((p.resident_id, p.age if p.age is not None else "", p.sex or "", ";".join(sorted(p.conditions)),
                        t.systolic if t else "", t.diastolic if t else ""))


# --- one artefact per resident (the model card's artefact flag rates) ----------------------------------


def inject_artefact(cohort: Cohort, residents: np.ndarray, kind: str, *, seed: int = 0,
                    hours_before: float = 20.0) -> ReadingColumns:
    """A copy of the readings with one artefact of `kind` (a name in ARTEFACT_KINDS) per resident.

    The artefact is a new session `hours_before` the scan, built on the resident's last plausible
    reading (or 128/78): a cuff error is three readings (wild first, two normal repeats); a digit
    slip is one plausible reading of 180-199; the entry slips are one reading of the typical value
    with the slip applied.
    """
    rng = np.random.default_rng(seed)
    c = cohort.columns
    code = ARTEFACT_KINDS.index(kind)
    last_s = np.full(c.n_residents, 128.0)
    last_d = np.full(c.n_residents, 78.0)
    ok = (c.bp_sbp >= 70) & (c.bp_sbp <= 250) & (c.bp_dbp >= 40) & (c.bp_dbp <= 150) & (c.bp_sbp > c.bp_dbp + 10)
    if ok.any():
        r_ok = c.bp_res[ok]
        is_last = np.r_[r_ok[1:] != r_ok[:-1], True]
        last_s[r_ok[is_last]] = c.bp_sbp[ok][is_last]
        last_d[r_ok[is_last]] = c.bp_dbp[ok][is_last]
    r_new, t_new, s_new, d_new = [], [], [], []
    t0 = int(cohort.at.timestamp() - hours_before * 3600)
    for r in np.asarray(residents, np.int64).tolist():
        s, d = int(min(last_s[r], 150)), int(min(last_d[r], 92))
        t = t0 + int(rng.integers(-1800, 1800))
        if code == CUFF:
            pts = [(int(rng.integers(190, 246)), int(rng.integers(112, 141))), (s, d), (s - 2, d - 1)]
        elif code == SLIP:
            pts = [(int(rng.integers(180, 200)), d)]
        else:
            ks, kd, _ = _bp_artefacts_one(rng, s, d, code)
            pts = [(ks, kd)]
        for k, (a, b) in enumerate(pts):
            r_new.append(r)
            t_new.append(t + 70 * k)
            s_new.append(a)
            d_new.append(b)
    res = np.r_[c.bp_res, np.array(r_new, np.int64)]
    tt = np.r_[c.bp_t, np.array(t_new, np.int64)]
    order = np.lexsort((tt, res))
    return replace(c, bp_res=res[order], bp_t=tt[order], bp_sbp=np.r_[c.bp_sbp, s_new][order].astype(float),
                   bp_dbp=np.r_[c.bp_dbp, d_new][order].astype(float))


def _bp_artefacts_one(rng, s: int, d: int, code: int) -> tuple[int, int, int]:
    """One entry slip of kind `code` applied to s/d (rate 1)."""
    for _ in range(50):  # draw until the slip of the requested kind changes the value
        a, b, kind = _bp_artefacts(rng, np.array([float(s)]), np.array([float(d)]), 1.0)
        if kind[0] == code and (a[0], b[0]) != (s, d):
            return int(a[0]), int(b[0]), code
    raise RuntimeError(f"could not draw artefact {code}")
