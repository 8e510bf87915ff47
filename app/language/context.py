"""Assertion scope: NegEx / ConText (Chapman 2001; Harkema 2009) adapted to Chinese.

Every concept mention starts as *present*. Trigger words (lexicon/context.tsv) change that within a
scope; the algorithm, step by step:

1. **Clauses.** The text is cut at clause punctuation (，。；！？,.;!?：…~), at spaces (residents type
   a space where they mean a comma: "不出汗 不闷") and before terminator words (但/但是/可是/不过/
   就是/而且…; "不但" is no terminator). A scope never crosses a clause boundary. The enumeration
   comma 、 and 和/跟 do not cut: "没有胸痛、气短" denies both (list scope).
2. **Terms first.** Concept terms are matched before triggers, and a trigger inside a matched term
   does not count: "喘不上气", "不吃奶", "没劲" are positive findings; "无明显诱因", "不止", "不久",
   "不小心" are *pseudo-triggers* (matched, then ignored).
3. **Forward triggers** (negated 没有/不/无/未/否认…, past 以前/去年/曾经…, hypothetical 有没有/
   是不是/会不会/如果/万一/怕…) apply to every mention after them in their clause. A one-character
   negator is recognised on jieba's tokens (不/没/无/未 starting a short token that is not a pseudo-
   trigger), except the potential complement after a verb (说不出, 站不稳: 不 + 出上下动起…).
   A negation denies the first mention after it and the list that follows directly ("没有胸痛、气短",
   "没有头疼头晕或者恶心"), within a reach of a few words; in text without punctuation a forward scope also
   ends where a new time frame starts ("当时说不疼也没当回事今天早上起来吐了": the vomiting is present).
   A negator *inside* a gap pattern ("胸口不疼") negates that mention; a softener there ("不太", "不怎么")
   only makes it mild.
   A negator closing its clause looks back only at the mention just before it ("头疼没"); "这样要紧不" asks.
4. **Backward triggers** close a clause (only particles may follow them): negated (…倒没有, …没有,
   …不明显), normal (…正常, …还行, …还好, …挺好) and resolved (…已经止住了, …消了). They apply to
   the mentions before them in that clause; a clause holding nothing but the trigger ("流鼻血，已经
   止住了") applies it to the clause before (ellipsis). "还好/还行" after a pain or discomfort word
   ("头疼还好") reads as *mild*, not normal: it rates the symptom rather than denying it.
5. **Precedence**: negated > normal > resolved > hypothetical > past > present, first trigger wins
   within one category.

Who is affected (other-subject: 我妈/我爸/孩子/老伴…) is decided for the message in subject.py and
carried by each finding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.language.lexicon import (COMPLEMENT_AFTER_BU, GAP_NEG_CHARS, MODALS_BEFORE_QUESTION_BU, NOT_VERB_BEFORE_BU,
                                  Lexicon)

PRESENT, ABSENT, NORMAL, RESOLVED, HYPOTHETICAL, PAST, OTHER = (
    "present", "absent", "normal", "resolved", "hypothetical", "past", "other")
ASSERTIONS = (PRESENT, ABSENT, NORMAL, RESOLVED, HYPOTHETICAL, PAST, OTHER)
# OTHER: told of someone other than the one the message is about ("我自己也有高血压" in a message about a child).
_RANK = {PRESENT: 0, PAST: 1, HYPOTHETICAL: 2, RESOLVED: 3, NORMAL: 4, ABSENT: 5, OTHER: 6}

CLAUSE_PUNCT = "，。；！？,.;!?: ：…~"
SENTENCE_END = "。！？!?;；"
# An exclamation ("流了好多血！！吓死我了 按了一会儿止住了") is the same story told loudly: what is over after it is the
# complaint before it.
_STORY_END = "。？?;；"
PARTICLES = set("了的啊呢吧过哈呀嘛哦喔吗么啦咯 \t")
# "头疼还好" rates a symptom (mild); "喘气还行" states a function is normal.
_RATING_TRIGGERS = ("还好", "还行", "还可以", "可以", "都还行")
# What may stand before a backward trigger in a clause of its own ("现在已经止住了").
_ADVERBS_RE = re.compile(r"现在|目前|已经|后来|暂时|都|也|又|就|倒|自己|慢慢|基本|基本上|完全|早就|刚刚|刚")
_SYMPTOM_CHARS = set("疼痛晕痒肿闷麻酸胀吐咳烧热冷难受")
_HOPE_RE = re.compile(r"应该|估计|可能|大概|是不是|会不会|希望|但愿|说|觉得|以为|算")


def _hedged(t: str, m, pos: int, raw: str) -> bool:
    """没事 right after a function says it is normal ("喘气没事", "喘气倒没事"); not after a symptom ("头疼一会就没事了"
    is a pain that passes), not as a question ("头疼没事吧"), and not with a hope or someone's say-so between
    ("应该没事", "嘴里还说没事")."""
    gap = _ADVERBS_RE.sub("", t[m.end:pos]).replace("还", "")
    return (len(gap) > 1 or bool(_HOPE_RE.search(t[m.end:pos])) or raw.endswith(("吧", "吗", "么"))
            or any(ch in _SYMPTOM_CHARS for ch in t[m.start:m.end]))


@dataclass
class Clause:
    start: int
    end: int
    severe: bool = False
    mild: bool = False
    sudden: bool = False
    chronic: bool = False
    recurrent: bool = False
    frequent: bool = False       # recurring often (经常, 反复), not now and then (偶尔)
    hours: float | None = None


@dataclass
class Mention:
    code: str
    start: int
    end: int
    clause: int
    literal: bool = True
    assertion: str = PRESENT
    attenuated: bool = False     # "不太舒服": positive, mild
    trigger: str | None = None   # the word that set the assertion (for explanations and tests)

    @property
    def negated(self) -> bool:
        return self.assertion in (ABSENT, NORMAL)

    @property
    def uncertain(self) -> bool:
        return self.assertion in (HYPOTHETICAL, PAST)

    def assert_(self, assertion: str, trigger: str) -> None:
        if _RANK[assertion] > _RANK[self.assertion]:
            self.assertion, self.trigger = assertion, trigger


# Unpunctuated text (voice input: "当时说不疼也没当回事今天早上起来吐了两回") runs on as one clause, so a forward
# scope also ends at a word that starts a new time frame, and a negation reaches at most _NEG_REACH characters
# (NegEx's window of a few words, Chapman 2001). A negator closing its clause looks back _LOOK_BACK characters.
_NEW_FRAME_RE = re.compile(r"今天|昨天|前天|今早|昨晚|早上|晚上|上午|下午|中午|半夜|凌晨|刚才|刚刚|刚打|现在|后来|然后|接着|结果|"
                           r"当时|这会|这几天|这两天|最近|去年|前年|前几年|那年|上个月|上礼拜|上周|"
                           r"[\d一两俩二三四五六七八九十半几]+个?(?:钟头|小时|分钟)(?:前|以前|之前)")
_NEG_REACH = 12
_ONSET_AFTER = re.compile(r"\s*(?:就)?(?:开始|起|以来|到现在|至今|一直)")
# Emoji, symbols and spaces after the last word of a clause.
_TRAILING_SYMBOLS = re.compile(r"[^\w\u4e00-\u9fff]+$")
# How far back a clause-final trigger reaches ("头疼头晕恶心都没有"): a long run typed without pauses ends in
# "…可以吗" without making everything before it normal.
_BACK_REACH = 14
_LOOK_BACK = 3


def _scope_end(t: str, start: int, clause_end: int, cat: str) -> int:
    if cat == "hypothetical":  # "要是半夜胸口痛": the time is part of what is supposed
        return clause_end
    m = _NEW_FRAME_RE.search(t, start, clause_end)
    end = m.start() if m else clause_end
    return min(end, start + _NEG_REACH) if cat in ("negated", "past") else end


def _negated_list(t: str, mentions: list[Mention], listed: frozenset[str]) -> list[Mention]:
    """What a negator denies: the first mention after it and the list of findings that follows it directly
    ("没有胸痛、气短", "没有头疼头晕或者恶心"), not what comes after other words ("没有咳嗽吃了饭以后肚子胀")."""
    out: list[Mention] = []
    end = -1
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if out and m.start >= end and (m.code not in listed or not _LIST_GAP_RE.fullmatch(t[end:m.start])):
            break
        # Run straight on, a list holds short names ("没有头疼头晕"); a longer phrase is a new statement with its own
        # verb ("也不出汗说话颠三倒四": the talk is not denied).
        if out and m.start == end and m.end - m.start > 3:
            break
        # "没拉也不放屁": a term that carries its own negator after 也/还/又 is a second denial, itself a finding.
        if m.start > 0 and t[m.start] in GAP_NEG_CHARS and t[m.start - 1] in "也还又都":
            break
        out.append(m)
        end = max(end, m.end)
    return out


# Between two items of a list: connectors and particles, or a connector and a short word ("看不见或眼前黑影").
_LIST_GAP_RE = re.compile(r"[、和跟与或及也还都又或者以及并且的了啊呢吧 ]{0,3}|(?:、|和|跟|与|或|及|或者|以及|还有)\w{0,3}")


# A run this long with no punctuation or space is typed (or dictated) without pauses: its clauses are found at the
# words that open a new part of the story (lexicon/context.tsv "run_break": 今天, 以前, 现在, 结果 …).
RUN_LENGTH = 16


def split_clauses(t: str, terminators: list[str], run_breaks: list[str] = (),
                  keep: tuple[str, ...] = ()) -> list[Clause]:
    """Clauses at punctuation and before terminator words, except where a closing trigger starts with one (`keep`:
    "喘气倒是没啥" is one clause whose 倒是没啥 closes it, not a contrast)."""
    cuts = [0]
    for i, ch in enumerate(t):
        if ch in CLAUSE_PUNCT:
            cuts.append(i)
            cuts.append(i + 1)
    for word in terminators:
        for m in re.finditer(re.escape(word), t):
            if m.start() > 0 and not t[m.start() - 1] == "不" and \
                    not any(t.startswith(k, m.start()) for k in keep):  # "不但" is not a contrast
                cuts.append(m.start())
    cuts.append(len(t))
    cuts = sorted(set(cuts))
    if run_breaks:
        cuts = sorted(set(cuts) | set(_run_breaks(t, cuts, run_breaks)))
    out = []
    for a, b in zip(cuts, cuts[1:]):
        if b > a and t[a:b].strip(" ，。；！？、,.;!?:：…~"):
            out.append(Clause(a, b))
    return out or [Clause(0, len(t))]


def _run_breaks(t: str, cuts: list[int], words: list[str]) -> list[int]:
    """Cuts before the run-break words inside the long unpunctuated runs of the text (never within two characters
    of the run's start, nor within four of another cut: 「今天下午」 stays one)."""
    out: list[int] = []
    for a, b in zip(cuts, cuts[1:]):
        if b - a < RUN_LENGTH or any(ch in " \t" for ch in t[a:b]):
            continue
        last = a
        for i in range(a + 2, b - 1):
            if i - last >= 4 and any(t.startswith(w, i) for w in words):
                out.append(i)
                last = i
    return out


def clause_of(clauses: list[Clause], pos: int) -> int:
    for k, c in enumerate(clauses):
        if c.start <= pos < c.end:
            return k
    for k in range(len(clauses) - 1, -1, -1):
        if clauses[k].start <= pos:
            return k
    return 0


class Triggers:
    """The trigger words of lexicon/context.tsv, ready for the scope algorithm."""

    def __init__(self, lex: Lexicon) -> None:
        self.forward: dict[str, str] = {}
        for cat in ("negated", "past", "hypothetical"):
            for w in lex.trigger_words(cat, "forward", "both"):
                self.forward.setdefault(w, cat)
        self.backward: list[tuple[str, str]] = []
        for cat in ("negated", "normal", "resolved"):
            for w in lex.trigger_words(cat, "backward", "both"):
                self.backward.append((w, cat))
        self.backward.sort(key=lambda wc: -len(wc[0]))
        self.pseudo = frozenset(lex.trigger_words("pseudo"))
        self.terminators = lex.trigger_words("terminator")
        self.closing_terminators = tuple(w for w, _ in self.backward
                                         if any(w.startswith(x) for x in self.terminators))
        self.run_breaks = sorted(lex.trigger_words("run_break"), key=len, reverse=True)
        # What a negated list is made of: findings and conditions, not qualifiers ("一直") or context ("吃了…以后").
        self.listed = frozenset(code for code, c in lex.concepts.items() if c.kind in ("finding", "condition"))
        self.words = sorted(set(self.forward) | {w for w, _ in self.backward})


_ASSERTION_OF = {"negated": ABSENT, "normal": NORMAL, "resolved": RESOLVED, "past": PAST,
                 "hypothetical": HYPOTHETICAL}


def apply(t: str, clauses: list[Clause], mentions: list[Mention], masked: list[bool], in_term: list[bool], tokens,
          trig: Triggers) -> None:
    """Set each mention's assertion (steps 3-5 of the module docstring). ``tokens`` are jieba's
    (word, start, end) over ``t``; ``in_term[i]`` is True inside a matched concept term or pseudo-
    trigger, ``masked[i]`` also inside a severity word ("不厉害" rates, it does not deny)."""
    by_clause: dict[int, list[Mention]] = {}
    for m in mentions:
        by_clause.setdefault(m.clause, []).append(m)

    # 3. forward triggers
    for word, start, _end in tokens:
        if masked[start] or word in trig.pseudo:
            continue
        cat = trig.forward.get(word)
        cue = word
        if cat is None and word[0] in GAP_NEG_CHARS and len(word) <= 3:
            cat, cue = "negated", word[0]
        if cat is None:
            continue
        if cat == "negated" and word.startswith("不"):
            prev = t[start - 1] if start > 0 else " "
            nxt = t[start + 1] if start + 1 < len(t) else ""
            # "说不出", "站不稳" are complements; but after a denial of its own ("不喘不出汗") 不 denies again.
            denied_before = start >= 2 and t[start - 2] in GAP_NEG_CHARS
            if prev not in NOT_VERB_BEFORE_BU and nxt in COMPLEMENT_AFTER_BU and len(word) <= 2 and not denied_before:
                continue
        if cat == "past" and _ONSET_AFTER.match(t, start + len(word)):
            continue  # "上个月开始咳嗽", "两个月前起就头疼": the time dates an onset that goes on, not a past event
        k = clause_of(clauses, start)
        scope_start = start + len(cue)
        scope_end = _scope_end(t, scope_start, clauses[k].end, cat)
        forward = [m for m in by_clause.get(k, ()) if scope_start <= m.start < scope_end]
        if cat == "negated":
            forward = _negated_list(t, forward, trig.listed)
            # "被一条不认识的狗咬了", "没拴的狗": 不 or 没 with 的 after it modifies a noun, it denies no finding.
            if cue in ("不", "没") and forward and "的" in t[scope_start:forward[0].start]:
                forward = []
        for m in forward:
            m.assert_(_ASSERTION_OF[cat], word)
        if forward or cat != "negated":
            continue
        # A negator that closes its clause ("发烧倒没有", "头疼没") looks back instead, at the mention just
        # before it; a clause ending in a question ("这样要紧不") denies nothing, and after a modal ("会头疼不",
        # "能换药不") the mention is asked about.
        rest = _TRAILING_SYMBOLS.sub("", t[start + len(word):clauses[k].end])
        asks = word == "不" and any(v in t[clauses[k].start:start] for v in MODALS_BEFORE_QUESTION_BU)
        if all(ch in PARTICLES for ch in rest):
            for m in by_clause.get(k, ()):
                if m.end <= start and start - m.end <= _LOOK_BACK:
                    m.assert_(HYPOTHETICAL if asks else ABSENT, word)

    # 4. backward triggers at the end of a clause
    for k, clause in enumerate(clauses):
        raw = _TRAILING_SYMBOLS.sub("", t[clause.start:clause.end])   # "喘气正常😭😭" still closes on 正常
        body = raw.rstrip("".join(PARTICLES))
        for word, cat in trig.backward:
            if body.endswith(word):
                pos = clause.start + len(body) - len(word)
            elif raw.endswith(word):  # the trigger ends in a particle itself ("好好的")
                pos = clause.start + len(raw) - len(word)
            else:
                continue
            # 没事 is a pseudo-trigger forward; closing a clause it may state a function normal (_hedged).
            hedge = word in trig.pseudo
            if in_term[pos] and not hedge:
                continue  # the trigger is part of a term ("血压正常", "精神还好")
            targets = [m for m in by_clause.get(k, ()) if m.end <= pos and pos - m.end <= _BACK_REACH
                       and not (hedge and _hedged(t, m, pos, raw))]
            ellipsis = False
            # "流鼻血，已经止住了" / "鼻子出血了 捏了十分钟止住了": a clause with no finding of its own that ends
            # in a resolution word resolves the clause before; a normal-state word needs the clause to be only it.
            bare = not _ADVERBS_RE.sub("", t[clause.start:pos]) or cat == "resolved"
            if not targets and not by_clause.get(k) and k > 0 and bare and \
                    not any(ch in _STORY_END for ch in t[clauses[k - 1].end:clause.start]):
                # ellipsis: "流鼻血，已经止住了"; a worry or an exclamation told between is passed over ("左腿麻得没知觉
                # 吓得我以为中风了 现在缓过来了", "流了好多血 吓死 按了十分钟止住了": what is over is the complaint)
                j = k - 1
                while j > max(0, k - 3) and all(m.assertion == HYPOTHETICAL for m in by_clause.get(j, ())) and \
                        not any(ch in _STORY_END for ch in t[clauses[j - 1].end:clauses[j].start]):
                    j -= 1
                targets = list(by_clause.get(j, ()))
                ellipsis = True
            for m in targets:
                if cat == "normal" and word in _RATING_TRIGGERS and \
                        any(ch in _SYMPTOM_CHARS for ch in t[m.start:m.end]):
                    m.attenuated = True
                    continue
                # "手没劲 说话不清 十分钟后恢复，现在正常": a normal state said of symptoms told before is
                # their resolution, not a denial.
                m.assert_(RESOLVED if ellipsis and cat == "normal" else _ASSERTION_OF[cat], word)
            break
