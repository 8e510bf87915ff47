"""Personal-information housekeeping (daily): carry out due deletion requests; drop old WeChat reply logs."""
from __future__ import annotations

from datetime import timedelta

from app.services import nonces, rights, wechat_accounts
from jobs.context import JobContext
from jobs.settings import setting


def run_deletions(ctx: JobContext) -> dict:
    return {"anonymised": rights.carry_out_due_deletions(ctx.session, now=ctx.now)}


def run_wechat_prune(ctx: JobContext) -> dict:
    # The dedup log keeps reply texts, which hold health values: keep them no longer than retries need.
    days = setting(ctx.app, "WECHAT_INBOUND_KEEP_DAYS", 7, int)
    removed = wechat_accounts.prune_inbound(ctx.session, before=ctx.now - timedelta(days=days))
    # The callback's seen-once nonces matter for twice the replay window (minutes); a day is plenty.
    return {"removed": removed, "nonces_removed": nonces.prune(ctx.session, before=ctx.now - timedelta(days=1))}
