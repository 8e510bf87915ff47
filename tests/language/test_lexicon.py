"""The lexicon files are well formed (a clinician edits them without Python)."""
from app.language.lexicon import load


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
