"""The trend model: two calibrated scikit-learn pipelines and a rules-only fallback.

`trend_bp` scores "the 7-day home BP level is off the personal target", `trend_glucose` scores
"the 7-day fasting glucose level is >=7.0 mmol/L". Both are flags for a doctor's review, never a
diagnosis. The artefact is a joblib file holding plain sklearn objects plus a JSON sidecar
(sklearn version, feature names, thresholds, metrics, seed, training-data hash, file hash);
`load_model` checks the sidecar and falls back to `RulesOnlyModel` with a logged warning.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from ml.clinical import FASTING_REVIEW_MIN_VALUES, FASTING_TARGET
from ml.features import BP_FEATURES, GLUCOSE_FEATURES, Features

log = logging.getLogger(__name__)

KINDS = ("trend_bp", "trend_glucose")
FEATURES_BY_KIND: dict[str, tuple[str, ...]] = {"trend_bp": BP_FEATURES, "trend_glucose": GLUCOSE_FEATURES}
ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"
DEFAULT_MODEL_PATH = ARTIFACT_DIR / "trend_model.joblib"
SIDECAR_SUFFIX = ".json"
FORMAT_VERSION = 1


class TrendModel(Protocol):
    """What the scorer needs: a probability per resident and a flag threshold per kind."""

    name: str
    is_fallback: bool
    thresholds: dict[str, float]

    def predict(self, kind: str, features: Features) -> np.ndarray:
        """Probability (0..1) that the resident's `kind` needs a doctor's review."""
        ...


# Features whose increase can only raise the score: every level above target, its change against
# the resident's own baseline, and persistence counts. Enforced as monotonic constraints, so the
# model can never learn "higher BP, lower concern" from a quirk of the training data.
_INCREASING = ("margin", "_z_", "z_max", "delta", "days_above", "sessions_above", "share_sessions_above",
               "hyper_n", "hbgi", "fasting_mean", "glu_mean_35")


def monotonic_constraints(names: tuple[str, ...]) -> list[int]:
    """+1 for level/persistence features (see _INCREASING), 0 for the rest."""
    return [1 if any(key in name for key in _INCREASING) else 0 for name in names]


def build_pipeline(kind: str) -> Pipeline:
    """Gradient boosting with monotonic constraints, sigmoid-calibrated (3-fold out-of-fold).

    Missing values (no data in a window) are handled natively by the trees; no imputation.
    """
    if kind not in FEATURES_BY_KIND:
        raise ValueError(f"unknown kind {kind!r}")
    booster = HistGradientBoostingClassifier(
        max_iter=120, learning_rate=0.08, max_leaf_nodes=15, min_samples_leaf=40, l2_regularization=1.0,
        monotonic_cst=monotonic_constraints(FEATURES_BY_KIND[kind]), early_stopping=False, random_state=0)
    # ensemble=False: one booster fitted on all data, calibrated on 3-fold out-of-fold scores
    # (a third of the prediction cost of an ensemble of three).
    return Pipeline([("calibrated_gbm", CalibratedClassifierCV(booster, method="sigmoid", cv=3, ensemble=False))])


@dataclass
class SklearnTrendModel:
    """The trained pipelines with their thresholds and sidecar metadata."""

    pipelines: dict[str, Pipeline]
    thresholds: dict[str, float]
    metadata: dict[str, Any] = field(default_factory=dict)
    name: str = "monotone-gbm-calibrated"
    is_fallback: bool = False

    def predict(self, kind: str, features: Features) -> np.ndarray:
        """Calibrated probability per resident."""
        if features.n == 0:
            return np.empty(0)
        X = features.matrix(FEATURES_BY_KIND[kind])
        # One OpenMP thread: tree prediction on a batch is cheap, and threads spinning next to the
        # database and web workers on a 2-core host made it 2-4x slower in the benchmark.
        with threadpool_limits(limits=1, user_api="openmp"):
            return self.pipelines[kind].predict_proba(X)[:, 1]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


@dataclass
class RulesOnlyModel:
    """Fallback without a model: the 7-day HBPM mean rule and the 7-day fasting rule (G-T1).

    Scores are a smooth function of the margin above target; insufficient data never reaches
    the flag threshold, as the guideline rule says ("insufficient", not "uncontrolled").
    """

    reason: str = "no model"
    name: str = "rules-only"
    is_fallback: bool = True
    thresholds: dict[str, float] = field(default_factory=lambda: {k: 0.5 for k in KINDS})

    def predict(self, kind: str, features: Features) -> np.ndarray:
        """A rule score in 0..1 (>=0.5 exactly when the rule says off target)."""
        if kind == "trend_bp":
            margin = np.fmax(features["bp_hbpm_sbp_7"] - features["target_sys"],
                             1.5 * (features["bp_hbpm_dbp_7"] - features["target_dia"]))
            p = _sigmoid((margin + 0.5) / 3.0)
            sufficient = features["bp_sufficient_7"] > 0
        elif kind == "trend_glucose":
            p = _sigmoid((features["glu_fasting_mean_7"] - FASTING_TARGET[1] + 0.05) / 0.4)
            sufficient = features["glu_fasting_n_7"] >= FASTING_REVIEW_MIN_VALUES
        else:
            raise ValueError(f"unknown kind {kind!r}")
        p = np.nan_to_num(p, nan=0.0)
        return np.where(sufficient, p, np.minimum(p, 0.45))


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sidecar_path(model_path: Path) -> Path:
    """trend_model.joblib -> trend_model.json."""
    return model_path.with_suffix(SIDECAR_SUFFIX)


def save_model(model: SklearnTrendModel, path: Path) -> dict[str, Any]:
    """Write the joblib artefact (plain sklearn objects) and its JSON sidecar; return the sidecar."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({kind: model.pipelines[kind] for kind in KINDS}, path, compress=3)
    sidecar = {
        "format": FORMAT_VERSION,
        "name": model.name,
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "artifact_sha256": file_sha256(path),
        "kinds": {
            kind: {"features": list(FEATURES_BY_KIND[kind]), "threshold": float(model.thresholds[kind])}
            for kind in KINDS
        },
        **model.metadata,
    }
    sidecar_path(path).write_text(json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
                                  encoding="utf-8")
    return sidecar


def check_sidecar(sidecar: dict[str, Any], path: Path) -> str | None:
    """Why the artefact cannot be used with this code and library versions; None when it can."""
    if sidecar.get("format") != FORMAT_VERSION:
        return f"sidecar format {sidecar.get('format')!r} != {FORMAT_VERSION}"
    if sidecar.get("sklearn_version") != sklearn.__version__:
        return f"trained with scikit-learn {sidecar.get('sklearn_version')}, running {sklearn.__version__}"
    kinds = sidecar.get("kinds") or {}
    for kind in KINDS:
        names = (kinds.get(kind) or {}).get("features")
        if names != list(FEATURES_BY_KIND[kind]):
            return f"feature names of {kind} differ from ml.features"
    if sidecar.get("artifact_sha256") != file_sha256(path):
        return "artefact file does not match the sidecar hash"
    return None


def load_model(path: Path | str | None = None) -> SklearnTrendModel | RulesOnlyModel:
    """Load the trained model; on any mismatch log a warning and return the rules-only fallback."""
    path = Path(path) if path is not None else DEFAULT_MODEL_PATH
    side = sidecar_path(path)
    try:
        sidecar = json.loads(side.read_text(encoding="utf-8"))
        problem = check_sidecar(sidecar, path)
    except (OSError, ValueError) as exc:
        problem, sidecar = f"cannot read {side.name}: {exc}", {}
    if problem is None:
        try:
            pipelines = joblib.load(path)
            if not all(kind in pipelines for kind in KINDS):
                problem = "artefact lacks a pipeline"
        except Exception as exc:  # a corrupt or foreign pickle: the service must keep working
            problem = f"cannot load {path.name}: {exc}"
    if problem is not None:
        log.warning("trend model %s not used (%s); falling back to the rules", path, problem)
        return RulesOnlyModel(reason=problem)
    thresholds = {kind: float(sidecar["kinds"][kind]["threshold"]) for kind in KINDS}
    return SklearnTrendModel(pipelines=pipelines, thresholds=thresholds, metadata=sidecar,
                             name=sidecar.get("name", "monotone-gbm-calibrated"))
