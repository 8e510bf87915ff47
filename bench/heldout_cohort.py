"""Score the frozen held-out cohort (tests/heldout/cohort) once: the model against two rule baselines.

    python tests/heldout/cohort/make_cohort.py --out /tmp/heldout/out
    flask --app wsgi trends score /tmp/heldout/out/READINGS.csv --profiles /tmp/heldout/out/PROFILES.csv \
        --at 2026-06-01T09:00:00+08:00 --out /tmp/heldout/FLAGS.csv
    python bench/heldout_cohort.py /tmp/heldout/out /tmp/heldout/FLAGS.csv

The model's figures come from FLAGS.csv (`score`, `flagged`, `severity`, `remeasure`). Baselines from
the same parsed readings: the 7-day-mean rule (HBPM mean >= target with >=3 days and >=6 sessions, or
7-day fasting mean >=7.0 with >=3 values; any dangerous reading in 72 h is critical) and the last
reading (last BP or fasting value against target; critical when the last reading is dangerous).
Never tune on this cohort.
"""
from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ml.evaluate import NO_DATA, auroc, baselines, sens_spec, sensitivity_at_specificity  # noqa: E402
from ml.features import ProfileColumns, compute_features  # noqa: E402
from ml.scoring_csv import read_profiles, read_readings  # noqa: E402

AT = datetime.fromisoformat("2026-06-01T09:00:00+08:00")


def main(argv: list[str]) -> int:
    """bench/heldout_cohort.py COHORT_DIR FLAGS.csv -> the held-out figures as JSON on stdout."""
    cohort_dir, flags_path = Path(argv[0]), Path(argv[1])
    labels = {r["resident_id"]: r for r in csv.DictReader(open(cohort_dir / "LABELS.csv", encoding="utf-8"))}
    flags = {r["resident_id"]: r for r in csv.DictReader(open(flags_path, encoding="utf-8"))}
    devnull = open("/dev/null", "w")
    profiles = read_profiles(cohort_dir / "PROFILES.csv", devnull)
    cols = read_readings(cohort_dir / "READINGS.csv", {p.resident_id: i for i, p in enumerate(profiles)}, AT, devnull)
    f = compute_features(cols, ProfileColumns.from_profiles(profiles), AT)
    ids = [p.resident_id for p in profiles]
    y = np.array([labels[i]["needs_review"] == "1" for i in ids])
    acute = np.array([labels[i]["acute_event"] == "1" for i in ids])
    kind = np.array([labels[i]["artefact_kind"] for i in ids])
    group = np.array([labels[i]["group"] for i in ids])

    # baselines: combine BP and glucose into one resident score (mmHg margins / 10 and mmol margins)
    bp, glu = baselines("trend_bp", f), baselines("trend_glucose", f)
    lo = 72 * 3600
    at_s = int(AT.timestamp())
    n = len(ids)
    recent_bp = (cols.bp_t > at_s - lo) & (cols.bp_sbp >= 50) & (cols.bp_sbp <= 300) & (cols.bp_dbp >= 30) \
        & (cols.bp_sbp > cols.bp_dbp) & ((cols.bp_sbp >= 180) | (cols.bp_dbp >= 110))
    recent_glu = (cols.glu_t > at_s - lo) & (cols.glu_mmol >= 1.0) & (cols.glu_mmol <= 35.0) \
        & ((cols.glu_mmol < 3.0) | (cols.glu_mmol >= 16.7))
    any_danger = (np.bincount(cols.bp_res[recent_bp], minlength=n) + np.bincount(cols.glu_res[recent_glu], minlength=n)) > 0
    last_danger = ((f["bp_last_sbp"] >= 180) | (f["bp_last_dbp"] >= 110)) & (f["bp_days_since_last"] <= 3)
    scorers = {}
    for name in ("rule_7day_mean", "last_reading"):
        s = np.fmax(np.where(bp[name][0] > NO_DATA, bp[name][0] / 10.0, NO_DATA), glu[name][0])
        crit = any_danger if name == "rule_7day_mean" else last_danger
        s = np.where(crit, 1e6, s)
        scorers[name] = (s, bp[name][1] | glu[name][1] | crit, crit)
    m_score = np.array([float(flags[i]["score"]) for i in ids])
    m_flag = np.array([flags[i]["flagged"] == "1" for i in ids])
    m_crit = np.array([flags[i]["severity"] == "critical" for i in ids])
    m_rem = np.array([flags[i]["remeasure"] == "1" for i in ids])
    scorers = {"model": (m_score, m_flag, m_crit)} | scorers
    out: dict = {"n": n, "needs_review": int(y.sum()), "acute_events": int(acute.sum())}
    art = kind != ""
    for name, (score, flag, crit) in scorers.items():
        sens, spec = sens_spec(y, flag)
        row = {"auroc": round(auroc(y, score), 4), "sensitivity": round(sens, 4), "specificity": round(spec, 4),
               "sensitivity_at_specificity_90": round(sensitivity_at_specificity(y, score, 0.90), 4),
               "acute_events_critical": round(float(crit[acute].mean()), 4),
               "artefact_flagged": round(float(flag[art].mean()), 4),
               "artefact_critical": round(float(crit[art].mean()), 4),
               "by_kind": {k: {"flagged": round(float(flag[kind == k].mean()), 3),
                               "critical": round(float(crit[kind == k].mean()), 3)}
                           for k in sorted(set(kind[art]))}}
        if name == "model":
            row["artefact_remeasure"] = round(float(m_rem[art].mean()), 4)
            row["controlled_flagged"] = round(float(flag[group == "controlled"].mean()), 4)
        out[name] = row
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
