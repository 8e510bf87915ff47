"""Numbers in residents' Chinese: Arabic, full-width or Chinese numerals (via cn2an), measured values
bound to their concept (BP, glucose, temperature, pulse, SpO2, weight, gestational week, …) and
durations. One code path: triage, the reading rules and the bot's reading parser all use it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import cn2an


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), lower case, one space for runs of whitespace; the brackets of a short aside
    dropped, its words kept ("心口窝(胃那块)发堵" reads as one phrase: a bracket would end the site's reach)."""
    t = unicodedata.normalize("NFKC", text or "").lower()
    t = _ASIDE_RE.sub(r"\1", t)
    t = _EMOJI_RE.sub("，", t)   # an emoji ends a clause as a comma does ("疼死了😭就几个小水泡")
    return re.sub(r"\s+", " ", t).strip()


_EMOJI_RE = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]+")
_ASIDE_RE = re.compile(r"\(([^()，。,.;；!！?？]{1,8})\)")


CN_DIGITS = "零〇一二两三四五六七八九十百千"
NUM = rf"(\d+(?:\.\d+)?|[{CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+|几)?)"
_FUZZY = {"半": 0.5, "几": 3, "好几": 4, "两三": 3, "三四": 4, "一两": 2, "三五": 5, "四五": 5, "十几": 15,
          "二十几": 25, "几十": 30, "一二": 2, "俩": 2, "仨": 3,
          # neighbouring tens say "about" ("估计二三十片"): their middle
          "一二十": 15, "二三十": 25, "三四十": 35, "四五十": 45, "五六十": 55, "六七十": 65, "七八十": 75, "八九十": 85}


# Two neighbouring numerals are a rough range ("五六天", "两三个月"): (low, high). An age is read at its low end (the
# younger, the stricter the rule); anything else at the middle.
_RANGE_RE = re.compile(r"^([一二两三四五六七八])([二三四五六七八九])$")
_RANGES = {"一两": (1, 2), "三五": (3, 5)}   # the two the pattern does not read (两 second, numerals not neighbours)


def number_range(s: str) -> tuple[float, float] | None:
    """'五六' -> (5, 6); None when ``s`` is not a range of two neighbouring numerals."""
    if s in _RANGES:
        return _RANGES[s]
    m = _RANGE_RE.match(s)
    if m:
        a, b = (float(cn2an.cn2an(x.replace("两", "二"), "smart")) for x in m.groups())
        if b == a + 1:
            return a, b
    return None


_APPROX_RE = re.compile(r"^(.*[十百])([一二三四五六七八])([二三四五六七八九])(十)?$")
_TENS_LEFT_OUT_RE = re.compile(r"^([一二两]百[一二三四五六七八九])几$")  # "一百二几": 一百二十几, the 十 left out


def to_number(s: str) -> float | None:
    """'39.5', '三十九点五', '一百九' -> float; None when it is not a number."""
    s = s.strip()
    if not s:
        return None
    if s in _FUZZY:
        return float(_FUZZY[s])
    r = number_range(s)
    if r is not None:
        return (r[0] + r[1]) / 2
    try:
        return float(s)
    except ValueError:
        pass
    if _TENS_LEFT_OUT_RE.match(s):
        s = s[:-1] + "十几"
    if s.endswith("几") and len(s) > 1 and s[-2] in "十零":  # "九十几", "一百零几": about the middle
        base = to_number(s[:-1] if s[-2] == "十" else s[:-2])
        return base + 5 if base is not None else None
    m = _APPROX_RE.match(s)
    if m:  # "三十七八", "一百五六", "一百五六十": two neighbouring digits say "about", read as their middle
        tens = m.group(4) or ""
        a, b = to_number(m.group(1) + m.group(2) + tens), to_number(m.group(1) + m.group(3) + tens)
        if a is not None and b is not None and b > a:
            return (a + b) / 2
    try:
        return float(cn2an.cn2an(s, "smart"))
    except Exception:  # cn2an raises bare ValueErrors with varied messages
        return None


_FILL = (r"(?:老是|总是|一直|经常|都是|是|有|为|到|达|达到|才|只有|都|已经|快|了|测|量|测了|量了|显示|大概|约|差不多|:|\s|高达|低到|高到|升到|降到|每分钟|一分钟|"
         r"1分钟|的|在|只|还|竟然|居然|最高|最低|就|就是|也|又|只剩|剩|老在|总在|一直在|这两天|这几天|最近|今天|今早|早上|晚上|上午|下午|两回|两次|几回|几次|好几次|"
         r"突然|一下子|一上午|一下午|一晚上|一整天|一天|整天|掉到|跌到|掉了|降了|"
         r"平时|平常|左右|上下|常在)*")
_TEMP_RE = re.compile(rf"(?:体温|发烧|发热|烧到|烧了|烧|温度|腋温|口温|肛温|耳温)?{_FILL}{NUM}\s*(?:度|°c|℃|°)(多|半|[一二三四五六七八九\d])?")
_BP_SLASH_RE = re.compile(r"(\d{2,3})\s*[/\\／]\s*(\d{2,3})")
_BP_RANGE_RE = re.compile(r"(\d{2,3})\s*(?:到|至|-|~|～)\s*(\d{2,3})\s*[、，,/\s]\s*(\d{2,3})(?:\s*(?:到|至|-|~|～)\s*(\d{2,3}))?")
_BP_PAIR_RE = re.compile(r"(?:量|测)[^，。；！？,.;!?\d]{0,6}?(\d{2,3})\s+(\d{2,3})(?!\s*\d)")
# Voice input says a pressure as one run of numerals after the measuring verb ("量了一下一百八十五一百一十二");
# in a series the last reading is the one that counts (中国高血压防治指南 2018: the later readings after rest).
_BP_CN_RUN_RE = re.compile(r"(?:量|测|第[二三四五2-5](?:遍|次|回))(?:了|一下|了一下|得|出来|还是|是|的|着|都|都是|在|都在|"
                           r"(?:好)?[一二两三几](?:回|次|遍))*"
                           r"([零〇一二两三四五六七八九十百]{2,6}[、，,/\s]{1,2}[零〇一二两三四五六七八九十百]{2,6}"
                           r"|[零〇一二两三四五六七八九十百]{5,12})")
_BP_CONTEXT_RE = re.compile(r"血压|高血压|降压|沙坦|地平|普利|洛尔")
_CN_PAIR_RE = re.compile(r"(?<![零〇一二两三四五六七八九十百几\d])([一二两]百[零〇一二三四五六七八九十几]{0,4})(?:左右|多)?[、，,/\s]{1,2}"
                         r"((?:一百|[五六七八九]十)[零〇一二三四五六七八九十几]{0,2})(?![零〇一二三四五六七八九十百几])")
_SYSTOLIC_RANGE_RE = re.compile(r"(?:量|测)[^，。；！？,.;!?\d]{0,6}?(\d{3})\s*(?:到|至|-|~|～)\s*(\d{3})(?!\s*[/\d])")
_BP_WORD_RE = re.compile(rf"(血压|高压|收缩压|低压|舒张压){_FILL}{NUM}(?:多)?(?:\s*(?:mmhg|毫米汞柱))?"
                         rf"(?:[\s,，、和到/-]*(?:低压)?{_FILL}{NUM})?")
_GLU_RE = re.compile(rf"(?:血糖|空腹血糖|餐后血糖|随机血糖|指尖血糖|糖|空腹|(?:餐后|饭后)(?:[两二2](?:个)?(?:小时|钟头|钟|h))?){_FILL}"
                     # the whole number, never its first digits (「两块糖十五分钟」 is no glucose of 10)
                     rf"{NUM}(?![\d{CN_DIGITS}])(点[\d一二三四五六七八九]|点多|多)?\s*(mmol|mg)?"
                     r"(?!\s*(?:个|天|周|星期|礼拜|年|月|小时|钟头|分钟|岁|次|回|般|些|直|样|会|下|点儿))")
_PULSE_RE = re.compile(rf"(?:心率|脉搏|心跳|脉率){_FILL}{NUM}(多)?\s*(?:次|下)?")
_PULSE2_RE = re.compile(rf"(?<!呼吸)(?:每分钟|一分钟)(?:只有|才|有|就)?{NUM}(多|好几)?\s*(?:次|下)?")
_SPO2_RE = re.compile(rf"(?:血氧饱和度|血氧|氧饱和度|饱和度|指脉氧|指夹子|指夹|测氧仪|血氧仪|测氧的|测血氧的){_FILL}"
                      rf"(?:出来|出来的|上|上面)?(?:是|只有|才)?{NUM}\s*%?")
_RR_RE = re.compile(rf"(?:呼吸|喘气|气)(?:每分钟|一分钟|频率){_FILL}{NUM}\s*(?:多|来)?\s*(?:次|下)|"
                    rf"数了?(?:一下)?(?:呼吸|喘气)(?:一分钟|每分钟)?{_FILL}{NUM}\s*(?:多|来)?\s*(?:次|下)")
_PAIN_RE = re.compile(rf"(?:疼|痛)[^，。,.;!?]{{0,6}}?{NUM}\s*分|{NUM}\s*分(?:的)?(?:疼|痛)")
_COUNT_RE = re.compile(rf"(拉|泻|吐|呕)了?{NUM}(多)?(?:次|回|趟)")
# Tablets swallowed: a count after a swallowing verb, or missing from the pack ("药板少了五片"). A count over a period is a course of treatment, not one
# intake ("这个月吃了三十片", "每天吃两片", "一共吃了二十片"), so a period word just before it cancels it.
_TABLETS_RE = re.compile(rf"(?:吃|吞|服|嚼|咽|喂|少)(?:了|下|掉|咗|下去|进去)?[^，。；！？,.;!?\d]{{0,8}}?{NUM}(多)?\s*(?:片|粒|颗)")
# The count told before the verb: 「一瓶艾司唑仑大概三十片全吞了」, 「20多粒一口气吃了」.
_TABLETS_BEFORE_RE = re.compile(rf"{NUM}(多)?\s*(?:片|粒|颗)(?:左右|上下)?(?:药)?(?:全|都|全部|一起|一口气|一下子|一次)?"
                                r"(?:吞|吃|服|咽|喝)(?:了|下|掉|光|咗|下去)")
_BREATH_COUNT_RE = re.compile(rf"数了?(?:一下|下)?[，,\s]?(?:一分钟|每分钟){_FILL}{NUM}\s*(几|多|来)?\s*(?:次|下)")
_FASTING_RE = re.compile(r"空腹|早上|早晨|清早|起床|晨起|饭前|餐前|没吃饭|没吃早饭")
_SUSTAINED_RE = re.compile(r"还是|一直|老是|总是|都是|都在|仍然|依然|天天|每次")
_DECIMALS_RE = re.compile(r"\d+\.\d")   # "7.8 8.1 7.6 8.3": a run of readings
_PERIOD_RE = re.compile(rf"每|[\d{CN_DIGITS}几]+(?:天|日|周|个月|月|年)|这(?:周|个月|阵|些天|几天)|礼拜|星期|一共|总共|陆续|疗程|"
                        r"吃到现在|到现在|才吃了|还剩")
_LENGTH_RE = re.compile(rf"{NUM}(?:多)?\s*(公分|厘米|cm|毫米|mm)")
_MAGNETS_RE = re.compile(rf"{NUM}(?:颗|个|块|粒|枚)[^，。；！？,.;!?\d]{{0,12}}?磁")
_PREG_RE = re.compile(rf"(?:怀孕|孕|怀了|怀二胎|有咗)(?:已经|快|了)?{NUM}(个)?(多)?(周|个月|月|礼拜|星期)")
# The notation of antenatal notes: 「34w+2」 is 34 weeks and 2 days.
_PREG_W_RE = re.compile(r"(?<![\d.])([1-4]\d)\s*[wW](?:\s*\+\s*([0-6]))?(?![a-zA-Z])")
_HI_LO_RE = re.compile(r"血糖[^，。,.;!?]{0,12}?(hi|lo|测不出|爆表)")
_WEIGHT_RE = re.compile(rf"体重{_FILL}{NUM}\s*(公斤|kg|千克|斤)?")
# Serum potassium off a lab slip ("血钾7.3", "钾6.1", "K+ 2.8"), mmol/L.
_POTASSIUM_RE = re.compile(rf"(?:血钾|钾离子|血清钾|钾|(?<![a-z])k\+?(?![a-z])){_FILL}(\d(?:\.\d+)?|[一二三四五六七八九]点[零一二三四五六七八九]+)(?![\d.])")
# "血糖低，测了下是2.6": a bare decimal after a glucose word (no other measure named in between) is
# the glucose value; the same for temperature after 发烧/体温 ("发烧了，量了一下39度" is covered by
# the unit; "烧得厉害 量了是39.2" is not).
# Treating a low with sugar ("吃了两块糖", "喝了糖水") says the values measured after it are glucose too.
_GLU_WORD_RE = re.compile(r"血糖|测糖|量糖|低血糖|高血糖|测个糖|糖尿病|血糖仪|测了个糖|(?:吃|含|喝)了?[一两二三几]?(?:块|颗|粒|杯|口)?(?:糖|糖水)")
_TEMP_WORD_RE = re.compile(r"体温|发烧|发热|烧到|高烧|低烧|发烫|烫|夹表|体温计|温度计|体温枪|额温|耳温|腋下|腋窝|胳肢窝")
_OTHER_MEASURE_RE = re.compile(rf"血压|高压|低压|心率|脉搏|心跳|血氧|体温|体重|血糖|温度|℃|/|[\d{CN_DIGITS}几多半个]\s*(?:度|次|岁|斤|公斤)")
# A measured value standing alone: Arabic, or Chinese with a decimal point ("十九点三").
_LONE_VALUE = rf"(\d+(?:\.\d+)?|[{CN_DIGITS}]+点[零〇一二三四五六七八九]+)(?![\d/])"
_BARE_VALUE_RE = re.compile(rf"(?:测|量|查|验|显示|测出来|结果)[^，。；！？,.;!?\d]{{0,6}}?{_LONE_VALUE}")
# A decimal between 35.0 and 42.9 read off a thermometer ("夹表量38.3", "测了37.8") is a temperature even
# when no fever word comes first: no other measure a resident writes with one decimal lies in that range
# (a glucose that high is written in mg/dL without a decimal, and is bound to its glucose word first).
_TEMP_NAMED_RE = re.compile(r"体温|耳温|额温|腋温|肛温|口温|发烧|发热|烧到|高烧|低烧|体温计")
_TEMP_BARE_RE = re.compile(r"(?:测|量|表|显示|体温计|测出来|发烧|发热|烧到|烧了|体温|高烧|低烧|烧|探热|磨温|耳温|额温|腋温|肛温|口温|"
                           r"腋下|腋窝|胳肢窝)"
                           r"[^，。；！？,.;!?\d]{0,4}?(3[5-9]|4[0-2])\.(\d)(?![\d/])")


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
    weight_kg: float | None = None
    potassium: float | None = None
    glucose_after_treatment: float | None = None   # "喝了糖水 再测5.6": the value once a low was treated
    glucose_after_meal: float | None = None        # an after-meal value in range (< 10.0), kept apart from glucose
    tablets_at_once: float | None = None
    glucose_fasting: bool = False                   # taken fasting or before a meal ("空腹", "早上起来", "饭前")
    glucose_sustained: bool = False                 # said to stay there ("还是9到10", "一直七点多", several values)
    length_cm: float | None = None                 # a length said in cm ("口子 两公分左右"): a cut's, in a wound message
    magnets: float | None = None                   # how many magnets were swallowed, when said ("就一颗小磁铁")           # "一下吃了15片安眠药": tablets swallowed in one go


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


# A value said to be the usual one ("平时血压一百一左右 … 今天量了88/52") is the baseline, not today's reading.
_BASELINE_RE = re.compile(r"平时|平常|一般|往常|原来|以前|之前|一向|向来|素来|平素|素日|往日")


def _baseline(t: str, m: re.Match) -> bool:
    before = re.split(r"[，。；！？,.;!?\s]", t[max(0, m.start() - 4):m.start()])[-1]
    return bool(_BASELINE_RE.search(before + m.group(0)))


# A blood pressure measured again after resting ("歇了半小时再量132/82", "第三遍130/80") is the reading: the
# guidelines take the later readings of a series, after five minutes' rest (中国高血压防治指南 2018 血压测量).
_BP_RETEST_RE = re.compile(r"(?:再|又|重新|复)(?:量|测)|第[二三四五2-5](?:遍|次|回)|最后一(?:遍|次|回)")


def _bp_retested(t: str) -> tuple[float, float] | None:
    last = None
    for m in _BP_SLASH_RE.finditer(t):
        s, d = float(m.group(1)), float(m.group(2))
        if 50 <= s <= 300 and 30 <= d <= 200 and s > d and _BP_RETEST_RE.search(t[max(0, m.start() - 10):m.start()]):
            last = (s, d)
    return last


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
        if _baseline(t, m):
            continue
        s, d = float(m.group(1)), float(m.group(2))
        if 50 <= s <= 300 and 30 <= d <= 200 and s > d:
            n.systolic, n.diastolic = _max(n.systolic, s), _max(n.diastolic, d)
    retest = _bp_retested(t)
    if retest is not None:
        n.systolic, n.diastolic = retest
    for m in _BP_WORD_RE.finditer(t):
        if retest is not None:
            break
        if _baseline(t, m):
            continue
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
    if n.systolic is None and _BP_CONTEXT_RE.search(t):
        # In a message about blood pressure: a pair of numbers in numerals with no slash and no 量 before them
        # ("血压计上二百一十几 一百二十左右", "一百二十八 七十八"), else the upper pressure alone as a range
        # ("有高血压 … 这周早上量的都在130到136").
        for m in _CN_PAIR_RE.finditer(t):
            s_, d_ = to_number(m.group(1)), to_number(m.group(2))
            if s_ and d_ and 70 <= s_ <= 260 and 40 <= d_ <= 160 and s_ > d_ + 10:
                n.systolic, n.diastolic = s_, d_
                break
        else:
            m = _SYSTOLIC_RANGE_RE.search(t)
            if m and 90 <= float(m.group(1)) <= float(m.group(2)) <= 260:
                n.systolic = float(m.group(2))
    for m in _GLU_RE.finditer(t):
        v = to_number(m.group(1))
        if v is not None:
            tail = m.group(2)
            if tail:
                v += 0.5 if tail in ("多", "点多") else (to_number(tail[1:]) or 0) / 10
            g = _glucose_value(v, m.group(3))
            # After a meal the target is < 10.0 (fasting 4.4-7.0): an after-meal value in range says nothing
            # beyond the fasting one (中国2型糖尿病防治指南 2020).
            if g is not None and _after_meal(t, m) and 3.9 <= g < 10:
                n.glucose_after_meal = g
            elif g is not None:
                n.glucose = _glucose_merge(n.glucose, g)
    for m in _HI_LO_RE.finditer(t):
        n.glucose = 1.0 if m.group(1) == "lo" else 33.4
    for m in _PULSE_RE.finditer(t):
        v = _some_more(to_number(m.group(1)), m.group(2))
        if v and 20 <= v <= 300:
            n.pulse = v
    if n.pulse is None and re.search("心跳|心率|脉搏|脉", t):
        for m in _PULSE2_RE.finditer(t):
            v = _some_more(to_number(m.group(1)), m.group(2))
            if v and 20 <= v <= 300:
                n.pulse = v
    for m in _SPO2_RE.finditer(t):
        v = to_number(m.group(1))
        if v and 50 <= v <= 100:
            n.spo2 = v
    if n.resp_rate is None and re.search("喘|呼吸|换气", t) and not re.search("心跳|心率|脉搏|脉", t):
        # 「喘得好快 我数了一分钟七十几下」: a count of breaths when breathing is the subject and no pulse is named.
        m = _BREATH_COUNT_RE.search(t)
        v = _some_more(to_number(m.group(1)), m.group(2)) if m else None
        if v and 10 <= v <= 120:
            n.resp_rate = v
    for m in _RR_RE.finditer(t):
        v = to_number(m.group(1) or m.group(2))
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
    if n.systolic is None and re.search("血压|高压|降压", t):
        for m in _BP_CN_RUN_RE.finditer(t):
            parts = re.split(r"[、，,/\s]+", m.group(1))
            sbp, dbp = (to_number(parts[0]), to_number(parts[1])) if len(parts) == 2 else _split_cn_bp(m.group(1))
            if sbp and dbp and 60 <= sbp <= 300 and 30 <= dbp <= 200 and sbp > dbp:
                n.systolic, n.diastolic = sbp, dbp
            elif sbp and dbp is None and 60 <= sbp <= 300:
                n.systolic = sbp   # one value, the upper pressure ("量都在一百五六十")
    if n.systolic is None and re.search("血压|降压", t):
        # "血压有点高 今天在家量 148 96", "吃降压药…量都是125 80": two numbers after a measuring verb in a message about
        # blood pressure or its medicine.
        m = _BP_PAIR_RE.search(t)
        if m and 70 <= int(m.group(1)) <= 260 and 40 <= int(m.group(2)) <= 160 and int(m.group(1)) > int(m.group(2)):
            n.systolic, n.diastolic = float(m.group(1)), float(m.group(2))
    if n.diastolic is None and re.search("血压|高压|降压|量", t):
        # A week's readings as two ranges: 「都在125到132、76到80之间」, 「125到130，80左右」: the upper ends.
        m = _BP_RANGE_RE.search(t)
        if m:
            sbp = float(m.group(2))
            dbp = float(m.group(4) or m.group(3))
            if 70 <= float(m.group(1)) <= sbp <= 260 and 40 <= dbp <= 160 and sbp > dbp:
                n.systolic, n.diastolic = sbp, dbp
    bound = _bound_value(t, _GLU_WORD_RE, _lone_glucose)
    if bound is None and n.glucose is None:
        bound = _decimal_before_glucose_word(t)
    if bound is not None and bound != n.glucose_after_meal:
        n.glucose = _glucose_merge(n.glucose, bound)
    corrected, treated = _retested(t, _GLU_WORD_RE, _lone_glucose)
    if corrected is not None:
        n.glucose = corrected
    n.glucose_after_treatment = treated
    if n.glucose is not None:
        n.glucose_fasting = bool(_FASTING_RE.search(t))
        n.glucose_sustained = bool(_SUSTAINED_RE.search(t)) or len(_DECIMALS_RE.findall(t)) >= 3
    if n.temperature is None:
        n.temperature = _bound_value(t, _TEMP_WORD_RE, lambda v: v if 35 <= v <= 43.5 else None)
    if n.temperature is None:
        m = _TEMP_BARE_RE.search(t)
        # After a glucose word a bare decimal may be glucose ("糖尿病 … 测了 7.8"), unless a temperature word says whose
        # it is ("体温39.6").
        if m and (not _GLU_WORD_RE.search(t[:m.start()]) or _TEMP_NAMED_RE.match(m.group(0))):
            n.temperature = float(f"{m.group(1)}.{m.group(2)}")
    for m in _POTASSIUM_RE.finditer(t):
        v = to_number(m.group(1))
        if v is not None and 1.5 <= v <= 9.9:
            n.potassium = v
    for m in _WEIGHT_RE.finditer(t):
        v = to_number(m.group(1))
        if v:
            v = v / 2 if m.group(2) == "斤" else v
            if 2 <= v <= 250:
                n.weight_kg = v
    for m in (*_TABLETS_RE.finditer(t), *_TABLETS_BEFORE_RE.finditer(t)):
        v = to_number(m.group(1))
        before = re.split(r"[，。；！？,.;!?]", t[max(0, m.start() - 8):m.start()])[-1]
        if v and not _PERIOD_RE.search(before + m.group(0)):
            n.tablets_at_once = _max(n.tablets_at_once, v)
    for m in _LENGTH_RE.finditer(t):
        v = to_number(m.group(1))
        if v is not None:
            n.length_cm = _max(n.length_cm, v / 10 if m.group(2) in ("毫米", "mm") else v)
    m = _MAGNETS_RE.search(t)
    if m and "电池" not in t:
        n.magnets = to_number(m.group(1))
    m = _PREG_RE.search(t)
    if m:
        v = to_number(m.group(1))
        if v:
            n.preg_weeks = v if m.group(4) in ("周", "礼拜", "星期") else v * 4.3
    elif (m := _PREG_W_RE.search(t)) and 4 <= int(m.group(1)) <= 42:
        n.preg_weeks = int(m.group(1)) + int(m.group(2) or 0) / 7
    return n


def told_as_course(t: str) -> bool:
    """A period, a total or a rest is named ("这个月", "一共", "还剩"): what was taken was a course, not one go."""
    return bool(_PERIOD_RE.search(t))


def _bound_value(t: str, concept_re: re.Pattern, accept) -> float | None:
    """A bare measured number bound to the concept named earlier in the text (see _GLU_WORD_RE)."""
    w = concept_re.search(t)
    if w is None:
        return None
    for m in _BARE_VALUE_RE.finditer(t, w.end()):
        between = t[w.end():m.start(1)]
        if _OTHER_MEASURE_RE.search(between) and not concept_re.search(between):
            continue
        tail = t[m.end(1):m.end(1) + 2]
        if tail[:1] and tail[:1] in "/度℃次岁斤周天%":
            continue
        value = to_number(m.group(1))
        v = accept(value) if value is not None else None
        if v is not None:
            return v
    return None


# "饭前测4.2 是不是低血糖了": a measured value with a decimal, the glucose named soon after it in the same sentence — a
# decimal reading of 1-35 is a glucose's (blood pressure and pulse are whole numbers, temperature is over 35).
_DECIMAL_MEASURED_RE = re.compile(r"(?:测|量|查|显示|测出来|结果)[^，。；！？,.;!?\d]{0,4}?(\d{1,2}\.\d)(?![\d/])")


_LAB_RE = re.compile(r"钾|钠|肌酐|尿酸|血脂|胆固醇|甘油三酯|血红蛋白|糖化|inr|(?<![a-z])k\+?(?![a-z])|尿素|转氨酶")


def _decimal_before_glucose_word(t: str) -> float | None:
    w = _GLU_WORD_RE.search(t)
    m = _DECIMAL_MEASURED_RE.search(t, 0, w.start()) if w else None
    if m is None:
        return None
    around = t[max(0, m.start() - 8):m.start(1)] + t[m.end():w.start()]
    if _OTHER_MEASURE_RE.search(around) or _LAB_RE.search(around) or t[m.end():m.end() + 1] == "%" or \
            w.start() - m.end() > 16 or "。" in t[m.end():w.start()]:
        return None   # another measure or a lab's name; the glucose word far off, in a sentence of its own
    return _lone_glucose(float(m.group(1)))


_RETEST_RE = re.compile(rf"(?:(?:重新|再|又|重|复|(?:分钟|分|会儿|刻钟|个钟|小时)(?:以|之)?后(?:再)?)(?:测|量)(?:了|一次|一遍|一下)?"
                        rf"|仔细一看|看错了|其实是|原来是)"
                        rf"[^，。；！？,.;!?\d]{{0,4}}?{_LONE_VALUE}")


_NOW_VALUE_RE = re.compile(rf"(?:现在|后来|然后|这会儿|过了一会儿?|(?:[\d{CN_DIGITS}半]+|一刻)(?:个)?(?:分钟|分|刻钟|钟头|小时)(?:以|之)?后)"
                           rf"(?:又)?(?:是|到|升到|回到|有|就)?{_LONE_VALUE}")
_TREATED_RE = re.compile(r"(?:吃|喝|含|打|服|灌|喂|嚼)了?[^，。；！？,.;!?\d]{0,3}?"
                         r"(?:糖|饼干|东西|饭|馒头|果汁|饮料|蜂蜜|胰岛素|针|药|可乐|雪碧|巧克力|牛奶|葡萄糖)")


def _retested(t: str, concept_re: re.Pattern, accept) -> tuple[float | None, float | None]:
    """A value measured again ("手湿了测出2.8，擦干重新测5.9") or read again ("55.5 … 仔细一看是5.55") replaces the
    first reading of that concept:
    the last repeat after the concept's word wins (the reading rules confirm a value the same way). A
    repeat after treatment ("吃了两块糖 再测5.8") is not a correction: the first low value was real, and the
    repeat is returned apart, as the value after treatment. Returns (corrected, after treatment)."""
    w = concept_re.search(t)
    if w is None:
        return None, None
    corrected = treated = None
    for m in _RETEST_RE.finditer(t):
        if m.start() < w.start() or _OTHER_MEASURE_RE.search(t[m.start():m.start(1)]):
            continue
        v = to_number(m.group(1))
        v = accept(v) if v is not None else None
        if v is None:
            continue
        if _TREATED_RE.search(t[w.start():m.start()]):
            treated = v
        else:
            corrected = v
    # "一测2.9 吃了几块糖 现在5.6了": a value told as now, after a treatment, is the value after treatment.
    for m in _NOW_VALUE_RE.finditer(t):
        before = t[:m.start()]
        v = to_number(m.group(1))
        v = accept(v) if v is not None and _TREATED_RE.search(before) else None
        if v is not None and treated is None:
            treated = v
    return corrected, treated


def _lone_glucose(v: float) -> float | None:
    """A value standing alone after a glucose word: mmol/L up to 35 (a larger bare number is not trusted)."""
    return _glucose_value(v, None) if v <= 35 else None


def _glucose_merge(a: float | None, b: float) -> float:
    """Several glucose values in one message: the low one if any is low, else the highest."""
    return b if a is None else (min(a, b) if b < 4 or a < 4 else max(a, b))


_AFTER_MEAL_RE = re.compile(r"(?:餐后|饭后|吃完饭|吃了饭)[^，。；！？,.;!?\s]{0,10}$")


def _after_meal(t: str, m: re.Match) -> bool:
    """A glucose said after a meal: its words start with 餐后/饭后, or the clause names the meal before the value
    ("饭后两个钟头测的血糖8.2")."""
    return m.group(0).startswith(("餐后", "饭后")) or bool(_AFTER_MEAL_RE.search(t[max(0, m.start() - 12):m.start()]))


def _some_more(v: float | None, tail: str | None) -> float | None:
    """"120多" is somewhere in 121-129: the middle of the decade, so that a rule above 120 sees it."""
    return v + 5 if v is not None and tail == "多" and v % 10 == 0 else v


def _max(a: float | None, b: float) -> float:
    return b if a is None else max(a, b)




# ---------------------------------------------------------------------------------------------
# durations
# ---------------------------------------------------------------------------------------------

_UNIT_H = {"分钟": 1 / 60, "小时": 1, "钟头": 1, "个钟": 1, "天": 24, "日": 24, "晚": 12, "夜": 12,
           "星期": 168, "周": 168, "礼拜": 168, "个月": 720, "月": 720, "年": 8760}
_DUR_RE = re.compile(
    rf"(好几|几十|十几|二十几|两三|三四|一两|三五|四五|俩|仨|\d+(?:\.\d+)?|[{CN_DIGITS}]+|半|几)(个)?(多|来)?(半)?"
    r"(分钟|小时|钟头|个钟|天|日|晚|夜|星期|周|礼拜|月|年)(多)?(了|来|前|以来)?")
_CHILD_WORDS = ("孩子", "宝宝", "儿子", "女儿", "婴儿", "小孩", "孙子", "孙女", "外孙", "闺女", "娃")
_REL_TIMES = (("大前天", 72), ("前天", 48), ("昨天", 24), ("昨晚", 18), ("昨黑", 18), ("昨夜", 18), ("昨儿", 24),
              ("昨日", 24), ("刚才", 0.3), ("刚刚", 0.3),
              ("方才", 0.3), ("一会儿", 0.1), ("今天", 6), ("今早", 4), ("早上", 6), ("上午", 6), ("中午", 4),
              ("下午", 4), ("今晚", 2), ("半夜", 6), ("凌晨", 6), ("这两天", 48), ("这几天", 72), ("上周", 168),
              ("上个星期", 168), ("上礼拜", 168), ("上个月", 720), ("去年", 8760), ("半个月", 360), ("半年", 4380),
              # the dialects' today, yesterday and parts of the day (Cantonese, Wu, Henan, North-east)
              ("今朝", 4), ("朝早", 4), ("今日", 6), ("今儿", 6), ("琴晚", 18), ("寻晚", 18), ("寻日", 24),
              ("夜来", 24), ("夜儿个", 24), ("昨儿", 24), ("夜快", 2), ("后晌", 4), ("晌午", 4), ("头先", 0.3),
              ("啱啱", 0.3))


# A greeting may come first ("医生你好，我26 …", "医生你好，4个月打完百白破").
GREETING = r"(?:医生|大夫|您好|你好|在吗|打扰了|请问一下|麻烦问一下|想问一下|问一下|请问)[\s，,。.!！：:]*"
_GREETINGS_RE = re.compile(rf"\s*(?:{GREETING})*")


# A baby word right after an age in months ("2个半月母乳女婴", "三个月的男宝"): the months are the baby's age.
BABY_AFTER_AGE = r"(?:的)?(?:母乳|奶粉|混合喂养|人工喂养)?(?:女婴|男婴|女宝|男宝|宝宝|婴儿)"
_BABY_AFTER_AGE_RE = re.compile(BABY_AFTER_AGE)


def opens_message(t: str, pos: int) -> bool:
    """Nothing but greetings stands before ``pos``."""
    return _GREETINGS_RE.fullmatch(t, 0, pos) is not None


# What only a baby does or has, told right after an age in months that opens the message ("4个月打完百白破").
INFANT_CARE_RE = re.compile(r"(?:的)?(?:宝宝|男婴|女婴|男宝|女宝|婴儿|打完|打了|刚打|接种|吃奶|喝奶|母乳|奶粉|喂奶)")


# How often, not how long: "一年有一两回", "一个月两三次", "每周一次" (a period, then a count of times). A day's
# count ("一天五六次") is left to the counts and durations: it tells how bad an illness of today is. So is a count in
# a period just past ("这一周有两次"): how often it happened lately, not how often it comes.
_RATE_RE = re.compile(
    rf"(?<![这近上前头])(?:每|一)(?:个)?(年|月|周|星期|礼拜)(?:里|里头|下来)?(?:有|会|都|要|得|能|也就|就|大概|差不多|总有|也有)?"
    rf"(好几|两三|三四|一两|三五|四五|俩|仨|\d+|[{CN_DIGITS}]+|几)(?:个)?(?:回|次|趟|阵)")
_PER_WEEK = {"年": 1 / 52, "月": 1 / 4.3, "周": 1, "星期": 1, "礼拜": 1}


def rates(t: str) -> list[tuple[int, int, float]]:
    """(start, end, times a week) for each "N times a period" in the text."""
    out = []
    for m in _RATE_RE.finditer(t):
        n = to_number(m.group(2)) or 2.0   # "好几", "几": a few
        out.append((m.start(), m.end(), n * _PER_WEEK[m.group(1)]))
    return out


def durations(t: str, rate_spans: list[tuple[int, int, float]] | None = None) -> list[tuple[int, float]]:
    """(position, hours) for each duration or onset time in the text; a rate's period is no duration (``rate_spans``:
    `rates(t)`, when the caller has it already)."""
    out: list[tuple[int, float]] = []
    in_rate = [(s, e) for s, e, _ in (rates(t) if rate_spans is None else rate_spans)]
    for m in _DUR_RE.finditer(t):
        if any(s <= m.start() < e for s, e in in_rate):
            continue
        num, ge, duo, ban, unit, duo2, _ = m.groups()
        start = m.start()
        before, after = t[max(0, start - 3):start], t[m.end():m.end() + 2]
        if m.group(7):  # "3个月了的宝宝" keeps its 了; the age check looks past it
            after = t[m.end():m.end() + 2]
        if unit == "月" and not ge and not (duo2 or m.group(7)):
            continue  # "3月5日" is a date
        if unit in ("周", "星期") and (after.startswith("岁") or after.startswith("大") or "孕" in before):
            continue
        if "孕" in before or "怀" in before or before.endswith(("出生", "生下来", "出生了", "出生后", "满")):
            continue   # "出生七个星期了": the baby's age, not how long the fever has lasted
        if unit == "月" and any(w in t[max(0, start - 4):start] for w in _CHILD_WORDS):
            continue  # "孩子8个月" is an age
        if unit == "月" and opens_message(t, start) and INFANT_CARE_RE.match(t, m.end()):
            continue  # "4个月打完百白破" opens with the baby's age
        if unit in ("月",) and (after.startswith(("大", "的宝", "的孩", "宝宝", "孩子", "小孩", "婴儿", "的娃", "娃")) or
                                _BABY_AFTER_AGE_RE.match(t, m.end())):
            continue  # "2个半月母乳女婴" is an age
        if unit in ("天", "日") and (after.startswith(("大", "宝宝", "孩子", "婴儿")) or "出生" in before or
                                   "生下来" in before or before.endswith(("宝宝", "孩子", "婴儿", "新生儿", "娃", "宝宝才"))):
            continue
        v = to_number(num)
        if v is None:
            continue
        if unit == "年" and v > 100:
            continue
        if ban:
            v += 0.5
        if duo == "多" or duo2:
            v *= 1.3   # "两个多月": more than; "两个来月", "十来天": about
        out.append((start, v * _UNIT_H[unit]))
    for word, hours in _REL_TIMES:
        for m in re.finditer(word, t):
            out.append((m.start(), float(hours)))
    return out


