"""ordered_protocol(): the first question that holds answers; which other questions are recorded."""
from __future__ import annotations

import pytest

from app.services.triage.context import E, PROTOCOLS, R, S, U, Out
from app.services.triage.ordered import Ask, ordered_protocol


class Facts:
    """The two things a question reads here: findings and dialogue answers."""

    def __init__(self, *codes: str, answers: dict[str, bool] | None = None) -> None:
        self.codes = set(codes)
        self.answers = answers or {}

    def has(self, *codes: str) -> bool:
        return any(code in self.codes for code in codes)

    def ans(self, qid: str) -> bool | None:
        return self.answers.get(qid)


@pytest.fixture
def run():
    """Build a throw-away protocol; the registry is restored afterwards."""
    saved = list(PROTOCOLS)

    def build(*facts: str, answers: dict[str, bool] | None = None, **options) -> Out:
        fn = ordered_protocol(
            "test_only", "科", **options,
            asks=[
                Ask("t.emergency", E, "src", lambda c: c.has("e"), flag="flag.e", advice="adv_e"),
                Ask("t.emergency_too", E, "src", lambda c: c.has("e2"), flag="flag.e2"),
                Ask("t.urgent", U, "src", lambda c: c.has("u"), flag="flag.u", advice="adv_u", ask="q_u"),
                Ask("t.routine", R, "src", lambda c: c.has("r"), advice="adv_r"),
            ],
            self_care=Ask("t.self_care", S, "src", lambda c: c.has("s"), advice="adv_s"))
        out = Out()
        fn(Facts(*facts, answers=answers), out)
        return out

    yield build
    PROTOCOLS[:] = saved


def rules(out: Out) -> list[str]:
    return [h.rule for h in out.hits]


def test_the_most_urgent_question_that_holds_answers(run):
    out = run("u", "r", answers={"q_u": False})
    assert out.level == U and rules(out) == ["t.urgent"]


def test_other_questions_of_the_answering_level_are_recorded(run):
    out = run("e", "e2", "u")
    assert out.level == E and rules(out) == ["t.emergency", "t.emergency_too"]


def test_alternatives_record_only_the_answer(run):
    assert rules(run("e", "e2", all_flags=False)) == ["t.emergency"]


def test_record_below_urgent_keeps_lower_urgent_findings_but_not_routine_ones(run):
    out = run("e", "u", "r", answers={"q_u": False}, record_below=U)
    assert out.level == E and rules(out) == ["t.emergency", "t.urgent"]
    assert [h.flag for h in out.hits] == ["flag.e", "flag.u"] and out.advice == ["adv_e", "adv_u"]


def test_record_below_routine_keeps_every_finding_without_changing_the_level(run):
    out = run("e", "u", "r", answers={"q_u": False}, record_below=R)
    assert out.level == E and rules(out) == ["t.emergency", "t.urgent", "t.routine"]


def test_a_yes_in_the_dialogue_answers_and_by_default_silence_counts_as_no(run):
    assert rules(run(answers={"q_u": True})) == ["t.urgent"]
    assert rules(run("r")) == ["t.routine"]


def test_self_care_needs_its_own_criteria(run):
    assert rules(run("s")) == ["t.self_care"] and run().hits == []
