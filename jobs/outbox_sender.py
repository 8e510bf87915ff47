"""Outbox sender (every few seconds): deliver due messages through the notifier, never twice."""
from __future__ import annotations

import logging
from datetime import timedelta

from app.services import adapters, delivery
from app.services.outbox import Notifier
from jobs.context import JobContext
from jobs.settings import load_object, setting

log = logging.getLogger("jobs")
_notifiers: dict[int, Notifier] = {}


def build_notifier(app) -> Notifier:
    """JOBS_NOTIFIER if set; else the notifier the app registered (WeChat) when pushes are on; else logging."""
    path = setting(app, "JOBS_NOTIFIER", "")
    notifier = load_object(path)(app) if path else adapters.of(app).notifier(app)
    if notifier is None:
        log.warning("WeChat notifier not configured: outbox messages are only logged")
        return delivery.LoggingNotifier()
    return notifier


def notifier_for(app) -> Notifier:
    """One notifier per app and process (it may hold an access token and an HTTP session)."""
    if id(app) not in _notifiers:
        _notifiers[id(app)] = build_notifier(app)
    return _notifiers[id(app)]


def run(ctx: JobContext) -> delivery.DeliveryReport:
    app = ctx.app
    backoff = delivery.Backoff(max_attempts=setting(app, "OUTBOX_MAX_ATTEMPTS", 8, int))
    return delivery.send_due(ctx.session, notifier=notifier_for(app), now=ctx.now,
                             batch=setting(app, "OUTBOX_BATCH", 200, int), backoff=backoff,
                             claim_for=timedelta(seconds=setting(app, "OUTBOX_CLAIM_SECONDS", 60.0, float)),
                             clock=ctx.clock)
