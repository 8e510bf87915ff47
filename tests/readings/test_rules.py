"""The immediate rules, table-driven at their boundaries: no app, no database."""
from datetime import datetime, timedelta, timezone

import pytest

from app.services import reading_texts as texts
from app.services import rules
from app.services.rules import BpObs, GlucoseObs, bp_facts, evaluate_bp, evaluate_glucose, glucose_facts, symptom_flags
from ml.clinical import mgdl_to_mmol

NOW = datetime(2026, 6, 1, 1, 0, tzinfo=timezone.utc)


def bp(sys_, dia, minutes_ago=0):
    return BpObs(NOW - timedelta(minutes=minutes_ago), sys_, dia)


def glu(value, minutes_ago=0, flag=None, context="random"):
    return GlucoseObs(NOW - timedelta(minutes=minutes_ago), value, flag, context)


def fired_bp(reading, around=(), symptoms=None):
    facts = bp_facts(reading, list(around), symptoms=symptom_flags(symptoms), now=NOW)
    return [(f.code, f.kind, f.severity, f.needs_repeat) for f in evaluate_bp(facts)]


def fired_glucose(reading, history=(), symptoms=None):
    facts = glucose_facts(reading, list(history), symptoms=symptom_flags(symptoms), now=NOW)
    return [(f.code, f.kind, f.severity) for f in evaluate_glucose(facts)]


@pytest.mark.parametrize("first, repeat, expected", [
    # confirmed = mean of the new reading and a repeat within 15 min still >=180 or >=110
    ((179, 109), (179, 109), []),
    ((180, 100), (180, 100), [("BP-U1", "acute_bp", "high", False)]),
    ((170, 110), (170, 110), [("BP-U1", "acute_bp", "high", False)]),
    ((170, 109), (170, 109), []),
    ((185, 100), (175, 100), [("BP-U1", "acute_bp", "high", False)]),  # mean exactly 180
    # the first is >10 mmHg above its repeat: a discordant first reading does not count (ESH 2021), so the
    # repeat alone decides: normal, nothing raised
    ((185, 100), (174, 100), [("BP-N1", None, None, False)]),
    # a dangerous value starts its own episode: an earlier normal reading does not confirm it
    ((170, 95), (195, 100), [("BP-R1", None, None, True)]),
    ((150, 90), (190, 100), [("BP-R1", None, None, True)]),  # mean 170: the spike needs another repeat
])
def test_acute_bp_is_confirmed_by_the_mean_of_two_readings(first, repeat, expected):
    assert fired_bp(bp(*repeat), [bp(*first, minutes_ago=6)]) == expected


@pytest.mark.parametrize("reading, expected", [
    ((179, 109), []),
    ((180, 90), [("BP-R1", None, None, True)]),
    ((150, 110), [("BP-R1", None, None, True)]),
])
def test_a_single_high_reading_asks_for_a_repeat_instead_of_alarming(reading, expected):
    assert fired_bp(bp(*reading)) == expected


def test_a_repeat_more_than_15_minutes_later_does_not_confirm():
    assert fired_bp(bp(190, 115), [bp(190, 115, minutes_ago=16)]) == [("BP-R1", None, None, True)]
    assert fired_bp(bp(190, 115), [bp(190, 115, minutes_ago=15)])[0][0] == "BP-U1"


@pytest.mark.parametrize("symptoms, expected", [
    ("头痛得厉害", [("BP-E1", "acute_bp", "critical", False)]),
    ("有点恶心想吐", [("BP-E1", "acute_bp", "critical", False)]),
    ("说话不清", [("BP-E1", "acute_bp", "critical", False)]),
    ("没有头痛，也没有胸痛", [("BP-R1", None, None, True)]),  # negation is not a symptom
    (None, [("BP-R1", None, None, True)]),
])
def test_red_flag_symptoms_with_a_high_value_mean_call_120_at_once(symptoms, expected):
    assert fired_bp(bp(186, 112), symptoms=symptoms) == expected


def test_chest_pain_with_normal_bp_is_a_symptom_emergency():
    assert fired_bp(bp(130, 80), symptoms="胸口痛，出冷汗") == [("SYM-E1", "triage_red_flag", "critical", False)]
    # with a high value the BP emergency already says 120: no second alert for the same event
    assert fired_bp(bp(190, 100), symptoms="胸痛") == [("BP-E1", "acute_bp", "critical", False)]


@pytest.mark.parametrize("reading, symptoms, expected", [
    ((89, 60), "头晕", [("BP-L1", "low_bp", "high", False)]),
    ((89, 60), "站起来眼前发黑", [("BP-L1", "low_bp", "high", False)]),
    ((90, 60), "头晕", []),
    ((89, 60), None, [("BP-L0", None, None, False)]),
    ((85, 55), "没有头晕", [("BP-L0", None, None, False)]),
])
def test_low_bp_alerts_only_with_symptoms(reading, symptoms, expected):
    assert fired_bp(bp(*reading), symptoms=symptoms) == expected


def test_old_readings_are_history_not_emergencies():
    old = BpObs(NOW - timedelta(hours=73), 200, 120)
    assert fired_bp(old, [BpObs(NOW - timedelta(hours=73, minutes=3), 200, 120)]) == []


@pytest.mark.parametrize("value, expected", [
    (2.9, [("G-R1", None, None)]),  # dangerous: waits for its repeat (confirmation before critical)
    (3.0, [("G-L1", "hypoglycaemia", "moderate")]),
    (3.8, [("G-L1", "hypoglycaemia", "moderate")]),
    (3.9, []),
    (16.6, []),
    (16.7, [("G-R2", None, None)]),
    (33.0, [("G-R2", None, None)]),
])
def test_glucose_thresholds(value, expected):
    assert fired_glucose(glu(value)) == expected


@pytest.mark.parametrize("flag, expected", [
    ("HI", [("G-R2", None, None)]),
    ("LO", [("G-R1", None, None)]),
])
def test_meter_flags_count_as_extreme_values(flag, expected):
    assert fired_glucose(glu(None, flag=flag)) == expected


@pytest.mark.parametrize("symptoms, expected", [
    ("呕吐，肚子疼", [("G-E2", "acute_glucose", "critical")]),
    ("老想睡觉", [("G-E2", "acute_glucose", "critical")]),
    ("口渴", [("G-R2", None, None)]),  # not a red flag: the value waits for its repeat
])
def test_high_glucose_with_ketoacidosis_signs_is_critical(symptoms, expected):
    assert fired_glucose(glu(18.2), symptoms=symptoms) == expected


def test_hypo_with_impaired_consciousness_is_an_emergency():
    assert fired_glucose(glu(3.5), symptoms="人有点糊涂") == [("G-E1S", "hypoglycaemia", "critical")]


@pytest.mark.parametrize("history_hours_ago, expected_recurrent", [
    ([], False),
    ([0.5], False),  # within 60 min: the recheck of the same episode
    ([2], True),  # a second episode
    ([24 * 6], True),
    ([24 * 7 + 1], False),  # outside the 7 days
])
def test_two_hypo_episodes_in_seven_days_are_recurrent(history_hours_ago, expected_recurrent):
    history = [glu(3.5, minutes_ago=int(h * 60)) for h in history_hours_ago]
    fired = fired_glucose(glu(3.6), history)
    assert fired[0] == ("G-L1", "hypoglycaemia", "moderate")
    assert (("G-U1", "hypoglycaemia_recurrent", "high") in fired) is expected_recurrent


def test_a_normal_value_after_lows_does_not_fire_recurrence():
    assert fired_glucose(glu(6.0), [glu(3.5, minutes_ago=120), glu(3.2, minutes_ago=600)]) == []


@pytest.mark.parametrize("mg_dl, mmol", [
    (70, 3.9), (69, 3.8), (54, 3.0), (53, 2.9), (300, 16.7), (299, 16.6), (126, 7.0), (180, 10.0),
])
def test_mg_dl_converts_with_one_decimal(mg_dl, mmol):
    assert mgdl_to_mmol(mg_dl) == mmol


def test_converted_boundaries_keep_their_meaning():
    assert fired_glucose(glu(mgdl_to_mmol(54))) == [("G-L1", "hypoglycaemia", "moderate")]
    assert fired_glucose(glu(mgdl_to_mmol(53))) == [("G-R1", None, None)]
    assert fired_glucose(glu(mgdl_to_mmol(300))) == [("G-R2", None, None)]
    assert fired_glucose(glu(mgdl_to_mmol(70))) == []


def test_every_rule_has_resident_advice_in_plain_chinese():
    for rule in rules.BP_RULES + rules.GLUCOSE_RULES:
        assert rule.advice in texts.ADVICE
        assert (rule.kind is None) == (rule.severity is None)
    assert "5分钟后" in texts.ADVICE["bp_repeat"]
    assert "15克糖" in texts.ADVICE["hypo_severe"] and "15分钟后" in texts.ADVICE["hypo_severe"]
    assert "120" in texts.ADVICE["bp_emergency"]


def test_hypo_episodes_merge_rechecks():
    lows = [glu(2.8, minutes_ago=30), glu(3.4, minutes_ago=15), glu(3.7, minutes_ago=0), glu(3.2, minutes_ago=300)]
    assert rules.hypo_episodes(lows) == 2
