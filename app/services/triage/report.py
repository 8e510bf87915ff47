"""Scoring a triage run against expected levels (clinical QA): pure, no I/O.

``score(pairs)`` takes (expected case, got level, got complaints) triples and returns a
:class:`Report`: the 4-level and 3-class confusion matrices (emergent = emergency + urgent,
non-emergent = routine, self-care), exact accuracies, emergency sensitivity overall and per protocol
(the protocols the engine chose for each expected emergency), and the over-triage rate (self-care or
routine cases sent to emergency or urgent). ``format_report`` renders it as plain text.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

LEVELS = ("emergency", "urgent", "routine", "self_care")
CLASSES = ("emergent", "routine", "self_care")
CLASS_OF = {"emergency": "emergent", "urgent": "emergent", "routine": "routine", "self_care": "self_care"}


@dataclass(frozen=True)
class Scored:
    id: str
    expected: str
    got: str
    complaints: tuple[str, ...] = ()


@dataclass
class Report:
    n: int = 0
    matrix: Counter = field(default_factory=Counter)      # (expected, got) -> count, 4 levels
    matrix3: Counter = field(default_factory=Counter)     # (expected class, got class) -> count
    exact: float = 0.0
    exact3: float = 0.0
    emergencies: int = 0
    emergencies_emergent: int = 0                         # expected emergency, got emergency or urgent
    emergencies_exact: int = 0                            # expected emergency, got emergency
    self_care: int = 0
    self_care_exact: int = 0
    non_emergent: int = 0
    over_triaged: int = 0                                 # expected routine/self_care, got emergency/urgent
    per_protocol: dict[str, tuple[int, int]] = field(default_factory=dict)  # protocol -> (emergent, of)
    missed_emergencies: list[str] = field(default_factory=list)

    @property
    def emergency_sensitivity(self) -> float:
        return self.emergencies_emergent / self.emergencies if self.emergencies else 1.0

    @property
    def over_triage_rate(self) -> float:
        return self.over_triaged / self.non_emergent if self.non_emergent else 0.0


def score(rows: Iterable[Scored]) -> Report:
    r = Report()
    per: dict[str, list[int]] = {}
    for row in rows:
        if row.expected not in LEVELS or row.got not in LEVELS:
            raise ValueError(f"{row.id}: unknown level {row.expected!r} / {row.got!r}")
        r.n += 1
        r.matrix[(row.expected, row.got)] += 1
        r.matrix3[(CLASS_OF[row.expected], CLASS_OF[row.got])] += 1
        if row.expected == "emergency":
            r.emergencies += 1
            hit = CLASS_OF[row.got] == "emergent"
            r.emergencies_emergent += hit
            r.emergencies_exact += row.got == "emergency"
            if not hit:
                r.missed_emergencies.append(row.id)
            for proto in row.complaints or ("(none)",):
                counts = per.setdefault(proto, [0, 0])
                counts[0] += hit
                counts[1] += 1
        if row.expected == "self_care":
            r.self_care += 1
            r.self_care_exact += row.got == "self_care"
        if CLASS_OF[row.expected] != "emergent":
            r.non_emergent += 1
            r.over_triaged += CLASS_OF[row.got] == "emergent"
    if r.n:
        r.exact = sum(v for (e, g), v in r.matrix.items() if e == g) / r.n
        r.exact3 = sum(v for (e, g), v in r.matrix3.items() if e == g) / r.n
    r.per_protocol = {k: (v[0], v[1]) for k, v in sorted(per.items())}
    return r


def _table(labels: tuple[str, ...], counts: Counter) -> list[str]:
    width = max(len(x) for x in labels) + 2
    lines = ["expected \\ got".ljust(width + 4) + "".join(x.rjust(width) for x in labels)]
    for exp in labels:
        lines.append(exp.ljust(width + 4) + "".join(str(counts[(exp, got)]).rjust(width) for got in labels))
    return lines


def format_report(r: Report) -> str:
    lines = [f"cases: {r.n}", "", "4-level confusion matrix:", *_table(LEVELS, r.matrix), "",
             "3-class confusion matrix (emergent = emergency + urgent):", *_table(CLASSES, r.matrix3), "",
             f"exact 4-level accuracy: {r.exact:.3f}",
             f"3-class accuracy: {r.exact3:.3f}",
             f"emergencies sent to emergency/urgent: {r.emergencies_emergent}/{r.emergencies}"
             f" ({r.emergency_sensitivity:.3f}); at emergency: {r.emergencies_exact}/{r.emergencies}",
             f"self-care recognised: {r.self_care_exact}/{r.self_care}",
             f"over-triage (routine/self-care sent to emergency/urgent): {r.over_triaged}/{r.non_emergent}"
             f" ({r.over_triage_rate:.3f})",
             "", "emergency sensitivity per protocol (emergent/expected emergencies it took part in):"]
    lines += [f"  {proto}: {hit}/{of}" for proto, (hit, of) in r.per_protocol.items()]
    if r.missed_emergencies:
        lines += ["", "emergencies not sent to emergency/urgent: " + ", ".join(r.missed_emergencies)]
    return "\n".join(lines)


def score_cases(lines: Iterable[str]) -> Report:
    """Assess every case line ({"id", "text", "level", optional "age", "sex", "conditions"}) in batch
    mode, as `triage batch` does, and score the result."""
    import json

    from app.services.triage.batch import BadLine, _profile
    from app.services.triage.engine import assess

    rows = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        case = json.loads(line)
        if not isinstance(case, dict) or "level" not in case or not isinstance(case.get("text"), str):
            raise BadLine(f"line {lineno}: a case needs \"text\" and an expected \"level\"")
        got = assess(case["text"], profile=_profile(case), interactive=False)
        rows.append(Scored(str(case.get("id", lineno)), case["level"], got.level, got.complaints))
    return score(rows)
