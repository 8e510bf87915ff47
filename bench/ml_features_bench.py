"""Benchmark of the trend-scan ML part: features and scoring against a pure-numpy ceiling.

Run:  cd /work/main && .venv/bin/python bench/ml_features_bench.py --residents 5000 --days 28
      (add --csv to time the `trends score` CSV path too; --repeat N for best-of-N timings)

Measures, for N simulated residents with D days of home BP and glucose readings:
- ceiling:  ml.features.compute_features on preloaded, sorted numpy arrays (pure numpy);
- columns:  ml.scoring.score_columns on the same arrays (features twice, model, rules, reasons);
- objects:  ml.scoring.score_residents on ResidentWindow objects (what a per-resident caller pays);
- csv:      ml.scoring_csv.score_csv end to end (parse, validate, score, write FLAGS.csv).
Prints residents/s for each and the ratio of each path to the ceiling.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ml.features import ProfileColumns, compute_features  # noqa: E402
from ml.model import load_model  # noqa: E402
from ml.scoring import score_columns, score_residents  # noqa: E402
from ml.scoring_csv import score_csv  # noqa: E402
from ml.synthetic import SimConfig, simulate, to_windows, write_csv  # noqa: E402


def best_of(repeat: int, fn) -> float:
    """Fastest wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="trend-scan ML benchmark")
    parser.add_argument("--residents", type=int, default=5000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--csv", action="store_true", help="also time score_csv on a written CSV")
    args = parser.parse_args(argv)

    cohort = simulate(args.residents, seed=args.seed, config=replace(SimConfig(), days=args.days))
    cols, at = cohort.columns, cohort.at
    prof = ProfileColumns.from_profiles(cohort.profiles)
    model = load_model()
    n = args.residents
    rows = cols.bp_t.shape[0] + cols.glu_t.shape[0]
    print(f"{n} residents x {args.days} days: {cols.bp_t.shape[0]} BP + {cols.glu_t.shape[0]} glucose readings; "
          f"model {model.name}")

    ceiling = best_of(args.repeat, lambda: compute_features(cols, prof, at))
    results = {"ceiling (features, preloaded arrays)": ceiling}
    results["score_columns (arrays -> flags+reasons)"] = best_of(
        args.repeat, lambda: score_columns(cols, cohort.profiles, model, at))
    windows = to_windows(cohort)
    results["score_residents (objects -> flags+reasons)"] = best_of(
        args.repeat, lambda: score_residents(windows, model, at))
    if args.csv:
        with tempfile.TemporaryDirectory() as tmp:
            readings, profiles, out = Path(tmp, "r.csv"), Path(tmp, "p.csv"), Path(tmp, "f.csv")
            write_csv(cohort, readings, profiles)
            with open(Path(tmp, "err.txt"), "w") as err:
                results["score_csv (CSV in -> FLAGS.csv)"] = best_of(
                    1, lambda: score_csv(readings, profiles, at, out, err=err, model=model))

    print(f"{'path':45s} {'seconds':>8s} {'residents/s':>12s} {'readings/s':>12s} {'ceiling/path':>12s}")
    for name, secs in results.items():
        print(f"{name:45s} {secs:8.3f} {n / secs:12,.0f} {rows / secs:12,.0f} {ceiling / secs:12.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
