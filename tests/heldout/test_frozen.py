"""Held-out sets are frozen: written independently of the code, committed with checksums before the
change they judge, and never edited after they were scored. Editing one fails here; a new version is
a new set with its own checksums, never an edit."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FROZEN = sorted(p.parent for p in ROOT.rglob("heldout/**/SHA256SUMS"))


def _sums(path: Path) -> list[tuple[str, str]]:
    rows = [line.split(maxsplit=1) for line in path.read_text().splitlines() if line.strip()]
    return [(digest, name.strip()) for digest, name in rows]


def test_every_heldout_folder_carries_checksums():
    assert FROZEN, "no held-out set found"
    for folder in (ROOT / "heldout").iterdir():
        if folder.is_dir() and not folder.name.startswith("__"):
            assert (folder / "SHA256SUMS").is_file(), folder


@pytest.mark.parametrize("folder", FROZEN, ids=lambda p: str(p.relative_to(ROOT)))
def test_heldout_files_match_their_frozen_checksums(folder: Path):
    for digest, name in _sums(folder / "SHA256SUMS"):
        actual = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert actual == digest, f"{folder.name}/{name} changed after it was frozen"
