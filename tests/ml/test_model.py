"""Model artefact: sidecar checks with a rules-only fallback, training, beating the baselines."""
from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from ml.model import DEFAULT_MODEL_PATH, RulesOnlyModel, SklearnTrendModel, load_model, sidecar_path
from ml.scoring import score_residents
from ml.synthetic import simulate
from ml.train import train
from tests.conftest import TEST_ENV

from .helpers import AT, resident, steady_bp


@pytest.fixture
def artefact_copy(tmp_path):
    path = tmp_path / DEFAULT_MODEL_PATH.name
    shutil.copy(DEFAULT_MODEL_PATH, path)
    shutil.copy(sidecar_path(DEFAULT_MODEL_PATH), sidecar_path(path))
    return path


def edit_sidecar(path, **changes):
    side = sidecar_path(path)
    data = json.loads(side.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key == "features":
            data["kinds"]["trend_bp"]["features"] = value
        else:
            data[key] = value
    side.write_text(json.dumps(data), encoding="utf-8")


def test_committed_default_model_loads_and_is_small():
    model = load_model()
    assert isinstance(model, SklearnTrendModel) and not model.is_fallback
    assert DEFAULT_MODEL_PATH.stat().st_size < 5 * 1024 * 1024
    meta = json.loads(sidecar_path(DEFAULT_MODEL_PATH).read_text(encoding="utf-8"))
    assert {"sklearn_version", "seed", "training_data_sha256", "metrics", "kinds"} <= set(meta)


@pytest.mark.parametrize("change", [
    {"sklearn_version": "0.24.2"},
    {"features": ["bp_n_readings_7", "renamed_feature"]},
    {"artifact_sha256": "0" * 64},
])
def test_sidecar_mismatch_falls_back_to_rules_with_a_warning(artefact_copy, caplog, change):
    edit_sidecar(artefact_copy, **change)
    with caplog.at_level(logging.WARNING, logger="ml.model"):
        model = load_model(artefact_copy)
    assert isinstance(model, RulesOnlyModel) and model.is_fallback
    assert "falling back to the rules" in caplog.text


def test_missing_sidecar_or_artefact_falls_back(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="ml.model"):
        assert load_model(tmp_path / "nothing.joblib").is_fallback
    assert "falling back" in caplog.text


def test_rules_only_fallback_still_flags_by_the_guideline(tmp_path):
    model = RulesOnlyModel()
    [high] = score_residents([resident(bp=steady_bp(152, 94))], model, AT)
    [ok] = score_residents([resident(bp=steady_bp(122, 76))], model, AT)
    assert high.flagged and not ok.flagged


def test_score_rises_with_the_level_above_target():
    model = load_model()
    windows = [resident(f"R{s}", bp=steady_bp(s, 70 + (s - 110) // 3)) for s in range(110, 171, 5)]
    scores = [r.score for r in score_residents(windows, model, AT)]
    assert all(b >= a - 0.02 for a, b in zip(scores, scores[1:]))
    assert scores[0] < 0.05 and scores[-1] > 0.95


def test_simulated_training_data_are_deterministic():
    assert simulate(300, seed=7).data_hash() == simulate(300, seed=7).data_hash()
    assert simulate(300, seed=7).data_hash() != simulate(300, seed=8).data_hash()


def test_training_writes_artefacts_and_beats_both_baselines(tmp_path):
    with threadpool_limits(limits=1, user_api="openmp"):  # small data: threads only add overhead
        a = train(seed=7, n_residents=2400, out_dir=tmp_path / "a", progress=False, docs_dir=tmp_path / "docs")
    assert a["training_data_sha256"] == simulate(1800, seed=7).data_hash()
    held = a["metrics"]["held_out"]
    for kind in ("trend_bp", "trend_glucose"):
        r = held[kind]
        assert r["model"]["auroc"] > r["rule_7day_mean"]["auroc"]
        assert r["model"]["auroc"] > r["last_reading"]["auroc"]
    assert held["flag"]["acute_observed_sensitivity"] == 1.0
    art = held["artefacts_raising_trend_flags"]
    assert art["typo_1500_90"] == art["swapped_90_150"] == art["typo_150_900"] == 0
    assert not load_model(tmp_path / "a" / DEFAULT_MODEL_PATH.name).is_fallback
    card = (tmp_path / "docs" / "model_card.md").read_text(encoding="utf-8")
    assert "never a diagnosis" in card and "img/roc_calibration.png" in card and "cuff_error" in card
    png = (tmp_path / "docs" / "img" / "roc_calibration.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
    assert np.isfinite(held["trend_bp"]["model"]["auroc"])


def test_the_runtime_never_imports_matplotlib():
    """matplotlib draws the model card at training time only; the app and the scorer must not need it."""
    code = ("import sys; from app import create_app; import ml.scoring, ml.scoring_csv, ml.train, jobs; "
            "create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], env={**os.environ, **TEST_ENV})
    assert result.returncode == 0, result.stderr[-2000:]
