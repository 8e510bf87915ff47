"""Who a message is about: the resident, or a relative with an age and a sex ("我妈82岁",
"孩子3个月", "我老伴"). Relation words come from lexicon/relations.tsv."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from app.language.numbers import GREETING as _GREETING
from app.language.numbers import BABY_AFTER_AGE, INFANT_CARE_RE, NUM, number_range, opens_message, to_number

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
_AGE_M_RE = re.compile(rf"{NUM}(个)?(多|半)?月(龄|大|的宝宝|的孩子|的小孩|的婴儿|的娃|宝宝|孩子|小孩|婴儿|娃|的女儿|的儿子|"
                       rf"{BABY_AFTER_AGE})?")
_AGE_W_RE = re.compile(rf"{NUM}(?:个)?(?:周|星期|礼拜)(?:大|的宝宝|的孩子|的婴儿)|"
                       rf"(?:宝宝|孩子|婴儿|bb|娃|囡|仔|新生儿|出生|生下来|闺女|女儿|儿子|小孩|宝|伢崽|伢子|伢|毛毛)"
                       rf"(?:才|刚|只有|刚刚|出生)?{NUM}(?:个)?(?:周|星期|礼拜)"
                       r"(?!前|以前|以来|没|都|了|一直|来|多了|内)|"
                       rf"(?:出生|生下来)(?:了|后)?{NUM}(?:个)?(?:周|星期|礼拜)")   # "出生七个星期了": an age
# An age written as a bare number right after the person ("我娘七十二", "我63 高血压", "俺哥55 在…",
# "俺娘八十了"): a whole number 1-110 followed by a pause or 了, never by a unit (with 岁 the unit path reads it).
_AGE_BARE_RE = re.compile(rf"(?:今年|已经|都|也)?([零〇一二两三四五六七八九十百]+|\d{{1,3}})(?:了)?"
                          r"(?=$|[\s，。,.;；!！?？])")
_PRONOUN_AGE_RE = re.compile(r"(?:他|她|老人家)(?:今年|都|已经)?(\d{2,3}|[一二三四五六七八九十]{2,4})(?:了|多了)(?=$|[\s，。,.;；!！?？])")
_AGE_FULL_MONTH_RE = re.compile(r"(?:刚|才|刚刚|出)?满月(?:的)?(?:宝宝|孩子|婴儿|娃|小孩|闺女|儿子)|(?:刚|才|刚刚)满月")
_AGE_D_RE = re.compile(rf"(?:出生|生下来|才|宝宝|孩子|婴儿|新生儿|娃|女婴|男婴|男宝|女宝)(?:才|刚|第|刚满|才满|满)?{NUM}天|(?:刚满|才满){NUM}天|(?<!比){NUM}(?:天|日)(?:龄|大|的宝宝|的孩子|的婴儿|宝宝|孩子|婴儿)")   # "一天比一天大" compares
_SEX_SELF_RE = re.compile(r"我是?(?:个)?(女|男)(?:的|性|人)"
                          r"|(?<![儿孙子闺外妇])(?<!男)(女|男)(?!朋|友|儿|孩子|女|厕)(?:性|士|生|孩|子|人|的|[,，\s]|\d|$)")


def _age_number(s: str) -> float | None:
    """An age told as a rough range ("两三个月的宝宝") is read at its younger end, where the rules are stricter (NICE
    NG143: under 3 months any fever is red)."""
    r = number_range(s)
    return r[0] if r is not None else to_number(s)


def parse_subject(t: str, relations: dict[str, tuple[str | None, float | None, bool]],
                  masked: list[bool] | None = None) -> Subject:
    """The subject of a normalized text. A relation word inside a matched concept term is no
    relation ("来大姨妈" is a period, not an aunt's mother)."""
    sub = Subject()
    rel_pos = -1
    rel_re = _relation_re(tuple(sorted(relations, key=len, reverse=True)))
    # "我38岁，女 … 家里孩子上周也这样": a writer who first describes themselves is the subject; a
    # relative named later is context.
    me = _SELF_INTRO_RE.search(t)
    candidates: list[re.Match] = []
    for m in rel_re.finditer(t):
        if me is not None and me.start() < m.start() and (not _relative_told_about(t, m) or
                                                            _family_history(t, m, me.end(), masked)):
            continue   # after the writer's introduction, only a relative told about ("…刚才我姑打电话说 我爷爷八十三了")
        if m.group(0) in _NOT_KIN and t[max(0, m.start() - 1):m.start()] in ("帮", "给", "替", "陪") and \
                not _ASKS_FOR_RE.match(t, m.end()):
            continue   # "帮朋友搬家扛冰箱": what the writer did for a friend, not the friend's illness
        if "体检" in t and _told_before(t, m) and _family_history(t, m, 0, masked):
            continue   # "单位体检空腹血糖6.5 … 我妈有糖尿病": the writer's health check, then the family's history
        if t[max(0, m.start() - 1):m.start()].endswith("像") or _caring_for(t, m) or _writer_says_who(t, m) or \
                _SPEAKS_TO_WRITER_RE.match(t[m.end():]) or (_told_before(t, m) and _compared(t, m)) or _fetus(t, m):
            continue
        if masked is not None and any(masked[i] for i in range(m.start(), m.end())):
            continue
        if masked is not None and _HAS_BEFORE_RE.search(t, 0, m.start()) and not _tells_illness(t, m, masked):
            continue   # "家里还有孩子": someone the writer has, told of with no illness, is no patient
        candidates.append(m)
    # The relative given an age of their own is the one the message is about, wherever it is told ("月嫂说小孩发烧正常
    # 宝宝两个月零十天"); otherwise the first one named — unless the two are a child and an adult and the aged one's
    # clause tells nothing of an illness while the first one's does ("我爷慢阻肺多年…显示83。我娃才满月我走不开").
    aged = next((c for c in candidates if _has_own_age(t, c)), None)
    first = candidates[0] if candidates else None
    if aged is not None and first is not None and aged is not first and masked is not None and \
            relations[aged.group(0)][2] != relations[first.group(0)][2] and \
            _tells_illness(t, first, masked) and not _tells_illness(t, aged, masked):
        aged = None
    m = aged or first
    if m is not None:
        word = m.group(0)
        sex, default_age, child = relations[word]
        sub.other, sub.relation, sub.sex, sub.child = True, word, sex, child
        sub.age_years = default_age
        rel_pos = m.end()
    rel_start = rel_pos - len(sub.relation) if rel_pos >= 0 and sub.relation else -1
    ages: list[tuple[int, float]] = []
    infant_ages: list[tuple[int, float]] = []     # ages in days, weeks or months: never the writer's own
    bare_at = rel_pos if rel_pos >= 0 else _self_pos(t)
    if bare_at >= 0:
        m = _AGE_BARE_RE.match(t, bare_at)
        v = to_number(m.group(1)) if m else None
        if v is not None and v == int(v) and 1 <= v <= 110:
            ages.append((bare_at, v))
    if rel_pos >= 0:
        # "…我爸 … 他78了": the relative's age told after a pronoun for them
        for m in _PRONOUN_AGE_RE.finditer(t, rel_pos):
            v = to_number(m.group(1))
            if v is not None and v == int(v) and 14 <= v <= 110:
                ages.append((m.start(), v))
                break
    for m in _AGE_Y_RE.finditer(t):
        v = _age_number(m.group(1))
        if v is not None and 0 < v < 120:
            if m.group(3) == "半":
                v += 0.5
            ages.append((m.start(), v))
    child_ctx = sub.child or "宝宝" in t or "婴儿" in t
    for m in _AGE_M_RE.finditer(t):
        v = _age_number(m.group(1))
        if v is None or v > 36:
            continue
        near_child = rel_pos >= 0 and sub.child and 0 <= m.start() - rel_pos <= 4
        # 「九个月，最近口水多」 (also after a greeting: 「医生你好，九个月，…」): the age in months alone between pauses.
        opens = (m.start() == 0 or t[m.start() - 1] in " ，,。：:") and (m.end() == len(t) or t[m.end()] in " ，,。：:")
        # 「4个月打完百白破」, 「两个月吃奶少」: an age in months opening the message, then what only a baby does.
        opens = opens or (opens_message(t, m.start()) and bool(INFANT_CARE_RE.match(t, m.end())))
        if m.group(4) or (child_ctx and near_child) or opens:
            infant_ages.append((m.start(), (v + (0.5 if m.group(3) == "半" else 0)) / 12))
    for m in _AGE_W_RE.finditer(t):
        v = _age_number(m.group(1) or m.group(2) or m.group(3))
        if v is not None and v <= 60:
            infant_ages.append((m.start(), v / 52))
    for m in _AGE_D_RE.finditer(t):
        v = _age_number(m.group(1) or m.group(2) or m.group(3))
        if v is not None and v <= 100:
            infant_ages.append((m.start(), v / 365))
    for m in _AGE_FULL_MONTH_RE.finditer(t):   # 满月: one month old (a month after birth)
        infant_ages.append((m.start(), 1 / 12))
    ages = sorted(ages + infant_ages)
    if me is not None and not sub.other:
        # "我32岁，女。出生第三天，两只眼睛肿得睁不开": an age in days, weeks or months after the writer's own is a baby's;
        # so is a child's age in years told on its own after it ("我今年三十二，…右胳膊垂着不肯动 两岁半").
        own = ages[0][1] if ages and ages[0][0] < me.end() else None
        baby = [a for a in infant_ages if a[0] >= me.end()] or \
            [a for a in ages if a[0] >= me.end() and a[1] < 14 and own is not None and own >= 18 and _alone(t, a[0])]
        if baby:
            sub.other, sub.child = True, True
            ages = baby
    elif me is not None and rel_start > me.start():
        # The writer's own age, told before the relative, is not the relative's.
        ages = [a for a in ages if a[0] >= max(rel_start - 8, me.end())]
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



# After the writer's own introduction ("我32岁，女。宝宝两个月大，今天量了体温38.3"), a relative given an age of their
# own ("我妈七十二了", "8个月宝宝"), or one who opens a sentence of their own ("。我妈肚子疼了一天", "。小孙子吃了…"), is the
# one the message is about; a relative mentioned in passing or for comparison ("家里孩子上周也是这样") is context.
# Taking the relative for the subject is the safer error.
_OWN_AGE_RE = re.compile(rf"^(?:才|刚|刚刚|已经|今年|出生|都)?(?:{NUM}(?:个)?(?:多|半)?(?:岁|月|周|星期|礼拜|天)|满月|"
                         rf"(?:[零〇一二两三四五六七八九十]{{2,4}}|\d{{1,3}})(?:了|岁|多)?(?=$|[\s，。,.;；!！?？了]))")
_AGE_BEFORE_RE = re.compile(rf"(?:{NUM}(?:个)?(?:多|半)?(?:岁|月|周|星期|礼拜|天)(?:大)?(?:的)?|满月(?:的)?)$")
# The writer's "my" before a relative ("我妈", "俺家孩子", "阿拉姆妈", "我个仔").
_MY = r"(?:我|俺|额|偶|我家|俺家|我们家|阿拉|我屋里|我屋|我个|我嘅|我的|俺的)"
_OPENER_RE = re.compile(rf"(?:^|[\s，,。.；;！!？?：:])(?:{_MY}|小)?(?:母乳|二胎|头胎|大|小|老)?$")


_PAUSE = re.compile(r"[，,；;。！!？?\s]")


def _tells_illness(t: str, m: re.Match, masked: list[bool]) -> bool:
    """The clause of a relation word holds a clinical term."""
    start = max((e.end() for e in _PAUSE.finditer(t, 0, m.start())), default=0)
    end = next((e.start() for e in _PAUSE.finditer(t, m.end())), len(t))
    return any(masked[start:end])


def _alone(t: str, at: int) -> bool:
    """An age told between pauses ("…不肯动 两岁半", "，三岁，")."""
    end = _AGE_Y_RE.match(t, at)
    return (at == 0 or t[at - 1] in " ，,。：:") and (end is None or end.end() == len(t) or t[end.end()] in " ，,。：:!！?？")


def _has_own_age(t: str, m: re.Match) -> bool:
    return bool(_OWN_AGE_RE.match(t[m.end():]) or _AGE_BEFORE_RE.search(t[max(0, m.start() - 8):m.start()]))


_HAS_BEFORE_RE = re.compile(r"(?:家里|家中|屋里|上有老下有小|我)?还有(?:个|俩|两个|一个|三个)?$|上有老下有小$")
# The writer asks on someone's behalf ("帮我外婆问的", "替俺爹咨询一下"): that one is the message's.
_BEHALF_BEFORE_RE = re.compile(rf"(?:帮|替|代)(?:{_MY})?$")
_BEHALF_AFTER_RE = re.compile(r"^(?:来)?(?:问|咨询|打听)")


def _relative_told_about(t: str, m: re.Match) -> bool:
    if _has_own_age(t, m):
        return True
    if _BEHALF_BEFORE_RE.search(t[max(0, m.start() - 5):m.start()]) and _BEHALF_AFTER_RE.match(t[m.end():]):
        return True
    return bool(_OPENER_RE.search(t[max(0, m.start() - 6):m.start()])) and not _compared(t, m)


# "家里孩子上周也这样", "我妈也有高血压": a relative told with 也 right after them is compared with the one the message is
# about, not the one it is about.
_COMPARED_RE = re.compile(r"^[^\s，,。.；;！!？?]{0,4}?也")


def _compared(t: str, m: re.Match) -> bool:
    return bool(_COMPARED_RE.match(t[m.end():]))


# "我25岁男，…今天左胸按着就疼…我爸有冠心病，我是不是也心梗了": a relative told after the writer's own complaint
# with only an illness of theirs is the writer's family history, not the patient.
_HISTORY_CLAUSE_RE = re.compile(r"^(?:也|以前|早年|前几年|之前)?(?:有|得过|得了|患过|患有|是)[^，,。；;！!？?\s]{0,8}(?=$|[，,。；;！!？?\s])")


def _family_history(t: str, m: re.Match, after: int, masked: list[bool] | None) -> bool:
    return masked is not None and any(masked[after:m.start()]) and bool(_HISTORY_CLAUSE_RE.match(t[m.end():]))


_NOT_KIN = frozenset({"朋友", "同事", "邻居", "同学"})
_ASKS_FOR_RE = re.compile(r"(?:的)?(?:问|咨询|打听|挂号|看病|拿药|开药|买药|量|测|看看)")


def _told_before(t: str, m: re.Match) -> bool:
    """Something was told before the relative's own opener ("胸口疼。我妈也有高血压")."""
    return bool(_WRITER_OPENER_RE.sub("", t[:m.start()].strip()))


_WRITER_OPENER_RE = re.compile(rf"{_MY}$")


# "我妈说我脸肿", "老公让我去查查": a relative who speaks about or to the writer is not the one the message is about.
_SPEAKS_TO_WRITER_RE = re.compile(r"^(?:说|讲|觉得|让|叫|问|劝|非让|非要我|老说|总说|一直说)(?:我|俺)"
                                  # "婆婆说是胎记", "我妈说没事": a relative who gives an opinion on the patient
                                  r"|^(?:说|讲|觉得|认为)(?:是|这是|就是)?(?:没事|不要紧|没关系|正常|胎记|上火|着凉|受凉|缺钙|"
                                  r"积食|长牙|吓着了|老毛病)")


# "我是他孙子", "我是孩子妈妈", "俺是她闺女", "第一次当妈": the writer saying who they are is no subject.
_WRITER_IS_RE = re.compile(r"(?:(?:我|俺|本人)(?:是|系)[^\s，。,.;；!！?？：:]{0,6}|当|当了|做)$")


def _writer_says_who(t: str, m: re.Match) -> bool:
    return bool(_WRITER_IS_RE.search(t[max(0, m.start() - 8):m.start()])) and \
        not t[m.end():m.end() + 1].isdigit()


# A relative taken to school or looked after is the object of the writer's day, not the subject of the message
# ("早上忙着送孙子上学，降压药忘吃了": the writer forgot the pill).
_CARING_BEFORE_RE = re.compile(r"(?:送|接|带|陪|哄|看)着?$")
_CARING_AFTER_RE = re.compile(r"^(?:上学|放学|去学校|上幼儿园|去幼儿园|的时候|时|玩|睡觉|做作业|写作业)")
# A relative who gave the writer something is named for the thing ("穿闺女买的新鞋磨破了").
_GIVER_AFTER_RE = re.compile(r"^(?:给我|给俺)?(?:买|送|做|带|寄|拿|织|缝)(?:的|来的|回来的|过来的)")


# The baby a pregnant writer feels move is not yet anyone's subject ("怀孕26周…肚子不疼 宝宝在动", "肚子里的宝宝").
_FETUS_AFTER_RE = re.compile(r"^(?:晚上|白天|夜里|平时|平常|今天|现在|一直){0,2}(?:在|还在|也在|一直在|还|也)?"
                             r"(?:动|踢|胎动|不动|不怎么动|没动|没怎么动|没有动|睡觉|睡着|睡)")
_FETUS_BEFORE_RE = re.compile(r"(?:肚子里|肚里|腹中)(?:的)?$")


# A gestational age is told in weeks ("37周了"); a baby's age after birth is not (出生37天, 满月, 三个月).
_PREGNANT_RE = re.compile(r"怀孕|孕\d|孕[一二三四五六七八九十]|怀了|有了身孕|产检|预产期|胎动|孕期|孕妇|怀着|"
                          r"(?<![出生满个\d])(?:[1-3]\d|4[0-2])周(?!岁)")


def _fetus(t: str, m: re.Match) -> bool:
    """Only in a message that says the writer is pregnant: a born baby moves and sleeps too ("宝宝睡觉时…")."""
    return bool(_PREGNANT_RE.search(t)) and bool(
        _FETUS_AFTER_RE.match(t[m.end():]) or _FETUS_BEFORE_RE.search(t[max(0, m.start() - 4):m.start()]))


def _caring_for(t: str, m: re.Match) -> bool:
    return bool(_CARING_BEFORE_RE.search(t[max(0, m.start() - 2):m.start()]) and _CARING_AFTER_RE.match(t[m.end():])) \
        or bool(_GIVER_AFTER_RE.match(t[m.end():]))


_SELF_RE = re.compile(r"(?:^|[\s，。,.;；!！?？])(?:我|俺|本人|咱)(?:今年)?(?=[\d零〇一二两三四五六七八九十])")


def _self_pos(t: str) -> int:
    m = _SELF_RE.search(t)
    return m.end() if m else -1


_SELF_INTRO_RE = re.compile(rf"^\s*(?:{_GREETING})*(?:我|俺|𠊎|本人)(?:今年|是)?(?:[\d零〇一二两三四五六七八九十]+岁|个?(?:男|女)的|"
                            r"[\d零〇一二两三四五六七八九十]+(?=[\s，。,.;；!！?？]))")


# Whose illness a condition is: the person named right before it in its clause ("我自己也有高血压", "俺怀孕五个月了",
# "我妈有糖尿病十几年了"). He or she (他/她) is the one the message is about, so only names and 我 are read.
_WRITER_WORDS = ("我自己", "俺自己", "本人", "我", "俺", "额")
# The illness is told with a verb of having it ("我自己也有高血压", "我妈得了糖尿病"); a pregnancy or a confinement needs
# none ("我怀孕五个月", "我剖腹产后一直在吃头孢").
# A medicine named after a person is never theirs by this rule: "孩子把我降压药吃了" is the child's ingestion.
_HOLDER_TAIL = r"(?:自己)?(?:也|还|都|今年|已经|本身)?(?:有|得了|得过|患有|患了|查出|查出来|是){verb}$"


def holder(t: str, start: int, relations: dict, verbless: bool = False) -> str | None:
    """The person a condition at ``start`` is told of: "self" (the writer), a relation word, or None (not said).
    ``verbless``: a state told without a verb of having it (a pregnancy, a confinement: "我剖腹产后…")."""
    m = _holder_re(tuple(relations), verbless).search(t[max(0, start - 10):start])
    if m is None:
        return None
    return "self" if m.group(1) in _WRITER_WORDS else m.group(1)


def told_of_another(t: str, start: int, relations: dict, sub: Subject, verbless: bool = False) -> bool:
    """A condition told of the writer in a message about a relative, or of a relative other than the subject."""
    who = holder(t, start, relations, verbless)
    if who is None:
        return False
    return sub.other if who == "self" else (not sub.other or who != sub.relation)


@functools.lru_cache(maxsize=8)
def _holder_re(relations: tuple[str, ...], verbless: bool) -> re.Pattern:
    words = sorted(set(relations) | set(_WRITER_WORDS), key=len, reverse=True)
    return re.compile(f"({'|'.join(map(re.escape, words))}){_HOLDER_TAIL.format(verb='?' if verbless else '')}")


_REL_CACHE: dict[tuple[str, ...], re.Pattern] = {}


def _relation_re(words: tuple[str, ...]) -> re.Pattern:
    rx = _REL_CACHE.get(words)
    if rx is None:
        rx = _REL_CACHE[words] = re.compile("|".join(map(re.escape, words)))
    return rx
