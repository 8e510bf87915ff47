"""Flags, severity and reasons: acute rules win, artefacts never flag, hypoglycaemia rules."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from ml.evaluate import inject_artefacts, observed_acute
from ml import reasons
from ml.features import GlucosePoint, ProfileColumns, columns_from_windows, compute_features
from ml.hbpm import BpPoint
from ml.model import RulesOnlyModel, load_model
from ml.scoring import SEVERITIES, assess, flags_from_assessment, resident_reasons, score_residents
from ml.synthetic import simulate

from .helpers import AT, glucose, local, resident, steady_bp


@pytest.fixture(scope="module")
def model():
    m = load_model()
    assert not m.is_fallback, "the committed default model must load"
    return m


@pytest.fixture(scope="module")
def cohort():
    return simulate(1500, seed=11)


def by_kind(results, kind):
    return next(r for r in results if r.kind == kind)


def test_controlled_resident_is_not_flagged(model):
    [r] = score_residents([resident(bp=steady_bp(124, 76))], model, AT)
    assert (r.kind, r.flagged, r.severity) == ("trend_bp", False, "none")
    assert 0.0 <= r.score < model.thresholds["trend_bp"]


def test_uncontrolled_resident_is_flagged_with_chinese_reasons(model):
    bp = steady_bp(130, 80, days=28)
    bp = [p for p in bp if p.measured_at < local(7, 0)] + [
        BpPoint(p.measured_at, p.systolic + 22, p.diastolic + 12, p.pulse) for p in steady_bp(130, 80, days=7)]
    [r] = score_residents([resident(bp=bp)], model, AT)
    assert r.flagged and r.severity in ("moderate", "high")
    text = "；".join(r.reasons)
    assert "近7天晨间均值" in text and "较本人基线升高" in text and "7天中" not in text or "未达标（目标<135/85）" in text
    assert r.score >= model.thresholds["trend_bp"]


@pytest.mark.parametrize("artefact", [(1500, 90), (90, 150), (150, 900), (15, 90), (150, 9)])
def test_single_artefact_never_raises_a_flag(model, artefact):
    bp = steady_bp(126, 78) + [BpPoint(AT - timedelta(hours=1), *artefact, 72)]
    [r] = score_residents([resident(bp=bp)], model, AT)
    assert not r.flagged and r.severity == "none"
    assert any("不合理" in x for x in r.reasons)


def test_one_odd_plausible_reading_does_not_raise_a_trend_flag(model):
    bp = steady_bp(128, 80) + [BpPoint(AT - timedelta(hours=1), 168, 98, 72)]
    [r] = score_residents([resident(bp=bp)], model, AT)
    assert not r.flagged


def test_injected_artefacts_raise_no_trend_flag_in_a_cohort(model, cohort):
    prof = ProfileColumns.from_profiles(cohort.profiles)
    a = assess(cohort.columns, prof, model, cohort.at)
    quiet = np.flatnonzero(~(a.bp.flagged | a.glucose.flagged))
    for kind in (0, 1, 2):  # 1500/90, swapped 90/150, 150/900
        a2 = assess(inject_artefacts(cohort, quiet, kind), prof, model, cohort.at)
        assert not a2.bp.flagged[quiet].any()


@pytest.mark.parametrize("m", [load_model(), RulesOnlyModel()])
def test_every_acute_value_in_72h_is_critical(cohort, m):
    prof = ProfileColumns.from_profiles(cohort.profiles)
    rows = flags_from_assessment(assess(cohort.columns, prof, m, cohort.at), cohort.profiles)
    acute = observed_acute(cohort.columns, int(cohort.at.timestamp()))
    assert acute.sum() > 20
    severity = np.array([r.severity for r in rows])
    assert (severity[acute] == "critical").all()
    assert (severity[~acute] != "critical").all()
    assert all(r.flagged for r, a in zip(rows, acute) if a)


@pytest.mark.parametrize("reading", [(182, 95), (150, 112), (240, 130)])
def test_single_unconfirmed_acute_bp_asks_for_a_remeasurement_and_says_so(model, reading):
    bp = steady_bp(126, 78) + [BpPoint(AT - timedelta(hours=30), *reading, 80)]
    [r] = score_residents([resident(bp=bp)], model, AT)
    assert (r.flagged, r.severity, r.acute, r.remeasure) == (False, "none", False, True)
    assert "未经复测确认" in r.reasons[0] and r.score < 0.99


def test_two_separate_unconfirmed_acute_sessions_are_critical(model):
    bp = steady_bp(126, 78) + [BpPoint(AT - timedelta(hours=30), 192, 104, 80),
                               BpPoint(AT - timedelta(hours=6), 188, 100, 80)]
    [r] = score_residents([resident(bp=bp)], model, AT)
    assert (r.flagged, r.severity, r.remeasure) == (True, "critical", False)


def test_confirmed_acute_bp_says_confirmed(model):
    t = AT - timedelta(hours=2)
    bp = steady_bp(126, 78) + [BpPoint(t, 186, 100, 80), BpPoint(t + timedelta(minutes=1), 184, 98, 80)]
    [r] = score_residents([resident(bp=bp)], model, AT)
    assert r.severity == "critical" and "已确认" in r.reasons[0]


def test_acute_value_older_than_72h_is_not_critical(model):
    bp = steady_bp(126, 78) + [BpPoint(AT - timedelta(hours=80), 190, 100, 80)]
    [r] = score_residents([resident(bp=bp)], model, AT)
    assert r.severity != "critical" and not r.flagged


@pytest.mark.parametrize("value", [2.6, 18.4])
def test_dangerous_glucose_in_72h_is_critical(model, value):
    repeat = GlucosePoint(glucose(0, 7, value).measured_at + timedelta(minutes=3), value + 0.3, "random")
    glu = [glucose(d, 7, 6.2) for d in range(20, 0, -2)] + [glucose(0, 7, value, "random"), repeat]
    w = resident(conditions=("diabetes",), glucose=glu)
    r = by_kind(score_residents([w], model, AT), "trend_glucose")
    assert (r.flagged, r.severity) == (True, "critical")
    assert "72小时内血糖" in r.reasons[0]


def test_two_level1_hypos_in_a_week_are_flagged_high_one_is_not(model):
    base = [glucose(d, 7, 6.0) for d in range(20, 0, -2)]
    one = resident(conditions=("diabetes",), glucose=base + [glucose(5, 11, 3.5, "random")])
    two = resident(conditions=("diabetes",), glucose=base + [glucose(5, 11, 3.5, "random"), glucose(4, 16, 3.6, "random")])
    r1 = by_kind(score_residents([one], model, AT), "trend_glucose")
    r2 = by_kind(score_residents([two], model, AT), "trend_glucose")
    assert not r1.flagged and "1级低血糖1次" in "；".join(r1.reasons)
    assert (r2.flagged, r2.severity) == (True, "high") and "48小时" in "；".join(r2.reasons)


def test_a_recheck_within_an_hour_is_the_same_hypo_episode(model):
    base = [glucose(d, 7, 6.0) for d in range(20, 0, -2)]
    glu = base + [glucose(5, 11, 3.5, "random"), glucose(5, 11, 3.7, "random")]
    glu[-1] = glu[-1].__class__(glu[-1].measured_at + timedelta(minutes=15), 3.7, "random")
    r = by_kind(score_residents([resident(conditions=("diabetes",), glucose=glu)], model, AT), "trend_glucose")
    assert not r.flagged


def test_high_fasting_week_flags_glucose_trend(model):
    glu = [glucose(d, 7, 6.3) for d in range(30, 7, -2)] + [glucose(d, 7, 9.4) for d in range(6, 0, -1)]
    r = by_kind(score_residents([resident(conditions=("diabetes",), glucose=glu)], model, AT), "trend_glucose")
    assert r.flagged and "空腹血糖均值" in r.reasons[0]


def test_results_per_applicable_kind_and_valid_values(model, cohort):
    from ml.synthetic import to_windows

    windows = to_windows(cohort)[:200]
    results = score_residents(windows, model, cohort.at)
    assert {r.kind for r in results} == {"trend_bp", "trend_glucose"}
    for r in results:
        assert r.severity in SEVERITIES and 0.0 <= r.score <= 1.0
        assert r.flagged == (r.severity != "none")
        assert r.flagged == (r.score >= model.thresholds[r.kind]) or r.acute


def test_resident_without_readings_gets_no_flag(model):
    [r] = score_residents([resident()], model, AT)
    assert not r.flagged and "无血压记录" in r.reasons[0]


def test_empty_batch_and_residents_without_conditions(model):
    assert score_residents([], model, AT) == []
    assert score_residents([resident(conditions=())], model, AT) == []


def test_trend_reasons_leave_out_only_what_the_acute_alert_kinds_say(model):
    bp = steady_bp(156, 96) + [BpPoint(AT - timedelta(hours=2), 186, 112, 80),
                               BpPoint(AT - timedelta(hours=2) + timedelta(minutes=1), 184, 111, 80)]
    sugar = [glucose(d, 6, 8.9) for d in range(1, 8)] + [glucose(2, 15, 3.4, "random"), glucose(4, 15, 3.5, "random")]
    cols, _ = columns_from_windows([resident(conditions=("hypertension", "diabetes"), bp=bp, glucose=sugar)])
    a = assess(cols, ProfileColumns.from_profiles([resident(conditions=("hypertension", "diabetes")).profile]),
               model, AT)
    assert a.bp.acute[0] and a.bp.trend[0] and a.glucose.trend[0]
    full_bp, trend_bp = resident_reasons(a, "trend_bp", 0), resident_reasons(a, "trend_bp", 0, acute=False)
    assert full_bp[0].startswith("72小时内血压") and trend_bp == full_bp[1:]
    full_glu = resident_reasons(a, "trend_glucose", 0)
    trend_glu = resident_reasons(a, "trend_glucose", 0, acute=False)
    assert full_glu[0].startswith("近7天低血糖2次") and trend_glu == full_glu[1:]
    assert trend_glu[0].startswith("近7天空腹血糖均值")


def test_a_flag_without_a_high_day_this_week_says_it_rests_on_the_weeks_before():
    # three weeks at 160/100, then a week at 118/74 (a drug started or changed)
    bp = [p for p in steady_bp(160, 100, days=28) if p.measured_at < local(7, 0)] + steady_bp(118, 74, days=7)
    cols, prof = columns_from_windows([resident(bp=bp)])
    f = compute_features(cols, prof, AT)
    assert f["bp_days_above_7"][0] == 0
    flagged = reasons.bp_trend(f, 0, flagged=True, persistent=False)
    assert "中0天未达标（目标<135/85）" in flagged[0] and any("此前几周偏高" in line for line in flagged[1:])
    assert not any("此前几周偏高" in line for line in reasons.bp_trend(f, 0, flagged=False, persistent=False))


def test_a_week_exactly_at_the_target_value_is_said_to_be_off_target_not_above_it():
    # the target is "<135/85": day means of 120/85 are not below it (day 1 of the block is dropped: 6 days)
    bp = [BpPoint(local(d, h) + timedelta(minutes=m), 120, 85, 70) for d in range(7, 0, -1) for h in (7, 20)
          for m in (0, 1)]
    cols, prof = columns_from_windows([resident(bp=bp)])
    f = compute_features(cols, prof, AT)
    [line] = reasons.bp_trend(f, 0, flagged=False, persistent=False)
    assert "均值120/85" in line and line.endswith("中6天未达标（目标<135/85）") and "高于" not in line
