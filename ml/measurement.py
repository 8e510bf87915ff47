"""What a home measurement means before anyone acts on it: sessions, confirmation, likely typos.

Pure (no Flask, no database). One implementation for the instant rules (the readings service, the
bot, the API, batch and device uploads) and for the trend features and the scoring CLI. The rules
and their sources are copied in docs/clinical_rules.md, "HBPM sessions and confirmation".

Contract
--------
1. Sessions (2019 中国家庭血压监测指南; ESH 2021 practice guidelines for office and out-of-office BP
   measurement, Stergiou et al., J Hypertens 2021;39:1293-1302).
   Readings of one resident no more than 10 min apart (`SESSION_GAP_SECONDS`) form one session.
   `session_value(points)` is the session's value: the mean of its readings, except that a first
   reading more than 10 mmHg (SBP or DBP, `DISCORDANT_FIRST_MMHG`) above the mean of the readings
   after it is recorded but does not count (`SessionValue.discarded_first`). `discordant_first`
   is the same rule vectorised for the trend features.

2. Confirmation of a dangerous value (BP >=180/110; glucose <3.0 or >=16.7 mmol/L, meter HI/LO).
   `confirm_bp(readings, now=..., red_flag=...)` and `confirm_glucose(...)` take the resident's
   readings around the new one (any order; pass at least the last `CONFIRM_WAIT_MINUTES` +
   `CONFIRM_WINDOW_MINUTES`) and return a `Confirmation` for the latest dangerous episode:
   - `confirmed`: a red-flag symptom was reported (`red_flag=True`; the caller reads symptoms with
     the one symptom reader), or a repeat in the same session or within 15 min of the dangerous
     reading agrees. BP agrees when the session value of the dangerous reading and its repeats
     (rule 1) is still >=180/110; glucose agrees when a repeat is itself dangerous in the same
     direction or within the meter tolerance of ISO 15197:2013. Open the critical alert; its SLA
     clock starts at `Confirmation.confirmed_at` (the confirming reading, or the dangerous one
     with a red flag).
   - `awaiting_confirmation`: no repeat yet and `now` is before `deadline` (dangerous reading +
     `wait`, default 30 min). Ask the resident to sit quietly and re-measure in 5 min.
   - `dismissed_by_normal_repeat`: the repeat does not agree. Raise nothing; keep the reading,
     marked as not confirmed.
   - `unconfirmed`: no repeat by the deadline. A moderate "please call the resident" task for the
     village doctor, never a critical page.
   - `not_dangerous`: nothing in `readings` is dangerous.
   `Confirmation.pages` is True only for `confirmed`.

3. Implausible entries. `suggest_bp(systolic, diastolic, typical=...)` and
   `suggest_glucose(value, unit=...)` return an `EntrySuggestion` (kind and corrected value) for an
   entry that is probably swapped, has an extra or a missing digit, or is in the wrong unit (kPa for
   BP; mg/dL for mmol/L glucose), else None. The caller asks "您是不是想输入 135/85？" and stores
   nothing until the resident (or the API caller, with confirm=true) confirms a value.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal, Sequence

import numpy as np

from ml.clinical import (
    ACUTE_DBP,
    ACUTE_SBP,
    CONFIRM_WAIT_MINUTES,
    CONFIRM_WINDOW_MINUTES,
    DISCORDANT_FIRST_MMHG,
    GLUCOSE_MMOL_RANGE,
    HYPER_URGENT,
    HYPO_LEVEL1_BELOW,
    HYPO_LEVEL2_BELOW,
    MG_DL_PER_MMOL_L,
    METER_TOLERANCE_FRACTION,
    METER_TOLERANCE_MMOL,
    METER_TOLERANCE_SWITCH_MMOL,
    SESSION_GAP_SECONDS,
    bp_is_acute,
    bp_problems,
)

State = Literal["not_dangerous", "confirmed", "awaiting_confirmation", "dismissed_by_normal_repeat",
                "unconfirmed"]
NOT_DANGEROUS: State = "not_dangerous"
CONFIRMED: State = "confirmed"
AWAITING: State = "awaiting_confirmation"
DISMISSED: State = "dismissed_by_normal_repeat"
UNCONFIRMED: State = "unconfirmed"

CONFIRM_WINDOW = timedelta(minutes=CONFIRM_WINDOW_MINUTES)
CONFIRM_WAIT = timedelta(minutes=CONFIRM_WAIT_MINUTES)
SESSION_GAP = timedelta(seconds=SESSION_GAP_SECONDS)
METER_HI, METER_LO = "HI", "LO"


# --- inputs -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Bp:
    """One BP reading (`measured_at` timezone-aware). ml.hbpm.BpPoint has the same fields."""

    measured_at: datetime
    systolic: float
    diastolic: float


@dataclass(frozen=True, slots=True)
class Glucose:
    """One glucose reading in mmol/L, or a meter flag ("HI"/"LO") with `mmol` None."""

    measured_at: datetime
    mmol: float | None
    meter_flag: str | None = None

    @property
    def danger(self) -> Literal["low", "high"] | None:
        """'low' (<3.0 or LO), 'high' (>=16.7 or HI), else None (中国2型糖尿病防治指南 2020; 基层 2022)."""
        if self.meter_flag == METER_LO:
            return "low"
        if self.meter_flag == METER_HI:
            return "high"
        if self.mmol is None:
            return None
        if self.mmol < HYPO_LEVEL2_BELOW:
            return "low"
        return "high" if self.mmol >= HYPER_URGENT else None


# --- 1. sessions --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SessionValue:
    """The guideline value of one session: mean of the counted readings."""

    systolic: float
    diastolic: float
    n_readings: int
    n_counted: int
    discarded_first: bool


def is_discordant_first(first: tuple[float, float], rest: Sequence[tuple[float, float]]) -> bool:
    """The first reading is >10 mmHg (SBP or DBP) above the mean of the readings after it (ESH 2021)."""
    if not rest:
        return False
    s = sum(r[0] for r in rest) / len(rest)
    d = sum(r[1] for r in rest) / len(rest)
    return first[0] - s > DISCORDANT_FIRST_MMHG or first[1] - d > DISCORDANT_FIRST_MMHG


def session_value(points: Sequence) -> SessionValue:
    """Value of one session's readings (oldest first; objects with .systolic and .diastolic)."""
    if not points:
        raise ValueError("a session has at least one reading")
    pairs = [(float(p.systolic), float(p.diastolic)) for p in points]
    drop = is_discordant_first(pairs[0], pairs[1:])
    counted = pairs[1:] if drop else pairs
    return SessionValue(
        systolic=sum(p[0] for p in counted) / len(counted),
        diastolic=sum(p[1] for p in counted) / len(counted),
        n_readings=len(pairs), n_counted=len(counted), discarded_first=drop)


def split_sessions(points: Sequence) -> list[list]:
    """Readings (objects with .measured_at) grouped into sessions, oldest first."""
    groups: list[list] = []
    for p in sorted(points, key=lambda x: x.measured_at):
        if groups and p.measured_at - groups[-1][-1].measured_at <= SESSION_GAP:
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def discordant_first(starts: np.ndarray, counts: np.ndarray, sbp: np.ndarray, dbp: np.ndarray) -> np.ndarray:
    """Vectorised `is_discordant_first` for sessions given as (start index, reading count) into arrays."""
    if starts.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    sum_s = np.add.reduceat(sbp, starts)
    sum_d = np.add.reduceat(dbp, starts)
    rest = np.maximum(counts - 1, 1)
    with np.errstate(invalid="ignore"):
        rest_s = (sum_s - sbp[starts]) / rest
        rest_d = (sum_d - dbp[starts]) / rest
    return (counts >= 2) & ((sbp[starts] - rest_s > DISCORDANT_FIRST_MMHG)
                            | (dbp[starts] - rest_d > DISCORDANT_FIRST_MMHG))


# --- 2. confirmation ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Confirmation:
    """The state of the latest dangerous episode among a resident's readings."""

    state: State
    index: Bp | Glucose | None = None  # the dangerous reading being confirmed
    repeats: tuple = ()  # readings after it in its session or within 15 min
    reason: str = ""  # "repeat" | "red_flag" when confirmed
    deadline: datetime | None = None  # when waiting ends
    value: SessionValue | None = None  # BP: the session value that decided
    # The SLA clock's start: the first agreeing repeat, or the dangerous reading itself with a red flag.
    confirmed_at: datetime | None = None

    @property
    def pages(self) -> bool:
        """Only a confirmed value opens a critical alert."""
        return self.state == CONFIRMED


def _in_episode(index, candidate, last) -> bool:
    """A later reading belongs to the dangerous reading's episode: same session or within 15 min."""
    return (candidate.measured_at - index.measured_at <= CONFIRM_WINDOW
            or candidate.measured_at - last.measured_at <= SESSION_GAP)


def _episodes(readings: Sequence, dangerous) -> list[tuple]:
    """(index, repeats) per dangerous episode, oldest first; readings in an episode start no new one."""
    ordered = sorted(readings, key=lambda r: r.measured_at)
    out: list[tuple] = []
    i = 0
    while i < len(ordered):
        if not dangerous(ordered[i]):
            i += 1
            continue
        index, repeats, j = ordered[i], [], i + 1
        while j < len(ordered) and _in_episode(index, ordered[j], repeats[-1] if repeats else index):
            repeats.append(ordered[j])
            j += 1
        out.append((index, tuple(repeats)))
        i = j
    return out


def _waiting(index, *, now: datetime, red_flag: bool, wait: timedelta) -> Confirmation:
    deadline = index.measured_at + wait
    if red_flag:
        return Confirmation(CONFIRMED, index, (), "red_flag", deadline, confirmed_at=index.measured_at)
    return Confirmation(AWAITING if now < deadline else UNCONFIRMED, index, (), "", deadline)


def bp_episodes(readings: Sequence, *, now: datetime, red_flag: bool = False,
                wait: timedelta = CONFIRM_WAIT) -> list[Confirmation]:
    """Every BP episode >=180/110 (规范 2017 danger sign) among plausible `readings`, oldest first.

    `readings`: objects with .measured_at, .systolic, .diastolic (Bp, ml.hbpm.BpPoint, ORM rows).
    Implausible readings are ignored: they go through `suggest_bp` first.
    """
    ok = [r for r in readings if not bp_problems(int(r.systolic), int(r.diastolic))]
    return [_bp_state(index, repeats, now=now, red_flag=red_flag, wait=wait)
            for index, repeats in _episodes(ok, lambda r: bp_is_acute(r.systolic, r.diastolic))]


def confirm_bp(readings: Sequence, *, now: datetime, red_flag: bool = False,
               wait: timedelta = CONFIRM_WAIT) -> Confirmation:
    """State of the latest BP episode >=180/110 among `readings` (see `bp_episodes`)."""
    episodes = bp_episodes(readings, now=now, red_flag=red_flag, wait=wait)
    return episodes[-1] if episodes else Confirmation(NOT_DANGEROUS)


def _bp_state(index, repeats, *, now: datetime, red_flag: bool, wait: timedelta) -> Confirmation:
    if not repeats:
        return _waiting(index, now=now, red_flag=red_flag, wait=wait)
    value = session_value((index, *repeats))
    agrees = bp_is_acute(value.systolic, value.diastolic)
    deadline = index.measured_at + wait
    if red_flag or agrees:
        at = None
        for k in range(1, len(repeats) + 1):  # the first repeat from which the episode agrees
            v = session_value((index, *repeats[:k]))
            if bp_is_acute(v.systolic, v.diastolic):
                at = repeats[k - 1].measured_at
                break
        reason = "repeat" if agrees else "red_flag"
        return Confirmation(CONFIRMED, index, repeats, reason, deadline, value,
                            confirmed_at=at if agrees else index.measured_at)
    return Confirmation(DISMISSED, index, repeats, "", deadline, value)


def meter_agrees(index: Glucose, repeat: Glucose) -> bool:
    """A repeat agrees with a dangerous glucose: dangerous the same way (a low: still <3.9, hypoglycaemia
    level 1, CDS 2020), or within ISO 15197:2013 meter tolerance of it."""
    if repeat.danger is not None and repeat.danger == index.danger:
        return True
    if index.danger == "low" and repeat.mmol is not None and repeat.mmol < HYPO_LEVEL1_BELOW:
        return True
    if index.mmol is None or repeat.mmol is None:
        return False
    if index.mmol < METER_TOLERANCE_SWITCH_MMOL:
        return abs(repeat.mmol - index.mmol) <= METER_TOLERANCE_MMOL
    return abs(repeat.mmol - index.mmol) <= METER_TOLERANCE_FRACTION * index.mmol


def glucose_episodes(readings: Sequence[Glucose], *, now: datetime, red_flag: bool = False,
                     wait: timedelta = CONFIRM_WAIT) -> list[Confirmation]:
    """Every dangerous glucose episode (<3.0 or >=16.7 mmol/L, LO or HI), oldest first."""
    ok = [r for r in readings if r.meter_flag or (r.mmol is not None
                                                  and GLUCOSE_MMOL_RANGE[0] <= r.mmol <= GLUCOSE_MMOL_RANGE[1])]
    return [_glucose_state(index, repeats, now=now, red_flag=red_flag, wait=wait)
            for index, repeats in _episodes(ok, lambda r: r.danger is not None)]


def confirm_glucose(readings: Sequence[Glucose], *, now: datetime, red_flag: bool = False,
                    wait: timedelta = CONFIRM_WAIT) -> Confirmation:
    """State of the latest dangerous glucose episode among `readings` (see `glucose_episodes`)."""
    episodes = glucose_episodes(readings, now=now, red_flag=red_flag, wait=wait)
    return episodes[-1] if episodes else Confirmation(NOT_DANGEROUS)


def _glucose_state(index, repeats, *, now: datetime, red_flag: bool, wait: timedelta) -> Confirmation:
    if not repeats:
        return _waiting(index, now=now, red_flag=red_flag, wait=wait)
    deadline = index.measured_at + wait
    agreeing = [r for r in repeats if meter_agrees(index, r)]
    if agreeing:
        return Confirmation(CONFIRMED, index, repeats, "repeat", deadline, confirmed_at=agreeing[0].measured_at)
    if red_flag:
        return Confirmation(CONFIRMED, index, repeats, "red_flag", deadline, confirmed_at=index.measured_at)
    return Confirmation(DISMISSED, index, repeats, "", deadline)


# --- batch: the trend features and `trends score` (no one to ask, no symptoms) -------------------------
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def batch_unconfirmed(res: np.ndarray, t: np.ndarray, a: np.ndarray, b: np.ndarray | None, *, n: int,
                      at_s: int, lookback_s: int, kind: Literal["bp", "glucose"]
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dangerous values that are not confirmed, for readings sorted by (resident, time).

    Returns (drop, unconfirmed_recent, confirmed_recent): `drop` marks each reading that is the dangerous reading of an
    episode that is not confirmed at `at_s` (awaiting, unconfirmed or dismissed by a normal repeat),
    so it feeds neither the trend features nor the acute state; `unconfirmed_recent` counts per
    resident the awaiting or unconfirmed episodes of the last `lookback_s` seconds. Two or more of
    those count as confirmed (two separate dangerous sessions) and are not dropped;
    `confirmed_recent` counts the confirmed episodes of the last `lookback_s` seconds.
    BP: a = SBP, b = DBP; glucose: a = mmol/L (meter HI/LO stored as 33.4 / 1.0).
    """
    drop = np.zeros(res.shape[0], dtype=bool)
    recent = np.zeros(n, dtype=np.int64)
    confirmed = np.zeros(n, dtype=np.int64)
    if kind == "bp":
        danger = (a >= ACUTE_SBP) | (b >= ACUTE_DBP)
    else:
        danger = (a < HYPO_LEVEL2_BELOW) | (a >= HYPER_URGENT)
    if not danger.any():
        return drop, recent, confirmed
    now = _EPOCH + timedelta(seconds=int(at_s))
    bounds = np.searchsorted(res, np.arange(n + 1))
    for r in np.unique(res[danger]).tolist():
        lo, hi = int(bounds[r]), int(bounds[r + 1])
        if kind == "bp":
            pts = [Bp(_EPOCH + timedelta(seconds=int(tt)), float(x), float(y))
                   for tt, x, y in zip(t[lo:hi].tolist(), a[lo:hi].tolist(), b[lo:hi].tolist())]
            episodes = bp_episodes(pts, now=now)
        else:
            pts = [Glucose(_EPOCH + timedelta(seconds=int(tt)), float(x)) for tt, x in zip(t[lo:hi].tolist(), a[lo:hi].tolist())]
            episodes = glucose_episodes(pts, now=now)
        position = {id(p): lo + k for k, p in enumerate(pts)}
        open_recent = []
        for e in episodes:
            j = position[id(e.index)]
            if e.state == CONFIRMED:
                confirmed[r] += int(t[j] > at_s - lookback_s)
                continue
            drop[j] = True
            if e.state != DISMISSED and t[j] > at_s - lookback_s:
                open_recent.append(j)
        if len(open_recent) >= 2:
            drop[open_recent] = False
            confirmed[r] += len(open_recent)
        recent[r] = len(open_recent)
    return drop, recent, confirmed


# --- 3. implausible entries ---------------------------------------------------------------------------
EntryKind = Literal["swapped", "extra_digit", "missing_digit", "unit_kpa", "unit_mgdl", "unit_mmol",
                    "missing_decimal"]
# Values a corrected entry may take: narrower than the plausibility ranges of ml.clinical, because a
# suggestion should look like an ordinary home reading (design choice).
_SBP_LIKELY = (70, 250)
_DBP_LIKELY = (40, 150)
_MIN_PULSE_PRESSURE = 10
# kPa: 1 kPa = 7.50 mmHg (SI; older Chinese sphygmomanometers and records use kPa).
MMHG_PER_KPA = 7.50062
_TYPICAL_BP = (135.0, 82.0)  # treated hypertensives at home (J-HOP: 134.2 mmHg SBP)


@dataclass(frozen=True)
class EntrySuggestion:
    """A probable intended value of an implausible entry."""

    kind: EntryKind
    value: tuple[int, int] | float  # (systolic, diastolic) or mmol/L
    alternatives: tuple = ()

    @property
    def text(self) -> str:
        """The value as the resident would type it: "135/85" or "7.0"."""
        if isinstance(self.value, tuple):
            return f"{self.value[0]}/{self.value[1]}"
        return f"{self.value:.1f}"


def _likely_pair(s: int, d: int) -> bool:
    return (_SBP_LIKELY[0] <= s <= _SBP_LIKELY[1] and _DBP_LIKELY[0] <= d <= _DBP_LIKELY[1]
            and s - d >= _MIN_PULSE_PRESSURE)


def _drop_one_digit(value: int) -> list[int]:
    """Candidates with one digit removed, a doubled digit (a key pressed twice) first."""
    text = str(value)
    doubled, other = [], []
    for k in range(len(text)):
        cand = text[:k] + text[k + 1:]
        if not cand or cand[0] == "0":
            continue
        (doubled if k > 0 and text[k] == text[k - 1] else other).append(int(cand))
    return list(dict.fromkeys(doubled + other))


def _add_one_digit(value: int) -> list[int]:
    text = str(value)
    out = []
    for k in range(len(text) + 1):
        for digit in "0123456789":
            cand = text[:k] + digit + text[k:]
            if cand[0] != "0":
                out.append(int(cand))
    return list(dict.fromkeys(out))


def _field_candidates(value: int, lo: int, hi: int) -> tuple[list[int], EntryKind | None]:
    if lo <= value <= hi:
        return [value], None
    if value > hi:
        return [c for c in _drop_one_digit(value) if lo <= c <= hi], "extra_digit"
    return [c for c in _add_one_digit(value) if lo <= c <= hi], "missing_digit"


def suggest_bp(systolic: int, diastolic: int, *, typical: tuple[float, float] | None = None) -> EntrySuggestion | None:
    """A probable intended BP for an implausible entry, or None (plausible, or no good guess).

    `typical`: the resident's recent session mean, used to choose between candidates (a missing
    digit has several); without it, a typical treated home BP (J-HOP 134/82).
    """
    s, d = int(systolic), int(diastolic)
    if not bp_problems(s, d) and s - d >= _MIN_PULSE_PRESSURE:
        return None
    ref = typical or _TYPICAL_BP

    def rank(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return sorted(dict.fromkeys(pairs), key=lambda p: abs(p[0] - ref[0]) + 1.5 * abs(p[1] - ref[1]))

    if d > s and _likely_pair(d, s):
        return EntrySuggestion("swapped", (d, s))
    if s < _SBP_LIKELY[0] and d < _DBP_LIKELY[0] and s > d:
        ks, kd = round(s * MMHG_PER_KPA), round(d * MMHG_PER_KPA)
        if _likely_pair(ks, kd):
            return EntrySuggestion("unit_kpa", (ks, kd))
    s_cands, s_kind = _field_candidates(s, *_SBP_LIKELY)
    d_cands, d_kind = _field_candidates(d, *_DBP_LIKELY)
    if s_kind and d_kind:  # both fields wrong at once: no single slip explains it
        return None
    kind = s_kind or d_kind
    if kind is None:
        return None
    pairs = rank([(a, b) for a in s_cands for b in d_cands if _likely_pair(a, b)])
    if not pairs:
        return None
    if kind == "extra_digit":  # a doubled key first, then the closest to the typical value
        firsts = _drop_one_digit(s if s_kind else d)
        pairs.sort(key=lambda p: firsts.index(p[0] if s_kind else p[1]))
    return EntrySuggestion(kind, pairs[0], tuple(pairs[1:4]))


def suggest_glucose(value: float, *, unit: str = "mmol/L") -> EntrySuggestion | None:
    """A probable intended glucose in mmol/L for an entry that is likely in the wrong unit, or None.

    mmol/L entries above 35 are mg/dL values typed in the wrong field (1 mmol/L = 18 mg/dL), or a
    missing decimal point below 70 ("56" for 5.6); mg/dL entries below the mg/dL range are mmol/L.
    """
    lo, hi = GLUCOSE_MMOL_RANGE
    if unit.lower().replace(" ", "") in ("mg/dl", "mgdl"):
        if value < lo * MG_DL_PER_MMOL_L and lo <= value <= hi:
            return EntrySuggestion("unit_mmol", round(float(value), 1))
        return None
    if lo <= value <= hi:
        return None
    if value > hi:
        as_mgdl = round(value / MG_DL_PER_MMOL_L, 1)
        decimal = round(value / 10.0, 1) if float(value).is_integer() and value < 100 else None
        options = [(k, v) for k, v in (("unit_mgdl", as_mgdl), ("missing_decimal", decimal))
                   if v is not None and lo <= v <= hi]
        if not options:
            return None
        if value < 70 and len(options) == 2:
            options.reverse()  # 36-69 mg/dL would be a severe hypo; "56" for 5.6 is the likelier slip
        (kind, v), rest = options[0], options[1:]
        return EntrySuggestion(kind, v, tuple(x for _, x in rest))
    return None
