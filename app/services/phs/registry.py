"""Import the county's 基本公卫 registry of managed hypertension and diabetes patients.

Residents are matched by the ID-card blind index; missing ones are created as unsigned residents (no contract)
of the named village, with the registry's 健康档案编号. Conflicts — the same ID card with another name or birth
date, another 档案编号, one phone on several ID cards, an unknown village — are reported and never overwrite
anything. A re-run changes nothing. No personal data is logged; reports mask ID-card numbers.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import DomainError, Forbidden
from app.services import audit, privacy
from app.services.actors import Actor
from models.org import Institution, Village
from models.residents import Resident, ResidentCondition, Sex

COLUMNS = {"档案编号": "record_no", "身份证号": "id_card", "姓名": "name", "联系电话": "phone", "疾病": "diseases",
           "诊断日期": "diagnosed_on", "管理机构": "institution", "村": "village", "出生日期": "birth_date"}
REQUIRED = ("record_no", "id_card", "name", "institution", "village")
DISEASES = {"高血压": "hypertension", "2型糖尿病": "diabetes", "糖尿病": "diabetes"}
BATCH = 500


@dataclass(frozen=True)
class Conflict:
    line: int
    kind: str      # name / birth_date / record_no / phone / village / invalid
    detail: str    # masked: never a full ID-card number or phone


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    matched: int = 0
    record_no_set: int = 0
    conditions_added: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)


def read_rows(stream: IO[str]) -> Iterable[tuple[int, dict]]:
    """The registry CSV (UTF-8, a header of Chinese column names) as (line number, fields)."""
    reader = csv.DictReader(stream)
    missing = [c for c, k in COLUMNS.items() if k in REQUIRED and c not in (reader.fieldnames or [])]
    if missing:
        raise DomainError("registry.columns", f"缺少列 / missing columns: {'、'.join(missing)}")
    for i, raw in enumerate(reader, start=2):
        yield i, {COLUMNS[k.strip()]: (v or "").strip() for k, v in raw.items() if k and k.strip() in COLUMNS}


def import_registry(session: Session, *, actor: Actor, rows: Iterable[tuple[int, dict]]) -> ImportReport:
    """Match, create and annotate residents from the registry rows; report conflicts (one transaction)."""
    if not (actor.is_admin or actor.is_system):
        raise Forbidden("auth.role", "只有管理员可以导入 / only admins import")
    cid = actor.consortium_id
    report = ImportReport()
    villages = {(inst, name): vid for vid, name, inst in session.execute(
        select(Village.id, Village.name, Institution.name).join(Institution, Village.clinic_id == Institution.id)
        .where(Village.consortium_id == cid))}
    by_village_name: dict[str, list[int]] = {}
    for (_, name), vid in villages.items():
        by_village_name.setdefault(name, []).append(vid)
    existing = {r.id_card_bidx: r for r in session.execute(
        select(Resident.id, Resident.id_card_bidx, Resident.name, Resident.birth_date, Resident.phs_record_no,
               Resident.phone_bidx).where(Resident.consortium_id == cid))}
    conditions = {(rid, code) for rid, code in session.execute(
        select(ResidentCondition.resident_id, ResidentCondition.code).join(
            Resident, Resident.id == ResidentCondition.resident_id).where(Resident.consortium_id == cid))}
    phone_owner = {r.phone_bidx: r.id_card_bidx for r in existing.values() if r.phone_bidx}
    record_owner = {r.phs_record_no: r.id_card_bidx for r in existing.values() if r.phs_record_no}
    seen: dict[str, int] = {}
    pending = 0
    for line, row in rows:
        report.rows += 1
        problem = _check_row(row)
        if problem:
            report.conflicts.append(Conflict(line, "invalid", problem))
            continue
        try:
            info = privacy.parse_id_card(row["id_card"])
        except DomainError:
            report.conflicts.append(Conflict(line, "invalid", "身份证号无效"))
            continue
        masked = privacy.mask_id_card(info.number)
        bidx = privacy.blind_index(info.number, "id_card")
        if bidx in seen:
            report.conflicts.append(Conflict(line, "duplicate", f"{masked} 与第{seen[bidx]}行重复"))
            continue
        seen[bidx] = line
        phone_bidx = None
        if row.get("phone"):
            try:
                phone = privacy.normalise_phone(row["phone"])
                phone_bidx = privacy.blind_index(phone, "phone")
            except DomainError:
                report.conflicts.append(Conflict(line, "phone", f"{masked} 电话号码无效"))
        if phone_bidx and phone_owner.get(phone_bidx, bidx) != bidx:
            report.conflicts.append(Conflict(line, "phone", f"{masked} 的电话已登记在另一身份证号下"))
            phone_bidx = None  # reported, not stored twice
        if row["record_no"] in record_owner and record_owner[row["record_no"]] != bidx:
            report.conflicts.append(Conflict(line, "record_no", f"档案编号{row['record_no']}已属于另一居民"))
            continue
        codes_ = {DISEASES[d] for d in _diseases(row)}
        found = existing.get(bidx)
        if found is not None:
            report.matched += 1
            clash = _identity_clash(found, row, info)
            if clash:
                report.conflicts.append(Conflict(line, clash, f"{masked} 的{_CLASH_LABEL[clash]}与已登记的不同"))
                continue
            changed = False
            if found.phs_record_no is None:
                session.execute(Resident.__table__.update().where(Resident.id == found.id)
                                .values(phs_record_no=row["record_no"]))
                record_owner[row["record_no"]] = bidx
                report.record_no_set += 1
                changed = True
            elif found.phs_record_no != row["record_no"]:
                report.conflicts.append(Conflict(line, "record_no", f"{masked} 已有另一档案编号"))
                continue
            for code in sorted(codes_ - {c for (rid, c) in conditions if rid == found.id}):
                session.add(ResidentCondition(resident_id=found.id, code=code))
                conditions.add((found.id, code))
                report.conditions_added += 1
                changed = True
            report.unchanged += not changed
            continue
        village_id = villages.get((row["institution"], row["village"]))
        if village_id is None and len(by_village_name.get(row["village"], [])) == 1:
            village_id = by_village_name[row["village"]][0]
        if village_id is None:
            report.conflicts.append(Conflict(line, "village", f"{masked} 找不到{row['institution']}{row['village']}"))
            continue
        resident = Resident(consortium_id=cid, name=row["name"], sex=Sex(info.sex), birth_date=info.birth_date,
                            id_card_enc=privacy.encrypt(info.number), id_card_bidx=bidx, village_id=village_id,
                            phs_record_no=row["record_no"])
        if phone_bidx:
            resident.phone_enc = privacy.encrypt(privacy.normalise_phone(row["phone"]))
            resident.phone_bidx = phone_bidx
            phone_owner[phone_bidx] = bidx
        resident.conditions = [ResidentCondition(code=c) for c in sorted(codes_)]
        session.add(resident)
        record_owner[row["record_no"]] = bidx
        report.created += 1
        pending += 1
        if pending >= BATCH:
            session.flush()
            pending = 0
    session.flush()
    audit.note(session, actor, action="import", target="phs:registry",
               data={"rows": report.rows, "created": report.created, "conflicts": len(report.conflicts)})
    return report


_CLASH_LABEL = {"name": "姓名", "birth_date": "出生日期"}


def _identity_clash(found, row: dict, info) -> str | None:
    if found.name != row["name"]:
        return "name"
    if found.birth_date != info.birth_date:
        return "birth_date"
    if row.get("birth_date"):
        try:
            if date.fromisoformat(row["birth_date"]) != found.birth_date:
                return "birth_date"
        except ValueError:
            return "birth_date"
    return None


def _diseases(row: dict) -> list[str]:
    return [d for d in row.get("diseases", "").replace("，", ";").replace(",", ";").replace("、", ";").split(";")
            if d.strip() in DISEASES]


def _check_row(row: dict) -> str | None:
    missing = [k for k in REQUIRED if not row.get(k)]
    if missing:
        return "缺少：" + "、".join(missing)
    if len(row["record_no"]) > 32 or len(row["name"]) > 64:
        return "档案编号或姓名过长"
    return None
