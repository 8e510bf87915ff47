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

from sqlalchemy import Row, bindparam, select, update
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


@dataclass(frozen=True)
class _Checked:
    """A well-formed row waiting for its chunk: the ID card read, its blind index and the phone's."""
    line: int
    row: dict
    info: privacy.IdCardInfo
    bidx: str
    phone_bidx: str | None


@dataclass
class _Known:
    """What the import knows of the consortium's residents: only those the file names (looked up chunk by chunk
    by blind index, 档案编号 and phone), plus what this run created or changed."""
    residents: dict[str, Row] = field(default_factory=dict)         # ID-card blind index → resident
    phone_owner: dict[str, str] = field(default_factory=dict)       # phone blind index → ID-card blind index
    record_owner: dict[str, str] = field(default_factory=dict)      # 档案编号 → ID-card blind index
    conditions: dict[int, set[str]] = field(default_factory=dict)   # resident id → condition codes

    def load(self, session: Session, cid: int, rows: list[_Checked]) -> None:
        """Look up one chunk's residents (by ID card, phone and 档案编号: one indexed IN query each) and the
        conditions of the matched ones."""
        wanted = {"id_card_bidx": {c.bidx for c in rows} - self.residents.keys(),
                  "phone_bidx": {c.phone_bidx for c in rows if c.phone_bidx} - self.phone_owner.keys(),
                  "phs_record_no": {c.row["record_no"] for c in rows} - self.record_owner.keys()}
        found: list[Row] = []
        for column, values in wanted.items():
            if values:
                found += session.execute(select(*_RESIDENT_COLUMNS).where(
                    Resident.consortium_id == cid, getattr(Resident, column).in_(sorted(values)))).all()
        for r in found:
            self.residents.setdefault(r.id_card_bidx, r)
            if r.phone_bidx:
                self.phone_owner.setdefault(r.phone_bidx, r.id_card_bidx)
            if r.phs_record_no:
                self.record_owner.setdefault(r.phs_record_no, r.id_card_bidx)
        matched = {self.residents[c.bidx].id for c in rows if c.bidx in self.residents} - self.conditions.keys()
        for rid in matched:
            self.conditions[rid] = set()
        if matched:
            for rid, code in session.execute(select(ResidentCondition.resident_id, ResidentCondition.code)
                                              .where(ResidentCondition.resident_id.in_(sorted(matched)))):
                self.conditions[rid].add(code)


_RESIDENT_COLUMNS = (Resident.id, Resident.id_card_bidx, Resident.name, Resident.birth_date, Resident.phs_record_no,
                     Resident.phone_bidx)


def import_registry(session: Session, *, actor: Actor, rows: Iterable[tuple[int, dict]],
                    batch: int = BATCH) -> ImportReport:
    """Match, create and annotate residents from the registry rows; report conflicts (one transaction).

    The file is read in chunks of `batch` rows: each chunk's residents are looked up by blind index in a few
    indexed queries, so the time follows the file, not the county's resident count."""
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
    known = _Known()
    seen: dict[str, int] = {}
    chunk: list[_Checked] = []
    for line, row in rows:
        report.rows += 1
        checked = _checked(line, row, report)
        if checked is None:
            continue
        info, bidx = checked
        masked = privacy.mask_id_card(info.number)
        if bidx in seen:
            report.conflicts.append(Conflict(line, "duplicate", f"{masked} 与第{seen[bidx]}行重复"))
            continue
        seen[bidx] = line
        phone_bidx = None
        if row.get("phone"):
            try:
                phone_bidx = privacy.blind_index(privacy.normalise_phone(row["phone"]), "phone")
            except DomainError:
                report.conflicts.append(Conflict(line, "phone", f"{masked} 电话号码无效"))
        chunk.append(_Checked(line, row, info, bidx, phone_bidx))
        if len(chunk) >= batch:
            _import_chunk(session, cid, chunk, known, villages, by_village_name, report)
            chunk = []
    if chunk:
        _import_chunk(session, cid, chunk, known, villages, by_village_name, report)
    report.conflicts.sort(key=lambda c: c.line)  # checked in two passes; reported in file order
    audit.note(session, actor, action="import", target="phs:registry",
               data={"rows": report.rows, "created": report.created, "conflicts": len(report.conflicts)})
    return report


def _checked(line: int, row: dict, report: ImportReport):
    """(ID-card info, blind index) of a well-formed row; None (and a conflict reported) otherwise."""
    problem = _check_row(row)
    if problem:
        report.conflicts.append(Conflict(line, "invalid", problem))
        return None
    try:
        info = privacy.parse_id_card(row["id_card"])
    except DomainError:
        report.conflicts.append(Conflict(line, "invalid", "身份证号无效"))
        return None
    return info, privacy.blind_index(info.number, "id_card")


def _import_chunk(session: Session, cid: int, chunk: list[_Checked], known: _Known,
                  villages: dict, by_village_name: dict[str, list[int]], report: ImportReport) -> None:
    """Match or create one chunk's residents, in file order; flush once."""
    known.load(session, cid, chunk)
    record_nos: list[dict] = []  # 档案编号 of matched residents: one executemany UPDATE per chunk
    for c in chunk:
        line, row, info, bidx, phone_bidx = c.line, c.row, c.info, c.bidx, c.phone_bidx
        masked = privacy.mask_id_card(info.number)
        if phone_bidx and known.phone_owner.get(phone_bidx, bidx) != bidx:
            report.conflicts.append(Conflict(line, "phone", f"{masked} 的电话已登记在另一身份证号下"))
            phone_bidx = None  # reported, not stored twice
        if row["record_no"] in known.record_owner and known.record_owner[row["record_no"]] != bidx:
            report.conflicts.append(Conflict(line, "record_no", f"档案编号{row['record_no']}已属于另一居民"))
            continue
        codes_ = {DISEASES[d] for d in _diseases(row)}
        found = known.residents.get(bidx)
        if found is not None:
            report.matched += 1
            clash = _identity_clash(found, row, info)
            if clash:
                report.conflicts.append(Conflict(line, clash, f"{masked} 的{_CLASH_LABEL[clash]}与已登记的不同"))
                continue
            changed = False
            if found.phs_record_no is None:
                record_nos.append({"rid": found.id, "record_no": row["record_no"]})
                known.record_owner[row["record_no"]] = bidx
                report.record_no_set += 1
                changed = True
            elif found.phs_record_no != row["record_no"]:
                report.conflicts.append(Conflict(line, "record_no", f"{masked} 已有另一档案编号"))
                continue
            has = known.conditions[found.id]
            for code in sorted(codes_ - has):
                session.add(ResidentCondition(resident_id=found.id, code=code))
                has.add(code)
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
            known.phone_owner[phone_bidx] = bidx
        resident.conditions = [ResidentCondition(code=c) for c in sorted(codes_)]
        session.add(resident)
        known.record_owner[row["record_no"]] = bidx
        report.created += 1
    session.flush()
    if record_nos:
        session.execute(update(Resident.__table__).where(Resident.id == bindparam("rid"))
                        .values(phs_record_no=bindparam("record_no")), record_nos)


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
