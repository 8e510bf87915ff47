"""The `trends score` CSV contract: formats, malformed rows, --at cutoff, one row per profile."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest

from ml.model import load_model
from ml.scoring import SEVERITIES
from ml.scoring_csv import FLAG_COLUMNS, score_csv
from ml.synthetic import simulate, write_csv

from .helpers import AT

R_HEADER = "resident_id,measured_at,kind,systolic,diastolic,pulse,glucose_mmol,context\n"
P_HEADER = "resident_id,age,sex,conditions,bp_target_sys,bp_target_dia\n"


@pytest.fixture(scope="module")
def model():
    return load_model()


def steady_rows(rid: str, sbp: int, dbp: int, days: int = 21) -> list[str]:
    rows = []
    for d in range(days, 0, -1):
        for hour in (7, 20):
            t = (AT - timedelta(days=d)).replace(hour=hour, minute=0)
            rows.append(f"{rid},{t.isoformat()},bp,{sbp + d % 3},{dbp + d % 2},70,,")
            rows.append(f"{rid},{(t + timedelta(minutes=1)).isoformat()},bp,{sbp - 2 + d % 3},{dbp},69,,")
    return rows


def run(tmp_path, readings: list[str], profiles: list[str], model, at: datetime = AT):
    rp, pp, out = tmp_path / "readings.csv", tmp_path / "profiles.csv", tmp_path / "flags.csv"
    rp.write_text(R_HEADER + "".join(r + "\n" for r in readings), encoding="utf-8")
    pp.write_text(P_HEADER + "".join(p + "\n" for p in profiles), encoding="utf-8")
    err = io.StringIO()
    code = score_csv(rp, pp, at, out, err=err, model=model)
    rows = list(csv.DictReader(out.open(encoding="utf-8"))) if out.exists() else []
    return code, {r["resident_id"]: r for r in rows}, err.getvalue(), out


def test_one_row_per_profile_with_the_contract_columns(tmp_path, model):
    readings = steady_rows("A", 124, 76) + steady_rows("B", 156, 96)
    code, rows, err, out = run(tmp_path, readings, ["A,66,F,hypertension,,", "B,70,M,hypertension;diabetes,,",
                                                     "C,55,M,,,"], model)
    assert code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == ",".join(FLAG_COLUMNS)
    assert list(rows) == ["A", "B", "C"]
    assert rows["A"]["flagged"] == "0" and rows["A"]["severity"] == "none"
    assert rows["B"]["flagged"] == "1" and rows["B"]["severity"] in SEVERITIES[1:4]
    assert "晨间均值" in rows["B"]["reasons"] and "目标<130/80" in rows["B"]["reasons"]  # diabetes target
    assert rows["C"]["flagged"] == "0"
    for r in rows.values():
        assert 0.0 <= float(r["score"]) <= 1.0


def test_malformed_rows_are_reported_with_line_numbers_and_skipped(tmp_path, model):
    readings = steady_rows("A", 124, 76, days=10)
    bad = [
        "A,not-a-date,bp,150,90,70,,",
        "A,2026-05-31T07:00:00,bp,150,90,70,,",  # no offset
        "A,2026-05-31T07:00:00+08:00,bp,abc,90,70,,",
        "A,2026-05-31T07:00:00+08:00,temperature,,,,,",
        "A,2026-05-31T07:00:00+08:00,bp",
        ",2026-05-31T07:00:00+08:00,bp,150,90,70,,",
        "A,2026-05-31T07:00:00+08:00,glucose,,,,x,fasting",
    ]
    code, rows, err, _ = run(tmp_path, readings + bad, ["A,66,F,hypertension,,"], model)
    assert code == 0 and rows["A"]["flagged"] == "0"
    first_bad = len(readings) + 2  # header is line 1
    for k in range(len(bad)):
        assert f"readings.csv:{first_bad + k}:" in err


def test_implausible_values_are_reported_and_never_flag(tmp_path, model):
    t = (AT - timedelta(hours=2)).isoformat()
    readings = steady_rows("A", 124, 76) + [f"A,{t},bp,1500,90,70,,", f"A,{t},bp,90,150,70,,",
                                            f"A,{t},glucose,,,,126,fasting"]
    code, rows, err, _ = run(tmp_path, readings, ["A,66,F,hypertension;diabetes,,"], model)
    assert rows["A"]["flagged"] == "0"
    assert "implausible BP 1500/90" in err and "implausible glucose 126" in err
    assert "不合理" in rows["A"]["reasons"]


def test_only_readings_up_to_at_are_used(tmp_path, model):
    later, repeat = AT + timedelta(minutes=30), AT + timedelta(minutes=31)
    readings = steady_rows("A", 124, 76) + [f"A,{later.isoformat()},bp,200,120,90,,",
                                            f"A,{repeat.isoformat()},bp,198,118,90,,"]
    code, rows, err, _ = run(tmp_path, readings, ["A,66,F,hypertension,,"], model)
    assert rows["A"]["flagged"] == "0" and "after --at" in err
    code, rows, _, _ = run(tmp_path, readings, ["A,66,F,hypertension,,"], model, at=AT + timedelta(hours=1))
    assert (rows["A"]["flagged"], rows["A"]["severity"], rows["A"]["remeasure"]) == ("1", "critical", "0")


def test_confirmed_dangerous_glucose_and_meter_hi_are_critical(tmp_path, model):
    t, r = AT - timedelta(hours=5), AT - timedelta(hours=5) + timedelta(minutes=3)
    readings = [f"A,{t.isoformat()},glucose,,,,HI,random", f"A,{r.isoformat()},glucose,,,,HI,random",
                f"B,{t.isoformat()},glucose,,,,2.7,", f"B,{r.isoformat()},glucose,,,,3.2,"]
    code, rows, _, _ = run(tmp_path, readings, ["A,60,M,diabetes,,", "B,60,M,diabetes,,"], model)
    assert rows["A"]["severity"] == rows["B"]["severity"] == "critical"


def test_a_single_unconfirmed_dangerous_value_asks_for_a_remeasurement_not_a_page(tmp_path, model):
    t = (AT - timedelta(hours=5)).isoformat()
    readings = steady_rows("A", 124, 76) + [f"A,{t},bp,192,104,80,,", f"B,{t},glucose,,,,HI,random"]
    code, rows, _, _ = run(tmp_path, readings, ["A,66,F,hypertension,,", "B,60,M,diabetes,,"], model)
    for rid in "AB":
        assert (rows[rid]["flagged"], rows[rid]["severity"], rows[rid]["remeasure"]) == ("0", "none", "1")
        assert "未经复测确认" in rows[rid]["reasons"]


def test_a_cuff_error_with_normal_repeats_is_neither_flagged_nor_remeasured(tmp_path, model):
    t = AT - timedelta(hours=5)
    readings = steady_rows("A", 124, 76) + [
        f"A,{(t + timedelta(minutes=k)).isoformat()},bp,{s},{d},80,," for k, (s, d) in enumerate(
            [(231, 128), (126, 78), (124, 77)])]
    code, rows, _, _ = run(tmp_path, readings, ["A,66,F,hypertension,,"], model)
    assert (rows["A"]["flagged"], rows["A"]["remeasure"]) == ("0", "0")


def test_explicit_target_is_used_and_bad_profiles_are_reported(tmp_path, model):
    readings = steady_rows("A", 142, 82)
    code, rows, err, _ = run(tmp_path, readings, ["A,85,F,hypertension,150,90", "A,85,F,hypertension,,",
                                                   "B,abc,X,hypertension,1500,90"], model)
    assert rows["A"]["flagged"] == "0" and "目标<150/90" in rows["A"]["reasons"]
    assert "profiles.csv:3: duplicate resident_id A" in err
    assert "profiles.csv:4:" in err and "B" in rows


def test_unknown_resident_and_missing_columns(tmp_path, model):
    code, rows, err, _ = run(tmp_path, steady_rows("Z", 150, 95, days=2), ["A,66,F,hypertension,,"], model)
    assert code == 0 and list(rows) == ["A"] and "resident_id Z not in profiles" in err
    (tmp_path / "bad.csv").write_text("resident_id,age\nA,60\n", encoding="utf-8")
    err = io.StringIO()
    assert score_csv(tmp_path / "readings.csv", tmp_path / "bad.csv", AT, tmp_path / "o.csv", err=err, model=model) == 2
    assert "missing column" in err.getvalue()


def test_simulated_cohort_round_trips_through_csv(tmp_path, model):
    cohort = simulate(300, seed=5)
    write_csv(cohort, tmp_path / "r.csv", tmp_path / "p.csv")
    err = io.StringIO()
    assert score_csv(tmp_path / "r.csv", tmp_path / "p.csv", cohort.at, tmp_path / "f.csv", err=err, model=model) == 0
    rows = list(csv.DictReader((tmp_path / "f.csv").open(encoding="utf-8")))
    assert len(rows) == 300
    assert {r["severity"] for r in rows} <= set(SEVERITIES)
    assert all(r["flagged"] in ("0", "1") for r in rows)
