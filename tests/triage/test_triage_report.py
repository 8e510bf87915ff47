"""The pure scoring behind `flask triage report`, and the command itself."""
from __future__ import annotations

import json

from app.services.triage.report import Scored, format_report, score, score_cases


def test_score_counts_matrices_sensitivity_and_over_triage():
    r = score([Scored("a", "emergency", "urgent", ("chest_pain",)), Scored("b", "emergency", "routine", ("headache",)),
               Scored("c", "self_care", "urgent"), Scored("d", "routine", "routine"), Scored("e", "self_care", "self_care")])
    assert r.n == 5 and r.matrix[("emergency", "urgent")] == 1
    assert r.matrix3[("emergent", "emergent")] == 1 and r.matrix3[("self_care", "emergent")] == 1
    assert r.exact == 2 / 5 and r.exact3 == 3 / 5
    assert (r.emergencies_emergent, r.emergencies, r.emergencies_exact) == (1, 2, 0)
    assert r.per_protocol == {"chest_pain": (1, 1), "headache": (0, 1)}
    assert r.missed_emergencies == ["b"]
    assert (r.over_triaged, r.non_emergent) == (1, 3)
    assert (r.self_care_exact, r.self_care) == (1, 2)
    text = format_report(r)
    assert "3-class accuracy: 0.600" in text and "over-triage" in text and "headache: 0/1" in text


def test_score_cases_runs_the_engine_in_batch_mode():
    lines = [json.dumps({"id": "x", "text": "突然说话不清楚，嘴歪", "level": "emergency"}, ensure_ascii=False),
             json.dumps({"id": "y", "text": "流鼻涕打喷嚏两天，不发烧", "level": "self_care"}, ensure_ascii=False)]
    r = score_cases(lines)
    assert r.n == 2 and r.emergencies_emergent == 1 and r.self_care_exact == 1


def test_the_report_command_prints_the_report(app, tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"id": "x", "text": "胸口疼得厉害，出冷汗", "level": "emergency"}, ensure_ascii=False)
                     + "\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["triage", "report", str(cases)])
    assert result.exit_code == 0, result.output
    assert "4-level confusion matrix" in result.output and "emergencies sent to emergency/urgent: 1/1" in result.output


def test_the_report_command_scores_several_files_together(app, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": "x", "text": "胸口疼得厉害，出冷汗", "level": "emergency"}, ensure_ascii=False) + "\n",
                 encoding="utf-8")
    b.write_text(json.dumps({"id": "y", "text": "流鼻涕打喷嚏两天，不发烧", "level": "self_care"}, ensure_ascii=False)
                 + "\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["triage", "report", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert "cases: 2" in result.output and "self-care recognised: 1/1" in result.output
