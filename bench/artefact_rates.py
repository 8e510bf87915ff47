"""Artefact flag rates by kind through the `trends score` CSV contract, for any checkout of the code.

The same well-controlled residents of the model card's held-out cohort (seed 20260602) get exactly
one artefact of each kind (`ml.synthetic.inject_artefact`); each variant is written as READINGS.csv
+ PROFILES.csv and scored by the `score_csv` of the code under `--code-root` (its own model
artefact). Run against a checkout of the code before confirmation to get the card's "before"
column:

    git -C /work/main archive 9d44c3e | tar -x -C /tmp/before
    python bench/artefact_rates.py --code-root /tmp/before --out ml/artifacts/artefact_rates_before.json
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ml.evaluate import artefact_residents  # noqa: E402
from ml.features import ReadingColumns  # noqa: E402
from ml.synthetic import ARTEFACT_KINDS, GLUCOSE_CONTEXTS, inject_artefact, simulate  # noqa: E402

SCORE = """
import sys
from datetime import datetime
sys.path.insert(0, sys.argv[1])
try:
    from ml.scoring_csv import score_csv
except ImportError:  # the code before the CSV contract had its own module
    from ml.scoring import score_csv
raise SystemExit(score_csv(sys.argv[2], sys.argv[3], datetime.fromisoformat(sys.argv[4]), sys.argv[5],
                           err=open("/dev/null", "w")))
"""


def write_readings(cols: ReadingColumns, ids: list[str], tz, path: Path) -> None:
    """READINGS.csv of columnar readings (pulse left empty)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(("resident_id", "measured_at", "kind", "systolic", "diastolic", "pulse", "glucose_mmol", "context"))
        for r, t, s, d in zip(cols.bp_res.tolist(), cols.bp_t.tolist(), cols.bp_sbp.tolist(), cols.bp_dbp.tolist()):
            w.writerow((ids[r], datetime.fromtimestamp(t, tz).isoformat(), "bp", int(s), int(d), "", "", ""))
        for r, t, g, x in zip(cols.glu_res.tolist(), cols.glu_t.tolist(), cols.glu_mmol.tolist(), cols.glu_ctx.tolist()):
            w.writerow((ids[r], datetime.fromtimestamp(t, tz).isoformat(), "glucose", "", "", "", f"{g:.1f}",
                        GLUCOSE_CONTEXTS[x]))


def main(argv: list[str] | None = None) -> int:
    """Score every artefact kind with the code under --code-root; print and write the rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code-root", type=Path, default=ROOT)
    parser.add_argument("--seed", type=int, default=20260602)
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    cohort = simulate(args.n, seed=args.seed)
    rows = artefact_residents(cohort, args.limit)
    ids = [p.resident_id for p in cohort.profiles]
    tz = cohort.at.tzinfo
    result: dict = {"_source": f"bench/artefact_rates.py --code-root {args.code_root.name}, "
                               f"cohort seed {args.seed}, {rows.size} residents"}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        from ml.synthetic import write_csv
        write_csv(cohort, tmp_path / "unused.csv", tmp_path / "profiles.csv")
        for kind in ARTEFACT_KINDS:
            cols = cohort.columns if kind == "none" else inject_artefact(cohort, rows, kind,
                                                                          seed=ARTEFACT_KINDS.index(kind))
            write_readings(cols, ids, tz, tmp_path / "readings.csv")
            subprocess.run([sys.executable, "-c", SCORE, str(args.code_root), str(tmp_path / "readings.csv"),
                            str(tmp_path / "profiles.csv"), cohort.at.isoformat(), str(tmp_path / "flags.csv")],
                           check=True, cwd=args.code_root)
            flags = {r["resident_id"]: r for r in csv.DictReader(open(tmp_path / "flags.csv", encoding="utf-8"))}
            chosen = [flags[ids[i]] for i in rows.tolist()]
            result[kind] = {
                "n": len(chosen),
                "flagged": round(float(np.mean([r["flagged"] == "1" for r in chosen])), 4),
                "critical": round(float(np.mean([r["severity"] == "critical" for r in chosen])), 4),
                "remeasure": round(float(np.mean([r.get("remeasure") == "1" for r in chosen])), 4),
            }
            print(kind, result[kind], flush=True)
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
