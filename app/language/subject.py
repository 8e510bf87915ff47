"""Who a message is about: the resident, or a relative with an age and a sex ("我妈82岁",
"孩子3个月", "我老伴"). Relation words come from lexicon/relations.tsv."""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.language.numbers import NUM, to_number

@dataclass
class Subject:
    """The person a finding is about; ``other`` is True for anyone but the resident."""
    other: bool = False          # the text is about someone other than the resident
    relation: str | None = None
    sex: str | None = None
    age_years: float | None = None
    child: bool = False          # a child word was used (age may still be unknown)

    @property
    def kind(self) -> str:
        return "other" if self.other else "self"


_AGE_Y_RE = re.compile(rf"{NUM}(多|来)?(?:周)?岁(半|多)?")
_AGE_M_RE = re.compile(rf"{NUM}(个)?(多|半)?月(大|的宝宝|的孩子|的小孩|的婴儿|的娃|宝宝|孩子|小孩|婴儿|娃|的女儿|的儿子)?")
_AGE_W_RE = re.compile(rf"{NUM}(?:个)?(?:周|星期)(?:大|的宝宝|的孩子|的婴儿)")
_AGE_D_RE = re.compile(rf"(?:出生|生下来|才|宝宝|孩子|婴儿|新生儿|娃){NUM}天|{NUM}天(?:大|的宝宝|的孩子|的婴儿|宝宝|孩子|婴儿)")
_SEX_SELF_RE = re.compile(r"我是?(?:个)?(女|男)(?:的|性|人)"
                          r"|(?<![儿孙子闺外妇])(?<!男)(女|男)(?!朋|友|儿|孩子|女|厕)(?:性|士|生|孩|子|人|的|[,，\s]|\d|$)")


def parse_subject(t: str, relations: dict[str, tuple[str | None, float | None, bool]],
                  masked: list[bool] | None = None) -> Subject:
    """The subject of a normalized text. A relation word inside a matched concept term is no
    relation ("来大姨妈" is a period, not an aunt's mother)."""
    sub = Subject()
    rel_pos = -1
    rel_re = _relation_re(tuple(sorted(relations, key=len, reverse=True)))
    for m in rel_re.finditer(t):
        if t[max(0, m.start() - 1):m.start()].endswith("像"):
            continue
        if masked is not None and any(masked[i] for i in range(m.start(), m.end())):
            continue
        word = m.group(0)
        sex, default_age, child = relations[word]
        sub.other, sub.relation, sub.sex, sub.child = True, word, sex, child
        sub.age_years = default_age
        rel_pos = m.end()
        break
    ages: list[tuple[int, float]] = []
    for m in _AGE_Y_RE.finditer(t):
        v = to_number(m.group(1))
        if v is not None and 0 < v < 120:
            if m.group(3) == "半":
                v += 0.5
            ages.append((m.start(), v))
    child_ctx = sub.child or "宝宝" in t or "婴儿" in t
    for m in _AGE_M_RE.finditer(t):
        v = to_number(m.group(1))
        if v is None or v > 36:
            continue
        near_child = rel_pos >= 0 and sub.child and 0 <= m.start() - rel_pos <= 4
        if m.group(4) or (child_ctx and near_child):
            ages.append((m.start(), (v + (0.5 if m.group(3) == "半" else 0)) / 12))
    for m in _AGE_W_RE.finditer(t):
        v = to_number(m.group(1))
        if v is not None and v <= 60:
            ages.append((m.start(), v / 52))
    for m in _AGE_D_RE.finditer(t):
        v = to_number(m.group(1) or m.group(2))
        if v is not None and v <= 100:
            ages.append((m.start(), v / 365))
    if ages:
        if rel_pos >= 0:
            after = [a for a in ages if a[0] >= rel_pos - 1]
            pick = min(after or ages, key=lambda a: abs(a[0] - rel_pos))
        else:
            pick = ages[0]
        sub.age_years = pick[1]
        if sub.other and sub.child is False and pick[1] < 14:
            sub.child = True
    if not sub.other:
        m = _SEX_SELF_RE.search(t)
        if m:
            sub.sex = "F" if (m.group(1) or m.group(2)) == "女" else "M"
    return sub



_REL_CACHE: dict[tuple[str, ...], re.Pattern] = {}


def _relation_re(words: tuple[str, ...]) -> re.Pattern:
    rx = _REL_CACHE.get(words)
    if rx is None:
        rx = _REL_CACHE[words] = re.compile("|".join(map(re.escape, words)))
    return rx
