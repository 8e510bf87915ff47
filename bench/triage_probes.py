"""Metamorphic probes of the triage engine over the development sets: changes that mean nothing clinically.

Run from the repository root (about three minutes):

    .venv/bin/python bench/triage_probes.py [spelling|subject|homophone ...]

- spelling: a character written for its variant (疼/痛, the particles 的/地, 了/啦, 我/俺), punctuation, numerals;
  prints answers changed, emergencies lowered below urgent and answers raised to emergency;
- subject: what the writer tells of themselves in a message about someone else, and a relative's illness after the
  writer's own complaint (the invariance tests hold these at zero);
- homophone: one character of a same-day message replaced by a character of the same sound (an input-method slip);
  prints how many same-day answers fall below urgent.
The probes that have reached zero are tests (tests/triage/test_triage_invariance.py); these are the measurements.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.language import read  # noqa: E402
# The development cases, the engine's answer and the subject probes are the invariance tests' own.
from tests.triage.test_triage_invariance import (ABOUT_A_RELATIVE, ABOUT_THE_WRITER, RANK, _cases,  # noqa: E402
                                                 _level)

SPELLING = {
    "pain_swap": lambda t: t.replace("疼", "\0").replace("痛", "疼").replace("\0", "痛"),
    "de_to_di": lambda t: t.replace("的", "地"),
    "le_to_la": lambda t: re.sub(r"了([，。！])", r"啦\1", t),
    "wo_to_an": lambda t: t.replace("我", "俺"),
    "meiyou_to_mei": lambda t: t.replace("没有", "没"),
    "ascii_commas": lambda t: t.replace("，", ",").replace("。", "."),
    "hen_to_tebie": lambda t: t.replace("很", "特别"),
}
SLIP = dict(zip("疼痛晕吐烧喘肿搐麻歪闷慌迷肚腹泻血尿咳嗽痰嗓喉心压糖药抖汗呕眼视嘴胀跳摔撞昏醒",
                "腾通云兔少川种出马外门荒米杜付谢雪鸟可素谈桑猴新鸭唐要斗汉欧演是最账条甩状婚星"))


def _compare(name: str, pairs) -> None:
    changed = lowered = raised = 0
    for case, before, text in pairs:
        after = _level(case, text)
        changed += after != before
        lowered += RANK[before] == 3 and RANK[after] < 2
        raised += RANK[before] < 2 and RANK[after] == 3
    print(f"{name:16} changed {changed:4}  emergencies below urgent {lowered:3}  raised to emergency {raised:3}")


def main(which: list[str]) -> None:
    cases = [(c, _level(c, c["text"])) for c in _cases()]
    if "spelling" in which:
        for name, f in SPELLING.items():
            _compare(name, [(c, b, f(c["text"])) for c, b in cases if f(c["text"]) != c["text"]])
    if "subject" in which:
        others = [(c, b) for c, b in cases if read(c["text"]).subject.other]
        for name, prefix in ABOUT_THE_WRITER.items():
            _compare(name, [(c, b, prefix + c["text"]) for c, b in others])
        _compare("relative_illness", [(c, b, c["text"].rstrip("。.！!？? ") + ABOUT_A_RELATIVE)
                                      for c, b in cases if not read(c["text"]).subject.other])
    if "homophone" in which:
        tried = lowered = 0
        for c, b in cases:
            if RANK[b] < 2:
                continue
            for ch, slip in SLIP.items():
                if ch in c["text"]:
                    tried += 1
                    lowered += RANK[_level(c, c["text"].replace(ch, slip))] < 2
        print(f"homophone        {tried} same-day messages x characters, {lowered} answers below urgent")


if __name__ == "__main__":
    main(sys.argv[1:] or ["spelling", "subject", "homophone"])
