"""The development sets of rounds 3 to 17 (tests/triage/cases_round3.jsonl … cases_round17.jsonl): messages and
vignettes written by independent helpers from clinical sources only, scored before any tuning on them, then tuned
on by concept (docs/triage.md "Evaluation" §3.2-3.6). Floors, not exact matching: a floor sits under what the
engine reaches. Every emergency reaches emergency or urgent; no self-care case reaches emergency except the kept
disagreements, each with its reason."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.services.triage import Profile, assess
from app.services.triage.report import Scored, format_report, score

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Round:
    file: str
    count: int
    exact_floor: float
    three_class_floor: float
    sets: frozenset[str]
    self_care_to_emergency: dict[str, str] = field(default_factory=dict)


ROUNDS = [
    # reached 0.893 / 0.926 (0.697-0.742 per batch before round 3)
    Round("cases_round3.jsonl", 1260, 0.86, 0.90, frozenset({"colloquial", "vignette_long", "vignette_terse"}),
          {"col-727": "an old man talking in his sleep at night, normal by day, is read as new confusion in the "
                      "elderly (emergency at 65 or more); the label said self-care"}),
    # reached 0.859 / 0.903 (0.64-0.85 per batch before round 4)
    Round("cases_round4.jsonl", 710, 0.84, 0.89, frozenset({"colloquial", "vignette_long", "vignette_terse"})),
    # reached 0.873 / 0.904 (0.75-0.86 per batch before round 5)
    Round("cases_round5.jsonl", 450, 0.85, 0.88, frozenset({"colloquial", "vignette_terse"}),
          {"b14-118": "a grandmother described as 糊涂了 (muddled) who took an extra metformin is read as new "
                      "confusion in the elderly (emergency); the writer meant a long-standing forgetfulness"}),
    # reached 0.813 / 0.853 (b17 0.493, b18 0.753 before round 6); self-care is the weak side (59/75)
    Round("cases_round6.jsonl", 300, 0.78, 0.82, frozenset({"colloquial", "vignette_long"}),
          {"b17-036": "a two-month-old who grunts and goes red while straining before a soft stool (infant "
                      "dyschezia) is read as a young infant grunting (a danger sign); no dyschezia concept yet"}),
    # reached 0.916 / 0.930 (before round 7: b19 0.783 long, 0.833 terse; b20 0.847; b21 0.880 long and terse)
    Round("cases_round7.jsonl", 370, 0.89, 0.90, frozenset({"colloquial", "vignette_long", "vignette_terse"})),
    # before round 8: b22 0.827 / 0.873 (three emergencies at routine); b23 long 0.780 / 0.800, terse 0.860
    # reached 0.956 / 0.972 (before round 8: b22 0.827 / 0.873, three emergencies at routine; b23 long 0.780 / 0.800,
    # terse 0.860)
    Round("cases_round8.jsonl", 250, 0.93, 0.95, frozenset({"colloquial", "vignette_long", "vignette_terse"})),
    # reached 0.910 / 0.920 (on arrival: b24 0.875 at the session's start, 0.883 after round 8; b25 long 0.800,
    # terse 0.875, the same at the start and after round 8)
    Round("cases_round9.jsonl", 200, 0.89, 0.90, frozenset({"colloquial", "vignette_long", "vignette_terse"})),
    # reached 0.910 / 0.920 (on arrival: b26 0.850 at the session's start and the same after rounds 8-9, 30/32
    # emergencies at E/U; b27 long 0.775 -> 0.850, terse 0.875 -> 0.925 at arrival)
    Round("cases_round10.jsonl", 200, 0.89, 0.90, frozenset({"colloquial", "vignette_long", "vignette_terse"})),
    # reached 0.865 / 0.890 (on arrival: b28 0.860 with 27/28 emergencies at E/U, b29 0.770 with 26/28)
    Round("cases_round11.jsonl", 200, 0.84, 0.87, frozenset({"colloquial"})),
    # reached 0.900 colloquial, 0.875 / 0.950 long / terse (on arrival: b30 0.880 with 27/28 emergencies at E/U, b31
    # 0.900 with 28/28, b32 long 0.850 and terse 0.875)
    Round("cases_round12.jsonl", 280, 0.86, 0.88, frozenset({"colloquial", "vignette_long", "vignette_terse"})),
    # reached 0.957 / 0.960 (on arrival: b33 0.912, b34 long 0.800 and terse 0.875, b35 0.857 with 43/45 emergencies
    # at emergency or urgent, b36 0.843 with two self-care messages at emergency)
    Round("cases_round13.jsonl", 300, 0.93, 0.94, frozenset({"colloquial", "vignette_long", "vignette_terse"})),
    # reached 0.947 / 0.953 (on arrival: b37 0.922 with 24/25 emergencies at emergency or urgent, b38 long and terse
    # 0.850, 11/12 emergent)
    Round("cases_round14.jsonl", 170, 0.92, 0.93, frozenset({"colloquial", "vignette_long", "vignette_terse"})),
    # reached 0.906 / 0.929 before the second reader was trained on it (on arrival, the rules alone: b39 0.833 with
    # 24/25 emergencies at emergency or urgent, b40 long 0.925 and terse 0.975)
    Round("cases_round15.jsonl", 170, 0.88, 0.90, frozenset({"colloquial", "vignette_long", "vignette_terse"})),
    # reached 0.911 / 0.917 with the rules alone after tuning (on arrival: b41 0.900 with 25/25 emergencies at
    # emergency or urgent and three self-care messages at emergency, b42 0.878 with 24/25)
    Round("cases_round16.jsonl", 180, 0.89, 0.90, frozenset({"colloquial"})),
    # reached 0.953 / 0.953 with the second reader retrained on it (on arrival: b43 0.833 with 25/25 emergencies at
    # emergency or urgent and one self-care message at emergency, b44 long 0.800 with 12/13, terse 0.750 with 13/13)
    Round("cases_round17.jsonl", 170, 0.92, 0.92, frozenset({"colloquial", "vignette_long", "vignette_terse"})),
]


def _load(r: Round) -> list[dict]:
    return [json.loads(line) for line in (HERE / r.file).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module", params=ROUNDS, ids=lambda r: r.file)
def round_results(request):
    def run(case):
        profile = Profile(age=case.get("age"), sex=case.get("sex"), conditions=frozenset(case.get("conditions", [])))
        return assess(case["text"], profile=profile, interactive=False)
    return request.param, [(case, run(case)) for case in _load(request.param)]


def test_each_set_is_what_its_authors_wrote(round_results):
    r, results = round_results
    ids = [c["id"] for c, _ in results]
    assert len(ids) == r.count and len(ids) == len(set(ids))
    assert {c["set"] for c, _ in results} == r.sets


def test_every_emergency_is_sent_to_emergency_or_urgent(round_results):
    _r, results = round_results
    missed = [f"{c['id']}: {c['text']} got {a.level}" for c, a in results
              if c["level"] == "emergency" and a.level not in ("emergency", "urgent")]
    assert not missed, "\n".join(missed)


def test_no_self_care_case_is_sent_to_emergency_but_the_kept_ones(round_results):
    r, results = round_results
    wrong = {c["id"] for c, a in results if c["level"] == "self_care" and a.level == "emergency"}
    assert wrong <= set(r.self_care_to_emergency), sorted(wrong - set(r.self_care_to_emergency))


def test_accuracy_stays_above_its_floors(round_results):
    r, results = round_results
    report = score(Scored(c["id"], c["level"], a.level, a.complaints) for c, a in results)
    print("\n" + format_report(report))
    assert report.exact >= r.exact_floor and report.exact3 >= r.three_class_floor
