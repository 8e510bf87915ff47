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
# Colloquial messages (dialect, typing slips, third person, effects instead of names, buried red
# flags), written before tuning the engine on them; see docs/triage.md "Evaluation".
COLLOQUIAL_PATH = Path(__file__).with_name("cases_colloquial.jsonl")
LEVELS = ("emergency", "urgent", "routine", "self_care")


def _load(path: Path = CASES_PATH) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


CASES = _load()
COLLOQUIAL = _load(COLLOQUIAL_PATH)


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
    "cov-hfmd-01": "hand, foot and mouth disease with a low fever in a child who eats and drinks is self-care (NICE CKS "
                   "HFMD 2023: self-limiting); the library said routine",
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


def test_every_protocol_is_exercised_by_the_library(results, colloquial):
    fired = {code for _case, a in results + colloquial for code in a.complaints}
    expected = {p.code for p in PROTOCOLS}
    assert expected - fired == set()


# --- the colloquial set ----------------------------------------------------------------------------
COLLOQUIAL_EXACT_FLOOR = 0.95        # batch 1: 0.849 before tuning; batch 2: 0.870 before its own tuning
COLLOQUIAL_AT_EMERGENCY_FLOOR = 0.95  # expected emergencies answered at emergency (not only urgent)
# Kept disagreements, each with its reason (not fixed with a wording rule).
COLLOQUIAL_DISAGREEMENTS = {
    "col-073": "COPD 'breathless worse than usual' is read as severe breathlessness (emergency), as the "
               "development set's sp-08 expects; the colloquial label said urgent",
    "col-110": "a long-known headache 'same as before' is answered self-care; the label said routine",
    "col-156": "recurring mouth ulcers called an old complaint are reviewed (routine); the label said self-care",
    "col-196": "a scald with blisters over a large area of an arm is answered as a major burn (emergency); the "
               "label said urgent",
}


@pytest.fixture(scope="module")
def colloquial():
    return [(case, _run(case)) for case in COLLOQUIAL]


def test_colloquial_emergencies_reach_emergency(colloquial):
    emergencies = [(c, a) for c, a in colloquial if c["level"] == "emergency"]
    missed = [f"{c['id']}: {c['text']} got {a.level}" for c, a in emergencies if a.level not in ("emergency", "urgent")]
    assert not missed, "\n".join(missed)
    at_emergency = sum(a.level == "emergency" for _c, a in emergencies)
    assert at_emergency / len(emergencies) >= COLLOQUIAL_AT_EMERGENCY_FLOOR


def test_colloquial_self_care_is_never_sent_to_emergency(colloquial):
    assert not [c["id"] for c, a in colloquial if c["level"] == "self_care" and a.level == "emergency"]


def test_colloquial_accuracy_stays_above_its_floor(colloquial):
    r = _report(colloquial)
    misses = [f"{c['id']}: {c['text']} expected {c['level']} got {a.level}" for c, a in colloquial if a.level != c["level"]]
    print("\n" + format_report(r) + "\n" + "\n".join(misses))
    assert r.exact >= COLLOQUIAL_EXACT_FLOOR, "\n".join(misses)
    unexplained = [m for m in misses if m.split(":")[0] not in COLLOQUIAL_DISAGREEMENTS]
    assert len(unexplained) <= round((1 - COLLOQUIAL_EXACT_FLOOR) * len(colloquial)), "\n".join(unexplained)


def test_colloquial_set_is_broad():
    assert len(COLLOQUIAL) >= 150
    assert len({c["id"] for c in COLLOQUIAL} | {c["id"] for c in CASES}) == len(COLLOQUIAL) + len(CASES)
    assert Counter(c["level"] for c in COLLOQUIAL).keys() == set(LEVELS)
