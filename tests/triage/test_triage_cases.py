"""The development case library (tests/triage/cases.jsonl): honest floors rather than exact matching.
Prints the report (run with -s to see it on success)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from app.services.triage import Profile, assess
from app.services.triage.protocols import PROTOCOLS
from app.services.triage.report import Scored, format_report, score

CASES_PATH = Path(__file__).with_name("cases.jsonl")
LEVELS = ("emergency", "urgent", "routine", "self_care")


def _load() -> list[dict]:
    return [json.loads(line) for line in CASES_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


CASES = _load()


def _run(case: dict):
    profile = Profile(age=case.get("age"), sex=case.get("sex"), conditions=frozenset(case.get("conditions", [])))
    return assess(case["text"], profile=profile, interactive=False)


@pytest.fixture(scope="module")
def results():
    return [(case, _run(case)) for case in CASES]


def _report(results):
    return score(Scored(c["id"], c["level"], a.level, a.complaints) for c, a in results)


# Floors, not exact matching: this library is the development set we tuned on (it measures how well
# the engine remembers our own wording). The independent held-out set is scored by the lead, never here.
# Floors sit a small margin under what the engine reaches (docs/triage.md "Evaluation").
EXACT_FLOOR = 0.97          # reached 0.999
THREE_CLASS_FLOOR = 0.97    # reached 0.999
SELF_CARE_FLOOR = 0.95      # reached 1.000
DEPARTMENT_FLOOR = 0.95
# Cases where the engine now disagrees with the label on purpose, each with its reason (kept, not
# fixed with a wording rule).
KNOWN_DISAGREEMENTS = {
    "sp-40": "fever with pleuritic chest pain and cough is now urgent (possible pneumonia, NICE CKS CAP); "
             "the library said routine",
}


def test_every_emergency_is_sent_to_emergency_or_urgent(results):
    missed = [f"{c['id']}: {c['text']} got {a.level}" for c, a in results
              if c["level"] == "emergency" and a.level not in ("emergency", "urgent")]
    assert not missed, "\n".join(missed)


def test_no_self_care_case_is_sent_to_emergency(results):
    wrong = [f"{c['id']}: {c['text']}" for c, a in results if c["level"] == "self_care" and a.level == "emergency"]
    assert not wrong, "\n".join(wrong)


def test_accuracy_stays_above_its_floors(results):
    r = _report(results)
    misses = [f"{c['id']}: {c['text']} expected {c['level']} got {a.level} ({[t.rule for t in a.trace]})"
              for c, a in results if a.level != c["level"]]
    print("\n" + format_report(r) + "\n" + "\n".join(misses))
    assert r.exact >= EXACT_FLOOR, "\n".join(misses)
    assert r.exact3 >= THREE_CLASS_FLOOR
    assert r.self_care_exact / r.self_care >= SELF_CARE_FLOOR
    unexplained = [m for m in misses if m.split(":")[0] not in KNOWN_DISAGREEMENTS]
    assert len(unexplained) <= round((1 - EXACT_FLOOR) * len(results))


def test_departments_stay_above_their_floor(results):
    wrong = [f"{c['id']}: {c['text']} expected {c['department']} got {a.department}"
             for c, a in results if a.department != c["department"]]
    assert 1 - len(wrong) / len(results) >= DEPARTMENT_FLOOR, "\n".join(wrong)


def test_case_library_is_broad():
    assert len(CASES) >= 300
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    terse = [c for c in CASES if 8 <= len(c["text"]) <= 20]
    long = [c for c in CASES if len(c["text"]) > 20]
    assert len(terse) >= 60 and len(long) >= 60
    assert Counter(c["level"] for c in CASES).keys() == set(LEVELS)
    children = [c for c in CASES if any(w in c["text"] for w in ("孩子", "宝宝", "儿子", "女儿", "娃", "新生儿"))]
    elderly = [c for c in CASES if (c.get("age") or 0) >= 65 or any(w in c["text"] for w in ("爸", "妈", "老人", "奶奶",
                                                                                             "爷爷", "老伴", "外婆"))]
    negations = [c for c in CASES if any(w in c["text"] for w in ("没有", "不发烧", "否认", "不疼", "没"))]
    assert len(children) >= 30 and len(elderly) >= 40 and len(negations) >= 40


def test_every_protocol_is_exercised_by_the_library(results):
    fired = {code for _case, a in results for code in a.complaints}
    expected = {p.code for p in PROTOCOLS}
    assert expected - fired == set()
