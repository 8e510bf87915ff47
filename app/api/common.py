"""Helpers shared by the thin views."""
from __future__ import annotations

from typing import TypeVar

from app.extensions import db

T = TypeVar("T")


def committed(result: T) -> T:
    """Commit the use case's transaction and hand back its result."""
    db.session.commit()
    return result

