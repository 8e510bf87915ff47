"""Reading a resident's Chinese text: symptom mentions with negation scope, severity, onset and
duration, measured values (Arabic or Chinese numerals, via cn2an) and who is affected.

Pure and fast: the lexicon is compiled once, lazily (jieba's dictionary loads on first use).
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field

import cn2an

from app.services.triage import lexicon as lx

# ---------------------------------------------------------------------------------------------
# compiled lexicon (built once)
# ---------------------------------------------------------------------------------------------

_GAP = f"(?:(?![{lx.GAP_BLOCK}])[^{lx.PUNCT}]){{0,{lx.GAP_MAX}}}?"


@dataclass
class _Compiled:
    trie: dict
    patterns: list[tuple[str, re.Pattern]]
    words: list[str]


_compiled: _Compiled | None = None
_jieba = None
_lock = threading.Lock()


def _is_pattern(term: str) -> bool:
    return any(ch in term for ch in "~()|[]?")


def _compile() -> _Compiled:
    trie: dict = {}
    patterns: list[tuple[str, re.Pattern]] = []
    words: list[str] = []

    def add_literal(term: str, code: str) -> None:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node.setdefault("", []).append(code)
        words.append(term)

    for code, terms in lx.CONCEPTS.items():
        for term in terms.split():
            if _is_pattern(term):
                parts = term.split("~")
                # Gap groups are numbered so the engine can inspect what sits inside the gap.
                rx = parts[0] + "".join(f"(?P<g{i}>{_GAP})" + p for i, p in enumerate(parts[1:]))
                patterns.append((code, re.compile(rx)))
            else:
                add_literal(term, code)
    for group, code in ((lx.PSEUDO, "_pseudo"), (lx.SEVERE, "_severe"), (lx.MILD, "_mild"),
                        (lx.SUDDEN, "_sudden"), (lx.CHRONIC, "_chronic"), (lx.RECURRENT, "_recurrent"),
                        (" ".join(lx.UNCERTAIN_CUES), "_uncertain")):
        for term in group.split():
            add_literal(term, code)
    return _Compiled(trie, patterns, words)


def _ensure_loaded() -> _Compiled:
    """Compile the lexicon and load jieba with the medical words, once per process."""
    global _compiled, _jieba
    if _compiled is not None and _jieba is not None:
        return _compiled
    with _lock:
        if _compiled is None:
            _compiled = _compile()
        if _jieba is None:
            import logging

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
    """Load the dictionaries now (the bot calls this at start so the first reply is fast)."""
    _ensure_loaded()


# ---------------------------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------------------------

CN_DIGITS = "零〇一二两三四五六七八九十百千"
NUM = rf"(\d+(?:\.\d+)?|[{CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?)"
_FUZZY = {"半": 0.5, "几": 3, "好几": 4, "两三": 3, "三四": 4, "一两": 2, "三五": 5, "四五": 5, "十几": 15,
          "二十几": 25, "几十": 30, "一二": 2}


def to_number(s: str) -> float | None:
    """'39.5', '三十九点五', '一百九' -> float; None when it is not a number."""
    s = s.strip()
    if not s:
        return None
    if s in _FUZZY:
        return float(_FUZZY[s])
    try:
        return float(s)
    except ValueError:
        pass
    try:
        return float(cn2an.cn2an(s, "smart"))
    except Exception:  # cn2an raises bare ValueErrors with varied messages
        return None


_FILL = (r"(?:老是|总是|一直|经常|都是|是|有|为|到|达|达到|才|只有|都|已经|快|了|测|量|测了|量了|显示|大概|约|差不多|"
         r":|\s|高达|低到|高到|升到|降到|每分钟|一分钟|1分钟|的|在|只|还|竟然|居然|最高|最低)*")
_TEMP_RE = re.compile(rf"(?:体温|发烧|发热|烧到|烧了|烧|温度|腋温|口温|肛温|耳温)?{_FILL}{NUM}\s*(?:度|°c|℃|°)(多|半|[一二三四五六七八九\d])?")
_BP_SLASH_RE = re.compile(r"(\d{2,3})\s*[/\\／]\s*(\d{2,3})")
_BP_WORD_RE = re.compile(rf"(血压|高压|收缩压|低压|舒张压){_FILL}{NUM}(?:多)?(?:\s*(?:mmhg|毫米汞柱))?"
                         rf"(?:[\s,，、和到/-]*(?:低压)?{_FILL}{NUM})?")
_GLU_RE = re.compile(rf"(?:血糖|空腹血糖|餐后血糖|随机血糖|指尖血糖|糖){_FILL}{NUM}(点[\d一二三四五六七八九]|点多|多)?\s*(mmol|mg)?")
_PULSE_RE = re.compile(rf"(?:心率|脉搏|心跳|脉率){_FILL}{NUM}(多)?\s*(?:次|下)?")
_PULSE2_RE = re.compile(rf"(?<!呼吸)(?:每分钟|一分钟)(?:只有|才|有|就)?{NUM}(多)?\s*(?:次|下)")
_SPO2_RE = re.compile(rf"(?:血氧饱和度|血氧|氧饱和度|饱和度|指脉氧){_FILL}{NUM}\s*%?")
_RR_RE = re.compile(rf"呼吸(?:每分钟|一分钟|频率){_FILL}{NUM}\s*次")
_PAIN_RE = re.compile(rf"(?:疼|痛)[^，。,.;!?]{{0,6}}?{NUM}\s*分|{NUM}\s*分(?:的)?(?:疼|痛)")
_COUNT_RE = re.compile(rf"(拉|泻|吐|呕)了?{NUM}(多)?(?:次|回|趟)")
_PREG_RE = re.compile(rf"(?:怀孕|孕|怀了|怀二胎)(?:已经|快|了)?{NUM}(个)?(多)?(周|个月|月)")
_HI_LO_RE = re.compile(r"血糖[^，。,.;!?]{0,6}?(hi|lo|测不出|爆表)")


@dataclass
class Numbers:
    temperature: float | None = None
    systolic: float | None = None
    diastolic: float | None = None
    pulse: float | None = None
    glucose: float | None = None
    spo2: float | None = None
    resp_rate: float | None = None
    pain_score: float | None = None
    stool_count: float | None = None
    vomit_count: float | None = None
    preg_weeks: float | None = None


def parse_bp_number(s: str) -> tuple[float | None, float | None]:
    """'190/120', '190 120', '一百九十一百二', '一百九' -> (systolic, diastolic)."""
    s = normalize(s)
    m = _BP_SLASH_RE.search(s)
    if m:
        return float(m.group(1)), float(m.group(2))
    nums = re.findall(r"\d+(?:\.\d+)?", s)
    if len(nums) >= 2:
        return float(nums[0]), float(nums[1])
    if len(nums) == 1:
        return float(nums[0]), None
    run = re.search(rf"[{CN_DIGITS}]+", s)
    if run:
        return _split_cn_bp(run.group(0))
    return None, None


def _split_cn_bp(run: str) -> tuple[float | None, float | None]:
    """A run of Chinese numerals may hold two BP values ("一百五十九十五" = 150/95)."""
    whole = to_number(run)
    if whole is not None and 50 <= whole <= 300:
        return whole, None
    for cut in range(2, len(run) - 1):
        sbp, dbp = to_number(run[:cut]), to_number(run[cut:])
        if sbp and dbp and 60 <= sbp <= 300 and 30 <= dbp <= 200 and sbp > dbp and run[:cut][-1] in "十百零〇":
            return sbp, dbp
    for cut in range(2, len(run) - 1):
        sbp, dbp = to_number(run[:cut]), to_number(run[cut:])
        if sbp and dbp and 60 <= sbp <= 300 and 30 <= dbp <= 200 and sbp > dbp:
            return sbp, dbp
    return None, None


def _glucose_value(value: float, unit: str | None) -> float | None:
    from ml.clinical import mgdl_to_mmol

    # Values above the mmol/L plausibility range are read as mg/dL (1 mmol/L = 18 mg/dL).
    if unit == "mg" or value > 35:
        value = mgdl_to_mmol(value)
    return value if 0.5 <= value <= 60 else None


def parse_numbers(t: str) -> Numbers:
    n = Numbers()
    for m in _TEMP_RE.finditer(t):
        v = to_number(m.group(1))
        if v is None:
            continue
        tail = m.group(2)
        if tail:
            v += 0.3 if tail == "多" else 0.5 if tail == "半" else (to_number(tail) or 0) / 10
        if 34 <= v <= 43.5:
            n.temperature = v if n.temperature is None else max(n.temperature, v)
    for m in _BP_SLASH_RE.finditer(t):
        s, d = float(m.group(1)), float(m.group(2))
        if 50 <= s <= 300 and 30 <= d <= 200 and s > d:
            n.systolic, n.diastolic = _max(n.systolic, s), _max(n.diastolic, d)
    for m in _BP_WORD_RE.finditer(t):
        kind, a, b = m.group(1), m.group(2), m.group(3)
        if kind in ("低压", "舒张压"):
            v = to_number(a)
            if v and 30 <= v <= 200:
                n.diastolic = _max(n.diastolic, v)
            continue
        if b is None and not a[0].isdigit():
            s, d = _split_cn_bp(a)
        else:
            s, d = to_number(a), to_number(b) if b else None
        if s and 50 <= s <= 300:
            n.systolic = _max(n.systolic, s)
        if d and 30 <= d <= 200 and (s is None or d < s):
            n.diastolic = _max(n.diastolic, d)
    for m in _GLU_RE.finditer(t):
        v = to_number(m.group(1))
        if v is not None:
            tail = m.group(2)
            if tail:
                v += 0.5 if tail in ("多", "点多") else (to_number(tail[1:]) or 0) / 10
            g = _glucose_value(v, m.group(3))
            if g is not None:
                n.glucose = g if n.glucose is None else (min(n.glucose, g) if g < 4 else max(n.glucose, g))
    for m in _HI_LO_RE.finditer(t):
        n.glucose = 1.0 if m.group(1) == "lo" else 33.4
    for m in _PULSE_RE.finditer(t):
        v = to_number(m.group(1))
        if v and 20 <= v <= 300:
            n.pulse = v
    if n.pulse is None and re.search("心跳|心率|脉搏|脉", t):
        for m in _PULSE2_RE.finditer(t):
            v = to_number(m.group(1))
            if v and 20 <= v <= 300:
                n.pulse = v
    for m in _SPO2_RE.finditer(t):
        v = to_number(m.group(1))
        if v and 50 <= v <= 100:
            n.spo2 = v
    for m in _RR_RE.finditer(t):
        v = to_number(m.group(1))
        if v and 5 <= v <= 120:
            n.resp_rate = v
    for m in _PAIN_RE.finditer(t):
        v = to_number(m.group(1) or m.group(2))
        if v is not None and 0 <= v <= 10:
            n.pain_score = v
    for m in _COUNT_RE.finditer(t):
        v = to_number(m.group(2))
        if v:
            if m.group(1) in "拉泻":
                n.stool_count = _max(n.stool_count, v)
            else:
                n.vomit_count = _max(n.vomit_count, v)
    m = _PREG_RE.search(t)
    if m:
        v = to_number(m.group(1))
        if v:
            n.preg_weeks = v if m.group(4) == "周" else v * 4.3
    return n


def _max(a: float | None, b: float) -> float:
    return b if a is None else max(a, b)


# ---------------------------------------------------------------------------------------------
# duration
# ---------------------------------------------------------------------------------------------

_UNIT_H = {"分钟": 1 / 60, "小时": 1, "钟头": 1, "个钟": 1, "天": 24, "日": 24, "晚": 12, "夜": 12,
           "星期": 168, "周": 168, "礼拜": 168, "个月": 720, "月": 720, "年": 8760}
_DUR_RE = re.compile(
    rf"(好几|几十|十几|二十几|两三|三四|一两|三五|四五|\d+(?:\.\d+)?|[{CN_DIGITS}]+|半|几)(个)?(多)?(半)?"
    r"(分钟|小时|钟头|个钟|天|日|晚|夜|星期|周|礼拜|月|年)(多)?(了|来|前|以来)?")
_CHILD_WORDS = ("孩子", "宝宝", "儿子", "女儿", "婴儿", "小孩", "孙子", "孙女", "外孙", "闺女", "娃")
_REL_TIMES = (("大前天", 72), ("前天", 48), ("昨天", 24), ("昨晚", 18), ("昨日", 24), ("刚才", 0.3), ("刚刚", 0.3),
              ("方才", 0.3), ("一会儿", 0.1), ("今天", 6), ("今早", 4), ("早上", 6), ("上午", 6), ("中午", 4),
              ("下午", 4), ("今晚", 2), ("半夜", 6), ("凌晨", 6), ("这两天", 48), ("这几天", 72), ("上周", 168),
              ("上个星期", 168), ("上礼拜", 168), ("上个月", 720), ("去年", 8760), ("半个月", 360), ("半年", 4380))


def _durations(t: str) -> list[tuple[int, float]]:
    """(position, hours) for each duration or onset time in the text."""
    out: list[tuple[int, float]] = []
    for m in _DUR_RE.finditer(t):
        num, ge, duo, ban, unit, duo2, _ = m.groups()
        start = m.start()
        before, after = t[max(0, start - 3):start], t[m.end():m.end() + 2]
        if unit == "月" and not ge and not (duo2 or m.group(7)):
            continue  # "3月5日" is a date
        if unit in ("周", "星期") and (after.startswith("岁") or after.startswith("大") or "孕" in before):
            continue
        if "孕" in before or "怀" in before:
            continue
        if unit == "月" and any(w in t[max(0, start - 4):start] for w in _CHILD_WORDS):
            continue  # "孩子8个月" is an age
        if unit in ("月",) and (after.startswith("大") or after.startswith("的宝") or after.startswith("的孩")):
            continue
        if unit in ("天", "日") and (after.startswith("大") or "出生" in before or "生下来" in before):
            continue
        v = to_number(num)
        if v is None:
            continue
        if unit == "年" and v > 100:
            continue
        if ban:
            v += 0.5
        if duo or duo2:
            v *= 1.3
        out.append((start, v * _UNIT_H[unit]))
    for word, hours in _REL_TIMES:
        for m in re.finditer(word, t):
            out.append((m.start(), float(hours)))
    return out


# ---------------------------------------------------------------------------------------------
# who is affected
# ---------------------------------------------------------------------------------------------

# relation word -> (sex, default age in years when the text gives none, is a child)
RELATIONS: dict[str, tuple[str | None, float | None, bool]] = {
    "新生儿": (None, 0.05, True), "婴儿": (None, 0.5, True), "小宝宝": (None, 0.5, True),
    "宝宝": (None, None, True), "孩子": (None, None, True), "小孩": (None, None, True), "娃": (None, None, True),
    "儿子": ("M", None, True), "女儿": ("F", None, True), "孙子": ("M", None, True), "孙女": ("F", None, True),
    "外孙": ("M", None, True), "外孙女": ("F", None, True), "闺女": ("F", None, True),
    "爸爸": ("M", 70, False), "爸": ("M", 70, False), "父亲": ("M", 70, False), "老爸": ("M", 70, False),
    "妈妈": ("F", 70, False), "妈": ("F", 70, False), "母亲": ("F", 70, False), "老妈": ("F", 70, False),
    "爷爷": ("M", 80, False), "奶奶": ("F", 80, False), "外公": ("M", 80, False), "外婆": ("F", 80, False),
    "姥爷": ("M", 80, False), "姥姥": ("F", 80, False), "公公": ("M", 75, False), "婆婆": ("F", 75, False),
    "岳父": ("M", 75, False), "岳母": ("F", 75, False), "丈母娘": ("F", 75, False), "老丈人": ("M", 75, False),
    "老伴": (None, 70, False), "老人": (None, 75, False), "老太太": ("F", 78, False), "老爷子": ("M", 78, False),
    "老头": ("M", 75, False), "老公": ("M", None, False), "丈夫": ("M", None, False), "老婆": ("F", None, False),
    "妻子": ("F", None, False), "媳妇": ("F", None, False), "爱人": (None, None, False),
    "哥哥": ("M", None, False), "姐姐": ("F", None, False), "弟弟": ("M", None, False), "妹妹": ("F", None, False),
    "邻居": (None, None, False), "同事": (None, None, False), "朋友": (None, None, False),
}
_REL_RE = re.compile("|".join(sorted(RELATIONS, key=len, reverse=True)))
_AGE_Y_RE = re.compile(rf"{NUM}(多|来)?(?:周)?岁(半|多)?")
_AGE_M_RE = re.compile(rf"{NUM}(个)?(多|半)?月(大|的宝宝|的孩子|的小孩|的婴儿)?")
_AGE_W_RE = re.compile(rf"{NUM}(?:个)?(?:周|星期)(?:大|的宝宝|的孩子|的婴儿)")
_AGE_D_RE = re.compile(rf"(?:出生|生下来|才){NUM}天|{NUM}天(?:大|的宝宝|的孩子|的婴儿)")
_SEX_SELF_RE = re.compile(r"我是?(?:个)?(女|男)(?:的|性|人)"
                          r"|(?<![儿孙子闺外妇])(?<!男)(女|男)(?!朋|友|儿|孩子|女|厕)(?:性|士|生|孩|子|人|的|[,，\s]|\d|$)")


@dataclass
class Subject:
    other: bool = False          # the text is about someone other than the resident
    relation: str | None = None
    sex: str | None = None
    age_years: float | None = None
    child: bool = False          # a child word was used (age may still be unknown)


def parse_subject(t: str) -> Subject:
    sub = Subject()
    rel_pos = -1
    m = _REL_RE.search(t)
    if m and not t[max(0, m.start() - 1):m.start()].endswith("像"):
        word = m.group(0)
        sex, default_age, child = RELATIONS[word]
        sub.other, sub.relation, sub.sex, sub.child = True, word, sex, child
        sub.age_years = default_age
        rel_pos = m.end()
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


# ---------------------------------------------------------------------------------------------
# mentions with negation scope
# ---------------------------------------------------------------------------------------------

@dataclass
class Mention:
    code: str
    start: int
    end: int
    clause: int
    negated: bool = False
    uncertain: bool = False
    attenuated: bool = False     # "不太舒服": positive, mild
    literal: bool = True


@dataclass
class Clause:
    start: int
    end: int
    severe: bool = False
    mild: bool = False
    sudden: bool = False
    chronic: bool = False
    recurrent: bool = False
    hours: float | None = None


@dataclass
class Parsed:
    text: str
    mentions: list[Mention]
    clauses: list[Clause]
    numbers: Numbers
    subject: Subject
    positive: dict[str, list[Mention]] = field(default_factory=dict)
    negative: set[str] = field(default_factory=set)
    any_severe: bool = False
    any_mild: bool = False
    any_sudden: bool = False
    any_chronic: bool = False
    any_recurrent: bool = False
    max_hours: float | None = None


_PARTICLES = set("了的啊呢吧过哈呀嘛哦喔吗么 \t")


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), lower case, one space for runs of whitespace."""
    t = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"\s+", " ", t).strip()


# Words that contain a body-site character but are not that site (骨头 is not 头): hidden from the
# gap patterns only, keeping offsets ("胸口那块骨头就疼" is chest pain, not a headache).
_NEUTRAL = ("骨头", "舌头", "指头", "拳头", "枕头", "馒头", "石头", "木头", "码头", "里头", "外头", "上头", "前头",
            "后头", "心头", "眉头", "手头", "口头", "回头", "头发", "手机", "手术", "扶手", "对手", "电脑", "手续",
            "头一次", "头一回", "开头", "带头")
_NEUTRAL_RE = re.compile("|".join(_NEUTRAL))
_SITE_CHARS = set("头手脑")


def _neutralize(t: str) -> str:
    return _NEUTRAL_RE.sub(lambda m: "".join("□" if ch in _SITE_CHARS else ch for ch in m.group(0)), t)


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


def _clauses(t: str) -> list[Clause]:
    cuts = [0]
    for i, ch in enumerate(t):
        if ch in "，。；！？,.;!?: ：…~":
            cuts.append(i)
            cuts.append(i + 1)
    for word in lx.CONTRAST:
        for m in re.finditer(word, t):
            if m.start() > 0 and not t[m.start() - 1] == "不":  # "不但" is not a contrast
                cuts.append(m.start())
    cuts.append(len(t))
    cuts = sorted(set(cuts))
    out = []
    for a, b in zip(cuts, cuts[1:]):
        if b > a and t[a:b].strip(" ，。；！？、,.;!?:：…~"):
            out.append(Clause(a, b))
    return out or [Clause(0, len(t))]


def _clause_of(clauses: list[Clause], pos: int) -> int:
    for k, c in enumerate(clauses):
        if c.start <= pos < c.end:
            return k
    for k in range(len(clauses) - 1, -1, -1):
        if clauses[k].start <= pos:
            return k
    return 0


def parse(text: str) -> Parsed:
    """Normalize and read a resident's text."""
    comp = _ensure_loaded()
    t = normalize(text)
    clauses = _clauses(t)
    raw: list[tuple[int, int, str, bool, str]] = []   # start, end, code, literal, gap text
    for start, end, codes in _find_literals(t, comp.trie):
        for code in codes:
            raw.append((start, end, code, True, ""))
    tn = _neutralize(t)
    for code, rx in comp.patterns:
        for m in rx.finditer(tn):
            gap = "".join(g for g in m.groupdict().values() if g)
            raw.append((m.start(), m.end(), code, False, gap))

    # A literal term hides the shorter terms inside it ("喘不上气" is not also "喘").
    literal_spans = [(s, e) for s, e, _, lit, _ in raw if lit]
    kept = []
    for s, e, code, lit, gap in raw:
        if any(ls <= s and e <= le and (le - ls) > (e - s) for ls, le in literal_spans):
            continue
        kept.append((s, e, code, lit, gap))
    masked = [False] * (len(t) + 1)
    for s, e, code, lit, _ in kept:
        if lit:
            for i in range(s, e):
                masked[i] = True

    # modifiers per clause
    specials = [(s, e, code) for s, e, code, lit, _ in kept if code.startswith("_")]
    for s, e, code in specials:
        k = _clause_of(clauses, s)
        c = clauses[k]
        if code == "_severe":
            c.severe = True
        elif code == "_mild":
            c.mild = True
        elif code == "_sudden":
            c.sudden = True
        elif code == "_chronic":
            c.chronic = True
        elif code == "_recurrent":
            c.recurrent = True
    for pos, hours in _durations(t):
        c = clauses[_clause_of(clauses, pos)]
        c.hours = hours if c.hours is None else max(c.hours, hours)

    mentions = []
    for s, e, code, lit, gap in kept:
        if code.startswith("_"):
            continue
        mention = Mention(code, s, e, _clause_of(clauses, s), literal=lit)
        if gap:
            if any(a in gap for a in lx.ATTENUATORS):
                mention.attenuated = True
            elif any(ch in gap for ch in lx.GAP_NEG_CHARS):
                mention.negated = True
        mentions.append(mention)

    _apply_negation(t, clauses, mentions, masked, [(s, e) for s, e, c in specials if c == "_uncertain"])
    _history_or_acute(t, mentions)

    numbers = parse_numbers(t)
    p = Parsed(t, mentions, clauses, numbers, parse_subject(t))
    for m in mentions:
        if m.negated or m.uncertain:
            continue
        p.positive.setdefault(m.code, []).append(m)
    for m in mentions:
        if m.negated and m.code not in p.positive:
            p.negative.add(m.code)
    if numbers.pain_score is not None:
        if numbers.pain_score >= 7:
            for c in clauses:
                c.severe = True
        elif numbers.pain_score <= 3:
            for c in clauses:
                c.mild = True
    p.any_severe = any(c.severe for c in clauses)
    p.any_mild = any(c.mild for c in clauses) or any(m.attenuated for m in mentions)
    p.any_sudden = any(c.sudden for c in clauses)
    p.any_chronic = any(c.chronic for c in clauses)
    p.any_recurrent = any(c.recurrent for c in clauses)
    hours = [c.hours for c in clauses if c.hours is not None]
    p.max_hours = max(hours) if hours else None
    return p


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


def _apply_negation(t: str, clauses: list[Clause], mentions: list[Mention], masked: list[bool],
                    uncertain_spans: list[tuple[int, int]]) -> None:
    """Negation cues (jieba tokens) negate the mentions after them up to the end of the clause;
    a cue closing a clause ("发烧倒没有") negates the mentions before it in that clause."""
    tokens = _jieba.tokenize(t, HMM=False)
    for word, start, _end in tokens:
        if masked[start]:
            continue
        cue = None
        if word in lx.NEG_CUES:
            cue = word
        elif word[0] in "不没无未" and word not in lx.NON_NEG and len(word) <= 3:
            cue = word[0]
        if cue is None:
            continue
        if cue == "不" or word.startswith("不"):
            prev = t[start - 1] if start > 0 else " "
            nxt = t[start + 1] if start + 1 < len(t) else ""
            if prev not in lx.NOT_VERB_BEFORE_BU and nxt in lx.COMPLEMENT_AFTER_BU and len(word) <= 2:
                continue
        k = _clause_of(clauses, start)
        scope_start = start + len(cue)
        clause = clauses[k]
        forward = [m for m in mentions if m.clause == k and m.start >= scope_start]
        if forward:
            for m in forward:
                m.negated = True
            continue
        rest = t[start + len(word):clause.end]
        if all(ch in _PARTICLES for ch in rest):
            for m in mentions:
                if m.clause == k and m.end <= start:
                    m.negated = True
    for s, e in uncertain_spans:
        k = _clause_of(clauses, s)
        for m in mentions:
            if m.clause == k and m.start >= e and not m.negated:
                m.uncertain = True
