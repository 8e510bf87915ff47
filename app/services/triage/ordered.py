"""Protocols as ordered disposition questions (the structure of Schmitt-Thompson telephone triage).

A protocol is chosen by its chief-complaint findings (``triggers``/``when``). Its questions are listed
from the most urgent disposition to the least; each is answered from the findings:

- **yes**  a finding (or an answer in the dialogue) says so: that disposition is the protocol's answer;
- **no**   a finding denies it, or the resident answered no: go on to the next question;
- **unknown** otherwise. If the question has a dialogue question (``ask``), an unknown is taken as the
  safer answer (yes, marked *assumed*); the engine asks it in the bot when the answer would change the
  level, and in batch the safer level stands. Without ``ask`` an unknown counts as no.

When no question is answered yes, ``self_care`` (explicit criteria and care advice) is tried, and
``otherwise`` (routine by default) is the answer. Every question names its source.

A question with ``stop=True`` hands the presentation to another protocol: when it holds, this protocol
gives no disposition (e.g. the sweating and tremor of a diabetic are the glucose protocol's). It sits
where its level puts it: only the questions above it can still answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from app.services.triage.context import R, S, U, Ctx, Out, protocol


@dataclass(frozen=True)
class Ask:
    rule: str
    level: int
    source: str
    yes: Callable[[Ctx], bool]
    no: Callable[[Ctx], bool] = lambda c: True   # default: silence counts as no
    ask: str | None = None                        # dialogue question id (texts.QUESTIONS)
    flag: str | None = None
    advice: str | None = None
    dept: str | None = None
    stop: bool = False                            # yes: another protocol answers; no disposition here


def ordered_protocol(code: str, dept: str, *, asks: list[Ask], self_care: Ask | None = None,
                     otherwise: tuple[str, str, str | None] | None = None, triggers: str = "",
                     when: Callable[[Ctx], bool] | None = None, paediatric: bool = True,
                     obstetric: bool = False, questions: str = "",
                     all_flags: bool = True, record_below: int | None = None) -> Callable[[Ctx, Out], None]:
    """Register a protocol whose questions run from the most urgent disposition to the least.
    ``otherwise`` is (rule, source, advice) for the routine answer when nothing else applies;
    ``questions`` adds dialogue questions another protocol answers (e.g. a pulse for palpitations);
    ``all_flags=False`` reports only the answering question's red flag (questions that are alternatives);
    ``record_below`` (R or U) also records the questions of lower levels, down to that one, that hold
    (findings that are each a rule of their own, such as several abnormal vital signs: their red flags
    and advice reach the doctor; they cannot change the level)."""
    ordered = sorted(asks, key=lambda a: -a.level)  # stable: the listed order within one level
    asked = [a.ask for a in ordered if a.ask] + questions.split()
    questions = " ".join(dict.fromkeys(asked))

    def run(c: Ctx, r: Out) -> None:
        for i, a in enumerate(ordered):
            if a.stop:
                if a.yes(c):
                    return
                continue
            answered = c.ans(a.ask) if a.ask else None
            if answered is True or a.yes(c):  # a finding says yes whatever the answer
                r.hit(a.level, a.rule, a.source, flag=a.flag, advice=a.advice, dept=a.dept)
                if all_flags and (a.level >= U or record_below is not None):
                    floor = a.level if record_below is None else min(a.level, record_below)
                    _also(c, r, [b for b in ordered[i + 1:] if floor <= b.level <= a.level])
                return
            if answered is None and a.ask and not a.no(c):
                r.hit(a.level, a.rule + ".unknown", a.source + " (未知按较高级别)", flag=a.flag, advice=a.advice,
                      dept=a.dept, assumed=True)
                return
        if self_care is not None and self_care.yes(c):
            r.hit(S, self_care.rule, self_care.source, advice=self_care.advice, dept=self_care.dept)
            return
        if otherwise is not None:
            rule, source, advice = otherwise
            r.hit(R, rule, source, advice=advice)

    run.__name__ = code
    protocol(code, dept, triggers=triggers, when=when, questions=questions, paediatric=paediatric,
             obstetric=obstetric)(run)
    return run


def reassurance_protocol(code: str, dept: str, *, when: Callable[[Ctx], bool], rule: str, source: str, advice: str,
                         paediatric: bool = True, obstetric: bool = False) -> Callable[[Ctx, Out], None]:
    """A protocol whose only answer is self-care with its advice: named explained evidence (a rule that says why
    a frightening finding is harmless) and questions whose answer reassures. ``when`` holds the rule's own
    exclusions; a red flag in the same message is answered by its own protocol, whose level wins."""
    return ordered_protocol(code, dept, when=when, asks=[], paediatric=paediatric, obstetric=obstetric,
                            self_care=Ask(rule, S, source, lambda c: True, advice=advice))


def _also(c: Ctx, r: Out, rest: list[Ask]) -> None:
    """The other questions of an urgent or emergency answer's level (and, with ``record_below``, of the
    lower levels) that also hold are recorded too (their red flags and advice reach the doctor); they
    cannot change the level."""
    for b in rest:
        if b.stop:
            if b.yes(c):
                return
            continue
        if (b.ask is not None and c.ans(b.ask) is True) or b.yes(c):
            r.hit(b.level, b.rule, b.source, flag=b.flag, advice=b.advice, dept=b.dept)
