"""Links from WeChat messages and the menu to the workspace pages (pure: no Flask, no database).

A message's page follows from its outbox kind and data: a doctor's alert notice opens that alert, a
digest the queue, a referral notice the referral letter; a resident's reading advice or reminder opens
我的血压 / 我的血糖. The base is the service's public address (PUBLIC_URL); without one, no link.
"""
from __future__ import annotations

from typing import Any, Mapping

GLUCOSE_WORDS = ("glucose", "hypo")


def page_link(base: str | None, kind: str, data: Mapping[str, Any] | None) -> str | None:
    """The page a message should open, or None."""
    if not base:
        return None
    base = base.rstrip("/")
    data = data or {}
    if kind.startswith("alert_") and data.get("alert_id"):
        return f"{base}/staff/alerts/{int(data['alert_id'])}"
    if kind == "alert_digest":
        return f"{base}/staff/alerts"
    if kind in ("referral_notice", "referral_update") and data.get("referral_id"):
        return f"{base}/staff/referrals/{int(data['referral_id'])}"
    if kind in ("followup_next", "reminder_followup", "reminder_renewal"):
        return f"{base}/me/contract"
    if kind == "reading_advice" or kind.startswith("reminder_"):
        about = f"{kind} {data.get('type', '')} {data.get('kind', '')}"
        return f"{base}/me/glucose" if any(word in about for word in GLUCOSE_WORDS) else f"{base}/me/bp"
    return None


def with_link(text: str, url: str | None) -> str:
    """A customer-service text with its page on the last line (WeChat makes the address clickable)."""
    return f"{text}\n查看详情：{url}" if url else text
