"""The lexicon files are well formed (a clinician edits them without Python)."""
import pytest

from app.language import read
from app.language.lexicon import load, spellings


def test_lexicon_files_load_without_errors():
    lex = load()
    assert lex.errors == []
    assert len(lex.concepts) >= 300
    assert all(code in lex.concepts for code in lex.terms)
    assert all(lex.terms.get(code) for code in lex.concepts), "every concept has at least one term"


def test_context_triggers_cover_every_category():
    lex = load()
    for cat in ("negated", "normal", "resolved", "past", "hypothetical", "terminator", "pseudo"):
        assert lex.trigger_words(cat), cat


def test_respellings_are_same_length_slips_that_the_reader_corrects():
    from app.language import read

    lex = load()
    assert lex.respellings["血亚"] == "血压" and lex.respellings["兄闷"] == "胸闷"
    assert all(len(w) == len(r) for w, r in lex.respellings.items())
    r = read("血亚190/125 兄闷")
    assert r.numbers.systolic == 190 and r.present("chest_tightness")
    assert read("血唐2.1").numbers.glucose == 2.1


@pytest.mark.parametrize("text, code, assertion", [
    ("心绞疼又犯了", "chest_pain", "present"),            # 疼 for 痛
    ("两板扑热息疼空了", "poison_ingestion", "present"),    # a drug's name with 疼 for 痛
    ("一瓶安眠药都吃啦", "ingested", "present"),            # 啦 for 了
    ("喘气好好地", "dyspnoea", "normal"),                   # the particle 地 for 的, in a trigger
    ("俺糊涂了", "self_reproach", "present"),               # 俺 for 我
])
def test_a_character_written_for_its_variant_reads_the_same(text, code, assertion):
    found = {(f.code, f.assertion) for f in read(text).findings}
    assert (code, assertion) in found, found


def test_variants_stay_out_of_the_words_they_exclude_and_patterns_get_a_class():
    lex = load()
    assert lex.variants["地"] and spellings("倒在地上", lex.variants) == ["倒在地上"]   # the ground, not a particle
    assert set(spellings("疼得厉害", lex.variants)) >= {"疼得厉害", "痛的厉害", "疼的厉害"}
    assert spellings("(胸|心)~疼", lex.variants) == ["(胸|心)~[疼痛]"]
