"""Offset pagination: {items, page, per_page, total}."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PER_PAGE = 200


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int


def paginate(session: Session, stmt: Select[Any], *, page: int = 1, per_page: int = 20) -> Page:
    """Run a select for one page, with the total count."""
    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total)
