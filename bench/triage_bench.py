"""Triage engine latency over the case library (issue 6: one assessment < 20 ms median).

Run from the repository root:

    .venv/bin/python bench/triage_bench.py [--rounds 5] [--cases tests/triage/cases.jsonl]

Prints warm-up time (jieba dictionary + lexicon, once per process) and median / p95 / max
milliseconds per assessment, for batch mode (interactive=False) and interactive mode (which also
searches for the most decisive question).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services.triage import Profile, assess, warm_up  # noqa: E402


def _percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(round(q * (len(sorted_ms) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the case library per mode")
    parser.add_argument("--cases", type=Path, default=ROOT / "tests" / "triage" / "cases.jsonl")
    args = parser.parse_args()

    cases = [json.loads(line) for line in args.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = time.perf_counter()
    warm_up()
    print(f"warm-up (jieba + lexicon, once per process): {(time.perf_counter() - start) * 1000:.0f} ms")
    print(f"{len(cases)} cases x {args.rounds} rounds")

    for interactive in (False, True):
        timings: list[float] = []
        for _ in range(args.rounds):
            for case in cases:
                profile = Profile(age=case.get("age"), sex=case.get("sex"),
                                  conditions=frozenset(case.get("conditions", [])))
                t0 = time.perf_counter()
                assess(case["text"], profile=profile, interactive=interactive)
                timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        mode = "interactive" if interactive else "batch      "
        print(f"{mode}  median {statistics.median(timings):.2f} ms   p95 {_percentile(timings, 0.95):.2f} ms   "
              f"max {timings[-1]:.2f} ms   (n={len(timings)})")


if __name__ == "__main__":
    main()
