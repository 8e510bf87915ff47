"""ml.measurement: session values, confirmation of dangerous values, suggestions for likely typos."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from ml.measurement import (
    AWAITING,
    CONFIRMED,
    DISMISSED,
    NOT_DANGEROUS,
    UNCONFIRMED,
    Bp,
    Glucose,
    confirm_bp,
    confirm_glucose,
    discordant_first,
    session_value,
    split_sessions,
    suggest_bp,
    suggest_glucose,
)

from .helpers import local

T0 = local(0, 7)


def bp(minutes: float, s: int, d: int) -> Bp:
    return Bp(T0 + timedelta(minutes=minutes), s, d)


def glu(minutes: float, mmol: float | None, flag: str | None = None) -> Glucose:
    return Glucose(T0 + timedelta(minutes=minutes), mmol, flag)


# --- sessions ---------------------------------------------------------------------------------------

def test_session_value_is_the_mean_of_its_readings():
    v = session_value([bp(0, 142, 88), bp(1, 138, 84)])
    assert (v.systolic, v.diastolic, v.n_counted, v.discarded_first) == (140, 86, 2, False)


def test_a_first_reading_far_above_the_repeats_is_kept_out_of_the_value():
    v = session_value([bp(0, 228, 131), bp(1, 134, 84), bp(2, 130, 82)])
    assert v.discarded_first and v.n_readings == 3 and v.n_counted == 2
    assert (v.systolic, v.diastolic) == (132, 83)


def test_a_first_reading_ten_above_still_counts_but_eleven_does_not():
    assert not session_value([bp(0, 150, 80), bp(1, 140, 80)]).discarded_first
    assert session_value([bp(0, 151, 80), bp(1, 140, 80)]).discarded_first
    assert session_value([bp(0, 140, 91), bp(1, 140, 80)]).discarded_first


def test_a_first_reading_below_the_repeats_counts():
    v = session_value([bp(0, 120, 70), bp(1, 160, 95)])
    assert not v.discarded_first and v.systolic == 140


def test_sessions_split_after_ten_quiet_minutes():
    groups = split_sessions([bp(30, 130, 80), bp(0, 130, 80), bp(9, 130, 80), bp(18, 130, 80)])
    assert [len(g) for g in groups] == [3, 1]


def test_vectorised_discordant_rule_agrees_with_the_object_rule():
    rng = np.random.default_rng(3)
    sessions = [[(int(rng.integers(100, 250)), int(rng.integers(50, 140))) for _ in range(rng.integers(1, 4))]
                for _ in range(400)]
    counts = np.array([len(x) for x in sessions])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    flat = [p for x in sessions for p in x]
    got = discordant_first(starts, counts, np.array([p[0] for p in flat], float), np.array([p[1] for p in flat], float))
    want = [session_value([Bp(T0, s, d) for s, d in x]).discarded_first for x in sessions]
    assert got.tolist() == want


# --- BP confirmation -------------------------------------------------------------------------------------

def test_normal_readings_are_not_dangerous():
    assert confirm_bp([bp(0, 150, 95)], now=T0).state == NOT_DANGEROUS


def test_a_single_dangerous_reading_awaits_its_repeat_until_the_deadline():
    c = confirm_bp([bp(0, 186, 100)], now=T0 + timedelta(minutes=29))
    assert c.state == AWAITING and not c.pages
    assert c.deadline == T0 + timedelta(minutes=30)
    assert confirm_bp([bp(0, 186, 100)], now=T0 + timedelta(minutes=30)).state == UNCONFIRMED


def test_the_wait_is_configurable():
    c = confirm_bp([bp(0, 186, 100)], now=T0 + timedelta(minutes=20), wait=timedelta(minutes=15))
    assert c.state == UNCONFIRMED


def test_an_agreeing_repeat_in_the_session_confirms_and_starts_the_clock_there():
    c = confirm_bp([bp(0, 192, 112), bp(1, 188, 110)], now=T0 + timedelta(minutes=1))
    assert c.state == CONFIRMED and c.pages and c.reason == "repeat"
    assert c.confirmed_at == T0 + timedelta(minutes=1)


def test_a_repeat_after_rest_within_fifteen_minutes_confirms():
    c = confirm_bp([bp(0, 184, 100), bp(14, 182, 104)], now=T0 + timedelta(minutes=14))
    assert c.state == CONFIRMED and c.confirmed_at == T0 + timedelta(minutes=14)


def test_a_repeat_after_fifteen_minutes_is_a_new_reading_not_a_repeat():
    c = confirm_bp([bp(0, 184, 100), bp(16, 182, 104)], now=T0 + timedelta(minutes=16))
    assert c.state == AWAITING and c.index.measured_at == T0 + timedelta(minutes=16)


def test_a_normal_repeat_dismisses_a_cuff_error():
    c = confirm_bp([bp(0, 231, 128), bp(1, 132, 82), bp(2, 130, 80)], now=T0 + timedelta(minutes=2))
    assert c.state == DISMISSED and not c.pages and c.value.discarded_first


def test_a_red_flag_confirms_at_once_without_a_repeat():
    c = confirm_bp([bp(0, 186, 100)], now=T0, red_flag=True)
    assert c.state == CONFIRMED and c.reason == "red_flag" and c.confirmed_at == T0


def test_a_red_flag_is_never_downgraded_by_a_normal_repeat():
    c = confirm_bp([bp(0, 200, 115), bp(5, 140, 85)], now=T0 + timedelta(minutes=5), red_flag=True)
    assert c.state == CONFIRMED


def test_implausible_readings_are_not_confirmed_here():
    assert confirm_bp([bp(0, 1800, 90)], now=T0).state == NOT_DANGEROUS


def test_the_latest_episode_decides():
    readings = [bp(0, 230, 130), bp(1, 130, 80), bp(60, 190, 112)]
    c = confirm_bp(readings, now=T0 + timedelta(minutes=61))
    assert c.state == AWAITING and c.index.systolic == 190


def test_object_path_accepts_hbpm_points():
    from ml.hbpm import BpPoint
    c = confirm_bp([BpPoint(T0, 190, 100), BpPoint(T0 + timedelta(minutes=1), 189, 101)], now=T0)
    assert c.state == CONFIRMED


# --- glucose confirmation -----------------------------------------------------------------------------------

def test_a_low_glucose_repeat_within_meter_tolerance_confirms():
    c = confirm_glucose([glu(0, 2.7), glu(3, 3.4)], now=T0 + timedelta(minutes=3))
    assert c.state == CONFIRMED and c.confirmed_at == T0 + timedelta(minutes=3)


def test_a_high_glucose_with_a_normal_repeat_is_dismissed():
    c = confirm_glucose([glu(0, 22.4), glu(4, 8.1)], now=T0 + timedelta(minutes=4))
    assert c.state == DISMISSED


def test_meter_hi_is_confirmed_by_a_value_over_16_7():
    c = confirm_glucose([glu(0, None, "HI"), glu(2, 18.0)], now=T0 + timedelta(minutes=2))
    assert c.state == CONFIRMED


def test_a_single_lo_awaits_confirmation():
    c = confirm_glucose([glu(0, None, "LO")], now=T0 + timedelta(minutes=1))
    assert c.state == AWAITING


def test_glucose_red_flag_confirms_at_once():
    assert confirm_glucose([glu(0, 19.0)], now=T0, red_flag=True).state == CONFIRMED


# --- suggestions -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("entry, kind, value", [
    ((1355, 85), "extra_digit", (135, 85)),
    ((1500, 90), "extra_digit", (150, 90)),
    ((135, 855), "extra_digit", (135, 85)),
    ((85, 135), "swapped", (135, 85)),
    ((18, 12), "unit_kpa", (135, 90)),
    ((135, 8), "missing_digit", (135, 82)),  # 8x: the one nearest a typical home DBP
])
def test_likely_bp_slips_get_a_suggestion(entry, kind, value):
    got = suggest_bp(*entry)
    assert got is not None and (got.kind, got.value) == (kind, value)


def test_a_missing_digit_is_chosen_near_the_residents_usual_value():
    got = suggest_bp(13, 85, typical=(138, 86))
    assert got.kind == "missing_digit" and got.value == (138, 85)
    assert got.text == "138/85"


def test_plausible_bp_gets_no_suggestion():
    assert suggest_bp(135, 85) is None
    assert suggest_bp(186, 104) is None


def test_mgdl_typed_as_mmol_is_converted():
    got = suggest_glucose(126)
    assert (got.kind, got.value, got.text) == ("unit_mgdl", 7.0, "7.0")


def test_a_missing_decimal_point_is_preferred_for_small_numbers():
    got = suggest_glucose(56)
    assert (got.kind, got.value) == ("missing_decimal", 5.6) and got.alternatives == (3.1,)


def test_mmol_typed_as_mgdl_is_suggested_back():
    assert suggest_glucose(7.2, unit="mg/dL").kind == "unit_mmol"
    assert suggest_glucose(126, unit="mg/dL") is None
    assert suggest_glucose(7.2) is None
