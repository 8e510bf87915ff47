"""The fourth round's development set (tests/triage/cases_round4.jsonl, batches b9-b13): messages and vignettes
written by independent helpers from clinical sources only, scored before any tuning on them, then tuned on by
concept (see docs/triage.md "Evaluation", round 4). Floors, not exact matching: a floor sits under what the engine
reaches; every emergency must reach emergency or urgent and no self-care case may be sent to emergency."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.triage import Profile, assess
from app.services.triage.report import Scored, format_report, score

PATH = Path(__file__).with_name("cases_round4.jsonl")
CASES = [json.loads(line) for line in PATH.read_text(encoding="utf-8").splitlines() if line.strip()]

EXACT_FLOOR = 0.84          # reached 0.859 (0.64-0.85 per batch before the round)
THREE_CLASS_FLOOR = 0.89    # reached 0.903


@pytest.fixture(scope="module")
def results():
    def run(case):
        profile = Profile(age=case.get("age"), sex=case.get("sex"), conditions=frozenset(case.get("conditions", [])))
        return assess(case["text"], profile=profile, interactive=False)
    return [(case, run(case)) for case in CASES]


def test_the_set_is_what_its_authors_wrote():
    ids = [c["id"] for c in CASES]
    assert len(CASES) == 710 and len(ids) == len(set(ids))
    assert {i.split("-")[0] for i in ids} == {"b9", "b10", "b11", "b12", "b13"}


def test_every_emergency_is_sent_to_emergency_or_urgent(results):
    missed = [f"{c['id']}: {c['text']} got {a.level}" for c, a in results
              if c["level"] == "emergency" and a.level not in ("emergency", "urgent")]
    assert not missed, "\n".join(missed)


def test_no_self_care_case_is_sent_to_emergency(results):
    wrong = [c["id"] for c, a in results if c["level"] == "self_care" and a.level == "emergency"]
    assert not wrong, wrong


def test_accuracy_stays_above_its_floors(results):
    r = score(Scored(c["id"], c["level"], a.level, a.complaints) for c, a in results)
    print("\n" + format_report(r))
    assert r.exact >= EXACT_FLOOR and r.exact3 >= THREE_CLASS_FLOOR
