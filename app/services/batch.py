"""Batch use cases (the scheduler's jobs): per-item guards and a report with counts.

One failing item is logged, counted and rolled back; the run goes on. A database that goes away
(`infrastructure_error`) stops the run instead: the remaining items wait for the next run.
Items are applied in transactions of `batch_size`; a batch that fails is rolled back and replayed
one item per transaction, so the good items of that batch still land and the bad one costs only itself.
No SAVEPOINTs: pysqlite's SAVEPOINT handling is unreliable, and the replay works on every database.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_LISTED_FAILURES = 20


@dataclass
class BatchReport:
    """Counts of a batch run; `errors` items failed (the first few are listed in `failed_items`)."""

    errors: int = 0
    failed_items: list[Any] = field(default_factory=list)

    def count(self, outcome: str | None) -> None:
        """Add one to the counter field named `outcome` (None counts nothing)."""
        if outcome:
            setattr(self, outcome, getattr(self, outcome) + 1)

    def record_failure(self, item: Any, exc: BaseException) -> None:
        """Log and count one failed item."""
        self.errors += 1
        if len(self.failed_items) < MAX_LISTED_FAILURES:
            self.failed_items.append(item)
        log.error("%s: item %r failed: %s", type(self).__name__, item, exc, exc_info=exc)


def infrastructure_error(exc: BaseException) -> bool:
    """The database went away (restart, network, deadlock): not the item's fault. The run stops and its
    items wait for the next run, instead of every remaining item being counted as failed."""
    return isinstance(exc, (OperationalError, InterfaceError)) or bool(
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


def apply_guarded(session: Session, items: Iterable[T], apply: Callable[[T], str | None], report: BatchReport, *,
                  batch_size: int = 200, key: Callable[[T], Any] = lambda item: item) -> None:
    """Run `apply(item)` for every item and commit in batches; a failing item is rolled back and counted.

    `apply` returns the name of a counter field of `report` (or None); counts are added only once
    the item's transaction has committed, so a replayed batch is never counted twice.
    """
    pending: list[T] = []
    for item in items:
        pending.append(item)
        if len(pending) >= batch_size:
            _commit_batch(session, pending, apply, report, key)
            pending = []
    if pending:
        _commit_batch(session, pending, apply, report, key)


def _commit_batch(session: Session, pending: list[T], apply: Callable[[T], str | None], report: BatchReport,
                  key: Callable[[T], Any]) -> None:
    try:
        outcomes = [apply(item) for item in pending]
        session.commit()
    except Exception as exc:
        session.rollback()
        if infrastructure_error(exc):
            raise
    else:
        for outcome in outcomes:
            report.count(outcome)
        return
    for item in pending:  # replay one by one to isolate the failing item(s)
        try:
            outcome = apply(item)
            session.commit()
        except Exception as exc:
            session.rollback()
            if infrastructure_error(exc):
                raise
            report.record_failure(key(item), exc)
        else:
            report.count(outcome)
