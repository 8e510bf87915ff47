"""Symptom triage (症状分诊) in Chinese: red flags, disposition, department, questions, advice.

Pure: no Flask, no database. ``assess`` is the one entry point; ``run_batch`` serves the QA CLI.
"""
from app.services.triage.batch import run_batch
from app.services.triage.engine import (
    Assessment,
    Profile,
    Question,
    Readings,
    RedFlag,
    TraceEntry,
    assess,
    warm_up,
)

__all__ = ["assess", "Profile", "Readings", "Assessment", "Question", "RedFlag", "TraceEntry", "run_batch",
           "warm_up"]
