"""Feature computation: windows, artefact filtering, glucose indices, object vs column paths."""
from __future__ import annotations

from datetime import timedelta

import numpy as np

from ml.clinical import lbgi_risk
from ml.features import (
    BP_FEATURES,
    GLUCOSE_FEATURES,
    ProfileColumns,
    _bgi,
    columns_from_windows,
    compute_features,
    features_for_windows,
    without_top_values,
)
from ml.hbpm import BpPoint
from ml.synthetic import simulate, to_windows

from .helpers import AT, glucose, local, resident, steady_bp


def test_window_means_baseline_change_and_days_above_target():
    bp = [p for p in steady_bp(128, 78) if p.measured_at < local(6, 0)]
    bp += [BpPoint(p.measured_at, p.systolic + 20, p.diastolic + 10) for p in steady_bp(128, 78, days=6)]
    f = features_for_windows([resident(bp=bp)], AT)
    assert f["bp_days_7"][0] == 6 and f["bp_days_above_7"][0] == 6
    assert 143 <= f["bp_morning_sbp_7"][0] <= 150 and 143 <= f["bp_evening_sbp_7"][0] <= 150
    assert 18 <= f["bp_delta_sbp"][0] <= 22 and 8 <= f["bp_delta_dbp"][0] <= 12
    assert f["bp_sufficient_7"][0] == 1 and f["bp_rule_uncontrolled"][0]
    assert f["bp_adherence_7"][0] == 6 / 7


def test_implausible_readings_are_dropped_and_counted():
    bp = steady_bp(126, 78) + [BpPoint(AT - timedelta(hours=1), 1500, 90), BpPoint(AT - timedelta(hours=1), 90, 150)]
    f = features_for_windows([resident(bp=bp)], AT)
    clean = features_for_windows([resident(bp=steady_bp(126, 78))], AT)
    assert f["bp_n_implausible_35"][0] == 2
    for name in BP_FEATURES:
        assert np.allclose(f[name], clean[name], equal_nan=True), name


def test_readings_after_at_do_not_count():
    later = steady_bp(126, 78) + [BpPoint(AT + timedelta(minutes=5), 200, 120)]
    f = features_for_windows([resident(bp=later)], AT)
    assert not f["bp_acute_72h"][0]


def test_lbgi_matches_kovatchev_and_hypo_episodes_merge_rechecks():
    values = np.array([2.5, 3.5, 5.5, 9.0, 20.0])
    assert np.allclose(_bgi(values)[0], [lbgi_risk(v) for v in values])
    glu = [glucose(3, 11, 3.4, "random"), glucose(3, 11, 3.6, "random"), glucose(2, 16, 2.8, "random"),
           glucose(2, 16, 3.1, "random")]
    glu[1] = glu[1].__class__(glu[1].measured_at + timedelta(minutes=20), 3.6, "random")
    glu[3] = glu[3].__class__(glu[3].measured_at + timedelta(minutes=4), 3.1, "random")  # confirms the 2.8
    f = features_for_windows([resident(conditions=("diabetes",), glucose=glu)], AT)
    assert (f["glu_hypo1_episodes_7"][0], f["glu_hypo2_episodes_7"][0]) == (1, 1)


def test_object_and_column_paths_agree_and_order_does_not_matter():
    cohort = simulate(150, seed=21)
    prof = ProfileColumns.from_profiles(cohort.profiles)
    cols = cohort.columns
    a = compute_features(cols, prof, cohort.at)
    b = features_for_windows(to_windows(cohort), cohort.at)
    perm = np.random.default_rng(0).permutation(cols.bp_res.shape[0])
    shuffled = type(cols)(cols.n_residents, cols.bp_res[perm], cols.bp_t[perm], cols.bp_sbp[perm], cols.bp_dbp[perm],
                          cols.glu_res, cols.glu_t, cols.glu_mmol, cols.glu_ctx)
    c = compute_features(shuffled, prof, cohort.at)
    for name in BP_FEATURES + GLUCOSE_FEATURES:
        assert np.allclose(a[name], b[name], equal_nan=True), name
        assert np.allclose(a[name], c[name], equal_nan=True), name


def test_without_top_values_removes_one_session_per_resident():
    windows = [resident("A", bp=steady_bp(126, 78)), resident("B", bp=steady_bp(150, 95))]
    cols, prof = columns_from_windows(windows)
    fewer = without_top_values(cols, prof, AT)
    removed = np.bincount(cols.bp_res, minlength=2) - np.bincount(fewer.bp_res, minlength=2)
    assert removed.tolist() == [2, 2]  # each session holds two readings


def test_an_unconfirmed_dangerous_value_feeds_no_feature_and_is_counted_apart():
    base = [glucose(d, 7, 6.2) for d in range(20, 0, -2)]
    f = features_for_windows([resident(conditions=("diabetes",), glucose=base + [glucose(1, 7, 2.4, "random")]),
                              resident(conditions=("diabetes",), glucose=base)], AT)
    assert f["glu_unconfirmed_72h"].tolist() == [1, 0]
    for name in GLUCOSE_FEATURES:
        assert np.allclose(f[name][0], f[name][1], equal_nan=True), name
