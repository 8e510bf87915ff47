"""The facts one assessment works on (Ctx), rule results (Out) and the protocol registry."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Callable

from app.services.triage.language import Parsed

S, R, U, E = 0, 1, 2, 3
LEVEL_NAMES = ("self_care", "routine", "urgent", "emergency")


@dataclass
class Vitals:
    temperature: float | None = None
    systolic: float | None = None
    diastolic: float | None = None
    pulse: float | None = None
    glucose: float | None = None
    spo2: float | None = None
    resp_rate: float | None = None
    glucose_after_treatment: float | None = None
    glucose_after_meal: float | None = None


_SINCE_RE = re.compile(r"从那以后|打那以后|那以后|之后|以后|一直|还是|到现在|至今|从那时")

# Bleeding whose site is named: it is not given a site from the person's state.
_SITED_BLEEDING = ("vaginal_bleeding", "menorrhagia", "epistaxis", "haematemesis", "melena", "bloody_stool",
                   "minor_rectal_blood", "haemorrhoids", "haematuria", "haemoptysis", "sputum_blood", "saliva_blood",
                   "gum_bleeding", "wound", "deep_wound")


class Ctx:
    """Facts about one assessment: parsed text, effective profile, vitals and answers."""

    def __init__(self, parsed: Parsed, *, age: float | None, sex: str | None, conditions: frozenset[str],
                 vitals: Vitals, answers: dict[str, object], child: bool,
                 stated: frozenset[str] = frozenset()) -> None:
        self.p = parsed
        self.stated = stated  # vitals fields given in the text or an answer (not only a stored reading)
        self.age = age
        self.sex = sex
        self.conditions = conditions
        self.v = vitals
        self.answers = answers
        self.child = child or (age is not None and age < 14)
        # Clauses that name nothing (their modifiers and times speak for the message); a clause that only denies
        # something ("不是突然的剧痛") is not one of them.
        self._free = [k for k, cl in enumerate(parsed.clauses)
                      if not any(m.clause == k and not m.code.startswith("cond_") for m in parsed.mentions)]
        # A condition's history ("糖尿病好几年了", "高血压十几年") never dates or qualifies today's complaint.
        self._history = {m.clause for m in parsed.mentions if m.code.startswith("cond_")}
        self._course = [k for k in self._free if k not in self._history]
        # Clauses that tell only of the past ("前几年做过阑尾手术", "去年得过带状疱疹"): their time dates today's complaint
        # only when the complaint is told as going on since then.
        said_now = {m.clause for m in parsed.mentions if m.assertion != "past"}
        self._told_as_past = {m.clause for m in parsed.mentions if m.assertion == "past"} - said_now
        self._derived = self._site_from_context()

    def with_answer(self, qid: str, value: object) -> Ctx:
        """A copy with one more answer (the engine uses it to find the decisive question)."""
        from app.services.triage.questions import apply_number

        answers = dict(self.answers)
        answers[qid] = value
        vitals = Vitals(**vars(self.v))
        stated = set(self.stated)
        for field_name in apply_number(qid, value, vitals):
            stated.add(field_name)
        # The facts read from the text (clauses of history, derived findings) do not change with an answer: a copy
        # keeps them rather than working them out again for every answer tried.
        c = copy.copy(self)
        c.answers, c.v, c.stated = answers, vitals, frozenset(stated)
        return c

    def _site_from_context(self) -> frozenset[str]:
        """Findings the context gives a site to: bleeding with no site named, in a pregnant woman or one who has just
        given birth, is vaginal bleeding ("下头出血交关多", "下面哗一下出了好多血"), as a midwife reads it."""
        pos = self.p.positive
        derived = set()
        bleeding = any(code in pos for code in ("bleeding_generic", "uncontrolled_bleeding"))
        if bleeding and (self.pregnant or "postpartum" in pos) and not any(code in pos for code in _SITED_BLEEDING):
            derived.add("vaginal_bleeding")
        # A snorer whose breath stops and comes back ("憋着憋着就没气了 过一会儿才猛吸一口", "打鼾响 夜里有憋气") has
        # sleep apnoea.
        if "snoring" in pos and ("breath_resumes" in pos or self.near(("snoring",), ("dyspnoea",), within=2)):
            derived.add("sleep_apnoea")
        # A chemical drunk or swallowed right after the verb ("饮咗一啖通渠水", "喝了两口除草剂") is a poisoning.
        verbs = [m for m in pos.get("ingested", ()) if m.assertion == "present"]
        if any(m.clause == v.clause and 0 <= m.start - v.end <= 6 for m in pos.get("chemical", ()) for v in verbs):
            derived.add("poison_ingestion")
        # "按着更疼" next to a belly ache is the belly's guarding; next to a rib it is the chest wall's tenderness.
        if self.near(("worse_on_press",), ("abdominal_pain", "rlq")) and \
                not self.near(("worse_on_press",), ("chest_pain",)):
            derived.add("peritonism")
        return frozenset(derived)

    # facts --------------------------------------------------------------------------------------
    def has(self, *codes: str) -> bool:
        pos = self.p.positive
        return any(code in pos or code in self._derived or self.answers.get(code) is True for code in codes)

    def near(self, *groups: tuple[str, ...], within: int = 1) -> bool:
        """Each group has a finding, all told within ``within`` clauses of one another ("把一瓶安眠药全吃了 估计
        二三十片": the swallowing, the amount and the medicine belong together)."""
        spans = [sorted({m.clause for code in g for m in self.p.positive.get(code, ())}) for g in groups]
        if not all(spans):
            return False
        return any(all(any(abs(k - k0) <= within for k in ks) for ks in spans) for k0 in spans[0])

    def said(self, code: str, *assertions: str) -> bool:
        """Mentioned with one of these assertions (a question is "hypothetical", 「…正常吗」 "normal")."""
        return any(m.code == code and m.assertion in assertions for m in self.p.mentions)

    def no(self, code: str) -> bool:
        return self.answers.get(code) is False or (code in self.p.negative and code not in self.p.positive)

    def unknown(self, code: str) -> bool:
        return not self.has(code) and not self.no(code)

    def yes(self, qid: str) -> bool:
        return self.answers.get(qid) is True

    def ans(self, qid: str) -> bool | None:
        a = self.answers.get(qid)
        return a if isinstance(a, bool) else None

    def count(self, *codes: str) -> int:
        return sum(1 for code in codes if self.has(code))

    # modifiers of the mentions of some codes --------------------------------------------------------
    def _clauses_of(self, codes: tuple[str, ...]) -> list[int]:
        ks = [m.clause for code in codes for m in self.p.positive.get(code, ())]
        return ks

    def told_in(self, *codes: str) -> str:
        """The text of the clauses these codes are told in."""
        cl = self.p.clauses
        return "，".join(self.p.text[cl[k].start:cl[k].end] for k in sorted(set(self._clauses_of(codes))))

    def severe(self, *codes: str) -> bool:
        ks = self._clauses_of(codes)
        cl = self.p.clauses
        if any(cl[k].severe for k in ks):
            return True
        return any(cl[k].severe for k in self._free) and not any(cl[k].mild for k in ks)

    def mild(self, *codes: str) -> bool:
        if self.severe(*codes):
            return False
        ks = self._clauses_of(codes)
        cl = self.p.clauses
        if any(cl[k].mild for k in ks) or any(m.attenuated for c in codes for m in self.p.positive.get(c, ())):
            return True
        return any(cl[k].mild for k in self._free)

    def hours(self, *codes: str) -> float | None:
        ks = self._clauses_of(codes)
        cl = self.p.clauses
        own = [cl[k].hours for k in ks if cl[k].hours is not None]
        if own:
            # A clause of nothing but a duration gives the course of what was told before it ("右手半夜麻醒 …
            # 有三个月了": three months, not since last night).
            said = {m.clause for m in self.p.mentions}
            return max(own + [cl[k].hours for k in self._free if cl[k].hours is not None and k not in said])
        # A clause about a past episode of the same complaint keeps its time ("两年前发烧抽过一次" does not make
        # today's fever two years long).
        past = {m.clause for m in self.p.mentions if m.assertion == "past" and m.code in codes}
        free = [cl[k].hours for k in self._course if cl[k].hours is not None and k not in past]
        if free:
            return max(free)
        # One other timed clause of today's story dates the complaint too ("三天前开始头疼 今天又吐了").
        timed = [k for k, c in enumerate(cl) if c.hours is not None and k not in past and k not in self._history and
                 (k not in self._told_as_past or self._continues_after(k))]
        return cl[timed[0]].hours if len(timed) == 1 else None

    def _continues_after(self, k: int) -> bool:
        """Something is told as going on since the event of clause k ("从那以后一直干咳", "还是一阵阵疼")."""
        return bool(_SINCE_RE.search(self.p.text[self.p.clauses[k].end:]))

    def sudden(self, *codes: str) -> bool:
        ks = self._clauses_of(codes)
        if not ks:
            return self.p.any_sudden
        first = min(ks)
        return any(c.sudden for c in self.p.clauses[:max(ks) + 1]) and not self.chronic(*codes) or \
            self.p.clauses[first].sudden

    def chronic(self, *codes: str) -> bool:
        ks = self._clauses_of(codes)
        cl = self.p.clauses
        h = self.hours(*codes)
        return any(cl[k].chronic for k in ks) or any(cl[k].chronic for k in self._course) or \
            (h is not None and h >= 24 * 60)

    def recurrent(self, *codes: str) -> bool:
        ks = self._clauses_of(codes)
        cl = self.p.clauses
        return any(cl[k].recurrent for k in ks) or any(cl[k].recurrent for k in self._course)

    def current(self, *codes: str) -> bool:
        """Said to be happening now (not over: "鼻涕好了 就剩咳嗽" has no current runny nose)."""
        return any(m.assertion == "present" for code in codes for m in self.p.positive.get(code, ()))

    def frequent(self, *codes: str) -> bool:
        """Recurring often (经常, 反复, 老是 …), not just now and then (偶尔, 有时候)."""
        cl = self.p.clauses
        return self.recurrent(*codes) and any(cl[k].frequent for k in set(self._clauses_of(codes)) | set(self._free))

    def worsening(self) -> bool:
        return self.has("worsening")

    def resolved(self) -> bool:
        """Said to be over: a resolution word ("好了") or a finding asserted resolved ("已经止住了")."""
        return self.has("resolved") or bool(getattr(self.p, "resolved_codes", ()))

    # the person ---------------------------------------------------------------------------------
    def cond(self, *names: str) -> bool:
        return any(n in self.conditions for n in names)

    @property
    def months(self) -> float | None:
        return None if self.age is None else self.age * 12

    @property
    def infant(self) -> bool:
        return self.age is not None and self.age < 1

    @property
    def elderly(self) -> bool:
        return self.age is not None and self.age >= 65

    @property
    def pregnant(self) -> bool:
        return self.cond("pregnancy")

    @property
    def preg_weeks(self) -> float | None:
        return self.p.numbers.preg_weeks

    @property
    def cardiac_risk(self) -> bool:
        return self.cond("heart_disease", "diabetes", "hypertension", "ckd", "stroke", "atrial_fibrillation")

    @property
    def diabetic(self) -> bool:
        return self.cond("diabetes")

    # vitals and fever ---------------------------------------------------------------------------
    @property
    def temp(self) -> float | None:
        return self.v.temperature

    @property
    def fever(self) -> bool:
        if self.temp is not None:
            return self.temp >= 37.3
        return self.has("fever") and not self.has("afebrile")

    @property
    def fever_high(self) -> bool:
        return (self.temp is not None and self.temp >= 39.0) or self.has("high_fever_word")

    @property
    def fever_unknown(self) -> bool:
        return self.temp is None and not self.has("fever") and not self.no("fever") and not self.has("afebrile")


# ---------------------------------------------------------------------------------------------
# results and registry
# ---------------------------------------------------------------------------------------------

@dataclass
class Hit:
    rule: str
    source: str
    level: int
    flag: str | None = None
    assumed: bool = False  # the level rests on an unknown taken as the worse case, not on a finding


@dataclass
class Out:
    level: int = S
    hits: list[Hit] = field(default_factory=list)
    dept: str | None = None
    advice: list[str] = field(default_factory=list)

    def hit(self, level: int, rule: str, source: str, *, flag: str | None = None, advice: str | None = None,
            dept: str | None = None, assumed: bool = False) -> None:
        """Record a rule; the protocol's level is the highest level of its rules."""
        first = not self.hits
        self.hits.append(Hit(rule, source, level, flag, assumed))
        if first or level > self.level:
            self.level, self.dept = level, dept
            if advice:
                self.advice.insert(0, advice)
        else:
            if level == self.level and self.dept is None and dept:
                self.dept = dept
            if advice and advice not in self.advice:
                self.advice.append(advice)


@dataclass(frozen=True)
class Protocol:
    code: str
    dept: str
    fn: Callable[[Ctx, Out], None]
    triggers: frozenset[str]
    when: Callable[[Ctx], bool] | None
    questions: tuple[str, ...]
    paediatric: bool
    obstetric: bool


PROTOCOLS: list[Protocol] = []


def protocol(code: str, dept: str, *, triggers: str = "", when: Callable[[Ctx], bool] | None = None,
             questions: str = "", paediatric: bool = True, obstetric: bool = False):
    """Register a chief-complaint protocol; registration order breaks ties between departments."""
    def deco(fn: Callable[[Ctx, Out], None]) -> Callable[[Ctx, Out], None]:
        PROTOCOLS.append(Protocol(code, dept, fn, frozenset(triggers.split()), when, tuple(questions.split()),
                                  paediatric, obstetric))
        return fn
    return deco


def triggered(c: Ctx, proto: Protocol) -> bool:
    return any(c.has(t) for t in proto.triggers) or (proto.when is not None and proto.when(c))
