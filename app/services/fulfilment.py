"""The 履约 ledger: per contract and service-package item, what the contract year requires and what was
delivered, is due and is overdue (definitions and sources: docs/kpis.md).

Everything is set-based: one statement computes the ledger of any number of contracts (a county has ~200,000),
grouping the delivered services by contract, item and period; nothing loops over contracts in Python.

The schedule. A contract year starts on the contract's start day or an anniversary of it. An item of N a year
over a period of L months (year 12, quarter 3, month 1) needs c = N·L/12 deliveries in each period, the k-th
of them by k/c of the way through the period, counted in whole months: after e whole months of the contract
year, the expected count is ⌊e/L⌋·c + ⌊c·(e mod L)/L⌋ (4 a year by quarter: 1 by month 3, 2 by month 6 …;
one health check a year: 1 by month 12; a monthly review: 1 by the end of each month).
- delivered: Σ over periods of min(deliveries in the period, c) — a fifth follow-up in one quarter does not
  stand in for a missing one in another;
- overdue: expected − Σ over periods of min(deliveries in the period, expected in that period by now);
- due: still to deliver this contract year but not yet late = required − delivered − overdue;
- 履约率 (to date) = (expected − overdue) / expected.

When the next one is due: for the kinds a follow-up visit delivers (FOLLOWUP_KINDS) the ledger does not compute a
date of its own: it shows the follow-up schedule's, the date the last visit's 下一步管理措施 set
(app.services.followups.next_due_dates, the date the follow-up due list uses); for the other kinds, the end of
the item's current period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Date, Integer, String, and_, case, cast, exists, extract, func, literal_column, or_, select, \
    union_all
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound, RuleViolation
from app.services import audit
from app.services.actors import Actor
from app.services.clock import LOCAL_TZ, add_months, local_date
from app.services.dialects import is_postgresql
from app.services.followups import next_due_dates
from app.services.pagination import Page
from models.alerts import Alert
from models.contracts import Contract, ContractStatus, contract_packages
from models.followups import FollowUp, MedicationChange, VisitMethod
from models.ledger import ServiceRecord
from models.packages import PackageItem
from models.referrals import Referral, ReferralStatus
from models.residents import Resident

MONTHS_PER_PERIOD = {"year": 12, "quarter": 3, "month": 1}
# 规范 2017: the ≥4 follow-ups a year are face to face (门诊 or 入户); telephone or app contact does not replace
# them, so remote follow-ups are their own kind (`remote_followup`).
FACE_TO_FACE = (VisitMethod.face_to_face, VisitMethod.home)
# Kinds delivered at a follow-up visit: their next due date is the follow-up schedule's (下一步管理措施).
FOLLOWUP_KINDS = ("followup", "glucose_test", "medication_review")
# Where each kind's evidence comes from (the union in `deliveries`).
EVIDENCE = {
    "followup": "a follow-up visit in person (门诊 or 家庭)",
    "remote_followup": "a follow-up by phone, WeChat or video",
    "glucose_test": "a follow-up that records a fasting glucose",
    "medication_review": "a follow-up that records the medications",
    "referral": "a referral requested (not cancelled)",
    "reading_review": "an alert acknowledged or resolved by a doctor, or a logged review of the home readings",
    "health_check": "a logged health check (健康体检)",
    "education": "a logged health-education session (健康教育)",
}


def _kind(value: str):
    """A constant kind inline in the SQL (no parameter, one type for the UNION on both databases)."""
    return cast(literal_column(f"'{value}'"), String(24))


def _instant(day: date) -> datetime:
    """Local midnight at the start of a day, as UTC."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(timezone.utc)


def local_day(session: Session, column: Any):
    """The local (Asia/Shanghai) calendar day of a stored UTC instant, in SQL."""
    if is_postgresql(session):
        return cast(func.timezone(LOCAL_TZ.key, column), Date)
    return func.date(column, "+8 hours")  # Asia/Shanghai: UTC+8 all year (no daylight saving since 1991)


def deliveries(session: Session, *, consortium_id: int, since: datetime, until: datetime):
    """Every delivered service between two instants as rows (resident_id, kind, at, day), day = local date."""
    f, window = FollowUp, lambda col: and_(col >= since, col < until)
    followup_kind = case((f.method.in_(FACE_TO_FACE), _kind("followup")), else_=_kind("remote_followup"))
    by_followup = (f.consortium_id == consortium_id, window(f.visited_at))
    reviewed_at = Alert.acknowledged_at
    parts = [
        select(f.resident_id.label("resident_id"), followup_kind.label("kind"), f.visited_at.label("at"))
        .where(*by_followup),
        select(f.resident_id, _kind("glucose_test"), f.visited_at).where(*by_followup, f.glucose_mmol.is_not(None)),
        select(f.resident_id, _kind("medication_review"), f.visited_at)
        .where(*by_followup, exists().where(MedicationChange.followup_id == f.id)),
        select(Referral.resident_id, _kind("referral"), Referral.created_at)
        .where(Referral.consortium_id == consortium_id, Referral.status != ReferralStatus.cancelled,
               window(Referral.created_at)),
        # Resolving an alert also acknowledges it (app.services.alerts.resolve), so one column covers both.
        select(Alert.resident_id, _kind("reading_review"), reviewed_at)
        .where(Alert.consortium_id == consortium_id, Alert.acknowledged_by_id.is_not(None), window(reviewed_at)),
        select(ServiceRecord.resident_id, cast(ServiceRecord.kind, String(24)), ServiceRecord.delivered_at)
        .where(ServiceRecord.consortium_id == consortium_id, window(ServiceRecord.delivered_at)),
    ]
    u = union_all(*parts).subquery("delivered_raw")
    day = local_day(session, u.c.at)
    y, m, d = _ymd(day)
    # The day's month number (year × 12 + month) and day of the month, once per delivery: the ledger's
    # schedule arithmetic is then integer arithmetic on columns.
    return select(u.c.resident_id, u.c.kind, u.c.at, day.label("day"), (y * 12 + m).label("day_mi"),
                  d.label("day_dom")).subquery("delivered")


def _ymd(value: Any) -> tuple[Any, Any, Any]:
    if isinstance(value, date):
        return value.year, value.month, value.day
    return (cast(extract("year", value), Integer), cast(extract("month", value), Integer),
            cast(extract("day", value), Integer))


def months_between(start: Any, later: Any):
    """Whole months from `start` to `later` (dates or SQL date expressions): 10 Jan → 9 Apr is 2, → 10 Apr is 3."""
    y0, m0, d0 = _ymd(start)
    y1, m1, d1 = _ymd(later)
    if isinstance(start, date) and isinstance(later, date):
        return (y1 - y0) * 12 + (m1 - m0) - (1 if d1 < d0 else 0)
    return (y1 - y0) * 12 + (m1 - m0) - case((d1 < d0, 1), else_=0)


def _least(a: Any, b: Any):
    return case((a <= b, a), else_=b)


def contract_items(on: date, *where: Any):
    """(contract, item) rows of the contracts matching `where`, with the item's schedule as of the day `on`:
    year_index (which contract year), elapsed (whole months of that year gone, 0–12), per_period, period_months."""
    y, m, d = _ymd(Contract.starts_on)
    ey, em, ed = _ymd(Contract.ends_on)
    # Per contract, once: the start's month number and day, and the whole months to `on` and to the last day.
    months = (select(Contract.id.label("contract_id"), Contract.resident_id.label("resident_id"),
                     Contract.team_id.label("team_id"), Contract.starts_on.label("starts_on"),
                     (y * 12 + m).label("start_mi"), d.label("start_dom"),
                     (ey * 12 + em - y * 12 - m - case((ed < d, 1), else_=0)).label("mi_end"),
                     (on.year * 12 + on.month - y * 12 - m - case((d > on.day, 1), else_=0)).label("mi_on"))
              .where(Contract.starts_on <= on, *where).cte("contract_months").prefix_with("MATERIALIZED"))
    cm = months.c
    year_index = _least(cm.mi_on, cm.mi_end) // 12
    elapsed = _least(cm.mi_on - year_index * 12, 12)
    period_months = case((PackageItem.period == "month", 1), (PackageItem.period == "quarter", 3), else_=12)
    per_period = PackageItem.yearly_quantity * period_months // 12
    return (select(cm.contract_id, cm.resident_id, cm.team_id, cm.starts_on, cm.start_mi, cm.start_dom,
                   PackageItem.id.label("item_id"), PackageItem.service_kind.label("kind"),
                   PackageItem.yearly_quantity.label("required"), per_period.label("per_period"),
                   period_months.label("period_months"), year_index.label("year_index"), elapsed.label("elapsed"))
            .join(contract_packages, contract_packages.c.contract_id == cm.contract_id)
            .join(PackageItem, PackageItem.package_id == contract_packages.c.package_id)
            .where(PackageItem.service_kind.is_not(None))
            # CTEs, not subqueries: inlined, both databases recomputed the month arithmetic for every expression
            # that used it and for every joined delivery (several times slower, bench/ledger_kpi_bench).
            .cte("ci"))


def ledger_rows(session: Session, *, consortium_id: int, on: date, where: tuple = ()):
    """The ledger as a subquery: one row per (contract, item) with required, delivered, expected, overdue, due
    and last_delivered_at, as of the local day `on` (the day's deliveries count)."""
    ci = contract_items(on, Contract.consortium_id == consortium_id, *where)
    # Deliveries up to the end of `on`, from the earliest day a contract year in the ledger can start.
    dl = deliveries(session, consortium_id=consortium_id, since=_instant(add_months(on, -12) - timedelta(days=1)),
                    until=_instant(on + timedelta(days=1)))
    month_of_year = (dl.c.day_mi - ci.c.start_mi - case((dl.c.day_dom < ci.c.start_dom, 1), else_=0)
                     - ci.c.year_index * 12)  # whole months from the contract year's start to the delivery
    period = (month_of_year // ci.c.period_months).label("period")
    c, months, e = ci.c.per_period, ci.c.period_months, ci.c.elapsed
    per_period = (select(ci.c.contract_id, ci.c.item_id, c.label("c"), months.label("months"), e.label("e"), period,
                         func.count().label("n"), func.max(dl.c.at).label("last_at"))
                  .join(dl, and_(dl.c.resident_id == ci.c.resident_id, dl.c.kind == ci.c.kind))
                  .where(month_of_year >= 0, month_of_year < 12)
                  .group_by(ci.c.contract_id, ci.c.item_id, c, months, e, period)
                  .subquery("per_period"))
    p = per_period.c
    gone = p.e - p.period * p.months
    e_in_period = case((gone < 0, 0), (gone > p.months, p.months), else_=gone)
    expected_in_period = p.c * e_in_period // p.months
    sums = (select(p.contract_id, p.item_id,
                   cast(func.sum(_least(p.n, p.c)), Integer).label("delivered"),
                   cast(func.sum(_least(p.n, expected_in_period)), Integer).label("credited"),
                   func.max(p.last_at).label("last_at"))
            .group_by(p.contract_id, p.item_id).subquery("sums"))
    expected = (e // months) * c + (c * (e % months)) // months
    delivered = func.coalesce(sums.c.delivered, 0)
    overdue = cast(expected - func.coalesce(sums.c.credited, 0), Integer)
    return (select(ci.c.contract_id, ci.c.resident_id, ci.c.team_id, ci.c.item_id, ci.c.kind, ci.c.starts_on,
                   ci.c.year_index, ci.c.elapsed, ci.c.period_months, ci.c.required, expected.label("expected"),
                   delivered.label("delivered"), overdue.label("overdue"),
                   (ci.c.required - delivered - overdue).label("due"), sums.c.last_at.label("last_delivered_at"))
            .outerjoin(sums, and_(sums.c.contract_id == ci.c.contract_id, sums.c.item_id == ci.c.item_id))
            .subquery("ledger"))


@dataclass(frozen=True)
class LedgerItem:
    item_id: int
    code: str
    name: str
    service_kind: str
    period: str
    required: int
    expected: int
    delivered: int
    overdue: int
    due: int
    period_ends_on: date  # the last day of the item's current period (what is due now is due by then)
    last_delivered_at: datetime | None
    next_due_on: date | None = None  # when the next delivery is due (None: nothing left this contract year)


@dataclass(frozen=True)
class ContractLedger:
    contract_id: int
    resident_id: int
    team_id: int
    on: date
    year_starts_on: date
    year_ends_on: date
    required: int
    expected: int
    delivered: int
    overdue: int
    rate: float | None  # 履约率 to date: (expected − overdue) / expected
    items: list[LedgerItem]


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def contract_ledger(session: Session, *, actor: Actor, contract_id: int, now: datetime,
                    on: date | None = None) -> ContractLedger:
    """One contract's ledger as of a day (default today; a contract that has ended: its last day)."""
    contract = session.get(Contract, contract_id)
    if contract is None or contract.consortium_id != actor.consortium_id:
        raise NotFound("contract.not_found", "没有找到这个签约 / contract not found")
    if not (actor.is_admin or actor.is_team_staff or actor.is_resident):
        raise Forbidden("auth.role", "您的角色不能查看履约 / your role may not read the ledger")
    if (actor.is_resident and contract.resident_id != actor.id) or (
            actor.is_team_staff and contract.team_id not in actor.team_ids):
        raise NotFound("contract.not_found", "没有找到这个签约 / contract not found")
    day = min(on or local_date(now), contract.ends_on)
    if contract.status == ContractStatus.terminated and contract.ended_at is not None:
        day = min(day, local_date(contract.ended_at))
    if day < contract.starts_on:
        day = contract.starts_on
    led = ledger_rows(session, consortium_id=contract.consortium_id, on=day, where=(Contract.id == contract.id,))
    rows = session.execute(select(led, PackageItem.code, PackageItem.name, PackageItem.period)
                           .join(PackageItem, PackageItem.id == led.c.item_id).order_by(led.c.item_id)).all()
    year_index = rows[0].year_index if rows else months_between(contract.starts_on, day) // 12
    year_start = add_months(contract.starts_on, 12 * year_index)
    visits = next_due_dates(session, [contract.resident_id])
    items = []
    for r in rows:
        period_end = _period_end(r)
        items.append(LedgerItem(item_id=r.item_id, code=r.code, name=r.name, service_kind=r.kind, period=r.period,
                                required=r.required, expected=r.expected, delivered=r.delivered, overdue=r.overdue,
                                due=r.due, period_ends_on=period_end, last_delivered_at=r.last_delivered_at,
                                next_due_on=_next_due(r, period_end, visits)))
    expected = sum(i.expected for i in items)
    overdue = sum(i.overdue for i in items)
    return ContractLedger(contract_id=contract.id, resident_id=contract.resident_id, team_id=contract.team_id, on=day,
                          year_starts_on=year_start,
                          year_ends_on=min(add_months(year_start, 12) - timedelta(days=1), contract.ends_on),
                          required=sum(i.required for i in items), expected=expected,
                          delivered=sum(i.delivered for i in items), overdue=overdue,
                          rate=_rate(expected - overdue, expected), items=items)


def _period_end(row: Any) -> date:
    """The last day of a ledger row's current period (what is due now is due by then)."""
    year_start = add_months(row.starts_on, 12 * row.year_index)
    return add_months(year_start, min((row.elapsed // row.period_months + 1) * row.period_months, 12)) - timedelta(
        days=1)


def _next_due(row: Any, period_end: date, visits: dict[int, date]) -> date | None:
    """When a ledger row's next delivery is due: the follow-up schedule's date for what a visit delivers (a
    contract never visited: from its start, as on the follow-up due list), else the period's end."""
    if row.overdue + row.due <= 0:
        return None
    if row.kind in FOLLOWUP_KINDS:
        return visits.get(row.resident_id, row.starts_on)
    return period_end


def _active_team_contracts(team_ids: frozenset[int] | set[int]) -> tuple:
    return (Contract.status == ContractStatus.active, Contract.team_id.in_(sorted(team_ids) or [-1]))


def overdue_items(session: Session, *, consortium_id: int, resident_ids: list[int], on: date) -> dict[int, list[dict]]:
    """Overdue package items of some residents' active contracts (for a page of the due list): resident → items."""
    if not resident_ids:
        return {}
    led = ledger_rows(session, consortium_id=consortium_id, on=on,
                      where=(Contract.status == ContractStatus.active, Contract.resident_id.in_(resident_ids)))
    found: dict[int, list[dict]] = {}
    for row in session.execute(select(led.c.resident_id, led.c.overdue, led.c.due, PackageItem.code, PackageItem.name)
                               .join(PackageItem, PackageItem.id == led.c.item_id)
                               .where(led.c.overdue > 0).order_by(led.c.resident_id, led.c.item_id)):
        found.setdefault(row.resident_id, []).append({"code": row.code, "name": row.name, "overdue": row.overdue,
                                                      "due": row.due})
    return found


@dataclass(frozen=True)
class Undelivered:
    contract_id: int
    resident_id: int
    resident_name: str
    team_id: int
    item_id: int
    code: str
    name: str
    service_kind: str
    required: int
    delivered: int
    overdue: int
    due: int
    last_delivered_at: datetime | None
    next_due_on: date | None = None


def undelivered(session: Session, actor: Actor, *, now: datetime, team_id: int | None = None,
                status: str = "overdue", page: int = 1, per_page: int = 20) -> Page:
    """The team's undelivered package items (履约待办): overdue ones, or every open one (`status=open`),
    most overdue first. Active contracts of the actor's teams only."""
    if not actor.is_team_staff:
        raise Forbidden("auth.role", "只有家庭医生团队可以查看履约名单 / only family doctor teams")
    if status not in ("overdue", "open"):
        raise RuleViolation("ledger.status", "status 应为 overdue 或 open", errors={"status": ["overdue / open"]})
    teams = actor.team_ids if team_id is None else actor.team_ids & {team_id}
    if team_id is not None and not teams:
        raise Forbidden("ledger.other_team", "只能查看本团队的名单 / only your own teams")
    led = ledger_rows(session, consortium_id=actor.consortium_id, on=local_date(now),
                      where=_active_team_contracts(teams))
    wanted = led.c.overdue > 0 if status == "overdue" else or_(led.c.overdue > 0, led.c.due > 0)
    stmt = (select(led, PackageItem.code, PackageItem.name, Resident.name.label("resident_name"))
            .join(PackageItem, PackageItem.id == led.c.item_id).join(Resident, Resident.id == led.c.resident_id)
            .where(wanted, Resident.anonymised_at.is_(None)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page, per_page = max(page, 1), min(max(per_page, 1), 200)
    rows = session.execute(stmt.order_by(led.c.overdue.desc(), led.c.resident_id, led.c.item_id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    visits = next_due_dates(session, [r.resident_id for r in rows if r.kind in FOLLOWUP_KINDS])
    items = [Undelivered(contract_id=r.contract_id, resident_id=r.resident_id,
                         resident_name=r.resident_name, team_id=r.team_id, item_id=r.item_id,
                         code=r.code, name=r.name, service_kind=r.kind, required=r.required, delivered=r.delivered,
                         overdue=r.overdue, due=r.due, last_delivered_at=r.last_delivered_at,
                         next_due_on=_next_due(r, _period_end(r), visits)) for r in rows]
    audit.note(session, actor, action="list", target="ledger_undelivered",
               data={"resident_ids": sorted({r.resident_id for r in rows})})
    return Page(items=items, page=page, per_page=per_page, total=total)


# 只签不约: a contract with no delivered service in the last N months (default 3, the quarter the 规范 allows
# between follow-ups); contracts younger than N months are not judged yet.
SIGNED_NOT_SERVED_MONTHS = 3


def unit_figures(session: Session, *, consortium_id: int, contract_units: Any, end: date,
                 idle_months: int = SIGNED_NOT_SERVED_MONTHS) -> dict[int, dict]:
    """履约率 and 只签不约 per unit, as of `end`: `contract_units` is a subquery (contract_id, unit_id) of the
    contracts in force on `end`. Two grouped statements, whatever the number of contracts."""
    cu = contract_units
    led = ledger_rows(session, consortium_id=consortium_id, on=end,
                      where=(Contract.id.in_(select(cu.c.contract_id)),))
    per_contract = (select(led.c.contract_id, cast(func.sum(led.c.expected), Integer).label("expected"),
                           cast(func.sum(led.c.overdue), Integer).label("overdue"))
                    .group_by(led.c.contract_id).subquery("per_contract"))
    pc = per_contract.c
    out: dict[int, dict] = {}
    for row in session.execute(
            select(cu.c.unit_id, cast(func.sum(pc.expected), Integer).label("expected"),
                   cast(func.sum(pc.overdue), Integer).label("overdue"),
                   func.sum(case((pc.expected > 0, 1), else_=0)).label("judged"),
                   func.sum(case((and_(pc.expected > 0, pc.overdue == 0), 1), else_=0)).label("on_schedule"))
            .join(per_contract, pc.contract_id == cu.c.contract_id).group_by(cu.c.unit_id)):
        out[row.unit_id] = {"expected": int(row.expected or 0), "overdue": int(row.overdue or 0),
                            "judged": int(row.judged or 0), "on_schedule": int(row.on_schedule or 0)}
    cut = add_months(end, -idle_months)  # served = a delivery on a local day in (cut, end]
    served = (select(deliveries(session, consortium_id=consortium_id, since=_instant(cut + timedelta(days=1)),
                                until=_instant(end + timedelta(days=1))).c.resident_id).distinct().subquery("served"))
    for row in session.execute(
            select(cu.c.unit_id, func.count().label("eligible"),
                   func.sum(case((served.c.resident_id.is_(None), 1), else_=0)).label("idle"))
            .join(Contract, Contract.id == cu.c.contract_id)
            .outerjoin(served, served.c.resident_id == Contract.resident_id)
            .where(Contract.starts_on <= cut).group_by(cu.c.unit_id)):
        out.setdefault(row.unit_id, {}).update(eligible=int(row.eligible), idle=int(row.idle or 0))
    return out
