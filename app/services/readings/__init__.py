"""Home readings (居家监测): blood pressure and glucose from residents, their teams and device gateways.

- `ingest`: who may post, validation, storage and idempotency; `record_bp`, `record_glucose`;
- `alerting`: the consequences of the immediate rules (alerts opened or updated, the resident's advice);
- `batch`: `record_batch`, each item loaded by the same marshmallow schema as a single post;
- `charts`: `bp_chart`, `glucose_chart`, and what the bot answers from readings: `recent_bp`, `latest_values`;
- `confirmation`: confirmation before critical: what a dangerous value waits for, and
  `expire_unconfirmed` (the confirmation_timeout job).

Callers use the package: `from app.services import readings; readings.record_bp(...)`.
"""
from app.schemas.readings import ARMS, CONTEXTS, MAX_BATCH, METER_FLAGS, POSITIONS, SOURCES, UNITS
from app.services.readings.alerting import ReadingOutcome
from app.services.readings.batch import ItemResult, record_batch
from app.services.readings.charts import (MAX_CHART_DAYS, BpChart, GlucoseChart, GlucoseWindow, Latest, RecentBp, bp_chart,
                                          glucose_chart, latest_values, recent_bp)
from app.services.readings.confirmation import expire_due as expire_unconfirmed
from app.services.readings.ingest import FUTURE_SKEW, MAX_AGE, record_bp, record_glucose

__all__ = ["ARMS", "CONTEXTS", "FUTURE_SKEW", "MAX_AGE", "MAX_BATCH", "MAX_CHART_DAYS", "METER_FLAGS", "POSITIONS",
           "SOURCES", "UNITS", "BpChart", "GlucoseChart", "GlucoseWindow", "ItemResult", "ReadingOutcome",
           "Latest", "RecentBp", "bp_chart", "expire_unconfirmed", "glucose_chart", "latest_values", "recent_bp",
           "record_batch", "record_bp", "record_glucose"]
