"""text -> findings. The one reader of residents' clinical Chinese for triage, the reading rules
and the bot.

Pure (no Flask, no database) and fast: the lexicon is compiled once per process (``warm_up`` at
start-up loads jieba's dictionary, which takes about a second the first time).
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

from app.language import context as ctx
from app.language.context import Clause, Mention, Triggers
from app.language.lexicon import GAP_BLOCK, GAP_MAX, GAP_NEG_CHARS, PUNCT, Lexicon, is_pattern, load, with_variants
from app.language.numbers import Numbers, durations, normalize, parse_numbers, rates
from app.language.sounds import Initials, SoundTrie
from app.language.subject import Subject, parse_subject, told_of_another

_GAP = f"(?:(?![{GAP_BLOCK}])[^{PUNCT}]){{0,{GAP_MAX}}}?"


@dataclass(frozen=True)
class Value:
    """A measured value bound to its concept: bp (systolic/diastolic), glucose (mmol/L),
    temperature (°C), pulse (/min), spo2 (%), weight (kg), gestational_age (weeks)."""
    concept: str
    value: float
    unit: str
    second: float | None = None  # diastolic for bp


@dataclass(frozen=True)
class Finding:
    """One concept the text speaks of, and how it speaks of it."""
    code: str
    assertion: str                 # present | absent | normal | resolved | past | hypothetical
    subject: Subject
    text: str = ""                 # the words it was read from
    severity: str | None = None    # severe | mild
    onset: str | None = None       # sudden | chronic | recurrent
    hours: float | None = None     # how long / how long ago, in hours
    site: str | None = None
    laterality: str | None = None  # left | right | bilateral
    value: Value | None = None

    @property
    def present(self) -> bool:
        return self.assertion == ctx.PRESENT

    @property
    def experiencer(self) -> str:
        """'self' or 'other' (ConText's experiencer: 我妈/孩子/老伴…)."""
        return self.subject.kind


@dataclass
class Reading:
    """What a text says: findings, plus the per-mention detail triage's protocols work on."""
    text: str
    mentions: list[Mention]
    clauses: list[Clause]
    numbers: Numbers
    subject: Subject
    findings: list[Finding] = field(default_factory=list)
    positive: dict[str, list[Mention]] = field(default_factory=dict)
    negative: set[str] = field(default_factory=set)
    resolved_codes: set[str] = field(default_factory=set)
    any_severe: bool = False
    any_mild: bool = False
    any_sudden: bool = False
    any_chronic: bool = False
    any_recurrent: bool = False
    max_hours: float | None = None

    def present(self, *codes: str) -> bool:
        return any(code in self.positive for code in codes)

    def denied(self, code: str) -> bool:
        return code in self.negative


# ---------------------------------------------------------------------------------------------
# the compiled lexicon
# ---------------------------------------------------------------------------------------------

@dataclass
class _Compiled:
    lex: Lexicon
    trie: dict
    patterns: list[tuple[str, re.Pattern]]
    words: list[str]
    triggers: Triggers
    respell: re.Pattern | None = None
    sounds: SoundTrie | None = None
    initials: Initials | None = None


_compiled: _Compiled | None = None
_jieba = None
_lock = threading.Lock()
_SPECIAL = {"severe": "_severe", "mild": "_mild", "sudden": "_sudden", "chronic": "_chronic",
            "recurrent": "_recurrent", "frequent": "_frequent"}


def _compile() -> _Compiled:
    lex = with_variants(load())
    trie: dict = {}
    patterns: list[tuple[str, re.Pattern]] = []
    words: list[str] = []

    def add_literal(term: str, code: str) -> None:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node.setdefault("", []).append(code)
        words.append(term)

    for code, terms in lex.terms.items():
        for term, _kind in terms:
            if is_pattern(term):
                parts = [_neutral_aware(p) for p in term.split("~")]
                # Gap groups are numbered so the reader can look inside the gap.
                rx = parts[0] + "".join(f"(?P<g{i}>{_GAP})" + p for i, p in enumerate(parts[1:]))
                patterns.append((code, re.compile(rx)))
            else:
                add_literal(term, code)
    for cat, code in _SPECIAL.items():
        for term in lex.modifiers.get(cat, ()):
            add_literal(term, code)
    triggers = Triggers(lex)
    for term in triggers.pseudo:
        add_literal(term, "_pseudo")
    for term in lex.trigger_words("hypothetical", "forward"):
        if len(term) > 1:
            words.append(term)
    words.extend(triggers.words)
    words.extend(lex.respellings.values())
    respell = re.compile("|".join(map(re.escape, sorted(lex.respellings, key=len, reverse=True)))) \
        if lex.respellings else None
    literal_terms = [(term, code) for code, terms in lex.terms.items() for term, _ in terms if not is_pattern(term)]
    return _Compiled(lex, trie, patterns, words, triggers, respell, SoundTrie(literal_terms), Initials(literal_terms))


def _ensure_loaded() -> _Compiled:
    """Compile the lexicon and build the jieba tokenizer with its words, once per process. The
    jieba user dictionary is generated here from the lexicon files."""
    global _compiled, _jieba
    if _compiled is not None and _jieba is not None:
        return _compiled
    with _lock:
        if _compiled is None:
            _compiled = _compile()
        if _jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            # A private tokenizer: the medical words must not change segmentation for other callers
            # of jieba's global dictionary in the same process.
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word in sorted(set(_compiled.words)):
                if len(word) > 1:
                    tokenizer.add_word(word)
            _jieba = tokenizer
    return _compiled


def warm_up() -> None:
    """Load the dictionaries now (call at start-up so the first message is fast)."""
    _ensure_loaded()


def lexicon() -> Lexicon:
    return _ensure_loaded().lex


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------

# Words that contain a body-site character but are not that site (骨头 is not 头): hidden from the
# gap patterns only, keeping offsets ("胸口那块骨头就疼" is chest pain, not a headache).
_NEUTRAL = ("骨头", "舌头", "脚趾头", "趾头", "指头", "拳头", "枕头", "馒头", "石头", "木头", "码头", "里头", "外头", "上头", "前头",
            "后头", "心头", "眉头", "手头", "口头", "回头", "头发", "手机", "手术", "扶手", "对手", "电脑", "手续",
            "头一次", "头一回", "开头", "带头")
_NEUTRAL_RE = re.compile("|".join(_NEUTRAL))
_SITE_CHARS = set("头手脑")


def _neutralize(t: str) -> str:
    return _NEUTRAL_RE.sub(lambda m: "".join("□" if ch in _SITE_CHARS else ch for ch in m.group(0)), t)


def _neutral_aware(part: str) -> str:
    """A neutral word written in a pattern matches its neutralized form too: the pattern's 「舌头」 is 「舌□」 in the
    text a pattern reads ("舌头边上长了个小溃疡"); a pattern's bare 头 still never matches it."""
    return _NEUTRAL_RE.sub(lambda m: f"(?:{m.group(0)}|{_neutralize(m.group(0))})", part)


def _find_literals(t: str, trie: dict) -> list[tuple[int, int, list[str]]]:
    found = []
    n = len(t)
    for i in range(n):
        node = trie.get(t[i])
        if node is None:
            continue
        j, best = i + 1, None
        while True:
            if "" in node:
                best = (i, j, node[""])
            if j >= n:
                break
            node = node.get(t[j])
            if node is None:
                break
            j += 1
        if best:
            found.append(best)
    return found


_GAP_NEG = GAP_NEG_CHARS


def _known_word(w: str) -> bool:
    return bool(_jieba.FREQ.get(w))


_LAST_WELL_RE = re.compile(r"还(?:好好|好端端|正常|没事|挺好|利索|清楚)|都(?:好好|正常)的|好好的")


def _without_pseudo(gap: str, pseudo: frozenset[str]) -> str:
    """The gap without its pseudo-triggers: the 不 of an amount (吐了不少血, 咳了不止一口) denies nothing."""
    for word in pseudo:
        if word in gap:
            gap = gap.replace(word, "")
    return gap


_BLEEDING_CONTEXT = frozenset({"bleeding_generic", "wound", "epistaxis", "uncontrolled_bleeding"})


def _bind_wont_stop(mentions: list[Mention]) -> None:
    """"止不住" (won't stop) is uncontrolled bleeding in a message about a bleeding or a wound ("割了个口子 按了十分钟还
    止不住"), and nothing of the sort after tears or a cough ("眼泪止不住")."""
    if any(m.code in _BLEEDING_CONTEXT for m in mentions):
        for m in mentions:
            if m.code == "wont_stop":
                m.code = "uncontrolled_bleeding"


def read(text: str) -> Reading:
    """Normalize and read a resident's text into findings."""
    comp = _ensure_loaded()
    t = normalize(text)
    if comp.respell is not None:
        # Input-method and homophone slips (血亚 -> 血压), same length: positions do not move.
        t = comp.respell.sub(lambda m: comp.lex.respellings[m.group(0)], t)
    t = comp.initials.respell(t)   # pinyin initials (kqky, xt), as long as their term
    clauses = ctx.split_clauses(t, comp.triggers.terminators, comp.triggers.run_breaks,
                                comp.triggers.closing_terminators)
    raw: list[tuple[int, int, str, bool, str]] = []   # start, end, code, literal, gap text
    literals = _find_literals(t, comp.trie)
    tokens = list(_jieba.tokenize(t, HMM=False))
    exact = [(s_, e_) for s_, e_, _ in literals]
    boundaries = {s_ for _, s_, _ in tokens} | {len(t)}
    for start, end, codes in literals + [
            m for m in comp.sounds.find(t, boundaries, _known_word)
            if not any(s_ <= m[0] and m[1] <= e_ for s_, e_ in exact)]:
        for code in codes:
            raw.append((start, end, code, True, ""))
    tn = _neutralize(t)
    fixed: list[tuple[int, int]] = []   # the words of pattern terms outside their gaps
    for code, rx in comp.patterns:
        for m in rx.finditer(tn):
            gap = "".join(g for g in m.groupdict().values() if g)
            raw.append((m.start(), m.end(), code, False, gap))
            pos = m.start()
            for name in sorted(m.groupdict(), key=lambda g: int(g[1:])):
                if m.start(name) >= 0:
                    fixed.append((pos, m.start(name)))
                    pos = m.end(name)
            fixed.append((pos, m.end()))

    raw.extend(_carried_site(t, tn, clauses, raw, comp.patterns))
    raw.extend(_pain_again(tn, clauses, raw, comp.lex))

    # A literal term hides the shorter terms inside it ("喘不上气" is not also "喘"), and so do the fixed words
    # of a pattern term ("吃完奶吐一两口" is possetting, its "吐" no vomiting).
    literal_spans = [(s, e) for s, e, _, lit, _ in raw if lit] + \
        [(s, e) for s, e in fixed if e - s >= 2]
    kept = [(s, e, code, lit, gap) for s, e, code, lit, gap in raw
            if not any(ls <= s and e <= le and (le - ls) > (e - s) for ls, le in literal_spans)]
    # Triggers are not looked for inside terms; backward triggers may be severity words ("喘气还行").
    masked = [False] * (len(t) + 1)
    in_term = [False] * (len(t) + 1)
    for s, e, code, lit, _ in kept:
        if lit:
            for i in range(s, e):
                masked[i] = True
                if (not code.startswith("_") or code == "_pseudo") and code != "resolved":
                    in_term[i] = True
    # The fixed words of a pattern term are a term too: "躺不平" (orthopnoea) denies nothing after it.
    for s, e in fixed:
        if e - s >= 2:
            for i in range(s, e):
                masked[i] = in_term[i] = True

    # "比平时厉害一点" compares with usual: worse, not severe (the severity word inside a worsening term).
    worse = [(s, e) for s, e, code, _lit, _ in kept if code == "worsening"]
    for s, e, code in [(s, e, code) for s, e, code, _lit, _ in kept if code.startswith("_")]:
        c = clauses[ctx.clause_of(clauses, s)]
        if code != "_pseudo" and not (code == "_severe" and any(ws <= s and e <= we for ws, we in worse)):
            setattr(c, code[1:], True)
    rate_spans = rates(t)
    for pos, hours in durations(t, rate_spans):
        c = clauses[ctx.clause_of(clauses, pos)]
        c.hours = hours if c.hours is None else max(c.hours, hours)
    # "昨天还好好的": when the person was last well, which dates the onset after it — not how long it has lasted (a
    # clause that names a complaint keeps its time: "头疼两天了 精神还好").
    named = {ctx.clause_of(clauses, s) for s, _e, code, _lit, _g in kept if not code.startswith("_")}
    for k, c in enumerate(clauses):
        if c.hours is not None and k not in named and _LAST_WELL_RE.search(t, c.start, c.end):
            c.hours = None
    for pos, _end, per_week in rate_spans:
        c = clauses[ctx.clause_of(clauses, pos)]
        c.recurrent = True
        c.frequent = c.frequent or per_week >= 1   # weekly or more often, as 每周 and 一周几次 are

    attenuators = comp.lex.modifiers.get("attenuator", ())
    mentions = []
    for s, e, code, lit, gap in kept:
        if code.startswith("_"):
            continue
        mention = Mention(code, s, e, ctx.clause_of(clauses, s), literal=lit)
        if gap:
            if any(a in gap for a in attenuators):
                mention.attenuated = True
            elif any(ch in gap for ch in _GAP_NEG) and \
                    any(ch in _without_pseudo(gap, comp.triggers.pseudo) for ch in _GAP_NEG):
                mention.assert_(ctx.ABSENT, gap)
        mentions.append(mention)

    _bind_wont_stop(mentions)
    ctx.apply(t, clauses, mentions, masked, in_term, tokens, comp.triggers)
    _history_or_acute(t, mentions)
    _dated_episode(t, clauses, mentions)
    _hedged_intensity(t, clauses, mentions)
    _relief_after_use(t, mentions)
    _simile(t, clauses, mentions, comp.lex)
    _one_sided_stiff_neck(t, mentions)
    _device_reading(mentions)
    for m in mentions:
        if m.assertion == ctx.PAST and m.code.startswith("cond_"):
            m.assertion = ctx.PRESENT  # "以前得过…": a past illness is a present history
        elif m.assertion == ctx.NORMAL and m.code in ("resolved", "relieved", "compression"):
            # "…压了一宿甩了几下就好了说话都正常": the recovery, and the cause it had, are what "all normal" confirms
            m.assertion = ctx.PRESENT
        elif m.assertion == ctx.HYPOTHETICAL and m.code == "passive_death_wish":
            m.assertion = ctx.PRESENT  # "要是睡过去不醒就好了": a death wish is said as a wish (C-SSRS: the wish to be dead)

    numbers = parse_numbers(t)
    in_words = list(in_term)
    for s_, e_ in fixed:
        for i in range(s_, e_):
            in_words[i] = True
    subject = parse_subject(t, comp.lex.relations, in_words)
    _told_of_another(t, mentions, comp.lex, subject)
    subject = _third_party(t, clauses, mentions, subject)
    r = Reading(t, mentions, clauses, numbers, subject)
    for m in mentions:
        if m.assertion in (ctx.PRESENT, ctx.RESOLVED):
            r.positive.setdefault(m.code, []).append(m)
        if m.assertion == ctx.RESOLVED:
            r.resolved_codes.add(m.code)
    for m in mentions:
        if m.negated and m.code not in r.positive:
            r.negative.add(m.code)
    if numbers.pain_score is not None:
        if numbers.pain_score >= 7:
            for c in clauses:
                c.severe = True
        elif numbers.pain_score <= 3:
            for c in clauses:
                c.mild = True
    # The words of a clause that only denies ("不是突然的剧痛") describe what is denied, not the message.
    denying = {k for k in range(len(clauses))
               if any(m.clause == k for m in mentions) and all(m.negated for m in mentions if m.clause == k)}
    said = [c for k, c in enumerate(clauses) if k not in denying]
    r.any_severe = any(c.severe for c in said)
    r.any_mild = any(c.mild for c in clauses) or any(m.attenuated for m in mentions)
    r.any_sudden = any(c.sudden for c in said)
    r.any_chronic = any(c.chronic for c in clauses)
    r.any_recurrent = any(c.recurrent for c in clauses)
    hours = [c.hours for c in clauses if c.hours is not None]
    r.max_hours = max(hours) if hours else None
    r.findings = _findings(r, comp.lex)
    return r


# Words of a measurement whose characters are no quality of a carried site ("胸口不疼 血压130/80": no chest pressure).
_MEASURE_WORDS_RE = re.compile(r"血压|高压|低压|收缩压|舒张压|降压|压力|血糖|心率|血氧")


def _carried_site(t: str, tn: str, clauses: list[Clause], raw, patterns) -> list[tuple[int, int, str, bool, str]]:
    """Ellipsis of the body site: in "胸口不疼，就是有点闷" the second clause means 胸口闷. When a
    clause follows one whose site-and-quality pattern was denied, the patterns are run again over
    that site + the clause; what matches is a mention in the clause (not negated by the first)."""
    out: list[tuple[int, int, str, bool, str]] = []
    for k in range(1, len(clauses)):
        prev, cur = clauses[k - 1], clauses[k]
        denied = [(s, e, gap) for s, e, code, lit, gap in raw
                  if not lit and prev.start <= s < prev.end and gap and any(ch in gap for ch in _GAP_NEG)]
        if not denied or any(not lit and cur.start <= s < cur.end for s, _e, _c, lit, _g in raw):
            continue
        s0, e0, gap = denied[0]
        site = tn[s0:e0].split(gap, 1)[0] if gap in tn[s0:e0] else ""
        if not site:
            continue
        body = tn[cur.start:cur.end]
        synthetic = site + body
        words = [(s, e) for s, e, _c, lit, _g in raw if lit and cur.start <= s < cur.end] + \
            [m.span() for m in _MEASURE_WORDS_RE.finditer(t, cur.start, cur.end)]
        for code, rx in patterns:
            for m in rx.finditer(synthetic):
                if m.end() <= len(site) or m.start() >= len(site):
                    continue  # it must use the carried site and the clause's own words
                end = cur.start + m.end() - len(site)
                if any(s < end <= e for s, e in words):
                    continue  # the quality word belongs to another term ("降压药" holds no 压)
                g = "".join(x for x in m.groupdict().values() if x)
                start = cur.start + max(0, m.start() - len(site))
                out.append((start, end, code, False, g))
    return out


_AGAIN_RE = re.compile(r"(?:又|还是|再次|仍然|依然|还在|又开始)(?:在)?(?:疼|痛|闷|胀)")


def _pain_again(tn: str, clauses: list[Clause], raw, lex: Lexicon) -> list[tuple[int, int, str, bool, str]]:
    """Ellipsis of a pain already named: in "以前心口疼含一片硝酸甘油就好，今天又疼，含了两片还是疼" the later clauses
    mean the same 心口疼. A clause with nothing of its own but "又疼/还是疼" repeats the last pain named with a site."""
    out: list[tuple[int, int, str, bool, str]] = []
    for cur in clauses[1:]:
        m = _AGAIN_RE.search(tn, cur.start, cur.end)
        if m is None or any(cur.start <= s < cur.end for s, _e, code, _l, _g in raw if not code.startswith("_")):
            continue
        named = [(s, code) for s, _e, code, _l, _g in raw
                 if s < cur.start and code in lex.concepts and lex.concepts[code].site]
        if named:
            out.append((m.start(), m.end(), max(named)[1], False, ""))
    return out


def findings(text: str) -> list[Finding]:
    return read(text).findings


_VALUES = (("temperature", "°C"), ("glucose", "mmol/L"), ("pulse", "/min"), ("spo2", "%"), ("weight_kg", "kg"),
           ("preg_weeks", "weeks"))
_VALUE_CONCEPT = {"weight_kg": "weight", "preg_weeks": "gestational_age"}


def _laterality(t: str, m: Mention) -> str | None:
    around = t[max(0, m.start - 4):m.end]
    left, right = "左" in around, "右" in around
    if any(w in around for w in ("两边", "双侧", "两侧", "双", "两条", "两只")) or (left and right):
        return "bilateral"
    return "left" if left else "right" if right else None


# ConText's experiencer "other": what befell a third party the writer tells of (a neighbour, a colleague, someone in
# the news) in a message about the writer's own worry ("楼下王叔突然嘴歪了…我是不是也得去查查").
_THIRD_PARTY_RE = re.compile(r"邻居|楼下|楼上|隔壁|同事|朋友|同学|新闻|网上|抖音|电视上|视频里|别人|人家|有个人|村里有人|群里")
_FIRST_PERSON_RE = re.compile(r"我|俺|咱")
# The third party's event is over or only heard of (taken by ambulance, in hospital, dead, in the news), and the writer
# asks about themselves ("我是不是也…"): only then is the story told as the reason for the writer's own worry.
_HANDLED_RE = re.compile(r"120|救护车|拉走|送医院|送去医院|送到医院|住院|抢救|去世|走了|没了|新闻|网上|抖音|电视|听说")
# The writer turns to themselves: a question, a fear, or the story's signs denied of themselves ("我有点怕", "我没有这些").
_OWN_WORRY_RE = re.compile(r"(?:我|俺|咱)(?:自己)?(?:是不是|会不会|要不要|需不需要|也|得不得|该不该|(?:有点|好|很|挺)?(?:怕|担心|害怕)|"
                           r"(?:都|倒|可)?(?:没有?|莫得|冇)(?:这些|这种|这样|那些|那种|这个|那个))")
# ... or asks whether to have a check themselves ("要不要做个脑CT", "需不需要查查"): the story is why they ask.
_CHECK_UP_RE = re.compile(r"(?:要不要|需不需要|用不用|该不该|有没有必要|是不是得|是不是该|是不是也得)(?:去)?(?:也)?"
                          r"(?:做|查|检查|拍|体检|筛查|测)")
# A relation word right after a third party's mark ("隔壁王大爷", "邻居家奶奶", "同事他爸") names a neighbour, not kin.
_THIRD_PARTY_KIN_RE = re.compile(r"(?:邻居|楼下|楼上|隔壁|同事|朋友|同学|村里)(?:家|的|他|她)?(?:的)?[\u4e00-\u9fff]{0,2}$")
_TOPIC_BEFORE_RE = re.compile(r"(?:跟你说个事|说个事|我们|我家|咱们|俺们|俺家|那个|听说|有个|看到|看)?(?:的)?")


def _third_party(t: str, clauses: list[Clause], mentions: list[ctx.Mention], subject: Subject) -> Subject:
    """Findings in the clauses that tell of a third party are OTHER — only in a message about the writer, when the
    third party's event is over or hearsay and the writer asks about themselves; a message that asks about the
    neighbour keeps every finding (the safer error). Returns the message's subject: the writer, when the relative
    the subject was read from is that third party ("隔壁王大爷…送医院了 我有点怕")."""
    if subject.other and not (subject.relation in ("邻居", "同事", "朋友") or (
            subject.relation and _THIRD_PARTY_KIN_RE.search(t, 0, max(t.find(subject.relation), 0)))):
        return subject
    told: set[int] = set()
    for k, c in enumerate(clauses):
        m = _THIRD_PARTY_RE.search(t, c.start, c.end)
        if m is None or not _TOPIC_BEFORE_RE.fullmatch(t, c.start, m.start()):
            continue   # the third party must be what the clause is about ("帮朋友搬家" is the writer's doing)
        told.add(k)
        # the story goes on in the clauses after it until the writer speaks of themselves or the sentence ends
        for j in range(k + 1, len(clauses)):
            if _FIRST_PERSON_RE.search(t, clauses[j].start, clauses[j].end) or \
                    any(ch in "。！？!?" for ch in t[clauses[j - 1].end:clauses[j].start]):
                break
            told.add(j)
    if not told:
        return subject
    span = "".join(t[clauses[k].start:clauses[k].end] for k in sorted(told))
    rest = "".join(t[c.start:c.end] for k, c in enumerate(clauses) if k not in told)
    if not (_HANDLED_RE.search(span) and _OWN_WORRY_RE.search(rest) or _CHECK_UP_RE.search(rest)):
        return subject
    for m in mentions:
        if m.clause in told and m.assertion == ctx.PRESENT and not m.code.startswith("cond_"):
            m.assertion = ctx.OTHER
    return Subject()


# An episode dated to a past month or week, told with the experiential 过 ("上个月高烧抽过一次", "上周住过院"), then a
# return to the present that says all is well ("现在好了", "现在挺好"), is past: its date is no duration of today's
# complaint. One that began then and goes on ("上个月开始咳嗽 到现在") stays present, and so does one not said to be
# over (a visible haematuria "上礼拜见过一次" still wants its check).
_DATED_RE = re.compile(r"上个?月|上个?(?:星期|礼拜)|上周|上上周|前几个月|前两个月|前些日子|前一阵")
_NOW_RE = re.compile(r"现在|目前|如今|这两天|这几天|今天|最近|眼下|这阵子")
_OVER_NOW_RE = re.compile(r"(?:现在|目前|如今|眼下)(?:都|已经|早就|也)?(?:好了|挺好|很好|没事|正常|好好的|恢复了|好利索)")
_EXPERIENTIAL_RE = re.compile(r"[\u4e00-\u9fff]过(?:一次|一回|两次|几次|院)?")
_ONGOING_RE = re.compile(r"开始|以来|到现在|一直|至今|还在|还没好|没好")


def _dated_episode(t: str, clauses: list[Clause], mentions: list[ctx.Mention]) -> None:
    for k, c in enumerate(clauses):
        d = _DATED_RE.search(t, c.start, c.end)
        if d is None:
            continue
        # the episode: this clause and the next ones up to the return to the present
        end = next((j for j in range(k + 1, len(clauses)) if _NOW_RE.search(t, clauses[j].start, clauses[j].end)),
                   len(clauses))
        span = t[c.start:clauses[end - 1].end]
        after_now = t[clauses[end].start:] if end < len(clauses) else ""
        if _ONGOING_RE.search(span) or not _EXPERIENTIAL_RE.search(t, d.end(), c.end) or \
                not _OVER_NOW_RE.match(after_now):
            continue
        for m in mentions:
            if k <= m.clause < end and m.assertion == ctx.PRESENT:
                m.assertion = ctx.PAST
        for j in range(k, end):
            clauses[j].hours = None


# "喘得厉害" says severe breathlessness only as an intensifier. Hedged ("喘得厉害一点", "有点喘得厉害"), set in exertion
# ("上楼喘得厉害"), or beside full sentences or pink lips stated of the same person ("说话连贯", "嘴唇不紫"), it is
# breathlessness worse than usual, not the severe kind that is defined by rest, speech and colour (GINA 2023 / GOLD
# 2023 severity; 急诊预检分诊专家共识 2018).
_INTENSIFIED = {"severe_dyspnoea": ("dyspnoea", ("喘得厉害", "喘得不行", "喘的厉害", "喘的不行"))}
_HEDGE_AFTER_RE = re.compile(r"(?:一点|一些|些|点儿|点|了一点|了些)")
_HEDGE_BEFORE = ("有点", "有些", "稍微", "稍", "略", "有一点")
_EXERTION_FRAME_RE = re.compile(r"走路|走快|上楼|爬楼|爬坡|干活|动一动|一动|活动")


# A child "比平时蔫一点", "有点没精神" is less lively than usual (NICE NG143 amber: decreased activity), not lethargic
# (red, WHO IMCI: abnormally sleepy or not responding): the lethargy is attenuated.
_LESS_THAN_USUAL_RE = re.compile(r"比(?:平时|平常|以前|往常|原来)")


def _hedged(t: str, c: Clause, m: ctx.Mention) -> bool:
    return bool(_HEDGE_AFTER_RE.match(t, m.end)) or t[max(c.start, m.start - 2):m.start].endswith(_HEDGE_BEFORE)


def _hedged_intensity(t: str, clauses: list[Clause], mentions: list[ctx.Mention]) -> None:
    for m in mentions:
        if m.assertion != ctx.PRESENT:
            continue
        c = clauses[m.clause]
        if m.code == "lethargy":
            if _hedged(t, c, m) or _LESS_THAN_USUAL_RE.search(t, c.start, m.start):
                m.attenuated = True
            continue
        base = _INTENSIFIED.get(m.code)
        if base is None or t[m.start:m.end] not in base[1]:
            continue
        stated_fine = any(o.code in (m.code, "cyanosis", "speech") and o.assertion in (ctx.ABSENT, ctx.NORMAL)
                          for o in mentions)
        if _hedged(t, c, m) or _EXERTION_FRAME_RE.search(t, c.start, m.start) or stated_fine:
            m.code = base[0]
            m.attenuated = True


# "用了喷雾就好了", "吃了药就缓解了": what was taken and then made it better is a treatment, not the exposure that set off
# a reaction ("吃了虾以后就起疙瘩").
_RELIEF_AFTER_RE = re.compile(r"(?:都|也|马上|很快|一会儿|慢慢)?(?:好了|好多了|好些了|好点了|缓解|减轻|轻了|不喘了|不疼了|"
                              r"没事了|下去了|消了|退了)")


def _relief_after_use(t: str, mentions: list[ctx.Mention]) -> None:
    for m in mentions:
        if m.code == "exposure_then" and _RELIEF_AFTER_RE.match(t, m.end):
            m.code = "relieved"


# A simile tells what a sensation is like, not what happened: "脚后跟疼得像踩钉子", "耳朵跟塞了棉花一样", "眼睛像进了沙子
# 一样". An event or object inside it (an exposure, a wound, a bite, a foreign body, something swallowed) is only the
# comparison; the sensation words around it stay ("胸口像压了块石头": the pressure is the finding).
_SIMILE_RES = (re.compile(r"(?:像|好像|好似|好比|如同|仿佛|似)(.{1,8}?)(?:一样|一般|似的|那样|的感觉|样)"),
               # 跟/和 compare with a thing or an event ("跟塞了棉花一样", "跟生锈的门轴似的"), not with another time
               # of one's own ("和往年一样", "跟上次一样": a familiar course)
               re.compile(r"(?:跟|和)(?!往年|上次|以前|平时|平常|去年|原来|之前|昨天|前几天|那次|往常|过去|以往|每次)"
                          r"(.{1,8}?)(?:一样|一般|似的|那样)"),
               re.compile(r"(?:得|疼|痛|酸|胀|麻)(?:就)?像(.{1,8})"))
_COMPARED_EVENTS = frozenset({"animal_bite", "wound", "burn", "trauma", "choking", "fishbone", "ingested",
                              "ear_foreign_body", "eye_foreign_body", "insect_sting"})


def _simile(t: str, clauses: list[Clause], mentions: list[ctx.Mention], lex: Lexicon) -> None:
    frames = [(m.start(1), m.end(1)) for rx in _SIMILE_RES for c in clauses for m in rx.finditer(t, c.start, c.end)]
    if not frames:
        return
    for m in mentions:
        event = m.code in _COMPARED_EVENTS or (m.code in lex.concepts and lex.concepts[m.code].kind == "context")
        if event and m.assertion == ctx.PRESENT and any(m.start < e and s < m.end for s, e in frames):
            m.assertion = ctx.HYPOTHETICAL


# A neck stiff on one side ("脖子右边僵", "后颈左侧僵痛") is a wry neck (落枕), not meningism, which stiffens the neck
# against bending forward (NICE CKS neck pain - acute torticollis, 2023; NICE NG240 meningitis).
def _one_sided_stiff_neck(t: str, mentions: list[ctx.Mention]) -> None:
    for m in mentions:
        if m.code == "neck_stiffness" and any(w in t[max(0, m.start - 2):m.end + 2] for w in
                                              ("左", "右", "一侧", "一边", "半边")):
            m.code = "torticollis"


# "手环提示房颤", "血压计提示心律不齐": what a device reported is a finding to confirm (an ECG), not the person's
# palpitations nor a known atrial fibrillation (NICE NG196, 2021).
def _device_reading(mentions: list[ctx.Mention]) -> None:
    devices = [m for m in mentions if m.code == "device_arrhythmia" and m.assertion == ctx.PRESENT]
    if devices:
        mentions[:] = [m for m in mentions if not (m.code in ("palpitations", "cond_af") and
                                                   any(d.start <= m.start and m.end <= d.end for d in devices))]


_STATES = ("cond_pregnancy", "postpartum")
_LISTED_WITH = re.compile(r"^(?:和|跟|、|还有|加上|以及|及|与|也有|还)?$")


def _told_of_another(t: str, mentions: list[ctx.Mention], lex: Lexicon, subject: Subject) -> None:
    """A condition told of someone other than the one the message is about is theirs ("我自己也有高血压", "我妈也有
    高血压和糖尿病" after the writer's own complaint): asserted OTHER, with the conditions listed right after it."""
    conds = sorted((m for m in mentions if m.code in lex.concepts and lex.concepts[m.code].kind == "condition"
                    and m.assertion in (ctx.PRESENT, ctx.PAST)), key=lambda m: m.start)
    prev = None
    for m in conds:
        listed = prev is not None and prev.assertion == ctx.OTHER and _LISTED_WITH.match(t[prev.end:m.start])
        if listed or told_of_another(t, m.start, lex.relations, subject, verbless=m.code in _STATES):
            m.assertion = ctx.OTHER
        prev = m


def _findings(r: Reading, lex: Lexicon) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for m in r.mentions:
        key = (m.code, m.assertion)
        if key in seen:
            continue
        seen.add(key)
        c = r.clauses[m.clause]
        severity = "severe" if c.severe else "mild" if (c.mild or m.attenuated) else None
        onset = "sudden" if c.sudden else "chronic" if c.chronic else "recurrent" if c.recurrent else None
        concept = lex.concepts.get(m.code)
        out.append(Finding(m.code, m.assertion, r.subject, r.text[m.start:m.end], severity, onset, c.hours,
                           (concept.site or None) if concept else None, _laterality(r.text, m)))
    n = r.numbers
    if n.systolic is not None:
        out.append(Finding("bp", ctx.PRESENT, r.subject, value=Value("bp", n.systolic, "mmHg", n.diastolic)))
    for attr, unit in _VALUES:
        v = getattr(n, attr)
        if v is not None:
            code = _VALUE_CONCEPT.get(attr, attr)
            out.append(Finding(code, ctx.PRESENT, r.subject, value=Value(code, v, unit)))
    return out


# ---------------------------------------------------------------------------------------------

_HISTORY_BEFORE = ("有", "过", "以前", "之前", "曾", "得过", "患过", "去年", "年前", "前年", "早年")
_HISTORY_AFTER = ("过", "史", "后遗症", "病史", "多年", "年了", "好几年", "的病")
_ACUTE_MARKS = ("好像", "可能", "是不是", "怀疑", "突发", "突然", "急性", "会不会")
_HISTORY_OF = {"stroke_suspected": "cond_stroke_history", "mi_suspected": "cond_heart_disease"}


def _history_or_acute(t: str, mentions: list[Mention]) -> None:
    """"我妈有脑梗" is history; "我爸好像中风了" is a suspected acute event."""
    for m in mentions:
        if m.code not in _HISTORY_OF:
            continue
        before, after = t[max(0, m.start - 4):m.start], t[m.end:m.end + 3]
        acute = any(w in before for w in _ACUTE_MARKS) or after.startswith("了") or t[m.end - 1] == "了"
        history = any(w in before for w in _HISTORY_BEFORE) or any(after.startswith(w) for w in _HISTORY_AFTER)
        if history or not acute:
            m.code = _HISTORY_OF[m.code]
            if m.assertion == ctx.PAST:
                m.assertion = ctx.PRESENT  # a history of it is a present condition
