"""Train the trend model on a simulated cohort, evaluate it on held-out residents, write the artefacts.

`train(seed, n_residents, out_dir)` writes `trend_model.joblib` + `trend_model.json` (sidecar) to
`out_dir` and regenerates the model card (docs/model_card.md + docs/img/roc_calibration.png, drawn
with matplotlib, a training- and docs-time dependency only). The flask command `flask ml train`
calls it; so does `python -m ml.train --seed 20260601 --n 40000`.
"""
from __future__ import annotations

import argparse
import json
import platform
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from ml.evaluate import evaluate, specificity_threshold
from ml.features import BP_FEATURES, GLUCOSE_FEATURES, ProfileColumns, compute_features
from ml.model import (
    ARTIFACT_DIR,
    DEFAULT_MODEL_PATH,
    FEATURES_BY_KIND,
    KINDS,
    SklearnTrendModel,
    build_pipeline,
    save_model,
)
from ml.synthetic import ARTEFACT_KINDS, Cohort, shifted_config, simulate

DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"
DEFAULT_SEED = 20260601
DEFAULT_N = 40_000
HELD_OUT_FRACTION = 0.25
VALIDATION_FRACTION = 0.2
# The flag threshold: the model's specificity on the validation residents (a flag is a doctor's time;
# the target is sensitivity >=0.88 at specificity >=0.90 for the combined flag).
TARGET_SPECIFICITY = 0.92
# Artefact flag rates of the scorer before confirmation and session interpretation, measured once by
# `python bench/artefact_rates.py --code-root <checkout of the old code>` on the same injected cohorts.
ARTEFACT_RATES_BEFORE = Path(__file__).resolve().parent / "artifacts" / "artefact_rates_before.json"
_LABEL = {"trend_bp": ("bp_assessed", "bp_uncontrolled"), "trend_glucose": ("glu_assessed", "glu_uncontrolled")}


def _xy(kind: str, cohort: Cohort, features) -> tuple[np.ndarray, np.ndarray]:
    assessed, label = _LABEL[kind]
    mask = cohort.labels[assessed]
    return features.matrix(FEATURES_BY_KIND[kind])[mask], cohort.labels[label][mask]


def train(
    seed: int = DEFAULT_SEED,
    n_residents: int = DEFAULT_N,
    out_dir: Path | str = ARTIFACT_DIR,
    progress: bool = True,
    docs_dir: Path | str | None = DOCS_DIR,
) -> dict[str, Any]:
    """Simulate, fit both pipelines, evaluate on held-out residents, write artefact, sidecar and card.

    Held-out residents are simulated from their own seed (a resident-level split); a third cohort
    from a deliberately different generator (`shifted_config`) checks robustness. Returns the sidecar.
    """
    out_dir = Path(out_dir)
    n_test = max(int(n_residents * HELD_OUT_FRACTION), 200)
    n_train = max(n_residents - n_test, 200)
    steps = tqdm(total=7, desc="train trend model", unit="step", disable=not progress)

    steps.set_postfix_str("simulate")
    train_cohort = simulate(n_train, seed=seed)
    test_cohort = simulate(n_test, seed=seed + 1)
    shifted = simulate(n_test, seed=seed + 2, config=shifted_config())
    steps.update()

    steps.set_postfix_str("features")
    f_train = compute_features(train_cohort.columns, ProfileColumns.from_profiles(train_cohort.profiles), train_cohort.at)
    steps.update()

    pipelines, thresholds = {}, {}
    rng = np.random.default_rng(seed)
    for kind in KINDS:
        steps.set_postfix_str(f"fit {kind}")
        X, y = _xy(kind, train_cohort, f_train)
        # fit on 80 %, choose the flag threshold on the other 20 % (never on the held-out residents)
        val = rng.random(y.shape[0]) < VALIDATION_FRACTION
        pipelines[kind] = build_pipeline(kind).fit(X[~val], y[~val])
        thresholds[kind] = specificity_threshold(y[val], pipelines[kind].predict_proba(X[val])[:, 1],
                                                 TARGET_SPECIFICITY)
        steps.update()
    model = SklearnTrendModel(pipelines=pipelines, thresholds=thresholds)

    steps.set_postfix_str("evaluate")
    held_out = evaluate(model, test_cohort, with_curves=True)
    curves = held_out.pop("_curves")
    robustness = evaluate(model, shifted)
    steps.update()

    steps.set_postfix_str("write")
    model.metadata = {
        "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "python_version": platform.python_version(),
        "seed": seed,
        "n_residents": n_residents,
        "n_train": n_train,
        "n_held_out": n_test,
        "training_data_sha256": train_cohort.data_hash(),
        "metrics": {"held_out": held_out, "shifted_cohort": robustness},
    }
    sidecar = save_model(model, out_dir / DEFAULT_MODEL_PATH.name)
    if docs_dir is not None:
        docs_dir = Path(docs_dir)
        (docs_dir / "img").mkdir(parents=True, exist_ok=True)
        from ml.figures import roc_and_calibration  # matplotlib: training and docs only

        roc_and_calibration(
            {kind: [(_curve_label(name, held_out[kind][name]["auroc"]), *curves[kind][name])
                    for name in ("model", "rule_7day_mean", "last_reading")] for kind in KINDS},
            {kind: curves[kind]["_calibration"] for kind in KINDS},
            docs_dir / "img" / "roc_calibration.png",
        )
        (docs_dir / "model_card.md").write_text(model_card(sidecar), encoding="utf-8")
    steps.update()
    steps.close()
    return sidecar


def _curve_label(name: str, auc: float) -> str:
    short = {"model": "model", "rule_7day_mean": "7-day-mean rule", "last_reading": "last reading"}[name]
    return f"{short} (AUROC {auc:.3f})"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def _num(x: float | None) -> str:
    return "–" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.3f}"


def model_card(sidecar: dict[str, Any]) -> str:
    """The Markdown model card for a sidecar (metrics, features, intended use, limits)."""
    m = sidecar["metrics"]["held_out"]
    s = sidecar["metrics"]["shifted_cohort"]
    lines = [
        "# Model card: JiaYi trend flag (`trend_bp`, `trend_glucose`)",
        "",
        "Generated by `ml.train.train()` (`flask ml train`); do not edit by hand.",
        "",
        "| item | value |",
        "|---|---|",
        f"| model | {sidecar['name']}: one sklearn Pipeline per kind: HistGradientBoostingClassifier (120 trees, "
        "≤15 leaves, NaN = no data handled natively) with **monotonic constraints** (the score never falls "
        "as a level above target, its rise over the baseline or the days above target grow), "
        "sigmoid-calibrated on 3-fold out-of-fold scores (CalibratedClassifierCV, ensemble=False) |",
        f"| artefact | `ml/artifacts/trend_model.joblib` (sha256 `{sidecar['artifact_sha256'][:16]}…`) + `trend_model.json` |",
        f"| scikit-learn / numpy / Python | {sidecar['sklearn_version']} / {sidecar['numpy_version']} / {sidecar['python_version']} |",
        f"| training data | simulated cohort, seed {sidecar['seed']}, {sidecar['n_train']} residents "
        f"(sha256 `{sidecar['training_data_sha256'][:16]}…`) |",
        f"| held-out data | {sidecar['n_held_out']} other simulated residents (seed {sidecar['seed'] + 1}); "
        f"robustness: {sidecar['n_held_out']} residents from a shifted generator (seed {sidecar['seed'] + 2}) |",
        f"| thresholds | trend_bp {sidecar['kinds']['trend_bp']['threshold']:.3f}, "
        f"trend_glucose {sidecar['kinds']['trend_glucose']['threshold']:.3f} (the model's specificity "
        f"{TARGET_SPECIFICITY:.2f} on 20 % of the training residents held back for validation) |",
        f"| created | {sidecar['created_at']} |",
        "",
        "## Intended use",
        "",
        "A **flag for a family doctor's review**, never a diagnosis and never a treatment change. The",
        "scheduler's trend scan and `flask trends score` use it to sort residents whose recent home BP or",
        "fasting glucose is probably off their personal target. Deterministic rules always win over the",
        "model: a **confirmed** dangerous value in the last 72 h (BP ≥180/110, glucose <3.0 or ≥16.7 mmol/L;",
        "confirmed by an agreeing repeat in the same session or within 15 min, or by two separate dangerous",
        "sessions, docs/clinical_rules.md §1.3a) is flagged `critical`, and recurrent hypoglycaemia (≥2",
        "episodes <3.9 in 7 days, or any confirmed <3.0) is flagged `high`, whatever the score. A single",
        "unconfirmed dangerous value feeds neither the features nor the acute state: it sets the",
        "`remeasure` column of FLAGS.csv (flag 0) so that the resident is asked to re-measure. A trend flag (\"recent control off target\") is raised when the",
        "model score reaches its threshold **or** the guideline rule holds (HBPM 7-day mean ≥ target with ≥3",
        "days and ≥6 sessions; 7-day fasting mean ≥7.0 with ≥3 values), and only if ≥2 sessions on ≥2 days",
        "were above target and the decision still holds without the resident's single highest recent",
        "session or value. Implausible values (1500/90, a swapped 90/150, mg/dL typed as mmol/L) are",
        "dropped before anything is computed, and a session's value leaves out a first reading more than",
        "10 mmHg above the repeats after it (a cuff error; ESH 2021), so a single artefact cannot raise a",
        "flag. Reasons are",
        "written in plain Chinese for the doctor (e.g. 近7天晨间均值152/95，较本人基线升高14/6，7天中6天未达标（目标<135/85）).",
        "",
        "## Labels",
        "",
        "From the simulator's latent values, not from the noisy readings: `trend_bp` = the person's",
        "underlying home BP level (mean of morning and evening, last 7 days) ≥ the personal target in SBP",
        "or DBP (default <135/85; ≥80 y without diabetes/CKD <150/90; diabetes/CKD <130/80);",
        "`trend_glucose` = the underlying fasting level over the last 7 days ≥7.0 mmol/L (diabetes).",
        "",
        "## Held-out metrics",
        "",
        "Baselines: **last reading** (the last plausible reading against target; published EHR reference",
        "for the task: 0.72 AUROC for a model vs 0.63 for the last reading, arXiv:1907.00089) and the",
        "**7-day-mean rule** (HBPM mean, day 1 of a block dropped, ≥ target with ≥3 days and ≥6 sessions,",
        "else \"insufficient\" = not flagged; glucose: ≥3 fasting values). AUROC ranks by the continuous",
        "margin above target; the last column restricts all scorers to residents whose 7-day window is",
        "sufficient, where the rule is at its best. Sensitivity and specificity of the model row are those",
        "of the whole trend decision (model or rule, with the single-session checks).",
        "",
        "| kind | scorer | AUROC | sensitivity | specificity | AUROC, windows with sufficient data |",
        "|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        for name, label in (("model", "model"), ("rule_7day_mean", "7-day-mean rule"), ("last_reading", "last reading")):
            r = m[kind][name]
            lines.append(f"| {kind} | {label} | {_num(r['auroc'])} | {_pct(r['sensitivity'])} | "
                         f"{_pct(r['specificity'])} | {_num(r['auroc_sufficient_data'])} |")
    lines += [
        "",
        f"`trend_bp`: {m['trend_bp']['n']} residents assessed, prevalence {_pct(m['trend_bp']['prevalence'])}, "
        f"{m['trend_bp']['n_sufficient_data']} with a sufficient 7-day window. "
        f"`trend_glucose`: {m['trend_glucose']['n']} residents, prevalence {_pct(m['trend_glucose']['prevalence'])}.",
        "",
        "![ROC curves (left) and the model's calibration (right) on the held-out residents](img/roc_calibration.png)",
        "",
        "### The combined flag (FLAGS.csv) on held-out residents",
        "",
        "| metric | value |",
        "|---|---|",
        f"| needs review (any kind, acute, recurrent hypo): prevalence | {_pct(m['flag']['needs_review_prevalence'])} |",
        f"| AUROC of `score` / sensitivity / specificity of `flagged` | {_num(m['flag']['auroc'])} / "
        f"{_pct(m['flag']['sensitivity'])} / {_pct(m['flag']['specificity'])} |",
        f"| sensitivity of `score` at specificity ≥90 % | {_pct(m['flag']['sensitivity_at_specificity_90'])} |",
        f"| acute dangerous values (observed, last 72 h) flagged critical | {_pct(m['flag']['acute_observed_sensitivity'])} "
        f"of {m['flag']['acute_observed_n']} |",
        f"| injected true spikes ≥180/110 in the last 72 h flagged critical | "
        f"{_pct(m['flag']['acute_injected_spike_sensitivity'])} of {m['flag']['acute_injected_spike_n']} |",
        f"| any latent value ≥180/110, <3.0 or ≥16.7 measured in 72 h flagged critical (true values just over "
        f"a threshold can read just under it; no rule on readings can see those) | "
        f"{_pct(m['flag']['acute_latent_sensitivity'])} of {m['flag']['acute_latent_n']} |",
        f"| critical flags without a dangerous reading | {m['flag']['critical_without_observed_acute']} |",
        f"| recurrent hypoglycaemia flagged | {_pct(m['flag']['hypo_recurrent_sensitivity'])} of {m['flag']['hypo_recurrent_n']} |",
    ]
    art = m["artefacts_raising_trend_flags"]
    lines.append(
        f"| single artefacts raising a trend flag (in {art['residents']} unflagged residents) | "
        f"1500/90: {art['typo_1500_90']}, swapped 90/150: {art['swapped_90_150']}, 150/900: {art['typo_150_900']}, "
        f"slipped digit +30 mmHg: {art['slipped_digit_plus30']} |")
    lines += _artefact_rate_lines(m.get("artefact_rates"))
    lines += [
        "",
        "A slipped digit (+30 mmHg, still plausible) cannot be told from a real high reading. It never flags",
        "on its own (the decision must hold without the highest session); it tips only residents whose other",
        "readings already scored above the threshold but were held back by the one-session check.",
        "",
        "### Robustness: a shifted generator",
        "",
        "Noisier readings (day-to-day SD 10/6.5), more sparse and morning-only measurers, higher levels,",
        "a larger morning–evening difference and 2 % artefacts; the model was not trained on it.",
        "",
        "| kind | model AUROC | 7-day-mean rule | last reading |",
        "|---|---|---|---|",
    ]
    for kind in KINDS:
        lines.append(f"| {kind} | {_num(s[kind]['model']['auroc'])} | {_num(s[kind]['rule_7day_mean']['auroc'])} | "
                     f"{_num(s[kind]['last_reading']['auroc'])} |")
    lines += [
        f"| acute sensitivity (observed) | {_pct(s['flag']['acute_observed_sensitivity'])} | | |",
        "",
        "## Features",
        "",
        "Computed by `ml.features.compute_features` (vectorised numpy) on plausible readings only",
        "(SBP 50–300, DBP 30–200, SBP > DBP; glucose 1.0–35.0 mmol/L) and confirmed dangerous values only.",
        "Sessions = readings within 10 min, valued without a discordant first reading;",
        "morning 04–12 h, evening 18–24 h Asia/Shanghai; day 1 of a monitoring block dropped; margins are",
        "\"value − personal target\". Current window = 7 local days ending at the scan time; baseline = the",
        "28 days before it.",
        "",
        f"- `trend_bp` ({len(BP_FEATURES)}): " + ", ".join(f"`{x}`" for x in BP_FEATURES),
        f"- `trend_glucose` ({len(GLUCOSE_FEATURES)}): " + ", ".join(f"`{x}`" for x in GLUCOSE_FEATURES),
        "",
        "## Limits",
        "",
        "- Trained and evaluated on **simulated** residents only (no real home-BP series is available",
        "  offline, clinical_rules §4). The generator follows published statistics (J-HOP, Ohasama, ESH",
        "  day-1 data) but real cohorts differ; monitor flag rates and doctors' feedback after release.",
        "- The metrics above are optimistic against real data; the shifted-generator check shows how much",
        "  they move under a different cohort, not how they behave in the field.",
        "- Measurement technique, cuff size, medication changes and symptoms are not seen by the model.",
        "  Symptoms (chest pain, one-sided weakness, …) are handled by triage, not here.",
        "- Residents with few readings get a score from their recent and baseline data; the reasons say",
        "  when the 7-day window is insufficient. No data → no trend flag (missed monitoring is its own job).",
        "- Variability (CV, ARV), morning surge and LBGI are soft notes in the reasons, never flags",
        "  (no guideline ties a referral to them).",
        "- Thresholds are defaults from ml/clinical.py and must be signed off by a clinician.",
        "",
        "## Retraining",
        "",
        "`flask ml train` or `python -m ml.train --seed 20260601 --n 40000` rewrites the artefact, the sidecar",
        "and this card. `ml.model.load_model` refuses an artefact whose sidecar does not match the installed",
        "scikit-learn version, the feature names in `ml.features` or the file hash, and then falls back to",
        "the rules (7-day-mean rule, fasting rule, acute and hypoglycaemia rules) with a logged warning.",
        "",
    ]
    return "\n".join(lines)


def _artefact_rate_lines(after: dict | None) -> list[str]:
    """The card's table of flag rates by artefact kind, before and after confirmation."""
    if not after:
        return []
    try:
        before = json.loads(ARTEFACT_RATES_BEFORE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    n = after["none"]["n"]
    lines = [
        "",
        "### Measurement artefacts: flag rates by kind, before and after confirmation",
        "",
        f"{n} well-controlled held-out residents (nothing to review; latent 7-day level ≥10/5 mmHg below",
        "target) without an artefact get exactly one",
        "artefact 20 h before the scan (`ml.synthetic.inject_artefact`); \"none\" is the same residents",
        "without it. *Before*: the scorer before session interpretation and confirmation (the previous",
        "model and `trends score`), scored through the same CSV contract",
        f"({before.get('_source', 'not measured')}); *after*: this model.",
        "",
        "| artefact | flagged before | critical before | flagged after | critical after | remeasure after |",
        "|---|---|---|---|---|---|",
    ]
    for kind in ARTEFACT_KINDS:
        a, b = after.get(kind), before.get(kind, {})
        if a is None:
            continue
        lines.append(f"| {kind} | {_pct(b.get('flagged'))} | {_pct(b.get('critical'))} | {_pct(a['flagged'])} | "
                     f"{_pct(a['critical'])} | {_pct(a['remeasure'])} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line: python -m ml.train [--seed S] [--n N] [--out DIR] [--no-docs]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--n", type=int, default=DEFAULT_N, help="residents (train + held out)")
    parser.add_argument("--out", type=Path, default=ARTIFACT_DIR)
    parser.add_argument("--no-docs", action="store_true",
                        help="do not rewrite docs/model_card.md and docs/img/roc_calibration.png")
    args = parser.parse_args(argv)
    sidecar = train(args.seed, args.n, args.out, progress=True, docs_dir=None if args.no_docs else DOCS_DIR)
    m = sidecar["metrics"]["held_out"]
    for kind in KINDS:
        r = m[kind]
        print(f"{kind}: AUROC model {r['model']['auroc']:.3f} | 7-day rule {r['rule_7day_mean']['auroc']:.3f} "
              f"| last reading {r['last_reading']['auroc']:.3f}")
    print(f"acute sensitivity {m['flag']['acute_observed_sensitivity']}, artefact flags {m['artefacts_raising_trend_flags']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
