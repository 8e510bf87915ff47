"""Batch triage for clinical QA: one JSON object per line in, the same objects with results out.

Contract: IN {"id", "text", optional "age", "sex" (M|F), "conditions" (list)}; OUT adds
"level", "department", "red_flags", "questions", "advice". A bad line is reported with its line
number and skipped; no questions are asked.
"""
from __future__ import annotations

import json
from typing import IO, Iterable

from app.services.triage.engine import Profile, assess


class BadLine(ValueError):
    pass


def _profile(obj: dict) -> Profile:
    age = obj.get("age")
    if age is not None:
        if isinstance(age, bool) or not isinstance(age, (int, float)) or not 0 <= age <= 120:
            raise BadLine("age must be a number between 0 and 120")
    sex = obj.get("sex")
    if sex is not None and sex not in ("M", "F"):
        raise BadLine('sex must be "M" or "F"')
    conditions = obj.get("conditions") or []
    if not isinstance(conditions, list) or not all(isinstance(c, str) for c in conditions):
        raise BadLine("conditions must be a list of strings")
    return Profile(age=age, sex=sex, conditions=frozenset(conditions))


def triage_record(obj: object) -> dict:
    """Validate one input object and return it with the triage result added."""
    if not isinstance(obj, dict):
        raise BadLine("each line must be a JSON object")
    if "id" not in obj:
        raise BadLine('missing "id"')
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadLine('"text" must be a non-empty string')
    result = assess(text, profile=_profile(obj), interactive=False)
    out = dict(obj)
    out.update({
        "level": result.level,
        "department": result.department,
        "red_flags": [f.to_dict() for f in result.red_flags],
        "questions": [q.to_dict() for q in result.questions],
        "advice": result.advice,
    })
    return out


def run_batch(in_lines: Iterable[str], out: IO[str], err: IO[str]) -> tuple[int, int]:
    """Triage every line of ``in_lines`` into ``out``; report bad lines on ``err``. Returns (ok, bad)."""
    ok = bad = 0
    for lineno, line in enumerate(in_lines, start=1):
        if not line.strip():
            continue
        try:
            record = triage_record(json.loads(line))
        except json.JSONDecodeError as exc:
            err.write(f"line {lineno}: invalid JSON ({exc.msg})\n")
            bad += 1
            continue
        except BadLine as exc:
            err.write(f"line {lineno}: {exc}\n")
            bad += 1
            continue
        except Exception as exc:  # one broken record must not stop a QA run
            err.write(f"line {lineno}: could not triage ({type(exc).__name__}: {exc})\n")
            bad += 1
            continue
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        ok += 1
    return ok, bad
