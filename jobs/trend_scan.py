"""Trend scan (hourly): residents with new readings since their last scan, scored by ml; trend alerts."""
from __future__ import annotations

from app.services import trends
from jobs.context import JobContext
from jobs.settings import load_object, setting
from ml.model import TrendModel

_models: dict[str, TrendModel] = {}


def model_for(app) -> TrendModel:
    """The trained model (loaded once per process; ml falls back to the rules if the artefact does not fit)."""
    path = setting(app, "JOBS_TREND_MODEL", "ml.model:load_model")
    if path not in _models:
        _models[path] = load_object(path)()
    return _models[path]


def run(ctx: JobContext) -> trends.ScanReport:
    return trends.scan_trends(ctx.session, model=model_for(ctx.app), now=ctx.now,
                              chunk_size=setting(ctx.app, "TREND_SCAN_CHUNK", trends.DEFAULT_CHUNK, int))
