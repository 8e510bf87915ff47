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
