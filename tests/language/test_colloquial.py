"""Spoken, dialect and effect-described wordings read as their concepts (lexicon data, not sentence rules).
Each row is a way residents write a concept; the triage case library tests the dispositions."""
from __future__ import annotations

import pytest

from app.language import read

VARIANTS = [
    # stroke signs described by their effect, dialect (Sichuan, Cantonese, Henan)
    ("右手一点劲都没有", "unilateral_weakness"), ("左边手脚没得劲", "unilateral_weakness"),
    ("筷子都拿不住了", "unilateral_weakness"), ("碗都端不稳", "unilateral_weakness"),
    ("半边身郁唔到", "unilateral_weakness"), ("讲嘢唔清楚", "speech"), ("说话舌头打结", "speech"),
    ("舌头不听使唤", "speech"), ("口齿不灵", "speech"),
    # chest and radiation, typing slips
    ("兄闷得很", "chest_tightness"), ("兄口痛", "chest_pain"), ("心口子疼", "chest_pain"), ("左边膀子也痛", "radiation"),
    # collapse, unresponsiveness, confusion, drowsiness
    ("眼前一黑就倒了", "syncope"), ("一下子栽倒了", "syncope"), ("到现在还没醒过来", "unresponsive"),
    ("喊他不答应", "unresponsive"), ("叫唔醒", "unresponsive"), ("前言不搭后语", "confusion"),
    ("认不得人了", "confusion"), ("脑子不清楚了", "confusion"), ("叫她也懒得应", "drowsy"), ("叫不太醒", "drowsy"),
    ("脸都憋紫了", "cyanosis"),
    # ingestion described by quantity or whose medicine it was
    ("降压药吃了好几颗", "poison_ingestion"), ("吃了奶奶的药", "poison_ingestion"), ("偷吃了药", "poison_ingestion"),
    ("这辈子最痛的一次", "thunderclap"), ("脑壳遭撞了", "head_injury"), ("头云", "dizziness"), ("脑壳昏", "dizziness"),
    ("屙的全是黑的", "melena"), ("发骚", "fever"), ("血亚高", "high_bp_reported"), ("血唐高", "hyper_reported"),
    ("血糖低", "hypo_reported"), ("气紧", "dyspnoea"), ("出气不赢", "dyspnoea"), ("肚儿痛", "abdominal_pain"),
    ("羊癫疯", "seizure"), ("冇力", "fatigue"), ("早上起来手指头僵", "morning_stiffness"),
]


@pytest.mark.parametrize("text,code", VARIANTS)
def test_colloquial_variant_reads_as_its_concept(text, code):
    assert read(text).present(code), f"{text} -> {sorted(read(text).positive)}"


def test_a_relation_word_inside_a_pattern_term_is_no_subject():
    assert read("宝宝动得少 36周了").subject.other is False       # the fetus, not a child
    assert read("我爸拉的屎像柏油一样黑").subject.relation == "爸"


def test_the_enumerated_wordings_keep_their_scope():
    assert "cyanosis" not in read("脸上摔紫了一块").positive       # a bruise, not cyanosis
    assert "poison_ingestion" not in read("我把降压药吃了 血压还是高").positive
