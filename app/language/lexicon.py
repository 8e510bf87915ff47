"""The clinical lexicon, loaded from the tab-separated files in ``lexicon/`` (data a clinician edits).

- ``concepts.tsv``  code, preferred term, ICD-10 (where one exists), body site, kind (finding:
                    a symptom or sign | qualifier of another finding | context: an exposure or
                    trigger | condition: a known illness, medicine or pregnancy)
- ``terms.tsv``     code, term, kind (synonym | colloquial | dialect | typo | pattern); one row per term
- ``modifiers.tsv`` category (severe | mild | sudden | chronic | recurrent | attenuator), term
- ``context.tsv``   ConText trigger, category (negated | normal | resolved | past | hypothetical |
                    terminator | pseudo), direction (forward | backward | both | none)
- ``relations.tsv`` relation word, sex, default age in years, child (1/0)
- ``respellings.tsv`` wrong, right, kind (typo | dialect): an input-method or homophone slip
                    (血亚 -> 血压, 兄闷 -> 胸闷, 头云 -> 头晕) rewritten before reading, so terms, values
                    and triggers all see the intended word; same length, so positions do not move
- ``variants.tsv``  written, also, not_in, note: a character that residents write interchangeably with
                    another (疼/痛, the particles 的/得/地, 了/啦, 我/俺): every term, modifier and trigger
                    written with the first also matches with the second in its place (``with_variants``),
                    except inside the words listed in not_in (地 of 着地 is the ground, not a particle)

A term is a literal (matched longest-first, added to jieba's dictionary) or a *pattern*: ``~`` stands
for a short gap of at most ``GAP_MAX`` characters that crosses no punctuation and no other body site,
and ``(a|b)`` for alternatives, e.g. ``胸~疼`` matches 胸口疼 and 胸口这里有点疼. A term that carries
its own negation ("喘不上气", "不吃奶") is a positive finding: triggers are never looked for inside a term.
Nothing here is Python to edit: add a row, run the tests (tests/language checks every file).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from pathlib import Path

DIR = Path(__file__).with_name("lexicon")

# Characters a gap may not contain: punctuation, body sites (so 头晕胸痛 is not "头…痛") and
# injury/pain words (so 右脚崴了动不了 is not one-sided weakness).
PUNCT = "，。；！？、,.;!?\\s…：:（）()“”\"'"
GAP_BLOCK = "胸腹肚腰背头脑眼耳嗓喉牙腿脚手臂膝肩颈脖脸嘴鼻崴扭摔撞砸伤疼痛"
GAP_MAX = 7
# One-character negators: Mandarin 不没无未 and the dialects' 冇 (Cantonese, Hakka, Hunan), 唔 (Cantonese),
# 勿 (Wu: 头勿痛), 莫 (South-western: 莫得), 毋 (Hakka: 毋红毋肿). Inside a gap they negate the mention ("胸口不疼", "头勿痛").
GAP_NEG_CHARS = "不没无未冇唔勿莫毋"
# After a verb, 不 + one of these is a potential complement (说不出, 站不稳), not a negation.
COMPLEMENT_AFTER_BU = frozenset("出上下动起住了开进醒清稳来去着到见")
NOT_VERB_BEFORE_BU = frozenset("我他她它也都还并就又从但可却并且你您，,。 和跟")
# A modal or helping verb before a clause-final 不 makes an A-not-A question ("能换药不", "会传染不", "要去医院不"):
# the 不 asks, it denies nothing.
MODALS_BEFORE_QUESTION_BU = ("能", "要", "可以", "会", "用", "该", "得", "敢", "行")

CONCEPT_KINDS = ("finding", "qualifier", "context", "condition")
TERM_KINDS = ("synonym", "colloquial", "dialect", "typo", "pattern")
MODIFIER_CATEGORIES = ("severe", "mild", "sudden", "chronic", "recurrent", "frequent", "attenuator")
CONTEXT_CATEGORIES = ("negated", "normal", "resolved", "past", "hypothetical", "terminator", "pseudo", "run_break")
CONTEXT_DIRECTIONS = ("forward", "backward", "both", "none")


@dataclass(frozen=True)
class Concept:
    code: str
    preferred: str
    icd10: str = ""
    site: str = ""
    kind: str = "finding"


@dataclass
class Lexicon:
    concepts: dict[str, Concept]
    terms: dict[str, list[tuple[str, str]]]            # code -> [(term, kind)]
    modifiers: dict[str, list[str]]                    # category -> terms
    triggers: dict[tuple[str, str], list[str]]         # (category, direction) -> terms
    relations: dict[str, tuple[str | None, float | None, bool]]
    respellings: dict[str, str] = field(default_factory=dict)
    variants: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)  # written -> [(also, not_in)]
    errors: list[str] = field(default_factory=list)

    def trigger_words(self, category: str, *directions: str) -> list[str]:
        out: list[str] = []
        for d in directions or CONTEXT_DIRECTIONS:
            out.extend(self.triggers.get((category, d), ()))
        return out


def _rows(name: str) -> list[dict[str, str]]:
    with open(DIR / name, encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()}
                for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


def is_pattern(term: str) -> bool:
    return any(ch in term for ch in "~()|[]?")


def load() -> Lexicon:
    """Read every file; problems are collected in ``errors`` (the tests require none)."""
    errors: list[str] = []
    concepts: dict[str, Concept] = {}
    for row in _rows("concepts.tsv"):
        code = row["code"]
        if code in concepts:
            errors.append(f"concepts.tsv: {code} twice")
        concepts[code] = Concept(code, row["preferred_term"], row.get("icd10", ""), row.get("site", ""),
                                 row.get("kind") or "finding")
        if concepts[code].kind not in CONCEPT_KINDS:
            errors.append(f"concepts.tsv: {code} has unknown kind {concepts[code].kind}")
    terms: dict[str, list[tuple[str, str]]] = {}
    for row in _rows("terms.tsv"):
        code, term, kind = row["code"], row["term"], row.get("kind") or "synonym"
        if code not in concepts:
            errors.append(f"terms.tsv: {term} names unknown concept {code}")
            continue
        if kind not in TERM_KINDS:
            errors.append(f"terms.tsv: {term} has unknown kind {kind}")
        if not term or " " in term:
            errors.append(f"terms.tsv: empty term or a space in {term!r} ({code})")
            continue
        terms.setdefault(code, []).append((term, kind))
    modifiers: dict[str, list[str]] = {}
    for row in _rows("modifiers.tsv"):
        if row["category"] not in MODIFIER_CATEGORIES:
            errors.append(f"modifiers.tsv: unknown category {row['category']}")
        modifiers.setdefault(row["category"], []).append(row["term"])
    triggers: dict[tuple[str, str], list[str]] = {}
    for row in _rows("context.tsv"):
        cat, direction = row["category"], row["direction"]
        if cat not in CONTEXT_CATEGORIES or direction not in CONTEXT_DIRECTIONS:
            errors.append(f"context.tsv: {row['trigger']} has {cat}/{direction}")
        triggers.setdefault((cat, direction), []).append(row["trigger"])
    relations: dict[str, tuple[str | None, float | None, bool]] = {}
    for row in _rows("relations.tsv"):
        age = row.get("default_age_years") or ""
        relations[row["word"]] = (row.get("sex") or None, float(age) if age else None, row.get("child") == "1")
    respellings: dict[str, str] = {}
    for row in _rows("respellings.tsv"):
        wrong, right = row["wrong"], row["right"]
        if not wrong or len(wrong) != len(right) or wrong == right or row.get("kind") not in ("typo", "dialect"):
            errors.append(f"respellings.tsv: {wrong!r} -> {right!r} must be a different word of the same length "
                          f"with kind typo or dialect")
            continue
        respellings[wrong] = right
    variants: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for row in _rows("variants.tsv"):
        written, also = row["written"], row["also"]
        if len(written) != 1 or len(also) != 1 or written == also or not row.get("note"):
            errors.append(f"variants.tsv: {written!r} -> {also!r} must be two different characters, with a note")
            continue
        not_in = tuple(w for w in row.get("not_in", "").split(",") if w)
        if any(written not in w for w in not_in):
            errors.append(f"variants.tsv: every not_in word of {written!r} must contain it")
        variants.setdefault(written, []).append((also, not_in))
    return Lexicon(concepts, terms, modifiers, triggers, relations, respellings, variants, errors)


# A term with many variable characters gets at most this many spellings (the first ones, in a fixed order).
VARIANT_MAX = 32


def _options(term: str, i: int, variants: dict[str, list[tuple[str, tuple[str, ...]]]]) -> list[str]:
    """The characters that may stand at position i of a term: its own, then its variants, unless a not_in word
    covers the position."""
    out = [term[i]]
    for also, not_in in variants.get(term[i], ()):
        if not any(term.startswith(w, s) for w in not_in for s in range(max(0, i - len(w) + 1), i + 1)):
            out.append(also)
    return out


def spellings(term: str, variants: dict[str, list[tuple[str, tuple[str, ...]]]]) -> list[str]:
    """Every spelling of a term under ``variants``: the term itself first. A pattern keeps one spelling with
    each variable character outside a bracket class turned into a class (疼 -> [疼痛])."""
    if is_pattern(term):
        out, depth = [], 0
        for i, ch in enumerate(term):
            depth += ch == "["
            depth -= ch == "]"
            opts = _options(term, i, variants) if depth == 0 else [ch]
            out.append(ch if len(opts) == 1 else "[" + "".join(opts) + "]")
        return ["".join(out)]
    found = [""]
    for i in range(len(term)):
        found = [f + o for f in found for o in _options(term, i, variants)][:VARIANT_MAX]
    return found


def with_variants(lex: Lexicon) -> Lexicon:
    """The lexicon as the reader matches it: terms, modifiers and triggers with all their spellings."""
    if not lex.variants:
        return lex

    def spell(words: list[str]) -> list[str]:
        return list(dict.fromkeys(s for w in words for s in spellings(w, lex.variants)))

    terms = {code: list(dict.fromkeys((s, kind) for term, kind in rows for s in spellings(term, lex.variants)))
             for code, rows in lex.terms.items()}
    return replace(lex, terms=terms,
                   modifiers={cat: spell(words) for cat, words in lex.modifiers.items()},
                   triggers={key: spell(words) for key, words in lex.triggers.items()})
