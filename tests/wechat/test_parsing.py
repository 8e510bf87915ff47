"""Reading intents from free text and voice: several hundred table-driven cases, positive and negative."""
from __future__ import annotations

import unicodedata

import pytest

from app.wechat.parsing import (
    Ambiguous,
    BpIntent,
    GlucoseIntent,
    MultiIntent,
    NotAReading,
    _int_run,
    convert_numerals,
    find_symptoms,
    parse_glucose_context,
    parse_reading,
    parse_times,
)
from ml.clinical import mgdl_to_mmol

_CN_DIGITS = "零一二三四五六七八九"


def cn(n: int, *, colloquial: bool = False) -> str:
    """Standard spoken Chinese for 1..299 (150 → 一百五十; colloquial → 一百五)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += ("两" if hundreds == 2 else _CN_DIGITS[hundreds]) + "百"
        if tens == 0 and ones:
            return out + "零" + _CN_DIGITS[ones]
        if tens and not ones and colloquial:
            return out + _CN_DIGITS[tens]
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN_DIGITS[tens]) + "十"
    if ones:
        out += _CN_DIGITS[ones]
    return out


def cn_decimal(value: float) -> str:
    whole, frac = f"{value:.1f}".split(".")
    return f"{cn(int(whole)) if int(whole) else '零'}点{_CN_DIGITS[int(frac)]}"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def bp(s, d, p=None):
    return ("bp", s, d, p)


def glu(v, ctx=None, confirm=False):
    return ("glu", v, ctx, confirm)


def amb(n):
    return ("amb", n)


NONE = ("none",)


def summary(intent):
    if isinstance(intent, BpIntent):
        return bp(intent.systolic, intent.diastolic, intent.pulse)
    if isinstance(intent, GlucoseIntent):
        return glu(intent.value_mmol, intent.context, intent.needs_unit_confirm)
    if isinstance(intent, Ambiguous):
        return amb(intent.number)
    if isinstance(intent, MultiIntent):
        return ("multi", tuple(summary(i) for i in intent.intents))
    assert isinstance(intent, NotAReading)
    return NONE


# --- the issue's own examples ----------------------------------------------------------------------
ISSUE_CASES = [
    ("血压 150/95 心率 80", bp(150, 95, 80)),
    ("高压150低压95", bp(150, 95)),
    ("150/95", bp(150, 95)),
    ("150 95 80", bp(150, 95, 80)),
    ("血糖 7.8 空腹", glu(7.8, "fasting")),
    ("餐后两小时血糖11.2", glu(11.2, "postprandial")),
    ("血糖140", glu(7.8, None, True)),
    ("血压一百五十，九十五", bp(150, 95)),
    ("血压一百五十九十五", bp(150, 95)),
    ("血糖七点八", glu(7.8)),
    ("血压一百八 头疼", bp(180, None)),
    ("１５０／９５", bp(150, 95)),
    ("血压１５０／９５，心率８０。", bp(150, 95, 80)),
    ("血压一百五十，九十五。", bp(150, 95)),
    ("血压药吃完了", NONE),
    ("150", amb(150)),
    ("我今天头疼", NONE),
]

# --- blood pressure: generated formats × values ------------------------------------------------------
BP_VALUES = [(150, 95), (120, 80), (135, 85), (160, 100), (180, 110), (142, 91), (105, 70), (200, 120), (128, 76), (90, 60)]
BP_FORMATS = [
    "{s}/{d}", "血压{s}/{d}", "血压 {s}/{d}", "血压：{s}/{d}", "血压{s} {d}", "{s} {d}", "{s},{d}", "{s}，{d}",
    "高压{s}低压{d}", "高压{s}，低压{d}", "高压是{s}，低压是{d}", "低压{d}高压{s}", "收缩压{s} 舒张压{d}",
    "上压{s}下压{d}", "血压{s}比{d}", "{s}比{d}", "今天血压{s}/{d}", "早上量的血压{s}/{d}", "血压{s}/{d}mmHg",
    "血压是{s}/{d}。", "{s}/{d}。", "BP {s}/{d}", "bp{s}/{d}", "血压 {s}-{d}",
]
BP_CASES = [(fmt.format(s=s, d=d), bp(s, d)) for s, d in BP_VALUES for fmt in BP_FORMATS]

BP_PULSE_FORMATS = [
    "血压{s}/{d} 心率{p}", "{s}/{d}/{p}", "{s} {d} {p}", "血压{s}/{d}，脉搏{p}", "心率{p} 血压{s}/{d}",
    "{s}/{d} 心率{p}", "高压{s}低压{d}心率{p}", "血压{s}/{d} 心率{p}次/分", "血压{s}/{d}，心跳{p}次",
    "血压{s}/{d}脉搏{p}次每分",
]
BP_PULSE_CASES = [(fmt.format(s=s, d=d, p=p), bp(s, d, p))
                  for s, d, p in [(150, 95, 80), (132, 84, 66), (118, 72, 58)] for fmt in BP_PULSE_FORMATS]

BP_CHINESE_CASES = (
    [(f"血压{cn(s)}，{cn(d)}", bp(s, d)) for s, d in BP_VALUES]
    + [(f"血压{cn(s)}{cn(d)}", bp(s, d)) for s, d in BP_VALUES]  # spoken without a pause
    + [(f"高压{cn(s)}低压{cn(d)}", bp(s, d)) for s, d in BP_VALUES]
    + [(f"{cn(s)}比{cn(d)}", bp(s, d)) for s, d in BP_VALUES]
    + [(f"血压{cn(s)}，{cn(d)}，心率{cn(p)}。", bp(s, d, p)) for s, d, p in [(150, 95, 80), (136, 88, 72), (170, 104, 90)]]
    + [
        ("血压一百五比九十五", bp(150, 95)),
        ("血压一百四九十", bp(140, 90)),
        ("血压一百三八十五", bp(130, 85)),
        ("一百六，一百", bp(160, 100)),
        ("高压一百八低压一百一", bp(180, 110)),
        ("血压一五零，九五", bp(150, 95)),
        ("血压两百一百二十", bp(200, 120)),
        ("血压一百零五七十", bp(105, 70)),
        ("血压一百五十九十五心率八十", bp(150, 95, 80)),
        ("血压高压一百四十低压九十心率七十二", bp(140, 90, 72)),
    ]
)

BP_VOICE_CASES = [
    ("血压150，95。", bp(150, 95)),
    ("高压150，低压95。", bp(150, 95)),
    ("血压150 95。", bp(150, 95)),
    ("我的血压是150/95。", bp(150, 95)),
    ("今天早上量的血压是150比95。", bp(150, 95)),
    ("血压一百五十比九十五。", bp(150, 95)),
    ("血压是一百四十，八十五，心率是七十。", bp(140, 85, 70)),
    ("刚才量了一下血压一百三十二八十六。", bp(132, 86)),
]

BP_FULLWIDTH_CASES = [(full_width(text), expected) for text, expected in BP_CASES[:40]]

BP_NOISE_CASES = [
    ("早上8点量的 150/95", bp(150, 95)),
    ("8:30 血压150/95", bp(150, 95)),
    ("8点30分 血压150/90", bp(150, 90)),
    ("我72岁，血压150/90", bp(150, 90)),
    ("吃了2片药，血压150/90", bp(150, 90)),
    ("2024/11/23 血压150/90", bp(150, 90)),
    ("11月23日血压150/90", bp(150, 90)),
    ("体重65公斤，血压140/85", bp(140, 85)),
    ("体温36.5 血压130/80", bp(130, 80)),
    ("血压150/95，走了3000步", bp(150, 95)),
    ("吃药半小时后血压150/95", bp(150, 95)),
    ("量了3次，血压150/95", bp(150, 95)),
    ("没有头疼，血压140/90", bp(140, 90)),
    ("血压150/95 还好", bp(150, 95)),
    ("血压 150 / 95", bp(150, 95)),
    ("血压150/95 谢谢医生", bp(150, 95)),
    ("吃了糖 150/95", bp(150, 95)),
    ("150/95 80", bp(150, 95, 80)),
    ("糖7.8", glu(7.8)),
    ("糖 6.5 空腹", glu(6.5, "fasting")),
]

BP_PARTIAL_CASES = [
    ("高压150", bp(150, None)),
    ("低压95", bp(None, 95)),
    ("血压150", bp(150, None)),
    ("血压一百八", bp(180, None)),
    ("血压一百八 头疼", bp(180, None)),
    ("心率80", bp(None, None, 80)),
    ("血压高压160", bp(160, None)),
]

# --- glucose ---------------------------------------------------------------------------------------
GLUCOSE_VALUES = [3.2, 4.5, 5.6, 6.1, 7.0, 7.8, 8.3, 9.9, 11.2, 12.5, 16.8, 2.8]
GLUCOSE_FORMATS = [
    ("血糖{v}", None), ("血糖 {v}", None), ("血糖：{v}", None), ("血糖是{v}", None), ("血糖{v}mmol/L", None),
    ("血糖 {v} 空腹", "fasting"), ("空腹血糖{v}", "fasting"), ("空腹{v}", "fasting"), ("空腹 血糖 {v}。", "fasting"),
    ("早餐前血糖{v}", "fasting"), ("饭前血糖{v}", "fasting"),
    ("餐后两小时血糖{v}", "postprandial"), ("饭后2小时血糖{v}", "postprandial"), ("餐后血糖{v}", "postprandial"),
    ("晚饭后血糖{v}", "postprandial"), ("血糖{v} 饭后", "postprandial"), ("吃完饭两个小时测的血糖{v}", "postprandial"),
    ("睡前血糖{v}", "bedtime"), ("睡觉前测血糖{v}", "bedtime"), ("随机血糖{v}", "random"), ("午饭前血糖{v}", "random"),
    ("{v} 空腹", "fasting"), ("血糖{v}毫摩尔", None),
]
GLUCOSE_CASES = [(fmt.format(v=v), glu(v, ctx)) for v in GLUCOSE_VALUES for fmt, ctx in GLUCOSE_FORMATS]

GLUCOSE_CHINESE_CASES = (
    [(f"血糖{cn_decimal(v)}", glu(v)) for v in GLUCOSE_VALUES]
    + [(f"空腹血糖{cn_decimal(v)}。", glu(v, "fasting")) for v in GLUCOSE_VALUES]
    + [(f"餐后两小时血糖{cn_decimal(v)}", glu(v, "postprandial")) for v in GLUCOSE_VALUES]
    + [("血糖七点八", glu(7.8)), ("血糖十一点二", glu(11.2)), ("血糖7点8", glu(7.8)), ("空腹血糖六点五", glu(6.5, "fasting"))]
)

GLUCOSE_FULLWIDTH_CASES = [(full_width(f"血糖{v}"), glu(v)) for v in GLUCOSE_VALUES] + [
    ("空腹血糖７．８", glu(7.8, "fasting")), ("血糖：６．１", glu(6.1))
]

MGDL_VALUES = [72, 90, 100, 126, 140, 180, 200, 250, 36, 400]
MGDL_CASES = (
    [(f"血糖{n}", glu(mgdl_to_mmol(n), None, True)) for n in MGDL_VALUES]
    + [(f"空腹血糖{n}", glu(mgdl_to_mmol(n), "fasting", True)) for n in MGDL_VALUES]
    + [(f"血糖{n}mg/dL", glu(mgdl_to_mmol(n))) for n in MGDL_VALUES]
    + [(f"血糖{n} mg/dl 空腹", glu(mgdl_to_mmol(n), "fasting")) for n in MGDL_VALUES]
    + [("血糖35", glu(35.0)), ("血糖一百四", glu(7.8, None, True))]
)

# --- several readings, ambiguous numbers, negatives -----------------------------------------------
MULTI_CASES = [
    ("血压150/95 血糖7.8", ("multi", (bp(150, 95), glu(7.8)))),
    ("空腹7.8 餐后11.2", ("multi", (glu(7.8, "fasting"), glu(11.2, "postprandial")))),
    ("血糖6.5，血压130/80", ("multi", (glu(6.5), bp(130, 80)))),
    ("血压150/95，血压148/92", ("multi", (bp(150, 95), bp(148, 92)))),
    ("150/95 空腹血糖7.2", ("multi", (bp(150, 95), glu(7.2, "fasting")))),
    ("150/95 145/90", ("multi", (bp(150, 95), bp(145, 90)))),
    ("早上150/95 晚上140/90", ("multi", (bp(150, 95), bp(140, 90)))),
    ("左手150/95，右手145/90", ("multi", (bp(150, 95), bp(145, 90)))),
    ("血压150/95/80 145/90/78", ("multi", (bp(150, 95, 80), bp(145, 90, 78)))),
]

AMBIGUOUS_CASES = [
    ("150", amb(150)), ("95", amb(95)), ("7.8", amb(7.8)), ("一百五十", amb(150)), ("１５０", amb(150)),
    ("150。", amb(150)), ("是150", amb(150)), ("今天150", amb(150)), ("十一点二", amb(11.2)), ("80", amb(80)),
]

NEGATIVE_CASES = [
    "血压药吃完了", "我今天头疼", "你好", "您好，在吗", "谢谢医生", "血压高怎么办", "血糖有点高", "我有糖尿病",
    "我有高血压", "明天去医院", "吃了2片药", "我72岁了", "电话13812345678", "早上8点吃药", "2024年11月23日",
    "三天没量了", "有一点头晕", "头不疼", "没有不舒服", "我十分难受", "百分之八十好了", "第一次用", "血压计坏了",
    "血糖仪没电了", "降压药要吃几片", "医生什么时候来", "帮我预约一下", "今天天气不错", "哈哈", "好的",
    "收到", "血压", "血糖", "空腹", "餐后", "我想续约", "星期三去复查", "一天吃两次药", "打了8个单位胰岛素",
    "体温38.5度", "走了3000步", "体重65公斤", "两三天了", "血压怎么量", "1234567", "150/95/80/70",
    "我的身份证后六位是123456", "老百姓看病难", "血压150/95/80/70 心率", "11/23/2024/1", "150 95 145 90",
    "吃了两块糖", "糖尿病15年了",
]
NEGATIVE_TABLE = [(text, NONE) for text in NEGATIVE_CASES]

ALL_CASES = (
    ISSUE_CASES + BP_CASES + BP_PULSE_CASES + BP_CHINESE_CASES + BP_VOICE_CASES + BP_FULLWIDTH_CASES
    + BP_NOISE_CASES + BP_PARTIAL_CASES + GLUCOSE_CASES + GLUCOSE_CHINESE_CASES + GLUCOSE_FULLWIDTH_CASES
    + MGDL_CASES + MULTI_CASES + AMBIGUOUS_CASES + NEGATIVE_TABLE
)


@pytest.mark.parametrize("text, expected", ALL_CASES, ids=[f"{i}-{t}" for i, (t, _) in enumerate(ALL_CASES)])
def test_parse_reading_table(text, expected):
    assert summary(parse_reading(text)) == expected


def test_the_table_has_several_hundred_cases():
    assert len(ALL_CASES) >= 500


# --- symptoms kept for triage ----------------------------------------------------------------------
SYMPTOM_CASES = [
    ("血压一百八 头疼", ("头疼",)),
    ("我今天头疼", ("头疼",)),
    ("有一点头晕", ("头晕",)),
    ("血压150/95 头晕", ("头晕",)),
    ("血糖3.2 心慌出汗", ("心慌", "出汗")),
    ("胸口疼，喘不上气", ("胸口疼", "喘不上气")),
    ("说话不清楚，嘴歪", ("说话不清楚", "嘴歪")),
    ("肚子疼还想吐", ("肚子疼", "想吐")),
    ("我十分难受", ("难受",)),
    ("有点不舒服", ("不舒服",)),
    ("腿肿了", ("腿肿",)),
    ("我低血糖了", ("低血糖",)),
    ("头疼不厉害", ("头疼",)),
    ("没有头疼", ()),
    ("头不疼", ()),
    ("不头晕", ()),
    ("没有不舒服", ()),
    ("无胸痛", ()),
    ("没有胸痛，有点头晕", ("头晕",)),
    ("血压药吃完了", ()),
    ("麻烦医生看看", ()),
    ("你好", ()),
    ("血压150/95", ()),
    ("吐槽一下", ()),
]


@pytest.mark.parametrize("text, expected", SYMPTOM_CASES)
def test_symptom_words_are_found_with_negation(text, expected):
    assert find_symptoms(text) == expected


@pytest.mark.parametrize("text, symptoms", [("血压一百八 头疼", ("头疼",)), ("我今天头疼", ("头疼",)),
                                             ("150 头晕", ("头晕",)), ("血糖3.2 心慌", ("心慌",))])
def test_symptoms_travel_with_the_intent(text, symptoms):
    assert parse_reading(text).symptoms == symptoms


# --- plausibility is flagged, not decided --------------------------------------------------------------
@pytest.mark.parametrize(
    "text, fields",
    [("血压300/200", set()), ("血压310/95", {"systolic"}), ("血压150/20", {"diastolic"}), ("血压90/150", {"diastolic"}),
     ("血压150/95 心率300", {"pulse"}), ("血压15.0/9.5", {"systolic", "diastolic"}), ("40/30", {"systolic"}),
     ("血压150/95", set()), ("血压95/150", {"diastolic"})],
)
def test_bp_implausibility_is_flagged_from_ml_clinical(text, fields):
    assert set(parse_reading(text).problems()) == fields


@pytest.mark.parametrize("text, implausible", [("血糖40mmol/L", True), ("血糖0.5", True), ("血糖1.0", False),
                                                ("血糖35", False), ("血糖36", False), ("血糖7.8", False)])
def test_glucose_implausibility_is_flagged(text, implausible):
    assert bool(parse_reading(text).problems()) is implausible


def test_half_a_reading_has_no_problems_yet():
    assert parse_reading("高压150").problems() == {}


@pytest.mark.parametrize("text, flag", [("血糖显示HI", "HI"), ("血糖 LO", "LO"), ("血糖仪显示hi", "HI"), ("空腹血糖lo", "LO")])
def test_meter_hi_lo_is_a_flag_not_a_number(text, flag):
    intent = parse_reading(text)
    assert isinstance(intent, GlucoseIntent) and intent.flag == flag and intent.value_mmol is None


def test_mgdl_guess_keeps_the_typed_number():
    intent = parse_reading("血糖140")
    assert intent.original == 140 and intent.value_mmol == 7.8 and intent.needs_unit_confirm


# --- expectations from a guided question ------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expect, expected",
    [("150", "bp", bp(150, None)), ("95", "bp", bp(95, None)), ("150/95", "bp", bp(150, 95)),
     ("7.8", "glucose", glu(7.8)), ("140", "glucose", glu(7.8, None, True)), ("空腹 6.5", "glucose", glu(6.5, "fasting")),
     ("七点八", "glucose", glu(7.8)), ("一百五十", "bp", bp(150, None)), ("150/95", "glucose", bp(150, 95)),
     ("不知道", "bp", NONE), ("不知道", "glucose", NONE)],
)
def test_expected_kind_resolves_a_lone_number(text, expect, expected):
    assert summary(parse_reading(text, expect=expect)) == expected


# --- Chinese numerals ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "run, numbers",
    [("一百五十九十五", [150, 95]), ("一百五十九", [159]), ("一百八", [180]), ("一百零八", [108]), ("十五", [15]),
     ("九十五", [95]), ("一五零", [150]), ("九五", [95]), ("一百四九十", [140, 90]), ("一百二十八十", [120, 80]),
     ("一百六十一百", [160, 100]), ("两百", [200]), ("十", [10]), ("一百一", [110]), ("一百一十", [110]),
     ("一五零九十五", [150, 95]), ("九十五八十", [95, 80]), ("三十", [30])],
)
def test_chinese_integer_runs(run, numbers):
    assert _int_run(run) == numbers


@pytest.mark.parametrize(
    "text, converted",
    [("血糖七点八", "血糖 7.8"), ("有一点头晕", "有一点头晕"), ("我十分难受", "我十分难受"), ("两次", "两次"),
     ("星期三", "星期三"), ("第一次", "第一次"), ("老百姓", "老百姓"), ("十一点二", "11.2")],
)
def test_numeral_conversion_leaves_words_alone(text, converted):
    assert convert_numerals(text).strip() == converted


def test_nfkc_is_what_normalises_full_width():
    assert unicodedata.normalize("NFKC", "１５０／９５") == "150/95"
    assert summary(parse_reading("１５０／９５")) == bp(150, 95)


# --- small answers: glucose context and reminder times -------------------------------------------
@pytest.mark.parametrize(
    "text, context",
    [("空腹", "fasting"), ("饭前", "fasting"), ("早餐前", "fasting"), ("饭后", "postprandial"), ("餐后两小时", "postprandial"),
     ("睡前", "bedtime"), ("其他", "random"), ("不知道", "random"), ("随机", "random"), ("1", "fasting"), ("2", "postprandial"),
     ("3", "bedtime"), ("空腹。", "fasting"), ("是", None), ("7.8", None), ("午饭前", "random")],
)
def test_glucose_context_answers(text, context):
    assert parse_glucose_context(text) == context


@pytest.mark.parametrize(
    "text, times",
    [("8:00 20:00", ("08:00", "20:00")), ("8：00，20：00", ("08:00", "20:00")), ("早上八点 晚上八点", ("08:00", "20:00")),
     ("早上8点 晚上8点半", ("08:00", "20:30")), ("早8晚8", ("08:00", "20:00")), ("下午三点", ("15:00",)),
     ("七点三十", ("07:30",)), ("中午12点", ("12:00",)), ("中午1点", ("13:00",)), ("7:30 12:00 18:30", ("07:30", "12:00", "18:30")),
     ("20:00 8:00 8:00", ("08:00", "20:00")), ("２１：００", ("21:00",)), ("abc", None), ("25:00", None), ("8:61", None),
     ("", None), ("1 2 3 4 5 6 7", None)],
)
def test_reminder_times(text, times):
    assert parse_times(text) == times


def test_reading_words_name_no_symptom_so_the_reader_may_be_skipped():
    """find_symptoms skips the reader for a text of reading words, numbers and separators only: the reader must find
    nothing in any of those words, alone or with numbers."""
    from app.wechat import parsing

    words = {w for w, _ in parsing._KEYWORDS} | set(parsing._UNIT_ONLY_WORDS)
    for word in sorted(words):
        for text in (word, f"{word} 138/86", f"138/86 {word} 72", f"{word}5.6"):
            assert parsing._reading_words_only(text), text
            assert parsing._read_symptoms(text) == (), text
    assert not parsing._reading_words_only("血压 138/86 头痛")
    assert not parsing._reading_words_only("血压高 心慌")
    assert parsing.find_symptoms("血压 190/120 头痛 呕吐") == ("头痛", "呕吐")
