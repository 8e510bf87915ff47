"""Contract expiry (daily): active contracts past their term become expired."""
from __future__ import annotations

from app.services import contracts
from jobs.context import JobContext


def run(ctx: JobContext) -> dict:
    return {"expired": contracts.expire_contracts(ctx.session, now=ctx.now)}
