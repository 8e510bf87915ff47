"""run_batch: the QA batch contract (one JSON object per line in and out; bad lines reported)."""
from __future__ import annotations

import io
import json

from app.services.triage import run_batch

GOOD = [
    {"id": "a1", "text": "胸口疼，出冷汗", "age": 62, "sex": "M", "conditions": ["hypertension"], "note": "kept"},
    {"id": 2, "text": "流鼻涕打喷嚏"},
    {"id": "a3", "text": "孩子8个月，发烧39度5，不吃奶", "sex": "F"},
]


def _run(lines: list[str]) -> tuple[int, int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    ok, bad = run_batch(lines, out, err)
    return ok, bad, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_each_good_line_comes_back_with_the_result_added():
    ok, bad, rows, err = _run([json.dumps(g, ensure_ascii=False) + "\n" for g in GOOD])
    assert (ok, bad, err) == (3, 0, "")
    assert [r["id"] for r in rows] == ["a1", 2, "a3"]
    first = rows[0]
    assert first["note"] == "kept" and first["conditions"] == ["hypertension"]
    assert first["level"] == "emergency" and first["department"] == "急诊科"
    assert {"level", "department", "red_flags", "questions", "advice"} <= set(first)
    assert first["red_flags"] and {"code", "label"} == set(first["red_flags"][0])
    assert "120" in first["advice"] and rows[1]["level"] == "self_care"


def test_a_bad_line_is_reported_with_its_number_and_skipped():
    lines = [
        json.dumps(GOOD[0], ensure_ascii=False),
        "{not json",
        json.dumps({"id": "x", "text": ""}),
        json.dumps({"id": "y", "text": "头疼", "sex": "male"}),
        json.dumps({"id": "z", "text": "头疼", "age": "seventy"}),
        json.dumps({"text": "头疼"}),
        json.dumps(["头疼"]),
        json.dumps({"id": "w", "text": "头疼", "conditions": "diabetes"}),
        "",
        json.dumps(GOOD[1], ensure_ascii=False),
    ]
    ok, bad, rows, err = _run(lines)
    assert (ok, bad) == (2, 7)
    assert [r["id"] for r in rows] == ["a1", 2]
    reported = [line.split(":")[0] for line in err.splitlines()]
    assert reported == ["line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8"]
    assert "sex" in err and "age" in err and "conditions" in err and '"id"' in err


def test_batch_never_asks_questions_in_the_conversation_sense():
    ok, _bad, rows, _err = _run([json.dumps({"id": 1, "text": "胸口疼"}, ensure_ascii=False)])
    assert ok == 1 and rows[0]["level"] == "urgent"
    assert all({"id", "text", "kind"} == set(q) for q in rows[0]["questions"])
