"""What a job receives: the app (for settings), a session, the business time and a wall clock."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class JobContext:
    app: Any
    session: Session
    now: datetime  # the run's business time (the scheduler's clock, or `--now`)
    clock: Callable[[], datetime]  # wall clock for claims and sends (fixed at `now` when `--now` is given)
