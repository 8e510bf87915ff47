"""The scheduler's own Prometheus metrics (it is a separate process from the web workers)."""
from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

log = logging.getLogger("jobs")
REGISTRY = CollectorRegistry()
LAST_RUN_SECONDS = Gauge("jiayi_job_last_run_seconds", "Duration of each job's last run (trend_scan: scan duration)",
                         ["job"], registry=REGISTRY)
LAST_SUCCESS = Gauge("jiayi_job_last_success_timestamp", "Unix time of each job's last successful run", ["job"],
                     registry=REGISTRY)
FAILURES = Counter("jiayi_job_failures_total", "Job runs that raised", ["job"], registry=REGISTRY)


def serve(port: int) -> None:
    """Expose /metrics for the scheduler on its own port (0 = off)."""
    if not port:
        return
    try:
        start_http_server(port, addr="127.0.0.1", registry=REGISTRY)
    except OSError as exc:  # another scheduler (by mistake) holds the port: run on, without metrics
        log.warning("scheduler metrics not served on port %s: %s", port, exc)
