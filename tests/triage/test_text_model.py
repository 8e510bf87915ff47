"""The second reader of triage (ml.triage_text): trained on today's development cases, scored as scikit-learn
scores it, and used by the engine only to raise routine or self-care to urgent (docs/triage.md §2.4)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from pathlib import Path

import pytest

from app.services.triage import assess
from ml import train_triage_text
from ml.triage_text import SIDECAR, model

ROOT = Path(__file__).resolve().parents[2]
META = json.loads(SIDECAR.read_text(encoding="utf-8"))

# Nothing here is in the lexicon: a grey face and cold hands and feet (poor perfusion) are read by the characters.
UNREAD_DANGER = "爷爷脸色发灰 手脚冰凉"


def test_it_was_trained_on_todays_development_cases():
    # A development file added or changed without `make triage-model` fails here.
    current = {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in sorted((ROOT / "tests" / "triage").glob("cases*.jsonl"))}
    assert META["training_files"] == current


def test_the_table_scores_as_scikit_learn_does():
    cases = train_triage_text.load_cases([ROOT / name for name in META["training_files"]])
    texts = [c["text"] for c in cases]
    fitted = train_triage_text.pipeline().fit(texts, [c["level"] in train_triage_text.TARGET for c in cases])
    probe = texts[::20] + [UNREAD_DANGER, "", "  头疼\n\n发烧 ", "ＡＢＣ abc 123"]
    expected = fitted.predict_proba(probe)[:, 1]
    assert [round(model().probability(t), 4) for t in probe] == [round(p, 4) for p in expected]


def test_what_the_rules_cannot_read_is_raised_to_urgent_for_a_doctor_to_see_today():
    result = assess(UNREAD_DANGER, interactive=False)
    assert result.level == "urgent"
    assert [t.rule for t in result.trace] == ["review.text_model"]
    assert [f.code for f in result.red_flags] == ["review.text_model"]
    assert "今天" in result.advice and "120" in result.advice


def test_it_never_lowers_a_level_nor_calls_an_ambulance():
    assert model().flags("我奶奶今天一直在睡 叫她就哼一声", rules_answered=True)
    assert assess("我奶奶今天一直在睡 叫她就哼一声", interactive=False).level == "emergency"
    assert model().probability("宝宝两个月 三十八度五") < 0.5
    assert assess("宝宝两个月 三十八度五", interactive=False).level == "emergency"


@pytest.mark.parametrize("text", ["我爸", "孩子", "110101195001011234", "李建国 110101195001011234", "1"])
def test_a_message_of_few_chinese_characters_is_never_raised(text):
    # A name, an ID number or a menu digit while binding says too little; some of them score high.
    assert not model().flags(text, rules_answered=False)
    assert model().probability("李建国 110101195001011234") >= 0.6 and model().probability("我爸") >= 0.6


@pytest.mark.parametrize("text, level", [
    ("孩子有糖尿病 打了胰岛素 吃了饭 血糖8", "self_care"),   # a reading in range
    ("腰痛窜左腿 两周了", "routine"),                      # sciatica
])
def test_an_answer_the_rules_gave_by_their_own_criterion_needs_the_higher_threshold(text, level):
    low, high = META["thresholds"]["nothing_recognised"], META["thresholds"]["rules_answered"]
    assert low <= model().probability(text) < high
    assert model().flags(text, rules_answered=False) and not model().flags(text, rules_answered=True)
    assert assess(text, interactive=False).level == level


def test_warming_up_reads_the_table_before_the_first_message():
    from app.services.triage import warm_up

    model.cache_clear()
    warm_up()
    assert model.cache_info().currsize == 1


def test_a_story_the_rules_read_as_someone_elses_needs_the_higher_threshold(monkeypatch):
    from app.services.triage import engine

    # A reader that raises every message the rules recognised nothing in, and none the rules answered.
    eager = dataclasses.replace(model(), thresholds={"nothing_recognised": 0.0, "rules_answered": math.inf})
    monkeypatch.setattr(engine, "text_model", lambda: eager)
    assert assess(UNREAD_DANGER, interactive=False).level == "urgent"
    neighbour = assess("邻居老李突然说话不清楚送去医院了，我会不会也这样", interactive=False)
    assert neighbour.level == "routine" and not neighbour.red_flags
