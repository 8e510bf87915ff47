"""HBPM aggregation: sessions, periods, day-1 drop, window status; vectorised path agrees."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

from ml.clinical import BpTarget
from ml.hbpm import BpPoint, points_to_arrays, sessionize, sessions, window_summary
from ml.synthetic import simulate, to_windows

from .helpers import AT, local, steady_bp

TARGET = BpTarget(135, 85)


def test_readings_within_ten_minutes_form_one_session_with_the_mean():
    t = local(1, 7)
    s = sessions([BpPoint(t, 150, 90), BpPoint(t + timedelta(minutes=1), 140, 86),
                  BpPoint(t + timedelta(minutes=25), 130, 80)])
    assert [x.n_readings for x in s] == [2, 1]
    assert (s[0].systolic, s[0].diastolic) == (145, 88)


def test_session_chains_reading_by_reading_not_from_the_first():
    t = local(1, 7)
    s = sessions([BpPoint(t + timedelta(minutes=m), 130, 80) for m in (0, 9, 18)])
    assert len(s) == 1 and s[0].n_readings == 3


def test_periods_use_shanghai_time_even_for_utc_input():
    utc_2300 = datetime(2026, 5, 30, 23, 0, tzinfo=timezone.utc)  # 07:00 next day in Shanghai
    utc_1100 = datetime(2026, 5, 30, 11, 0, tzinfo=timezone.utc)  # 19:00 in Shanghai
    utc_0600 = datetime(2026, 5, 30, 6, 0, tzinfo=timezone.utc)  # 14:00 in Shanghai
    got = [s.period for s in sessions([BpPoint(x, 130, 80) for x in (utc_0600, utc_1100, utc_2300)])]
    assert got == ["other", "evening", "morning"]
    assert sessions([BpPoint(utc_2300, 130, 80)])[0].local_date.isoformat() == "2026-05-31"


def test_implausible_readings_are_not_in_sessions():
    t = local(1, 7)
    s = sessions([BpPoint(t, 1500, 90), BpPoint(t, 90, 150), BpPoint(t, 150, 900), BpPoint(t, 132, 82)])
    assert len(s) == 1 and s[0].systolic == 132


def test_day_one_of_a_block_is_dropped_after_a_seven_day_gap():
    old = [BpPoint(local(20, 7), 120, 70)]
    block = []
    for d in range(6, 0, -1):
        sbp = 170 if d == 6 else 130  # the first day of the block is high
        block += [BpPoint(local(d, 7), sbp, 80), BpPoint(local(d, 20), sbp, 80)]
    w = window_summary(old + block, end=AT, target=TARGET)
    assert w.dropped_date == local(6, 7).date()
    assert w.systolic == 130 and w.status == "controlled" and w.n_days == 5


def test_no_block_start_without_a_gap():
    points = steady_bp(130, 80, days=14)
    w = window_summary(points, end=AT, target=TARGET)
    assert w.dropped_date is None and w.n_days == 6  # days 6..1 before AT's day


def test_window_is_insufficient_under_three_days_or_six_sessions():
    two_days = [BpPoint(local(d, h), 160, 100) for d in (20, 3, 2) for h in (7, 20)]
    assert window_summary(two_days, end=AT, target=TARGET).status == "insufficient"
    mornings_only = [BpPoint(local(d, 7), 160, 100) for d in (8, 5, 4, 3, 2, 1)]
    w = window_summary(mornings_only, end=AT, target=TARGET)
    assert w.n_sessions == 5 and w.status == "insufficient"


def test_uncontrolled_when_either_mean_reaches_the_target():
    high_dbp = window_summary(steady_bp(128, 88, days=14), end=AT, target=TARGET)
    assert high_dbp.status == "uncontrolled"
    ok = window_summary(steady_bp(128, 78, days=14), end=AT, target=TARGET)
    assert ok.status == "controlled" and ok.morning_systolic is not None and ok.evening_systolic is not None


def test_readings_after_end_are_ignored():
    points = steady_bp(128, 78, days=14) + [BpPoint(AT + timedelta(hours=1), 200, 120)]
    w = window_summary(points, end=AT, target=TARGET)
    assert w.status == "controlled"
    assert all(s.start <= AT for s in w.sessions)


def test_vectorised_sessions_match_the_object_path():
    cohort = simulate(60, seed=3)
    for window in to_windows(cohort)[:60]:
        pts = sorted((p for p in window.bp if 50 <= p.systolic <= 300 and 30 <= p.diastolic <= 200
                      and p.systolic > p.diastolic), key=lambda p: p.measured_at)
        ref = sessions(pts)
        t, s, d = points_to_arrays(pts)
        fast = sessionize(np.zeros(len(pts), np.int64), t, s, d)
        assert len(fast) == len(ref)
        assert np.allclose(fast.sbp, [x.systolic for x in ref])
        assert [("other", "morning", "evening")[c] for c in fast.period] == [x.period for x in ref]
        assert [x.local_date.toordinal() - datetime(1970, 1, 1).toordinal() for x in ref] == fast.day.tolist()


def test_a_cuff_error_first_reading_does_not_count_in_either_path():
    t = local(1, 7)
    points = [BpPoint(t, 236, 131), BpPoint(t + timedelta(minutes=1), 132, 82),
              BpPoint(t + timedelta(minutes=2), 128, 80), BpPoint(t + timedelta(hours=12), 150, 90)]
    s = sessions(points)
    assert s[0].discarded_first and (s[0].systolic, s[0].diastolic) == (130, 81) and s[0].n_readings == 3
    tt, sbp, dbp = points_to_arrays(points)
    arr = sessionize(np.zeros(4, np.int64), tt, sbp, dbp)
    assert arr.discarded_first.tolist() == [True, False]
    assert arr.sbp.tolist() == [130, 150] and arr.dbp.tolist() == [81, 90]
