"""Sound-alike slips: a term typed with one character of the same sound (胸口腾 for 胸口疼, 拉杜子 for 拉肚子, 发少 for
发烧). Pinyin input methods and voice input put a homophone in place of the intended character; the reader matches a
concept's term by its syllables when the characters differ in one place only (``respellings.tsv`` names slips of any
other kind). Pure: pypinyin's character readings, no Flask, no database.

Guards against reading a different word: the term has at least three content characters besides particles and
function characters (two are too few: 「发干」 sounds like 发绀, 「少了」 like 烧了), only one of them differs, and the match starts and ends on word boundaries of the text
(「头发少了」 is 头发 + 少, never 发烧) and is not itself a word of the dictionary (「老师」 is no 老是).

Pinyin initials: a term typed as the first letters of its syllables (kqky for 口腔溃疡, tt for 头疼), as people write in
chat, is read as the term — for terms of three to six characters whose initials name one concept only, and for the
two-letter ones in ``TWO_LETTER`` (two letters name too many terms to be read from the lexicon)."""
from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin

from app.language.lexicon import GAP_NEG_CHARS as NEGATORS


# Particles and function characters carry no term on their own: 「烧了」 and 「有点烧」 have one content character.
_FUNCTION = set("了的得地着过吧啊呢吗呀啦有点一很都就也还又不没个")
# Two content characters are too few: 「发干」 sounds like 发绀, 「个血」 like 咯血, 「上掉」 like 上吊.
MIN_CONTENT = 3


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=8192)
def syllable(ch: str) -> str | None:
    """The toneless reading of one Chinese character (its most common one), None for anything else."""
    return lazy_pinyin(ch)[0] if _cjk(ch) else None


def _one_slip(term: str, text: str) -> bool:
    """One character differs, and it is no negator (「脸不肿」 denies; it is no slip of 脸部肿)."""
    slips = [b for a, b in zip(term, text) if a != b]
    return len(slips) == 1 and slips[0] not in NEGATORS


class SoundTrie:
    """Concept terms keyed by their syllables."""

    def __init__(self, terms: list[tuple[str, str]]) -> None:   # (term, concept code)
        self.root: dict = {}
        for term, code in terms:
            if sum(ch not in _FUNCTION for ch in term) < MIN_CONTENT or not all(_cjk(ch) for ch in term):
                continue
            node = self.root
            for ch in term:
                node = node.setdefault(syllable(ch), {})
            node.setdefault("", []).append((term, code))

    def find(self, t: str, boundaries: set[int], is_word=lambda w: False) -> list[tuple[int, int, list[str]]]:
        """(start, end, codes) of the longest sound-alike term at each word boundary, one character off, where the
        text is not itself a word of the dictionary (``is_word``: 「老师」 is no 老是, 「中度」 no 中毒)."""
        sounds = [syllable(ch) for ch in t]
        found = []
        for i in range(len(t)):
            if i not in boundaries or sounds[i] is None:
                continue
            node, j, best = self.root.get(sounds[i]), i + 1, None
            while node is not None:
                if "" in node and j in boundaries and not is_word(t[i:j]):
                    codes = [code for term, code in node[""] if _one_slip(term, t[i:j])]
                    if codes:
                        best = (i, j, codes)
                if j >= len(t) or sounds[j] is None:
                    break
                node, j = node.get(sounds[j]), j + 1
            if best:
                found.append(best)
        return found


# Two-letter initials residents use for the readings they send most (xt 血糖, xy 血压), and for what they dare not
# write out (zs 自杀): fixed, not generated.
TWO_LETTER = {"xt": "血糖", "xy": "血压", "zs": "自杀"}
# Letters that are English, or the abbreviations of tests and places, before they are anyone's initials.
_ENGLISH = {"ecg", "ekg", "mri", "icu", "hiv", "bmi", "app", "dna", "wifi", "bus", "car", "ok", "hi", "lo", "ct", "bp",
            "nb", "pet", "tia", "copd", "inr", "crp", "psa", "hpv", "usb", "pdf", "vip", "bad"}
_LETTERS_RE = re.compile(r"(?<![a-z0-9])[a-z]{2,6}(?![a-z])")


class Initials:
    """Terms keyed by the first letters of their syllables."""

    def __init__(self, terms: list[tuple[str, str]]) -> None:   # (term, concept code)
        by_initials: dict[str, dict[str, str]] = {}
        for term, code in terms:
            if 3 <= len(term) <= 6 and all(_cjk(ch) for ch in term):
                key = "".join(syllable(ch)[0] for ch in term)
                by_initials.setdefault(key, {}).setdefault(code, term)
        self.terms = {key: next(iter(codes.values())) for key, codes in by_initials.items()
                      if len(codes) == 1 and key not in _ENGLISH}
        self.terms.update(TWO_LETTER)

    def respell(self, t: str) -> str:
        """The text with each run of initials replaced by its term (the same length: positions do not move)."""
        return _LETTERS_RE.sub(lambda m: self.terms.get(m.group(0), m.group(0)), t)
