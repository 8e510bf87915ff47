"""Concepts development round 16 showed missing on arrival (docs/triage.md §3.10), each held on messages written for
it here, by the rules alone (the second reader is off: conftest.rules_only)."""
from __future__ import annotations

import pytest

from app.services.triage import assess

pytestmark = pytest.mark.usefixtures("rules_only")


@pytest.mark.parametrize("text, level", [
    # an exclamation is the same story: a bleeding stopped after it is over
    ("鼻子磕了一下流了好多血！！吓死了 捏了一会儿止住了", "self_care"),
    ("手划了个口子流了好多血！止不住", "emergency"),
    # breathing "not affected" denies the breathlessness; tender chest wall after lifting (NICE CKS chest pain)
    ("我二十五，昨天搬了一天家，今天右边胸口一按就疼，转身也疼，喘气不影响", "self_care"),
    # breathlessness in proportion to heavy exertion, settled within minutes of rest, in a young adult
    ("我27，爬了十几层楼梯，喘得不行，歇了一两分钟就好了", "self_care"),
    ("我68了 爬了三楼就喘得不行 歇了两分钟就好了", "emergency"),
    ("我30 爬楼喘得不行 胸口疼 歇了就好了", "emergency"),
    # black stool with seeing black on standing: a bleed with circulatory signs
    ("这两天大便黑的 一站起来就眼黑", "emergency"),
    # 90/52 with dizziness on a new antihypertensive is low (AHA: under 90/60)
    ("降压药刚加了一种 这两天头晕 量了九十 五十二", "urgent"),
    # 空服 is 空腹 (G-U2: fasting glucose ≥ 16.7 without symptoms, same day)
    ("糖尿病 今天空服血糖十八点五 不渴不吐", "urgent"),
    # a nosebleed still dripping after twenty minutes of pressing (NICE CKS epistaxis)
    ("鼻子出血 捏了二十分钟了还在往下滴", "urgent"),
    # Cantonese 翳 is chest tightness: with a cold sweat in a diabetic (2018 共识 Ⅰ/Ⅱ级)
    ("我阿爸心口好翳 出咗身冷汗 佢有糖尿病", "emergency"),
    # walking falls to one side is ataxia (BE-FAST balance)
    ("我妈今天走路老往右边倒 头晕", "emergency"),
])
def test_round_16_findings_fixed_by_concept(text, level):
    assert assess(text, interactive=False).level == level
