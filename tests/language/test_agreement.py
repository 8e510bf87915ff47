"""The bot's parser, the reading rules and triage read the same text the same way (issue 12 item 6)."""
from __future__ import annotations

import pytest

from app.services.rules import symptom_flags
from app.services.triage import assess
from app.wechat.parsing import find_symptoms


@pytest.mark.parametrize("text", ["血压185/115 头疼倒没有", "血压190/120 没有胸痛 没有头疼", "喘气正常 不闷 不出汗",
                                  "血压180/110 说话清楚 头不疼 没有吐"])
def test_a_denied_symptom_raises_nothing_anywhere(text):
    flags = symptom_flags(text)
    assert not flags.bp_red_flag and not flags.emergency
    assert find_symptoms(text) == ()
    assert assess(text, interactive=False).level != "emergency"


@pytest.mark.parametrize("text", ["胸口疼得厉害 出冷汗", "我说话不清楚，右手拿不住筷子", "头疼得厉害还吐了"])
def test_an_affirmed_red_flag_is_seen_by_all_three(text):
    assert symptom_flags(text).bp_red_flag
    assert find_symptoms(text)
    assert assess(text, interactive=False).level in ("emergency", "urgent")


@pytest.mark.parametrize("text", ["胸口疼，喘不上气", "突然说话不清楚，嘴歪", "叫不醒"])
def test_rules_emergency_and_triage_emergency_agree(text):
    assert symptom_flags(text).emergency
    assert assess(text, interactive=False).level == "emergency"
