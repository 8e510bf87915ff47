"""The exact CLI contract: flask --app wsgi trends score READINGS.csv --profiles P.csv --at … --out FLAGS.csv"""
import csv

from ml.synthetic import simulate, write_csv


def test_trends_score_cli_writes_one_row_per_profile(app, tmp_path):
    cohort = simulate(40, seed=7)
    readings, profiles, out = tmp_path / "r.csv", tmp_path / "p.csv", tmp_path / "flags.csv"
    write_csv(cohort, readings, profiles)
    with open(readings, "a", encoding="utf-8") as f:
        f.write("x,not-a-time,bp,1,2,3,,\n")  # malformed: reported, skipped
    result = app.test_cli_runner().invoke(
        args=["trends", "score", str(readings), "--profiles", str(profiles), "--at", "2026-06-01T09:00:00+08:00",
              "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "'not-a-time' is not ISO 8601; row skipped" in result.stderr
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    with open(profiles, encoding="utf-8") as f:
        n_profiles = sum(1 for _ in f) - 1
    assert len(rows) == n_profiles
    assert set(rows[0]) == {"resident_id", "flagged", "severity", "score", "reasons", "remeasure"}
    assert all(not (r["flagged"] == "1" and r["remeasure"] == "1") for r in rows)
    assert {r["flagged"] for r in rows} <= {"0", "1"}


def test_trends_score_cli_rejects_a_bad_time(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["trends", "score", __file__, "--profiles", __file__, "--at", "soon",
                                                "--out", str(tmp_path / "o.csv")])
    assert result.exit_code != 0 and "ISO 8601" in result.output
