"""Free text and voice recognition → a reading intent (血压 / 血糖), pure.

Handles Arabic, full-width and Chinese numerals ("血压一百五十九十五" → 150/95, "血糖七点八"),
keyed values ("高压150低压95", "心率80"), bare pairs ("150/95", "150 95 80", "150比95"),
glucose context words (空腹 / 餐后 / 睡前) and units (mmol/L, mg/dL). A glucose value over 35
without a unit looks like mg/dL and is flagged for confirmation with the converted value.
Plausibility is decided by the readings service; intents only *flag* it (ml.clinical) so the
bot can ask to re-measure before anything is stored. Symptom words outside the numbers are
kept for triage, with simple negation ("没有头疼" is not a symptom).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Union

from ml.clinical import bp_problems, glucose_problems, mgdl_to_mmol

# A glucose number above this, with no unit, is taken for mg/dL and confirmed (plausibility
# ceiling 35.0 mmol/L, docs/clinical_rules.md; 36 mg/dL = 2.0 mmol/L).
MGDL_GUESS_ABOVE = 35.0

GLUCOSE_CONTEXTS = ("fasting", "postprandial", "random", "bedtime")


# --- intents -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BpIntent:
    """A blood-pressure reading; systolic/diastolic None when the user gave only one of them."""

    systolic: int | None
    diastolic: int | None
    pulse: int | None = None
    symptoms: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.systolic is not None and self.diastolic is not None

    def problems(self) -> dict[str, str]:
        """Implausibility flags (ml.clinical.bp_problems) for a complete reading; else {}."""
        if not self.complete:
            return {}
        return bp_problems(self.systolic, self.diastolic, self.pulse)  # type: ignore[arg-type]


@dataclass(frozen=True)
class GlucoseIntent:
    """A glucose reading in mmol/L; `original` is the number as typed (mg/dL when converted)."""

    value_mmol: float | None
    context: str | None = None  # fasting | postprandial | random | bedtime | None (not said)
    needs_unit_confirm: bool = False
    original: float | None = None
    unit: str | None = None  # "mmol" / "mgdl" when the user wrote it
    flag: str | None = None  # "HI" / "LO" meter display
    symptoms: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.value_mmol is not None or self.flag is not None

    def problems(self) -> dict[str, str]:
        """Implausibility flags (ml.clinical.glucose_problems); {} for HI/LO flags."""
        if self.value_mmol is None:
            return {}
        return glucose_problems(self.value_mmol)


@dataclass(frozen=True)
class Ambiguous:
    """A lone number: blood pressure or glucose? Ask."""

    number: float
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotAReading:
    """No reading in the text; `symptoms` non-empty when it reads like a complaint."""

    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True)
class MultiIntent:
    """Several readings in one message ("血压150/95 血糖7.8")."""

    intents: tuple[Union[BpIntent, GlucoseIntent, Ambiguous], ...]
    symptoms: tuple[str, ...] = ()


ReadingIntent = Union[BpIntent, GlucoseIntent, Ambiguous, NotAReading, MultiIntent]


# --- normalisation and Chinese numerals --------------------------------------------------------
_DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_DIGIT_CHARS = "".join(_DIGITS)
_NUMERAL_CHARS = _DIGIT_CHARS + "".join(_UNITS)
_RUN_WITH_DECIMAL = re.compile(f"[{_NUMERAL_CHARS}]+(?:点[{_DIGIT_CHARS}]+)?")
_RUN_PLAIN = re.compile(f"[{_NUMERAL_CHARS}]+")


def _int_run(run: str) -> list[int]:
    """Chinese integer numerals → numbers, splitting runs like 一百五十九十五 into [150, 95].

    A unit that cannot follow the previous one (十 after 十) starts a new number and takes the
    digit before it: 一百五十|九十五. A digit left after 百 with nothing after it is colloquial
    tens (一百八 = 180); digits without units are read one by one (一五零 = 150).
    """
    numbers: list[int] = []
    cur, last_unit, pending, zero, seq = 0, None, None, False, ""

    def close_pending() -> int:
        if pending is None:
            return cur
        if zero or last_unit is None:
            return cur + pending
        return cur + pending * (last_unit // 10)

    for ch in run:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
            if digit == 0 and last_unit is not None and pending is None:
                zero = True  # 一百零五
                continue
            if pending is not None:
                if last_unit is None:
                    seq += str(pending)  # 一五零: one digit at a time
                else:
                    numbers.append(close_pending())
                    cur, last_unit, zero = 0, None, False
            pending = digit
        else:
            unit = _UNITS[ch]
            if seq:
                numbers.append(int(seq))
                seq = ""
            if last_unit is not None and unit >= last_unit:
                numbers.append(cur)
                cur, last_unit, zero = 0, None, False
            cur += (1 if pending is None else pending) * unit
            last_unit, pending, zero = unit, None, False
    if seq:
        numbers.append(int(seq + ("" if pending is None else str(pending))))
    elif pending is not None or last_unit is not None:
        numbers.append(close_pending())
    return numbers


def _convert_run(match: re.Match[str], *, singles: bool) -> str:
    run = match.group(0)
    text, pos = match.string, match.start()
    int_part, _, frac = run.partition("点")
    has_unit = any(c in _UNITS for c in int_part)
    if not frac:
        if not any(c in _DIGITS for c in int_part) and int_part != "十":
            return run  # 百 / 千 alone: 老百姓, 千万
        if int_part == "十" and text[match.end():match.end() + 1] == "分":
            return run  # 十分 = "very" (十分难受), 十分钟 has no reading either
        if not singles and not has_unit and len(int_part) == 1:
            return run  # 一点头晕, 两次, 三餐: a lone digit is rarely a reading
        if text[max(0, pos - 1):pos] in ("第", "周") or text[max(0, pos - 2):pos] in ("星期", "礼拜"):
            return run  # 第一, 星期三
    numbers = _int_run(int_part)
    if not numbers:
        return run
    if frac:
        last = numbers.pop()
        numbers.append(f"{last}.{''.join(str(_DIGITS[c]) for c in frac)}")  # type: ignore[arg-type]
    return " " + " ".join(str(n) for n in numbers) + " "


def convert_numerals(text: str, *, singles: bool = False, decimals: bool = True) -> str:
    """Replace Chinese numerals with Arabic ones (七点八 → 7.8; singles: 八 → 8)."""
    pattern = _RUN_WITH_DECIMAL if decimals else _RUN_PLAIN
    if "百分之" in text:
        text = _PERCENTAGE.sub(" ", text)  # percentages are never readings
    return pattern.sub(lambda m: _convert_run(m, singles=singles), text)


_UNIT_WORDS = [
    (re.compile(r"mmol\s*/\s*l|mmol|毫摩尔每升|毫摩尔/升|毫摩尔|毫摩"), " mmol "),
    (re.compile(r"mg\s*/\s*dl|mgdl|毫克每分升|毫克/分升"), " mgdl "),
    (re.compile(r"mmhg|毫米汞柱|毫米水银柱"), " "),
    (re.compile(r"(\d+)\s*(?:次\s*/\s*分钟?|次每分钟?|次一分钟|bpm)"), r" 心率 \1 "),
]
_NOISE = [
    re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?"),  # dates 2024/11/23
    re.compile(r"(?<![\d.])\d{1,2}\s*:\s*\d{2}"),  # times 8:00
    re.compile(r"(?<![\d.])\d{1,2}\s*点\s*(?:\d{1,2}\s*分|半|钟|多|左右)?"),  # 8点, 8点30分, 8点半
    re.compile(r"\d+(?:\.\d+)?\s*(?:个多?小时|小时|个钟头|分钟|分|秒|天|日|号|周|星期|礼拜|个月|月|年|岁|"
               r"次|遍|回|片|粒|颗|支|袋|瓶|盒|针|单位|iu|u(?![a-z])|斤|公斤|kg|千克|克|g(?![a-z])|毫克|mg(?!dl)|ml|毫升|"
               r"块|顿|口|层|楼|元|%|度|°c|°|cm|厘米|米|步|个)"),
    re.compile(r"1\d{10}"),  # phone numbers
]
_OTHER_MEASURES = re.compile(r"(体重|体温|身高|血氧|腰围|步数|年龄|电话|手机|尿酸|血脂|胆固醇|甘油三酯|糖化|hba1c)\s*[:是为]?\s*\d+(?:\.\d+)?")
_PERCENTAGE = re.compile(f"百分之[{_NUMERAL_CHARS}点]+")
_DECIMAL_POINT = re.compile(r"(?<![\d.])(\d+)\s*点\s*(\d+)(?![\d分])")
_PULSE_TIMES = re.compile(r"(心率|脉搏|心跳|脉率)\s*[:是为]?\s*(\d+)\s*次")
# The literals one of which a pattern needs in the text to match (None: always tried).
_UNIT_WORDS_GUARDED = [(pattern, repl, literals) for (pattern, repl), literals in
                       zip(_UNIT_WORDS, (None, None, None, ("次", "bpm")), strict=True)]
_NOISE_GUARDED = list(zip(_NOISE, (None, ":", "点", None, None), strict=True))


def normalise(text: str) -> str:
    """NFKC (full-width → ASCII), lower case, Chinese numerals → Arabic, units marked."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = text.replace("糖尿病", " 病 ").replace("高血压", " 病 ")
    text = convert_numerals(text)
    # Each substitution below is skipped when its pattern's literal (点, 次, bpm, :) is not in the text: it could
    # not match, and a pattern with a group reference in its replacement costs a template parse even then.
    if "点" in text:
        text = _DECIMAL_POINT.sub(r"\1.\2", text)  # 7点8 → 7.8
    for pattern, repl, literals in _UNIT_WORDS_GUARDED:
        if literals is None or any(word in text for word in literals):
            text = pattern.sub(repl, text)
    if "次" in text:
        text = _PULSE_TIMES.sub(r"\1 \2 ", text)
    text = _OTHER_MEASURES.sub(" ", text)
    for pattern, literal in _NOISE_GUARDED:
        if literal is None or literal in text:
            text = pattern.sub(" ", text)
    # " ".join(split()) is re.sub(r"\s+", " ") without the ends' whitespace, which the strip drops anyway: str.split
    # and the \s of a str pattern both split on what str.isspace calls whitespace.
    return " ".join(text.split()).strip(" 。.!！?？~,、;；")


# --- symptoms ----------------------------------------------------------------------------------
# Findings that are about a measurement rather than a complaint, in a reading message.
_NOT_COMPLAINTS = frozenset({"high_bp_reported", "low_bp_reported", "hyper_reported"})


def find_symptoms(text: str) -> tuple[str, ...]:
    """Symptom words the user affirms, in order, read by the clinical language layer (the reader
    triage and the reading rules use): "头不疼", "没有胸痛", "头疼倒没有", "喘气正常" are skipped."""
    return () if _reading_words_only(text) else _read_symptoms(text)


def _read_symptoms(text: str) -> tuple[str, ...]:
    from app.language import lexicon, read

    reading = read(text or "")
    concepts = lexicon().concepts
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in sorted(reading.mentions, key=lambda m: (m.start, -m.end)):
        if m.assertion != "present" or m.code in _NOT_COMPLAINTS or concepts[m.code].kind != "finding":
            continue
        if any(s < m.end and m.start < e for s, e in spans):
            continue  # "腿肿了": one complaint, not also "肿了"
        spans.append((m.start, m.end))
        word = reading.text[m.start:m.end]
        if word not in found:
            found.append(word)
    return tuple(found)


# --- tokens and groups ---------------------------------------------------------------------------
_CONTEXT_WORDS = [
    ("早餐前", "fasting"), ("早饭前", "fasting"), ("空腹", "fasting"), ("晨起", "fasting"), ("起床后", "fasting"),
    ("午餐前", "random"), ("午饭前", "random"), ("晚餐前", "random"), ("晚饭前", "random"),
    ("餐前", "fasting"), ("饭前", "fasting"),
    ("早餐后", "postprandial"), ("午餐后", "postprandial"), ("晚餐后", "postprandial"), ("早饭后", "postprandial"),
    ("午饭后", "postprandial"), ("晚饭后", "postprandial"), ("吃完饭", "postprandial"), ("吃饭后", "postprandial"),
    ("餐后", "postprandial"), ("饭后", "postprandial"),
    ("睡觉前", "bedtime"), ("睡前", "bedtime"), ("临睡", "bedtime"),
    ("随机", "random"), ("随便测", "random"),
]
_KEYWORDS = [
    ("收缩压", "sys"), ("舒张压", "dia"), ("高压", "sys"), ("低压", "dia"), ("上压", "sys"), ("下压", "dia"),
    ("血压", "bp"), ("心率", "pulse"), ("脉搏", "pulse"), ("心跳", "pulse"), ("脉率", "pulse"),
    ("血糖", "glu"), ("mmol", "mmol"), ("mgdl", "mgdl"),
    *((word, "ctx:" + ctx) for word, ctx in _CONTEXT_WORDS),
]
# The words of a reading message that name no symptom (tests/wechat/test_parsing.py reads each through the reader):
# a text made only of these, numbers and separators — "血压 138/86 心率 72", the common case — is not given to
# the reader (about 0.4 ms of CPU on every reading message).
_UNIT_ONLY_WORDS = ("mmol/l", "mg/dl", "mmhg", "毫米汞柱", "次/分", "次每分", "次", "毫摩尔")
_READING_ONLY_RE = re.compile(
    "(?:" + "|".join(re.escape(w) for w in sorted({w for w, _ in _KEYWORDS} | set(_UNIT_ONLY_WORDS), key=len,
                                                      reverse=True))
    + r"|[\d\s.,，、。:：/;；~-])*")


def _reading_words_only(text: str | None) -> bool:
    return _READING_ONLY_RE.fullmatch(unicodedata.normalize("NFKC", text or "").lower()) is not None


_TOKEN_RE = re.compile(
    "|".join(
        [f"(?P<kw>{'|'.join(sorted((re.escape(k) for k, _ in _KEYWORDS), key=len, reverse=True))})",
         r"(?P<ascii>(?<![a-z])(?:bp|glu|bg|hr|pulse|hi|lo|high|low)(?![a-z]))",
         r"(?P<sugar>(?<![\u4e00-\u9fff])糖(?=\s*[:是为]?\s*\d))",  # "糖7.8", not "吃了糖"
         r"(?P<num>\d+(?:\.\d+)?)",
         r"(?P<sep>/|比|\\|-)"]
    )
)
_KEYWORD_KIND = dict(_KEYWORDS) | {"bp": "bp", "glu": "glu", "bg": "glu", "hr": "pulse", "pulse": "pulse",
                                   "糖": "glu", "hi": "HI", "high": "HI", "lo": "LO", "low": "LO"}


@dataclass
class _Group:
    kind: str | None  # "bp", "glu" or None (bare numbers)
    sys: float | None = None
    dia: float | None = None
    pulse: float | None = None
    loose: list[float] = field(default_factory=list)
    joined: list[bool] = field(default_factory=list)  # loose[i] came right after "/" or 比
    value: float | None = None
    context: str | None = None
    unit: str | None = None
    flag: str | None = None
    slash: bool = False

    def numbers(self) -> int:
        return sum(v is not None for v in (self.sys, self.dia, self.pulse, self.value)) + len(self.loose)


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or ""
        word = m.group(0)
        if kind in ("kw", "ascii", "sugar"):
            out.append(("kw", _KEYWORD_KIND[word]))
        else:
            out.append((kind, word))
    return out


def _groups(text: str) -> list[_Group]:
    groups: list[_Group] = []
    slot: str | None = None

    def current() -> _Group | None:
        return groups[-1] if groups else None

    def new(kind: str | None) -> _Group:
        groups.append(_Group(kind))
        return groups[-1]

    def bp_group(slot_name: str | None) -> _Group:
        g = current()
        if g is not None and g.kind is None and len(g.loose) <= 3:
            g.kind = "bp"  # numbers said before the keyword: "150/95 血压", "150/95 心率80"
            return g
        if g is not None and g.kind == "bp":
            sys, dia, pulse, _ = _resolve_bp(g)
            if slot_name is None and (sys is None or dia is None):
                return g
            if slot_name is not None and {"sys": sys, "dia": dia, "pulse": pulse}[slot_name] is None:
                return g
        return new("bp")

    def glu_group() -> _Group:
        g = current()
        if g is not None and g.kind == "glu" and g.value is None and g.flag is None:
            return g
        if g is not None and g.kind is None and g.numbers() == 1 and not g.slash:
            g.kind, g.value, g.loose = "glu", g.loose[0], []  # "7.8 血糖"
            return g
        return new("glu")

    after_sep = False
    for kind, word in _tokens(text):
        joined, after_sep = after_sep, kind == "sep"
        if kind == "kw":
            if word in ("bp",):
                bp_group(None)
                slot = None
            elif word in ("sys", "dia", "pulse"):
                bp_group(word)
                slot = word
            elif word == "glu":
                glu_group()
                slot = None
            elif word.startswith("ctx:"):
                ctx = word[4:]
                g = current()
                if g is not None and g.kind == "glu" and g.context is None:
                    g.context = ctx
                elif g is not None and g.kind is None and g.numbers() == 1 and not g.slash:
                    g.kind, g.value, g.loose, g.context = "glu", g.loose[0], [], ctx
                else:
                    new("glu").context = ctx
                slot = None
            elif word in ("mmol", "mgdl"):
                g = current()
                if g is not None and g.kind is None and g.numbers() == 1:
                    g.kind, g.value, g.loose = "glu", g.loose[0], []
                if g is not None and g.kind == "glu":
                    g.unit = word
            elif word in ("HI", "LO"):
                g = current()
                if g is not None and g.kind == "glu" and g.value is None:
                    g.flag = word
        elif kind == "sep":
            g = current()
            if g is not None:
                g.slash = True
        elif kind == "num":
            value = float(word)
            g = current()
            if slot is not None and g is not None and g.kind == "bp":
                setattr(g, slot, value)
                slot = None
            elif g is not None and g.kind == "glu" and g.value is None and g.flag is None:
                g.value = value
            else:
                if g is None or g.kind not in ("bp", None):
                    g = new(None)
                g.loose.append(value)
                g.joined.append(joined)
    return groups


def _as_int(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def _resolve_bp(group: _Group) -> tuple[float | None, float | None, float | None, list[float]]:
    """Keyed values first; loose numbers fill systolic, diastolic, pulse in that order."""
    loose = list(group.loose)
    sys = group.sys if group.sys is not None else (loose.pop(0) if loose else None)
    dia = group.dia if group.dia is not None else (loose.pop(0) if loose else None)
    pulse = group.pulse if group.pulse is not None else (loose.pop(0) if loose else None)
    return sys, dia, pulse, loose


def _pairs(group: _Group) -> list[list[float]] | None:
    """Two or more slashed readings in a row ("150/95 145/90", "早上150/95 晚上140/90")."""
    if group.sys is not None or group.dia is not None or group.pulse is not None:
        return None
    chunks: list[list[float]] = []
    for value, joined in zip(group.loose, group.joined):
        if joined and chunks:
            chunks[-1].append(value)
        else:
            chunks.append([value])
    if len(chunks) >= 2 and all(len(chunk) in (2, 3) for chunk in chunks):
        return chunks
    return None


def _bp_from(group: _Group) -> BpIntent | None:
    sys, dia, pulse, loose = _resolve_bp(group)
    if loose or any(v is not None and v >= 1000 for v in (sys, dia, pulse)):
        return None  # too many numbers to guess which is which
    if sys is None and dia is None and pulse is None:
        return None
    return BpIntent(_as_int(sys), _as_int(dia), _as_int(pulse))


def _glucose_from(group: _Group) -> GlucoseIntent | None:
    if group.value is None:
        if group.flag:
            return GlucoseIntent(None, group.context, flag=group.flag)
        return None
    value = group.value
    if value >= 1000:
        return None
    if group.unit == "mgdl":
        return GlucoseIntent(mgdl_to_mmol(value), group.context, False, value, "mgdl")
    if group.unit is None and value > MGDL_GUESS_ABOVE:
        return GlucoseIntent(mgdl_to_mmol(value), group.context, True, value, None)
    return GlucoseIntent(round(value, 1), group.context, False, value, group.unit)


def _bare_from(group: _Group, expect: str | None):
    numbers = group.loose
    if not numbers or any(n >= 1000 for n in numbers):
        return None
    if len(numbers) == 1:
        if expect == "bp":
            return BpIntent(_as_int(numbers[0]), None)
        if expect == "glucose":
            return _glucose_from(_Group("glu", value=numbers[0]))
        return Ambiguous(numbers[0])
    if len(numbers) in (2, 3) and (group.slash or all(n == int(n) for n in numbers)):
        return _bp_from(_Group("bp", loose=list(numbers)))
    return None


def parse_reading(text: str, *, expect: str | None = None) -> ReadingIntent:
    """Read a BP/glucose reading from free text; expect="bp"/"glucose" when the bot asked for one."""
    normal = normalise(text)
    symptoms = find_symptoms(text)
    intents: list[Union[BpIntent, GlucoseIntent, Ambiguous]] = []
    for group in _groups(normal):
        pairs = _pairs(group) if group.kind in ("bp", None) else None
        if pairs:
            intents.extend(i for i in (_bp_from(_Group("bp", loose=p)) for p in pairs) if i is not None)
            continue
        if group.kind == "bp":
            intent = _bp_from(group)
        elif group.kind == "glu":
            intent = _glucose_from(group)
        else:
            intent = _bare_from(group, expect)
        if intent is not None:
            intents.append(intent)
    if not intents:
        return NotAReading(symptoms)
    if len(intents) == 1:
        return _with_symptoms(intents[0], symptoms)
    return MultiIntent(tuple(intents), symptoms)


def _with_symptoms(intent, symptoms: tuple[str, ...]):
    return replace(intent, symptoms=symptoms)


# --- small answers -------------------------------------------------------------------------------
def parse_glucose_context(text: str) -> str | None:
    """空腹 → fasting, 饭后 → postprandial, 睡前 → bedtime, 其他/随机 → random; else None."""
    normal = unicodedata.normalize("NFKC", text or "").lower().strip(" 。.!！")
    for word, ctx in _CONTEXT_WORDS:
        if word in normal:
            return ctx
    if normal in ("其他", "其它", "别的", "不知道", "不清楚", "随便", "都不是", "4"):
        return "random"
    return {"1": "fasting", "2": "postprandial", "3": "bedtime"}.get(normal)


_PERIOD_OFFSETS = {"凌晨": 0, "早上": 0, "早晨": 0, "上午": 0, "早": 0, "中午": 12, "下午": 12,
                   "傍晚": 12, "晚上": 12, "晚": 12, "夜里": 12}
_TIME_RE = re.compile(
    r"(?P<period>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|早|晚)?\s*"
    r"(?P<hour>\d{1,2})\s*(?:[:.]\s*(?P<minute>\d{2})|点\s*(?:(?P<half>半)|(?P<min2>\d{1,2})\s*分?)?|时)?"
)
MAX_REMINDER_TIMES = 6


def parse_times(text: str) -> tuple[str, ...] | None:
    """Reminder times "8:00 20:00", "早上八点 晚上8点半" → ("08:00", "20:30"); None if none valid."""
    normal = unicodedata.normalize("NFKC", text or "").lower()
    normal = convert_numerals(normal, singles=True, decimals=False)
    times: set[str] = set()
    for m in _TIME_RE.finditer(normal):
        hour = int(m.group("hour"))
        minute = 30 if m.group("half") else int(m.group("minute") or m.group("min2") or 0)
        period = m.group("period")
        if period == "中午":
            hour += 12 if hour < 6 else 0  # 中午11点 is 11:00, 中午1点 is 13:00
        elif period and hour < 12:
            hour += _PERIOD_OFFSETS[period]
        if hour == 24:
            hour = 0
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            return None
        times.add(f"{hour:02d}:{minute:02d}")
    if not times or len(times) > MAX_REMINDER_TIMES:
        return None
    return tuple(sorted(times))
