"""Metamorphic checks on the development sets: words that change nothing clinically must not change the answer.

A resident's past history told after the complaint ("前几年做过阑尾手术，没有药物过敏"), a worried question or crying emoji
at the end ("要不要紧？需要去医院吗？", "😭😭"), or a greeting first ("医生你好，") says nothing about today's complaint:
over every case of the library and of rounds 3-12 the level must stay the same. A long-standing condition told after it ("有糖尿病好几年了…") may raise the level (the
rules for diabetics are stricter) but never lower it — except where it names the very medicine the message was about.
These probes found a history sentence dating today's stroke signs "years" old (an emergency answered routine), a
negation lost in 「没有药物过敏」, a condition's "好几年" making a few days' itch long-standing, and 「喘气正常😭😭」 no longer
closing on 正常 (the breathing read as breathlessness: ten answers changed).

The same message typed without a single pause ("我爸高血压晚上刷牙时说左手没劲牙刷都掉了…可以吗") is harder: clauses
must be found without punctuation. That probe has a ceiling, not a zero: at the start of this work 35 of the sets'
emergencies fell below urgent when their punctuation and spaces were removed; the ceiling below is what is left."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.language import read
from app.services.triage import Profile, assess

# The rules' own answers: the second reader is off here (conftest.rules_only).
pytestmark = pytest.mark.usefixtures("rules_only")

HERE = Path(__file__).parent
FILES = ["cases.jsonl", "cases_colloquial.jsonl"] + [f"cases_round{n}.jsonl" for n in range(3, 17)]
RANK = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}

NEUTRAL = {   # (before, after) the message
    "past_history": ("", "。前几年做过阑尾手术，没有药物过敏。"),
    "worried_question": ("", " 要不要紧？需要去医院吗？"),
    "crying_emoji": ("", "😭😭"),
    "greeting": ("医生你好，", ""),
}
CONDITION = "。有糖尿病好几年了，平时吃二甲双胍，血糖还算平稳。"


def _cases() -> list[dict]:
    out = []
    for name in FILES:
        for line in (HERE / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                if case.get("set") != "vignette_long":   # long vignettes already carry their histories
                    out.append(case)
    return out


def _level(case: dict, text: str) -> str:
    profile = Profile(age=case.get("age"), sex=case.get("sex"), conditions=frozenset(case.get("conditions", [])))
    return assess(text, profile=profile, interactive=False).level


@pytest.fixture(scope="module")
def cases_and_levels():
    cases = _cases()
    return [(c, _level(c, c["text"])) for c in cases]


def _changed(cases_and_levels, rewrite) -> list[str]:
    """The cases whose answer changes when ``rewrite`` (None: the case is left out) turns their text into another."""
    changed = []
    for case, level in cases_and_levels:
        text = rewrite(case)
        if text is not None and (new := _level(case, text)) != level:
            changed.append(f"{case['id']}: {level} -> {new}: {text}")
    return changed


def _padded(case: dict, before: str, after: str) -> str:
    return before + (case["text"].rstrip("。.！!？? ") if after else case["text"]) + after


@pytest.mark.parametrize("padding", sorted(NEUTRAL))
def test_neutral_words_after_the_complaint_change_no_answer(cases_and_levels, padding):
    changed = _changed(cases_and_levels, lambda case: _padded(case, *NEUTRAL[padding]))
    assert not changed, "\n".join(changed)


def test_a_chronic_condition_told_after_the_complaint_never_lowers_the_answer(cases_and_levels):
    lowered = []
    for case, level in cases_and_levels:
        if "二甲双胍" in case["text"]:
            continue   # the padding would name the medicine the message asks about
        if "体检" in case["text"] and "血糖" in case["text"]:
            continue   # a health check's glucose is judged by the diagnostic cut-offs, a patient's by the targets:
            #            the padding's diabetes changes what the value means
        text = case["text"].rstrip("。.！!？? ") + CONDITION
        new = _level(case, text)
        if RANK[new] < RANK[level]:
            lowered.append(f"{case['id']}: {level} -> {new}: {text}")
    assert not lowered, "\n".join(lowered)


UNPUNCTUATED_EMERGENCIES_BELOW_URGENT = 6
_PAUSES = re.compile(r"(?<!\d)\.|\.(?!\d)|[，。,!！?？；;：:、\s]+")


def test_emergencies_typed_without_a_pause_stay_same_day(cases_and_levels):
    lowered = []
    for case, level in cases_and_levels:
        if level != "emergency":
            continue
        text = _PAUSES.sub("", case["text"])
        new = _level(case, text)
        if RANK[new] < RANK["urgent"]:
            lowered.append(f"{case['id']}: {new}: {text}")
    assert len(lowered) <= UNPUNCTUATED_EMERGENCIES_BELOW_URGENT, "\n".join(lowered)



# What the writer tells of themselves in a message about someone else ("我自己也有高血压，", "我自己怀孕五个月了，",
# "我今年三十二，") is not the patient's; a relative's illness told after the writer's own complaint ("我妈也有高血压糖尿病")
# is not the writer's. At the start of this probe the writer's pregnancy changed 67 answers (37 raised to same-day),
# the writer's age lowered 10 same-day answers (an emergency to self-care: a child's overdose read as the writer's),
# and the mother's illnesses changed 221.
ABOUT_THE_WRITER = {"own_condition": "我自己也有高血压，", "own_pregnancy": "我自己怀孕五个月了，", "own_age": "我今年三十二，"}
ABOUT_A_RELATIVE = "。我妈也有高血压糖尿病。"


@pytest.mark.parametrize("prefix", sorted(ABOUT_THE_WRITER))
def test_what_the_writer_says_of_themselves_is_not_the_patients(cases_and_levels, prefix):
    changed = _changed(cases_and_levels, lambda case: _padded(case, ABOUT_THE_WRITER[prefix], "")
                       if read(case["text"]).subject.other else None)
    assert not changed, "\n".join(changed)


def test_a_relatives_illness_is_not_the_writers(cases_and_levels):
    changed = _changed(cases_and_levels, lambda case: None if read(case["text"]).subject.other
                       else _padded(case, "", ABOUT_A_RELATIVE))
    assert not changed, "\n".join(changed)
