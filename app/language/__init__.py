"""The clinical language layer: residents' Chinese -> findings. Pure Python: no Flask, no database.

``read(text)`` returns a :class:`Reading` whose ``findings`` are concept codes with an assertion
(present | absent | normal | resolved | past | hypothetical | other), the subject (the resident or a relative
with age and sex), onset/duration, severity, body site, laterality and bound measured values.
Triage (app.services.triage), the reading rules (app.services.rules.symptom_flags) and the bot's
parser (app.wechat.parsing) all read text through it. The lexicon is data: app/language/lexicon/*.tsv.
"""
from app.language.context import (ABSENT, ASSERTIONS, HYPOTHETICAL, NORMAL, OTHER, PAST, PRESENT, RESOLVED, Clause,
                                  Mention)
from app.language.numbers import Numbers, normalize, parse_bp_number, parse_numbers, to_number
from app.language.reader import Finding, Reading, Value, findings, lexicon, read, warm_up
from app.language.subject import Subject

__all__ = ["read", "findings", "warm_up", "lexicon", "Reading", "Finding", "Value", "Subject", "Numbers", "Clause",
           "Mention", "normalize", "to_number", "parse_numbers", "parse_bp_number", "ASSERTIONS", "PRESENT",
           "ABSENT", "NORMAL", "RESOLVED", "PAST", "HYPOTHETICAL", "OTHER"]
