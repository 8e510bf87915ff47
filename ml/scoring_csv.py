"""The `flask trends score` CSV contract: READINGS.csv + PROFILES.csv in, FLAGS.csv out.

Reading, validating and writing only; the decisions are `ml.scoring.resident_flags`.
"""
from __future__ import annotations

import csv
import math
import sys
from datetime import datetime
from pathlib import Path
from typing import Sequence, TextIO

import numpy as np

from ml.clinical import (
    DBP_RANGE,
    GLUCOSE_MMOL_RANGE,
    METER_HI_MMOL,
    METER_LO_MMOL,
    PULSE_RANGE,
    SBP_RANGE,
    BpTarget,
    default_bp_target,
)
from ml.features import GLUCOSE_CONTEXTS, LOOKBACK_DAYS, ReadingColumns, ResidentProfile, epoch_seconds
from ml.hbpm import LOCAL_TZ
from ml.model import TrendModel, load_model
from ml.scoring import ResidentFlag, resident_flags

# --- CSV contract of `flask trends score` (README, docs/model_card.md) -------------------------------------

READING_COLUMNS = ("resident_id", "measured_at", "kind", "systolic", "diastolic", "pulse", "glucose_mmol", "context")
PROFILE_COLUMNS = ("resident_id", "age", "sex", "conditions", "bp_target_sys", "bp_target_dia")
FLAG_COLUMNS = ("resident_id", "flagged", "severity", "score", "reasons", "remeasure")
MAX_REPORTED = 1000
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
    """FLAGS.csv: resident_id, flagged 0|1, severity, score 0..1, reasons (joined by "；"), remeasure 0|1.

    flagged=1: a doctor should review the resident. remeasure=1 (never with flagged=1): the only
    problem is a dangerous value that no repeat has confirmed; ask the resident to re-measure.
    """
    with open(out_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(FLAG_COLUMNS)
        for row in rows:
            w.writerow((row.resident_id, int(row.flagged), row.severity, f"{row.score:.3f}", "；".join(row.reasons),
                        int(row.remeasure)))


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
