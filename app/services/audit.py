"""Audit of access to residents' records and of admin actions, in a tamper-evident hash chain.

Services note what an actor read or changed with `note(session, …)`; the caller that owns the request
(the web layer after a successful response, a CLI command) persists the notes with `flush_notes`,
which appends them to the chain in a short transaction of its own.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Forbidden
from app.services.actors import Actor, require_role
from app.services.pagination import Page, paginate
from models.audit import AuditEntry, AuditHead

GENESIS = "0" * 64
_NOTES_KEY = "audit_notes"


@dataclass(frozen=True)
class Note:
    actor_kind: str
    actor_id: int | None
    actor_role: str
    consortium_id: int | None
    action: str
    target: str
    resident_id: int | None = None
    data: dict[str, Any] | None = None


@dataclass(frozen=True)
class Context:
    """Where a request came from: filled in by the caller that persists the notes."""
    at: datetime
    source: str | None = None
    request_id: str | None = None
    purpose: str | None = None


def note(session: Session, actor: Actor, *, action: str, target: str, resident_id: int | None = None,
         data: dict[str, Any] | None = None) -> None:
    """Remember an access for the audit log (staff and admins only; residents reading their own data are not audited)."""
    if actor.kind != "staff":
        return
    notes = session.info.setdefault(_NOTES_KEY, [])
    notes.append(Note(actor_kind=actor.kind, actor_id=actor.id, actor_role=actor.role,
                      consortium_id=actor.consortium_id, action=action, target=target,
                      resident_id=resident_id, data=data))


def take_notes(session: Session) -> list[Note]:
    """Remove and return the notes gathered in this session."""
    return session.info.pop(_NOTES_KEY, [])


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's canonical JSON."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {"seq": entry.seq, "at": entry.at.isoformat(), "consortium_id": entry.consortium_id,
            "actor_kind": entry.actor_kind, "actor_id": entry.actor_id, "actor_role": entry.actor_role,
            "resident_id": entry.resident_id, "action": entry.action, "target": entry.target,
            "purpose": entry.purpose, "source": entry.source, "request_id": entry.request_id, "data": entry.data}


def _lock_head(session: Session) -> None:
    """Lock the chain's tip: UPDATE takes the row lock on PostgreSQL and the write lock on SQLite."""
    while not session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq)).rowcount:
        try:  # first entry ever: create the head; a concurrent creator wins and we lock its row instead
            with session.begin_nested():
                session.add(AuditHead(id=1, seq=0, last_hash=GENESIS))
        except IntegrityError:
            continue


def append(session: Session, notes: list[Note], context: Context) -> list[AuditEntry]:
    """Append notes to the chain inside the caller's transaction (the head row lock serialises writers)."""
    if not notes:
        return []
    _lock_head(session)
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    session.refresh(head)
    entries = []
    prev, seq = head.last_hash, head.seq
    for n in notes:
        seq += 1
        entry = AuditEntry(seq=seq, at=context.at.astimezone(timezone.utc),
                           source=context.source, request_id=context.request_id, purpose=context.purpose,
                           prev_hash=prev, hash="", **asdict(n))
        entry.hash = entry_hash(prev, _hashed_fields(entry))
        prev = entry.hash
        entries.append(entry)
    session.add_all(entries)
    head.seq, head.last_hash = seq, prev
    session.flush()
    return entries


def flush_notes(engine: Engine, notes: list[Note], context: Context) -> None:
    """Persist notes in a short transaction of their own, committed before the response leaves."""
    if not notes:
        return
    with Session(engine) as own:
        with own.begin():
            append(own, notes, context)


@dataclass
class VerifyReport:
    checked: int = 0
    first_broken_seq: int | None = None
    problem: str | None = None
    ok: bool = True
    details: list[str] = field(default_factory=list)


def verify(session: Session, *, batch: int = 5000) -> VerifyReport:
    """Walk the chain in order; report the first entry whose link or content does not check out."""
    report = VerifyReport()
    prev, expected_seq = GENESIS, 1
    last_seq = 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.seq > last_seq)
                               .order_by(AuditEntry.seq).limit(batch)).all()
        if not rows:
            break
        for entry in rows:
            problem = None
            if entry.seq != expected_seq:
                problem = f"entry {expected_seq} is missing (next is {entry.seq})"
            elif entry.prev_hash != prev:
                problem = "prev_hash does not match the previous entry"
            elif entry.hash != entry_hash(prev, _hashed_fields(entry)):
                problem = "content was changed after it was written"
            if problem:
                report.ok, report.first_broken_seq, report.problem = False, entry.seq, problem
                return report
            report.checked += 1
            prev, expected_seq, last_seq = entry.hash, entry.seq + 1, entry.seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != last_seq or head.last_hash != prev):
        report.ok, report.first_broken_seq = False, last_seq + 1
        report.problem = f"entries after {last_seq} were removed (head is at {head.seq})"
    return report


def search(session: Session, actor: Actor, *, resident_id: int | None = None, staff_id: int | None = None,
           start: datetime | None = None, end: datetime | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Admin audit queries by resident, staff member and period."""
    require_role(actor, "admin")
    stmt = select(AuditEntry).where(AuditEntry.consortium_id == actor.consortium_id)
    if resident_id is not None:
        stmt = stmt.where(AuditEntry.resident_id == resident_id)
    if staff_id is not None:
        stmt = stmt.where(AuditEntry.actor_kind == "staff", AuditEntry.actor_id == staff_id)
    if start is not None:
        stmt = stmt.where(AuditEntry.at >= start)
    if end is not None:
        stmt = stmt.where(AuditEntry.at < end)
    return paginate(session, stmt.order_by(AuditEntry.seq.desc()), page=page, per_page=per_page)


@dataclass(frozen=True)
class AccessToMe:
    """What a resident is shown of one access: when, what, why, and the role and institution that read it.
    Never the staff member's network address (a resident has no use for it; it locates a person)."""

    at: datetime
    action: str
    purpose: str | None
    actor_role: str
    institution: str | None


def accesses_to_me(session: Session, actor: Actor, *, page: int = 1, per_page: int = 50) -> Page:
    """For a resident: which roles at which institutions accessed their record, and when."""
    from models.org import Institution, Staff

    if not actor.is_resident:
        raise Forbidden("auth.role", "仅限居民本人 / residents only")
    stmt = select(AuditEntry).where(AuditEntry.resident_id == actor.id).order_by(AuditEntry.seq.desc())
    found = paginate(session, stmt, page=page, per_page=per_page)
    staff_ids = {e.actor_id for e in found.items if e.actor_kind == "staff" and e.actor_id is not None}
    institutions = dict(session.execute(select(Staff.id, Institution.name).join(
        Institution, Institution.id == Staff.institution_id).where(Staff.id.in_(staff_ids))).all()) if staff_ids else {}
    items = [AccessToMe(at=e.at, action=e.action, purpose=e.purpose, actor_role=e.actor_role,
                        institution=institutions.get(e.actor_id) if e.actor_kind == "staff" else None)
             for e in found.items]
    return Page(items=items, page=found.page, per_page=found.per_page, total=found.total)
