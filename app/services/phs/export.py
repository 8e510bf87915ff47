"""Export follow-ups to the county's 基本公卫 system and the regional platform, incrementally.

Each destination keeps a cursor (the newest `updated_at` it has received) and a log of the follow-up versions
sent, so each version goes once and a corrected follow-up (a new version) goes again. Residents who withdrew
their consent to sharing (their newest consent withdrawn) and anonymised residents are left out and counted.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from app.errors import Forbidden, RuleViolation
from app.services import audit, privacy
from app.services.actors import Actor
from app.services.phs import record as rec
from models.followups import FollowUp, PhsExport, PhsExportCursor
from models.org import Institution, Staff
from models.residents import Consent, Resident

FORMATS = ("rows", "cda", "fhir")
DEFAULT_DESTINATION = "county"


@dataclass
class ExportReport:
    destination: str
    format: str
    since: datetime
    dry_run: bool
    exported: int = 0
    corrections: int = 0          # versions after the first
    withheld_no_consent: int = 0  # residents who withdrew consent to sharing: their follow-ups left out
    files: list[str] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)  # API: the serialized records


def _withdrawn(session: Session, resident_id: int) -> bool:
    newest = session.scalar(select(Consent).where(Consent.resident_id == resident_id)
                            .order_by(Consent.granted_at.desc(), Consent.id.desc()).limit(1))
    return newest is not None and newest.withdrawn_at is not None


def pending(session: Session, *, consortium_id: int, destination: str, since: datetime,
            limit: int | None = None) -> list[FollowUp]:
    """Follow-up versions updated since `since` (and since the destination's cursor) not yet sent there."""
    cursor = session.get(PhsExportCursor, destination)
    start = max(since, cursor.cursor_at) if cursor else since
    sent = exists().where(and_(PhsExport.destination == destination, PhsExport.followup_id == FollowUp.id,
                               PhsExport.version == FollowUp.version))
    stmt = (select(FollowUp).where(FollowUp.consortium_id == consortium_id, FollowUp.updated_at >= start, ~sent)
            .order_by(FollowUp.updated_at, FollowUp.id))
    return list(session.scalars(stmt.limit(limit) if limit else stmt))


def records(session: Session, followups: list[FollowUp]) -> tuple[list[rec.FollowUpRecord], int]:
    """Canonical records of the follow-ups whose residents share, and how many were withheld."""
    staff = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_({f.staff_id for f in followups}
                                                                                or [-1])))}
    institutions = dict(session.execute(select(Institution.id, Institution.name).where(
        Institution.id.in_({s.institution_id for s in staff.values()} or [-1]))).all())
    out, withheld, verdict = [], 0, {}
    for f in followups:
        resident = session.get(Resident, f.resident_id)
        if f.resident_id not in verdict:
            verdict[f.resident_id] = resident.anonymised_at is None and not _withdrawn(session, f.resident_id)
        if not verdict[f.resident_id]:
            withheld += 1
            continue
        doctor = staff.get(f.staff_id)
        out.append(rec.build(followup=f, resident=resident, resident_id_card=privacy.decrypt(resident.id_card_enc),
                             doctor=doctor.full_name if doctor else "",
                             institution=institutions.get(doctor.institution_id, "") if doctor else ""))
    return out, withheld


def export_followups(session: Session, *, actor: Actor, since: datetime, fmt: str, now: datetime,
                     destination: str = DEFAULT_DESTINATION, out_dir: Path | None = None, dry_run: bool = False,
                     limit: int | None = None) -> ExportReport:
    """Send what is new to one destination in one format; files go to `out_dir`, else into the report."""
    if not (actor.is_admin or actor.is_system):
        raise Forbidden("auth.role", "只有管理员可以导出 / only admins export")
    if fmt not in FORMATS:
        raise RuleViolation("export.format", "未知格式 / unknown format", errors={"format": list(FORMATS)})
    if since.tzinfo is None:
        raise RuleViolation("export.since", "时间需带时区 / since needs a time zone", errors={"since": ["需带时区"]})
    key = f"{destination}:{fmt}"
    followups = pending(session, consortium_id=actor.consortium_id, destination=key, since=since, limit=limit)
    records_, withheld = records(session, followups)
    report = ExportReport(destination=key, format=fmt, since=since, dry_run=dry_run,
                          exported=len(records_), corrections=sum(r.version > 1 for r in records_),
                          withheld_no_consent=withheld)
    for name, body in _serialize(records_, fmt, now):
        if out_dir is not None and not dry_run:
            path = out_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
            report.files.append(str(path))
        elif out_dir is None:
            report.items.append({"name": name, "content": body})
        else:
            report.files.append(str(out_dir / name))
    if not dry_run:
        for f in followups:  # withheld versions are marked too: they are not owed to this destination
            session.add(PhsExport(destination=key, followup_id=f.id, version=f.version, exported_at=now))
        if followups:
            cursor = session.get(PhsExportCursor, key) or PhsExportCursor(destination=key, cursor_at=since, runs=0)
            cursor.cursor_at = max(cursor.cursor_at, followups[-1].updated_at)
            cursor.runs = (cursor.runs or 0) + 1
            session.add(cursor)
        audit.note(session, actor, action="export", target=f"phs:{key}",
                   data={"followups": len(records_), "withheld": withheld})
        session.flush()
    return report


def _serialize(records_: list[rec.FollowUpRecord], fmt: str, now: datetime) -> list[tuple[str, str]]:
    if not records_:
        return []
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    if fmt == "rows":
        files = [(f"rows-{stamp}/{program}.csv", rec.rows_csv(records_, program))
                 for program in ("htn", "dm") if any(r.program == program for r in records_)]
        return files + [(f"rows-{stamp}/followups.jsonl", rec.rows_jsonl(records_))]
    if fmt == "cda":
        return [(f"cda-{stamp}/{r.document_code}-{r.followup_id}-v{r.version}.xml",
                 rec.cda(r, now=now).decode("utf-8")) for r in records_]
    return [(f"fhir-{stamp}/bundle-{r.followup_id}-v{r.version}.json",
             json.dumps(rec.fhir_bundle(r), ensure_ascii=False, indent=1)) for r in records_]
