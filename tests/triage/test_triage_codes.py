"""A rule can only fire on a code the language layer can produce: every code a protocol names in its triggers or in
a Ctx fact (c.has, c.no, c.hours, c.severe …) is a lexicon concept, a dialogue question whose answer it reads, or a
finding Ctx derives. A misspelt or never-defined code (the quinsy rule's muffled_voice, a diabetic foot's
rectal_bleeding) makes a rule that silently never fires."""
from __future__ import annotations

import re
from pathlib import Path

from app.language.lexicon import load
from app.services.triage import texts as tx

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["app/services/triage/protocols.py", "app/services/triage/coverage.py", "app/services/triage/context.py"]
FACT_RE = re.compile(r"c\.(?:has|no|said|severe|mild|hours|chronic|recurrent|current|count|sudden|unknown|near)"
                     r"\(([^()]*(?:\([^()]*\))*[^()]*)\)")
TRIGGERS_RE = re.compile(r'triggers="([^"]*)"((?:\s*"[^"]*")*)')
ASSERTIONS = {"present", "absent", "normal", "resolved", "past", "hypothetical"}
DERIVED = {"vaginal_bleeding", "peritonism", "sleep_apnoea"}   # Ctx._site_from_context


def _named_codes() -> dict[str, str]:
    named: dict[str, str] = {}
    for rel in SOURCES:
        text = (ROOT / rel).read_text(encoding="utf-8")
        for m in FACT_RE.finditer(text):
            for code in re.findall(r'"([a-z][a-z0-9_]*)"', m.group(1)):
                named.setdefault(code, rel)
        for m in TRIGGERS_RE.finditer(text):
            for code in (m.group(1) + " " + " ".join(re.findall(r'"([^"]*)"', m.group(2)))).split():
                named.setdefault(code, rel)
    return named


def test_every_code_a_rule_names_can_be_found_in_a_message():
    concepts = set(load().concepts)
    known = concepts | set(tx.QUESTIONS) | ASSERTIONS | DERIVED
    unknown = {code: where for code, where in _named_codes().items() if code not in known}
    assert not unknown, unknown


def test_the_check_finds_a_code_that_does_not_exist():
    assert FACT_RE.search('c.has("no_such_code", "fever")').group(1) == '"no_such_code", "fever"'
    assert "no_such_code" not in load().concepts
