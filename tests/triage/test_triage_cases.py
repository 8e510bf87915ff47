"""The clinical case library (tests/triage/cases.jsonl): every case must get its expected level and
department. Prints the confusion matrix (run with -s to see it on success)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from app.services.triage import Profile, assess
from app.services.triage.protocols import PROTOCOLS

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


def _matrix(results) -> str:
    counts = Counter((case["level"], got.level) for case, got in results)
    width = max(len(x) for x in LEVELS) + 2
    lines = ["expected \\ got".ljust(width + 4) + "".join(x.rjust(width) for x in LEVELS)]
    for exp in LEVELS:
        lines.append(exp.ljust(width + 4) + "".join(str(counts[(exp, got)]).rjust(width) for got in LEVELS))
    return "\n".join(lines)


def test_every_case_gets_its_expected_level_and_department(results):
    level_misses = [f"{c['id']}: {c['text']} expected {c['level']} got {a.level} ({[t.rule for t in a.trace]})"
                    for c, a in results if a.level != c["level"]]
    dept_misses = [f"{c['id']}: {c['text']} expected {c['department']} got {a.department}"
                   for c, a in results if a.department != c["department"]]
    matrix = _matrix(results)
    print(f"\ntriage case library: {len(results)} cases\n{matrix}\n"
          f"level mismatches: {len(level_misses)}, department mismatches: {len(dept_misses)}")
    assert not level_misses, matrix + "\n" + "\n".join(level_misses)
    assert not dept_misses, "\n".join(dept_misses)


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
