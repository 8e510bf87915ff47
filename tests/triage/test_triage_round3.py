"""The third round's development set (tests/triage/cases_round3.jsonl): messages and vignettes written by
independent helpers from clinical sources only, scored before any tuning on them, then tuned on (see
docs/triage.md "Evaluation", round 3). Floors, not exact matching: a floor sits under what the engine
reaches, and the kept disagreements are listed with their reasons."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.triage import Profile, assess
from app.services.triage.report import Scored, format_report, score

PATH = Path(__file__).with_name("cases_round3.jsonl")
CASES = [json.loads(line) for line in PATH.read_text(encoding="utf-8").splitlines() if line.strip()]

EXACT_FLOOR = 0.85          # reached 0.878 (0.697-0.742 per batch before the round)
THREE_CLASS_FLOOR = 0.89    # reached 0.915
# Kept disagreements on the safe side, each with its reason (not fixed with a wording rule).
SELF_CARE_TO_EMERGENCY = {
    "col-727": "an old man talking in his sleep at night, normal by day, is read as new confusion in the elderly "
               "(emergency at 65 or more); the label said self-care",
}


@pytest.fixture(scope="module")
def results():
    def run(case):
        profile = Profile(age=case.get("age"), sex=case.get("sex"), conditions=frozenset(case.get("conditions", [])))
        return assess(case["text"], profile=profile, interactive=False)
    return [(case, run(case)) for case in CASES]


def test_the_set_is_what_its_authors_wrote():
    ids = [c["id"] for c in CASES]
    assert len(CASES) == 1260 and len(ids) == len(set(ids))
    assert {c["set"] for c in CASES} == {"colloquial", "vignette_long", "vignette_terse"}


def test_every_emergency_is_sent_to_emergency_or_urgent(results):
    missed = [f"{c['id']}: {c['text']} got {a.level}" for c, a in results
              if c["level"] == "emergency" and a.level not in ("emergency", "urgent")]
    assert not missed, "\n".join(missed)


def test_no_self_care_message_is_sent_to_emergency_but_the_kept_ones(results):
    wrong = {c["id"] for c, a in results if c["level"] == "self_care" and a.level == "emergency"}
    assert wrong <= set(SELF_CARE_TO_EMERGENCY), sorted(wrong - set(SELF_CARE_TO_EMERGENCY))


def test_accuracy_stays_above_its_floors(results):
    r = score(Scored(c["id"], c["level"], a.level, a.complaints) for c, a in results)
    print("\n" + format_report(r))
    assert r.exact >= EXACT_FLOOR and r.exact3 >= THREE_CLASS_FLOOR
