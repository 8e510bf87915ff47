#!/usr/bin/env python3
"""Independent held-out cohort simulator: home BP and glucose readings.

Written from clinical sources only (HBPM protocol, home thresholds, glucose
targets and hypoglycaemia levels); see README.md next to this file.
Standard library + numpy only. Fully deterministic for a given --seed.

Outputs (UTF-8, header row) in --out:
  PROFILES.csv  resident_id,age,sex,conditions,bp_target_sys,bp_target_dia
  READINGS.csv  resident_id,measured_at,kind,systolic,diastolic,pulse,glucose_mmol,context
  LABELS.csv    resident_id,group,needs_review,acute_event,artefact_kind
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
from datetime import datetime, timedelta

import numpy as np

GROUPS = [
    ("controlled", 0.45),
    ("uncontrolled_bp", 0.20),
    ("uncontrolled_glucose", 0.10),
    ("acute_bp", 0.03),
    ("acute_glucose", 0.02),
    ("artefact", 0.20),
]
ARTEFACT_KINDS = ["typo", "swapped", "dropped_digit", "extra_digit", "unit_slip", "cuff_error"]
DEFAULT_TARGET = (135, 85)          # home BP threshold / default home target
BP_CAP_NONACUTE = (176, 106)        # no reading reaches 180/110 outside true acute events
MAX_ATTEMPTS = 400


# ---------------------------------------------------------------- helpers
def largest_remainder(n: int, shares: list[float]) -> list[int]:
    raw = [n * s for s in shares]
    base = [int(np.floor(r)) for r in raw]
    rest = n - sum(base)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    return base


def iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


class Ctx:
    def __init__(self, at: datetime):
        self.at = at
        self.start = at - timedelta(days=28)

    def day_start(self, k: int) -> datetime:
        """Local midnight of the calendar day k days before the day of --at."""
        d = self.at.replace(hour=0, minute=0, second=0, microsecond=0)
        return d - timedelta(days=k)

    def days_before(self, t: datetime) -> float:
        return (self.at - t).total_seconds() / 86400.0

    def inside(self, t: datetime) -> bool:
        return self.start <= t < self.at


def soft_cap(v: float, cap: float, rng) -> float:
    if v > cap:
        return cap - float(rng.integers(0, 6))
    return v


# ---------------------------------------------------------------- profile
def make_profile(rng, group: str, akind: str):
    dm_required = group in ("uncontrolled_glucose", "acute_glucose") or akind == "unit_slip"
    htn_required = group in ("uncontrolled_bp", "acute_bp")
    unc_type = None
    if group == "uncontrolled_bp":
        unc_type = rng.choice(["sys", "both", "dia"], p=[0.60, 0.25, 0.15])
    if unc_type == "dia":
        age = int(np.clip(round(rng.normal(53, 7)), 38, 68))
    else:
        age = int(np.clip(round(rng.normal(67, 10)), 40, 92))
    sex = "M" if rng.random() < 0.47 else "F"
    if dm_required:
        dm = True
        htn = htn_required or rng.random() < 0.60
    else:
        dm = rng.random() < 0.28
        htn = htn_required or rng.random() < 0.85
        if not (dm or htn):
            htn = True
    ckd = rng.random() < (0.05 + 0.07 * dm + 0.04 * (age >= 70))
    conds = [c for c, f in (("hypertension", htn), ("diabetes", dm), ("ckd", ckd)) if f]
    explicit = None
    if dm or ckd:
        if rng.random() < 0.70:
            explicit = (130, 80)
    elif age >= 80:
        if rng.random() < 0.60:
            explicit = (145, 85)
    elif rng.random() < 0.05:
        explicit = (135, 85)
    target = explicit if explicit else DEFAULT_TARGET
    return dict(age=age, sex=sex, htn=htn, dm=dm, ckd=ckd, conditions=";".join(conds),
                explicit=explicit, target=target, unc_type=unc_type)


# ---------------------------------------------------------------- schedules
def choose_pattern(rng, group: str) -> str:
    if group in ("controlled", "artefact"):
        return str(rng.choice(["daily_both", "daily_morning", "weekly", "gappy"],
                              p=[0.35, 0.20, 0.25, 0.20]))
    return str(rng.choice(["daily_both", "daily_morning", "gappy"], p=[0.45, 0.25, 0.30]))


def bp_schedule(rng, ctx: Ctx, pattern: str, protect_last7: bool):
    """Return list of (day_k, slot, t0, n_readings)."""
    m_hab = rng.uniform(6.25, 8.3)     # habitual morning hour
    e_hab = rng.uniform(19.3, 21.6)    # habitual evening hour
    p_single = {"daily_both": 0.10, "daily_morning": 0.15, "weekly": 0.12, "gappy": 0.45}[pattern]
    p_three = 0.06
    if pattern == "daily_both":
        pm, pe = rng.uniform(0.85, 0.97), rng.uniform(0.75, 0.92)
    elif pattern == "daily_morning":
        pm, pe = rng.uniform(0.85, 0.97), rng.uniform(0.05, 0.2)
    elif pattern == "gappy":
        pm, pe = rng.uniform(0.55, 0.8), rng.uniform(0.35, 0.6)
    else:
        pm, pe = 0.0, 0.0
    active = np.zeros(29, dtype=bool)
    if pattern == "weekly":
        for w in range(4):
            ndays = int(rng.integers(1, 3))
            for k in rng.choice(np.arange(w * 7, w * 7 + 7), size=ndays, replace=False):
                active[k] = True
        if rng.random() < 0.35:                # pre-visit 7-day block somewhere
            s = int(rng.integers(0, 15))
            active[s:s + 7] = True
        pm, pe = 0.95, 0.85
    else:
        active[:] = True
        if pattern == "gappy":
            for _ in range(int(rng.integers(1, 3))):
                g = int(rng.integers(3, 9))
                lo = 8 if protect_last7 else 0
                s = int(rng.integers(lo, 29 - g + 1)) if 29 - g + 1 > lo else lo
                active[s:s + g] = False
    out = []
    for k in range(28, -1, -1):
        if not active[k]:
            continue
        for slot, hab, p, lo, hi in (("morning", m_hab, pm, 6.0, 8.92), ("evening", e_hab, pe, 19.0, 21.92)):
            if rng.random() >= p:
                continue
            h = float(np.clip(hab + rng.normal(0, 0.3), lo, hi))
            t0 = ctx.day_start(k) + timedelta(seconds=int(h * 3600))
            u = rng.random()
            n = 1 if u < p_single else (3 if u < p_single + p_three else 2)
            out.append((k, slot, t0, n))
    return out


# ---------------------------------------------------------------- BP model
def bp_params(rng, prof, mode: str):
    ts, td = prof["target"]
    if mode == "controlled":
        if prof["htn"]:
            ms, md = ts - rng.uniform(10, 20), td - rng.uniform(7, 13)
        else:
            ms, md = rng.uniform(110, 124), rng.uniform(66, 76)
            ms, md = min(ms, ts - 10), min(md, td - 7)
    elif mode == "uncontrolled":
        t = prof["unc_type"]
        if t == "sys":
            ms, md = ts + rng.uniform(8, 22), td - rng.uniform(4, 12)
        elif t == "both":
            ms, md = ts + rng.uniform(7, 18), td + rng.uniform(5, 11)
        else:  # dia
            ms, md = ts - rng.uniform(0, 8), td + rng.uniform(6, 12)
    else:
        raise ValueError(mode)
    age = prof["age"]
    if mode == "controlled" and age >= 75:
        md -= rng.uniform(0, 5)                   # wider pulse pressure in the elderly
    return dict(ms=ms, md=md,
                me=rng.normal(5, 4),              # morning-minus-evening SBP difference
                day_sd_s=rng.uniform(4.5, 8.0), day_sd_d=rng.uniform(3.0, 5.0),
                sess_sd_s=2.5, sess_sd_d=1.8, read_sd_s=3.0, read_sd_d=2.2,
                first_s=rng.uniform(0.5, 3.5), first_d=rng.uniform(0, 1.5),
                pulse=rng.uniform(60, 82), pulse_sd=4.0)


def trend_shift(rng, kind: str):
    """Return function k(days before at) -> (dsys, ddia)."""
    if kind == "flat":
        slope = rng.uniform(-3, 3) / 28.0
        return lambda k: (-slope * k, -slope * k * 0.5)
    if kind == "improved":   # uncontrolled until ~day 15, controlled from ~day 12 (e.g. drug change)
        a, b = rng.uniform(18, 28), rng.uniform(8, 13)
        k1, k0 = rng.uniform(14, 17), rng.uniform(11, 12.5)

        def f(k):
            w = 1.0 if k >= k1 else (0.0 if k <= k0 else (k - k0) / (k1 - k0))
            return (a * w, b * w)
        return f
    if kind == "rising":     # controlled-ish early, rises to the uncontrolled level by ~day 7
        a, b = rng.uniform(14, 24), rng.uniform(6, 11)
        k1, k0 = rng.uniform(14, 20), rng.uniform(7, 9)

        def f(k):
            w = 1.0 if k >= k1 else (0.0 if k <= k0 else (k - k0) / (k1 - k0))
            return (-a * w, -b * w)
        return f
    raise ValueError(kind)


def gen_bp(rng, ctx: Ctx, prof, pattern, mode, trend, protect_last7, cap=True):
    P = bp_params(rng, prof, mode)
    shift = trend_shift(rng, trend)
    sched = bp_schedule(rng, ctx, pattern, protect_last7)
    # AR(1) daily deviation
    phi = 0.5
    ds = np.zeros(29)
    dd = np.zeros(29)
    es, ed = rng.normal(0, 1), rng.normal(0, 1)
    for k in range(28, -1, -1):
        es = phi * es + np.sqrt(1 - phi ** 2) * rng.normal(0, 1)
        ed = phi * ed + np.sqrt(1 - phi ** 2) * rng.normal(0, 1)
        ds[k], dd[k] = es * P["day_sd_s"], (0.6 * es + 0.8 * ed) * P["day_sd_d"]
    sessions = []
    for k, slot, t0, n in sched:
        sh_s, sh_d = shift(k + 0.5)
        half = P["me"] / 2 if slot == "morning" else -P["me"] / 2
        ss = P["ms"] + sh_s + half + ds[k] + rng.normal(0, P["sess_sd_s"])
        sd = P["md"] + sh_d + half * 0.4 + dd[k] + rng.normal(0, P["sess_sd_d"])
        pb = P["pulse"] + (3 if slot == "morning" else 0) + rng.normal(0, 3)
        reads = []
        t = t0 + timedelta(seconds=int(rng.integers(0, 60)))
        for i in range(n):
            s = ss + (P["first_s"] if i == 0 else 0) + rng.normal(0, P["read_sd_s"])
            d = sd + (P["first_d"] if i == 0 else 0) + rng.normal(0, P["read_sd_d"])
            p = pb + rng.normal(0, 2)
            if cap:
                s = soft_cap(s, BP_CAP_NONACUTE[0], rng)
                d = soft_cap(d, BP_CAP_NONACUTE[1], rng)
            s, d = max(s, 92.0), max(d, 52.0)
            if s - d < 25:
                d = s - 25 - rng.uniform(0, 5)
            reads.append(dict(t=t, sys=int(round(s)), dia=int(round(d)),
                              pulse=int(round(np.clip(p, 48, 115)))))
            t = t + timedelta(seconds=int(rng.integers(60, 96)))
        if all(ctx.inside(r["t"]) for r in reads):
            sessions.append(dict(k=k, slot=slot, reads=reads))
    return sessions


def bp_window_stats(ctx: Ctx, sessions, days_lo: float, days_hi: float):
    """Mean of session means (morning/evening sessions) with days_lo <= days-before-at < days_hi."""
    sm, dm, days, n = [], [], set(), 0
    for s in sessions:
        if s["slot"] not in ("morning", "evening"):
            continue
        db = ctx.days_before(s["reads"][0]["t"])
        if days_lo <= db < days_hi:
            sm.append(np.mean([r["sys"] for r in s["reads"]]))
            dm.append(np.mean([r["dia"] for r in s["reads"]]))
            days.add(s["k"])
            n += 1
    if n == 0:
        return None
    return dict(sys=float(np.mean(sm)), dia=float(np.mean(dm)), n_sess=n, n_days=len(days))


def bp_is_controlled(ctx, sessions, target, lo_days, hi_days, margin=(5, 4)):
    st = bp_window_stats(ctx, sessions, lo_days, hi_days)
    if st is None:
        return True
    return st["sys"] <= target[0] - margin[0] and st["dia"] <= target[1] - margin[1]


# ---------------------------------------------------------------- glucose model
def gen_glucose(rng, ctx: Ctx, prof, mode: str):
    """mode: controlled | hyper | hypo_recurrent. Returns list of dicts(t, g, ctx)."""
    if not prof["dm"]:
        return []
    per_week = rng.uniform(2, 4.5) if mode == "controlled" else rng.uniform(3, 5.5)
    p_day = per_week / 7.0
    if mode == "hyper":
        fmean, fsd = rng.uniform(8.0, 11.0), rng.uniform(0.7, 1.2)
    else:
        fmean, fsd = rng.uniform(5.3, 6.3), rng.uniform(0.35, 0.6)
    forced = set()
    if mode in ("hyper", "hypo_recurrent"):
        forced = set(int(x) for x in rng.choice(np.arange(0, 7), size=int(rng.integers(3, 6)), replace=False))
    wake = rng.uniform(6.0, 7.6)
    out = []
    for k in range(28, -1, -1):
        if k not in forced and rng.random() >= p_day:
            continue
        ctxs = [str(rng.choice(["fasting", "postprandial", "bedtime", "random"], p=[0.66, 0.18, 0.09, 0.07]))]
        if k in forced:
            ctxs[0] = "fasting"
        if rng.random() < 0.15:
            ctxs.append(str(rng.choice(["postprandial", "bedtime"])))
        dayf = fmean + rng.normal(0, fsd)
        for c in ctxs:
            if c == "fasting":
                h, g = wake + rng.normal(0, 0.25), dayf
            elif c == "postprandial":
                h = float(rng.choice([9.0, 14.0, 20.0])) + rng.normal(0, 0.25)
                g = dayf + rng.uniform(1.3, 3.3 if mode != "hyper" else 4.5)
            elif c == "bedtime":
                h, g = rng.uniform(21.5, 23.2), dayf + rng.uniform(0.3, 1.8)
            else:
                h, g = rng.uniform(10.0, 17.5), dayf + rng.uniform(-0.3, 2.5)
            g += rng.normal(0, 0.2)
            if mode == "hyper":
                g = float(np.clip(g, 5.5, 15.4))
            else:
                g = float(np.clip(g, 4.2, 10.4))
            t = ctx.day_start(k) + timedelta(seconds=int(h * 3600) + int(rng.integers(0, 60)))
            if ctx.inside(t):
                out.append(dict(t=t, g=round(g, 1), ctx=c))
    if mode == "hypo_recurrent":
        # 2-4 level-1 hypoglycaemia episodes (3.0-3.8) on different days of the last 7, none < 3.0
        ne = int(rng.integers(2, 5))
        days = rng.choice(np.arange(0, 7), size=ne, replace=False)
        for k in days:
            k = int(k)
            c = str(rng.choice(["fasting", "bedtime", "random"], p=[0.5, 0.2, 0.3]))
            h = {"fasting": wake, "bedtime": rng.uniform(21.5, 23.0), "random": rng.uniform(10.5, 17.0)}[c]
            t = ctx.day_start(k) + timedelta(seconds=int(h * 3600) + int(rng.integers(0, 60)))
            if not ctx.inside(t):
                t = ctx.day_start(k) + timedelta(hours=6, minutes=int(rng.integers(10, 50)))
            out = [x for x in out if abs((x["t"] - t).total_seconds()) > 3600]
            out.append(dict(t=t, g=round(float(rng.uniform(3.1, 3.8)), 1), ctx=c))
    out.sort(key=lambda x: x["t"])
    return out


def fasting_mean(ctx, gl, lo_days, hi_days):
    v = [x["g"] for x in gl if x["ctx"] == "fasting" and lo_days <= ctx.days_before(x["t"]) < hi_days]
    return (float(np.mean(v)), len(v)) if v else (None, 0)


# ---------------------------------------------------------------- acute events
def slot_times_last72(rng, ctx: Ctx):
    cands = []
    for k in range(0, 4):
        for lo, hi in ((6.2, 8.6), (19.0, 21.8), (13.0, 17.0)):
            t = ctx.day_start(k) + timedelta(seconds=int(rng.uniform(lo, hi) * 3600))
            if ctx.at - timedelta(hours=71) < t < ctx.at - timedelta(minutes=40):
                cands.append(t)
    return cands


def add_acute_bp(rng, ctx, sessions, prof):
    cands = slot_times_last72(rng, ctx)
    t0 = cands[int(rng.integers(0, len(cands)))]
    sessions[:] = [s for s in sessions if abs((s["reads"][0]["t"] - t0).total_seconds()) > 3 * 3600]
    dia_only = prof["age"] < 60 and rng.random() < 0.3
    variant = rng.choice(["same_session", "repeat_15min"], p=[0.75, 0.25])
    pulse = int(rng.integers(68, 104))

    def one():
        if dia_only:
            s, d = rng.uniform(162, 178), rng.uniform(111, 122)
        else:
            s = rng.uniform(182, 214)
            d = rng.uniform(max(90, s * 0.5), min(124, s * 0.62))
        return int(round(s)), int(round(d))

    reads = []
    t = t0
    n = 2 if rng.random() < 0.6 else 3
    if variant == "repeat_15min":
        n = 1
    for i in range(n):
        s, d = one()
        reads.append(dict(t=t, sys=s, dia=d, pulse=int(np.clip(pulse + rng.normal(0, 3), 50, 130))))
        t = t + timedelta(seconds=int(rng.integers(60, 100)))
    slot = "morning" if t0.hour < 12 else ("evening" if t0.hour >= 18 else "other")
    ev_sessions = [dict(k=(ctx.at.date() - t0.date()).days, slot=slot, reads=reads)]
    if variant == "repeat_15min":
        t2 = t0 + timedelta(seconds=int(rng.integers(5 * 60, 15 * 60)))
        reads2 = []
        for i in range(int(rng.integers(1, 3))):
            s, d = one()
            reads2.append(dict(t=t2, sys=s, dia=d, pulse=int(np.clip(pulse + rng.normal(0, 3), 50, 130))))
            t2 = t2 + timedelta(seconds=int(rng.integers(60, 100)))
        ev_sessions.append(dict(k=ev_sessions[0]["k"], slot=slot, reads=reads2))
    # optional follow-up session a few hours later, still raised but below 180/110
    if rng.random() < 0.4:
        t3 = t0 + timedelta(hours=float(rng.uniform(3, 12)))
        if ctx.inside(t3 + timedelta(minutes=3)):
            r3 = []
            for i in range(2):
                r3.append(dict(t=t3, sys=int(rng.integers(150, 176)), dia=int(rng.integers(88, 106)),
                               pulse=int(np.clip(pulse + rng.normal(0, 3), 50, 130))))
                t3 = t3 + timedelta(seconds=int(rng.integers(60, 100)))
            ev_sessions.append(dict(k=ev_sessions[0]["k"], slot="other", reads=r3))
    for es in ev_sessions:
        sessions[:] = [s for s in sessions if abs((s["reads"][0]["t"] - es["reads"][0]["t"]).total_seconds()) > 1800]
    sessions.extend(ev_sessions)
    sessions.sort(key=lambda s: s["reads"][0]["t"])
    return variant


def add_acute_glucose(rng, ctx, gl, kind):
    cands = slot_times_last72(rng, ctx)
    t0 = cands[int(rng.integers(0, len(cands)))]
    ev = []
    if kind == "hypo":
        c = str(rng.choice(["random", "bedtime", "fasting"], p=[0.5, 0.25, 0.25]))
        v1 = rng.uniform(2.1, 2.9)
        t1 = t0 + timedelta(seconds=int(rng.integers(3 * 60, 12 * 60)))
        v2 = rng.uniform(2.0, 2.9)
        ev += [dict(t=t0, g=round(v1, 1), ctx=c), dict(t=t1, g=round(v2, 1), ctx=c)]
        if rng.random() < 0.6:
            t2 = t1 + timedelta(seconds=int(rng.integers(15 * 60, 20 * 60)))
            if ctx.inside(t2):
                ev.append(dict(t=t2, g=round(rng.uniform(4.2, 6.4), 1), ctx="random"))
    else:
        c = str(rng.choice(["random", "postprandial", "bedtime"], p=[0.45, 0.35, 0.20]))
        v1 = rng.uniform(17.2, 26.5)
        if rng.random() < 0.5:
            t1 = t0 + timedelta(seconds=int(rng.integers(2 * 60, 15 * 60)))
            v2 = float(np.clip(v1 + rng.normal(0, 0.8), 16.9, 28.0))
            c2 = c
        else:
            t1 = t0 + timedelta(hours=float(rng.uniform(2, 20)))
            if not ctx.inside(t1):
                t1 = t0 + timedelta(seconds=int(rng.integers(2 * 60, 15 * 60)))
            v2 = rng.uniform(16.9, 24.0)
            c2 = "random"
        ev += [dict(t=t0, g=round(v1, 1), ctx=c), dict(t=t1, g=round(v2, 1), ctx=c2)]
    for e in ev:
        gl[:] = [x for x in gl if abs((x["t"] - e["t"]).total_seconds()) > 1800]
    gl.extend(ev)
    gl.sort(key=lambda x: x["t"])


# ---------------------------------------------------------------- artefacts
def pick_artefact_time_window(rng):
    # 60 % in the last 72 h (where acute rules look), 40 % between 3 and 14 days back
    return (0.0, 3.0) if rng.random() < 0.6 else (3.0, 14.0)


def add_bp_artefact(rng, ctx, sessions, kind):
    lo, hi = pick_artefact_time_window(rng)
    cand = [i for i, s in enumerate(sessions) if lo <= ctx.days_before(s["reads"][0]["t"]) < hi]
    if not cand:
        cand = [i for i, s in enumerate(sessions) if ctx.days_before(s["reads"][0]["t"]) < 14.0]
    if not cand:
        return None
    si = cand[int(rng.integers(0, len(cand)))]
    s = sessions[si]
    if kind == "cuff_error":
        base = s["reads"][-1]
        t0 = s["reads"][0]["t"]
        wild = dict(t=t0, sys=int(rng.integers(190, 246)), dia=int(rng.integers(112, 141)),
                    pulse=int(np.clip(base["pulse"] + rng.integers(-3, 12), 50, 120)))
        reads = [wild]
        t = t0
        for i in range(2):
            t = t + timedelta(seconds=int(rng.integers(60, 181)))
            reads.append(dict(t=t, sys=int(round(base["sys"] + rng.normal(0, 3))),
                              dia=int(round(base["dia"] + rng.normal(0, 2))),
                              pulse=int(np.clip(base["pulse"] + rng.normal(0, 2), 48, 115))))
        if not all(ctx.inside(r["t"]) for r in reads):
            return None
        s["reads"] = reads
        return dict(t=t0, detail=f"{wild['sys']}/{wild['dia']}")
    ri = int(rng.integers(0, len(s["reads"])))
    r = s["reads"][ri]
    S, D = r["sys"], r["dia"]
    if kind == "typo":
        # mistype the tens digit of SBP so the value lands at 180-199 (e.g. 153 -> 183)
        if S >= 180 or S < 100:
            return None
        units = S % 10
        d = int(rng.choice([8, 9]))
        S2 = 100 + d * 10 + units
        r["sys"] = S2
        detail = f"{S}/{D}->{S2}/{D}"
    elif kind == "swapped":
        r["sys"], r["dia"] = D, S
        detail = f"{S}/{D}->{D}/{S}"
    elif kind == "dropped_digit":
        if rng.random() < 0.5:
            st = str(S)
            j = int(rng.integers(1, len(st)))         # drop 2nd or 3rd digit -> 2-digit SBP
            S2 = int(st[:j] + st[j + 1:])
            r["sys"] = S2
            detail = f"{S}/{D}->{S2}/{D}"
        else:
            dt = str(D)
            j = int(rng.integers(0, len(dt)))
            D2 = int(dt[:j] + dt[j + 1:])
            r["dia"] = D2
            detail = f"{S}/{D}->{S}/{D2}"
    elif kind == "extra_digit":
        if rng.random() < 0.5:
            st = str(S)
            j = int(rng.integers(0, len(st)))         # repeat one digit (key bounce)
            S2 = int(st[:j + 1] + st[j] + st[j + 1:])
            r["sys"] = S2
            detail = f"{S}/{D}->{S2}/{D}"
        else:
            dt = str(D)
            j = int(rng.integers(0, len(dt)))
            D2 = int(dt[:j + 1] + dt[j] + dt[j + 1:])
            r["dia"] = D2
            detail = f"{S}/{D}->{S}/{D2}"
    else:
        raise ValueError(kind)
    return dict(t=r["t"], detail=detail)


def add_unit_slip(rng, ctx, gl):
    lo, hi = pick_artefact_time_window(rng)
    cand = [i for i, x in enumerate(gl) if lo <= ctx.days_before(x["t"]) < hi]
    if not cand:
        cand = [i for i, x in enumerate(gl) if ctx.days_before(x["t"]) < 14.0]
    if not cand:
        return None
    x = gl[cand[int(rng.integers(0, len(cand)))]]
    v = x["g"]
    if rng.random() < 0.75:
        x["g"] = float(round(v * 18.0))              # mg/dL value typed into the mmol/L field
        detail = f"{v} mmol/L entered as {x['g']:.1f}"
    else:
        x["g"] = round(v / 18.0, 1)                  # mmol value typed where mg/dL was expected
        detail = f"{v} mmol/L entered as mg/dL -> {x['g']:.1f}"
    return dict(t=x["t"], detail=detail)


# ---------------------------------------------------------------- validation
def glucose_clean(gl, lo=3.9, hi=16.7):
    return all(lo <= x["g"] < hi for x in gl)


def bp_clean(sessions):
    return all(r["sys"] < 180 and r["dia"] < 110 for s in sessions for r in s["reads"])


def sufficient_last7(ctx, sessions):
    st = bp_window_stats(ctx, sessions, 0.0, 7.0)
    return st is not None and st["n_days"] >= 3 and st["n_sess"] >= 6


def gen_resident(rng, ctx: Ctx, group: str, akind: str):
    prof = make_profile(rng, group, akind)
    T = prof["target"]
    info = {}
    for attempt in range(MAX_ATTEMPTS):
        if group in ("controlled", "artefact"):
            pattern = choose_pattern(rng, group)
            trend = "improved" if (group == "controlled" and prof["htn"] and rng.random() < 0.10) else "flat"
            ses = gen_bp(rng, ctx, prof, pattern, "controlled", trend, protect_last7=False)
            gl = gen_glucose(rng, ctx, prof, "controlled")
            if not bp_clean(ses) or not glucose_clean(gl, 4.0, 11.1):
                continue
            span = 11.0 if trend == "improved" else 28.1
            if not bp_is_controlled(ctx, ses, T, 0.0, 7.0) or not bp_is_controlled(ctx, ses, T, 0.0, span):
                continue
            fm, nf = fasting_mean(ctx, gl, 0.0, 7.0)
            if fm is not None and fm >= 6.8:
                continue
            fm, nf = fasting_mean(ctx, gl, 0.0, 28.1)
            if fm is not None and fm >= 6.6:
                continue
            if group == "artefact":
                if akind == "unit_slip":
                    if not gl:
                        continue
                    a = add_unit_slip(rng, ctx, gl)
                else:
                    a = add_bp_artefact(rng, ctx, ses, akind)
                if a is None:
                    continue
                info = dict(artefact_at=iso(a["t"]), detail=a["detail"])
            info["trend"] = trend
            info["pattern"] = pattern
            return prof, ses, gl, info
        if group == "uncontrolled_bp":
            pattern = choose_pattern(rng, group)
            trend = "rising" if rng.random() < 0.30 else "flat"
            ses = gen_bp(rng, ctx, prof, pattern, "uncontrolled", trend, protect_last7=True)
            gl = gen_glucose(rng, ctx, prof, "controlled")
            if not bp_clean(ses) or not glucose_clean(gl, 4.0, 11.1) or not sufficient_last7(ctx, ses):
                continue
            st = bp_window_stats(ctx, ses, 0.0, 7.0)
            t = prof["unc_type"]
            ok_s = st["sys"] >= T[0] + 5
            ok_d = st["dia"] >= T[1] + 4
            if t == "sys" and not ok_s or t == "dia" and not ok_d or t == "both" and not (ok_s and ok_d):
                continue
            if trend == "flat":   # sustained over the whole period too
                st28 = bp_window_stats(ctx, ses, 0.0, 28.1)
                if not (st28["sys"] >= T[0] + 4 or st28["dia"] >= T[1] + 3):
                    continue
            fm, nf = fasting_mean(ctx, gl, 0.0, 7.0)
            if fm is not None and fm >= 6.8:
                continue
            info = dict(trend=trend, pattern=pattern, unc_type=t,
                        mean7=f"{st['sys']:.1f}/{st['dia']:.1f}")
            return prof, ses, gl, info
        if group == "uncontrolled_glucose":
            pattern = choose_pattern(rng, "controlled")
            ses = gen_bp(rng, ctx, prof, pattern, "controlled", "flat", protect_last7=False)
            sub = "hyper" if rng.random() < 0.70 else "hypo_recurrent"
            gl = gen_glucose(rng, ctx, prof, sub)
            if not bp_clean(ses) or not bp_is_controlled(ctx, ses, T, 0.0, 28.1):
                continue
            fm, nf = fasting_mean(ctx, gl, 0.0, 7.0)
            if sub == "hyper":
                if not glucose_clean(gl, 3.9, 16.0) or nf < 3 or fm < 7.5:
                    continue
            else:
                hyp = [x for x in gl if x["g"] < 3.9 and ctx.days_before(x["t"]) < 7.0]
                hdays = {x["t"].date() for x in hyp}
                if not glucose_clean(gl, 3.0, 11.1) or len(hdays) < 2:
                    continue
            info = dict(subtype=sub, pattern=pattern,
                        fasting7=("" if fm is None else f"{fm:.2f}"), n_fasting7=nf)
            return prof, ses, gl, info
        if group == "acute_bp":
            pattern = choose_pattern(rng, group)
            bg = "uncontrolled" if rng.random() < 0.6 else "controlled"
            if bg == "uncontrolled" and prof["unc_type"] is None:
                prof["unc_type"] = "sys"
            ses = gen_bp(rng, ctx, prof, pattern, bg, "flat", protect_last7=False)
            gl = gen_glucose(rng, ctx, prof, "controlled")
            if not bp_clean(ses) or not glucose_clean(gl, 4.0, 11.1):
                continue
            variant = add_acute_bp(rng, ctx, ses, prof)
            info = dict(background=bg, variant=str(variant), pattern=pattern)
            return prof, ses, gl, info
        if group == "acute_glucose":
            pattern = choose_pattern(rng, "controlled")
            ses = gen_bp(rng, ctx, prof, pattern, "controlled", "flat", protect_last7=False)
            sub = "hypo" if rng.random() < 0.5 else "hyper"
            gl = gen_glucose(rng, ctx, prof, "controlled" if sub == "hypo" else "hyper")
            if not bp_clean(ses) or not bp_is_controlled(ctx, ses, T, 0.0, 28.1):
                continue
            if not glucose_clean(gl, 3.9, 16.0):
                continue
            add_acute_glucose(rng, ctx, gl, sub)
            info = dict(subtype=sub, pattern=pattern)
            return prof, ses, gl, info
    raise RuntimeError(f"could not generate a valid resident for {group}/{akind}")


# ---------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20261205)
    ap.add_argument("--residents", type=int, default=1500)
    ap.add_argument("--at", default="2026-06-01T09:00:00+08:00")
    args = ap.parse_args(argv)
    at = datetime.fromisoformat(args.at)
    if at.utcoffset() != timedelta(hours=8):
        sys.exit("--at must carry the +08:00 offset")
    ctx = Ctx(at)
    N = args.residents

    master = np.random.default_rng(args.seed)
    counts = largest_remainder(N, [s for _, s in GROUPS])
    groups = [g for (g, _), c in zip(GROUPS, counts) for _ in range(c)]
    n_art = counts[[g for g, _ in GROUPS].index("artefact")]
    kinds = [ARTEFACT_KINDS[i % len(ARTEFACT_KINDS)] for i in range(n_art)]
    perm = master.permutation(N)
    groups = [groups[i] for i in perm]
    kinds = [kinds[i] for i in master.permutation(n_art)]
    ki = 0

    os.makedirs(args.out, exist_ok=True)
    prof_rows, read_rows, lab_rows = [], [], []
    for idx in range(N):
        rid = f"R{idx + 1:05d}"
        g = groups[idx]
        ak = ""
        if g == "artefact":
            ak = kinds[ki]
            ki += 1
        rng = np.random.default_rng([args.seed, idx + 1])
        prof, ses, gl, info = gen_resident(rng, ctx, g, ak)
        ex = prof["explicit"]
        prof_rows.append([rid, prof["age"], prof["sex"], prof["conditions"],
                          "" if ex is None else ex[0], "" if ex is None else ex[1]])
        rr = []
        for s in ses:
            for r in s["reads"]:
                assert ctx.inside(r["t"])
                rr.append((r["t"], [rid, iso(r["t"]), "bp", r["sys"], r["dia"], r["pulse"], "", ""]))
        for x in gl:
            assert ctx.inside(x["t"])
            rr.append((x["t"], [rid, iso(x["t"]), "glucose", "", "", "", f"{x['g']:.1f}", x["ctx"]]))
        rr.sort(key=lambda z: (z[0], z[1][2]))
        read_rows.extend(r for _, r in rr)
        nr = 1 if g in ("uncontrolled_bp", "uncontrolled_glucose", "acute_bp", "acute_glucose") else 0
        ae = 1 if g in ("acute_bp", "acute_glucose") else 0
        lab_rows.append([rid, g, nr, ae, ak])

    def write(name, header, rows):
        with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)

    write("PROFILES.csv", ["resident_id", "age", "sex", "conditions", "bp_target_sys", "bp_target_dia"], prof_rows)
    write("READINGS.csv", ["resident_id", "measured_at", "kind", "systolic", "diastolic", "pulse",
                           "glucose_mmol", "context"], read_rows)
    write("LABELS.csv", ["resident_id", "group", "needs_review", "acute_event", "artefact_kind"], lab_rows)

    from collections import Counter
    gc = Counter(r[1] for r in lab_rows)
    kc = Counter(r[4] for r in lab_rows if r[4])
    print(f"residents={N} readings={len(read_rows)}")
    for gname, _ in GROUPS:
        print(f"  group {gname:22s} {gc[gname]}")
    for k in ARTEFACT_KINDS:
        print(f"  artefact {k:20s} {kc[k]}")


if __name__ == "__main__":
    main()
