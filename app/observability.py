"""Request ids, structured JSON access logs, and Prometheus metrics at /metrics (behind METRICS_TOKEN).

Job durations (the trend scan's included) are served by the scheduler process itself: jobs/metrics.py.
"""
from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select

log = logging.getLogger("jiayi.access")

REGISTRY = CollectorRegistry()
REQUESTS = Counter("jiayi_http_requests_total", "HTTP requests", ["method", "endpoint", "status"], registry=REGISTRY)
LATENCY = Histogram("jiayi_http_request_seconds", "HTTP request latency", ["method", "endpoint"], registry=REGISTRY,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
OUTBOX_BACKLOG = Gauge("jiayi_outbox_backlog", "Outbox messages waiting to be sent", registry=REGISTRY)
ALERT_BACKLOG = Gauge("jiayi_alert_backlog", "Active alerts by severity", ["severity"], registry=REGISTRY)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and request fields when present."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {"ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                   "logger": record.name, "msg": record.getMessage()}
        for key in ("request_id", "method", "path", "status", "duration_ms", "actor"):
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info or record.exc_text:  # exc_text: already formatted (and redacted) by app/logs.py
            payload["exc"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


def _start() -> None:
    g.request_id = (request.headers.get("X-Request-ID") or uuid.uuid4().hex)[:64]
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    response.headers["X-Request-ID"] = g.get("request_id", "")
    actor = g.get("actor")
    record_request(request.method, request.endpoint or "unmatched", request.path, response.status_code, elapsed,
                   g.get("request_id"), f"{actor.role}:{actor.id}" if actor else None)
    return response


_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _series(method: str, endpoint: str, status: int) -> tuple[Any, Any]:
    """The request counter's and the latency histogram's series for these labels, looked up once: `labels()` checks
    the values and takes the metric's lock at every call. (As many entries as the metrics have series.)"""
    key = (method, endpoint, status)
    series = _SERIES.get(key)
    if series is None:  # two threads may both look it up: labels() returns the same series to both
        series = _SERIES[key] = (REQUESTS.labels(method, endpoint, str(status)), LATENCY.labels(method, endpoint))
    return series


def record_request(method: str, endpoint: str, path: str, status: int, elapsed: float, request_id: str | None,
                   actor: str | None = None) -> None:
    """The request's metrics and its access log line (also called by the WeChat callback's direct path)."""
    requests, latency = _series(method, endpoint, status)
    requests.inc()
    latency.observe(elapsed)
    # Paths and ids only: bodies and query strings may hold personal data and are never logged.
    log.info("request", extra={"request_id": request_id, "method": method, "path": path, "status": status,
                               "duration_ms": round(elapsed * 1000, 1), "actor": actor})


def metrics() -> Response:
    """Prometheus text format; backlog gauges are read from the database at scrape time.

    The backlog is operational data: with METRICS_TOKEN set a scraper sends `Authorization: Bearer <token>`;
    without one /metrics is served in demo mode only (404 in production)."""
    from app.extensions import db

    token = current_app.config.get("METRICS_TOKEN")
    if token:
        scheme, _, supplied = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(supplied.strip().encode(), token.encode()):
            return Response("", status=401, headers={"WWW-Authenticate": "Bearer"})
    elif not current_app.config.get("DEMO_MODE"):
        return Response("", status=404)
    from models.alerts import ACTIVE_ALERT_STATUSES, Alert, Severity
    from models.outbox import OutboxMessage, OutboxStatus

    OUTBOX_BACKLOG.set(db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                         .where(OutboxMessage.status == OutboxStatus.pending)) or 0)
    counts = dict(db.session.execute(select(Alert.severity, func.count()).where(Alert.status.in_(ACTIVE_ALERT_STATUSES))
                                     .group_by(Alert.severity)).all())
    for severity in Severity:
        ALERT_BACKLOG.labels(severity.value).set(counts.get(severity, 0))
    return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)


def register_observability(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
    app.add_url_rule("/metrics", "metrics", metrics)
