"""Batch: up to 1,000 readings in one transaction, each item validated by the same marshmallow schema as a
single post (app.schemas.readings), so one definition says what a valid reading is."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from app.errors import DomainError, RuleViolation
from app.schemas.readings import MAX_BATCH, BATCH_ITEM_SCHEMAS
from app.services import rules
from app.services.actors import Actor
from app.services.readings import alerting
from app.services.readings.ingest import (Row, Writer, bp_row, conflict, glucose_row, require_poster, same, store,
                                          writer_for)


@dataclass
class ItemResult:
    """One batch item: accepted, duplicate (the original's id) or rejected with the reason."""
    index: int
    type: str | None
    status: str  # accepted | duplicate | rejected
    client_id: str | None = None
    reading_id: int | None = None
    code: str | None = None
    detail: str | None = None
    errors: dict[str, list[str]] | None = None
    advice: str | None = None
    needs_repeat: bool = False
    findings: list[rules.Finding] = field(default_factory=list)
    suggestion: dict | None = None  # a likely typo: what was probably meant (resend, or confirm=true)
    confirmation: dict | None = None  # the dangerous episode the reading belongs to


def _parse_item(raw: Any) -> tuple[str, dict[str, Any]]:
    """The item's type and its fields, loaded by that type's create schema (types, lengths, vocabularies);
    values are checked by the use case."""
    if not isinstance(raw, dict):
        raise ValidationError({"item": ["应为对象 / must be an object"]})
    kind = raw.get("type")
    schema = BATCH_ITEM_SCHEMAS.get(kind) if isinstance(kind, str) else None
    if schema is None:
        raise ValidationError({"type": ["bp 或 glucose / type: bp or glucose"]})
    return kind, schema.load({k: v for k, v in raw.items() if k != "type"})


def record_batch(session: Session, *, actor: Actor, items: list[dict], now: datetime) -> list[ItemResult]:
    """Up to 1,000 readings in one transaction; each item is accepted, a duplicate, or rejected with its reason."""
    if len(items) > MAX_BATCH:
        raise RuleViolation("reading.batch_size", f"一次最多上传{MAX_BATCH}条 / at most {MAX_BATCH} items",
                            errors={"items": [f"最多{MAX_BATCH}条"]})
    require_poster(actor)  # a caller who may not post at all is refused as a whole, not item by item
    results: list[ItemResult] = []
    rows: list[Row] = []
    writers: dict[tuple, Writer | DomainError] = {}
    for index, raw in enumerate(items):
        result = ItemResult(index=index, type=raw.get("type") if isinstance(raw, dict) else None, status="rejected")
        results.append(result)
        try:
            kind, data = _parse_item(raw)
            result.client_id = data["client_id"]
            wkey = (data["resident_id"], data["source"], data["device_serial"])
            if wkey not in writers:
                try:
                    writers[wkey] = writer_for(session, actor, data["resident_id"], data["source"], data["device_serial"])
                except DomainError as exc:
                    writers[wkey] = exc
            writer = writers[wkey]
            if isinstance(writer, DomainError):
                raise writer
            fields_ = {k: v for k, v in data.items() if k not in ("resident_id", "source")}
            row = bp_row(writer, now=now, **fields_) if kind == "bp" else glucose_row(writer, now=now, **fields_)
            row.index = index
            result.client_id = row.values["client_id"]
            rows.append(row)
        except ValidationError as exc:
            result.code, result.detail = "reading.invalid", "字段有误 / invalid fields"
            result.errors = exc.normalized_messages()
        except DomainError as exc:
            result.code, result.detail = exc.code, exc.detail
            result.errors = exc.errors
            result.suggestion = exc.extra.get("suggestion")
    # The same key twice in one batch: the first is stored, the rest answer "duplicate".
    first: dict[tuple, Row] = {}
    later: list[Row] = []
    for row in rows:
        if row.key in first:
            later.append(row)
        else:
            first[row.key] = row
    unique = list(first.values())
    created, existing = store(session, unique)
    accepted: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in unique:
        result = results[row.index]
        reading = created.get(row.key)
        if reading is not None:
            result.status, result.reading_id = "accepted", reading.id
            accepted[(reading.resident_id, row.type)].append((row, reading))
            continue
        reading = existing[row.key]
        if same(row.type, reading, row.values):
            result.status, result.reading_id = "duplicate", reading.id
        else:
            clash = conflict()
            result.code, result.detail = clash.code, clash.detail
    for row in later:
        result, original = results[row.index], results[first[row.key].index]
        reading = created.get(row.key) or existing.get(row.key)
        if original.reading_id is not None and reading is not None and same(row.type, reading, row.values):
            result.status, result.reading_id = "duplicate", original.reading_id
        else:
            clash = conflict()
            result.code, result.detail = clash.code, clash.detail
    for (resident_id, kind), pairs in accepted.items():
        ctx = alerting.Context(session, resident_id, kind, [reading for _, reading in pairs])
        for row, reading in sorted(pairs, key=lambda p: p[1].id):
            outcome = alerting.outcome(session, kind, reading, ctx, duplicate=False, now=now)
            result = results[row.index]
            result.advice, result.needs_repeat, result.findings = outcome.advice, outcome.needs_repeat, outcome.findings
            result.confirmation = outcome.confirmation
    session.flush()
    return results

