"""Triage reads text through the clinical language layer (app.language); these names stay for callers."""
from app.language import Clause, Mention, Numbers, Subject, lexicon, normalize, parse_bp_number, to_number, warm_up
from app.language import Reading as Parsed
from app.language import read as parse

__all__ = ["parse", "Parsed", "Mention", "Clause", "Numbers", "Subject", "lexicon", "normalize", "parse_bp_number",
           "to_number", "warm_up"]
