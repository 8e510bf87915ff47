"""The repository stands alone: no tracked file points at notes outside it (what is needed lives in docs/)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Frozen held-out sets: their files are checksummed and never edited; a new version fixes its own notes.
FROZEN = ("tests/heldout/", "tests/triage/heldout/")
OUTSIDE = re.compile(
    r"\.\./shared\b"                       # a path out of the repository into the shared notes
    r"|\bshared/(?:reference|DESIGN\.md|STYLE\.md)"
    r"|\bDESIGN\.md\b"                     # the shared design note (ours is docs/design.md)
    r"|(?<![\w/.-])reference/[\w-]+\.md"   # the shared reference notes (ours are docs/*.md)
)


def outside_references(text: str) -> list[tuple[int, str]]:
    """(line number, matched text) of every pointer outside the repository."""
    return [(text.count("\n", 0, m.start()) + 1, m.group()) for m in OUTSIDE.finditer(text)]


def test_the_pattern_finds_pointers_outside_and_leaves_our_docs_alone():
    found = outside_references("see ../shared/reference/clinical_rules.md\n(DESIGN.md triage)\n"
                               "reference/triage_criteria.md\nshared/STYLE.md\n")
    assert [line for line, _ in found] == [1, 2, 3, 4]
    assert outside_references("docs/clinical_rules.md §1.5, docs/design.md, a shared token store") == []


def test_no_tracked_file_points_outside_the_repository():
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    hits = []
    for name in filter(None, files.decode().split("\0")):
        path = ROOT / name
        if path == Path(__file__).resolve() or name.startswith(FROZEN) or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # images, fonts
            continue
        hits += [f"{name}:{line}: {match}" for line, match in outside_references(text)]
    assert not hits, "copy what is needed into docs/ with its sources:\n" + "\n".join(hits)


def test_code_comments_state_the_rule_not_an_issue_number():
    cites = re.compile(r"\bissue #?\d+|\bitem \d+\b")
    hits = []
    for top in ("app", "jobs", "ml", "models"):
        for path in sorted((ROOT / top).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            hits += [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group()}"
                     for m in cites.finditer(text)]
    assert not hits, "say the rule itself:\n" + "\n".join(hits)
