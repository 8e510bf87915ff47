"""KPIs (绩效指标) for a period, per team, township or consortium, computed in SQL (definitions: docs/kpis.md).

Every figure is an aggregate query grouped by unit; nothing loops over residents in Python. Dates are local
(Asia/Shanghai) calendar days; `end` is inclusive and is also the "as of" day for contracts and ages.
Percentiles are nearest-rank (the value at rank ceil(p·n)), the same on PostgreSQL and SQLite.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal, or_, select, text
from sqlalchemy.orm import Session, aliased

from app.errors import Forbidden, RuleViolation
from app.services import fulfilment
from app.services.actors import Actor
from app.services.clock import LOCAL_TZ, add_months, add_years
from ml.clinical import DEFAULT_HOME_TARGET, DIABETES_CKD_HOME_TARGET, ELDERLY_80_HOME_TARGET, FASTING_TARGET
from models.alerts import Alert, Severity
from models.confirmations import ConfirmationState, ReadingCheck, ReadingConfirmation
from models.contracts import Contract, ContractStatus
from models.followups import FollowUp, VisitMethod
from models.org import Consortium, Institution, InstitutionLevel, Team, TeamVillage, Village
from models.readings import BpReading, GlucoseReading
from models.referrals import Referral
from models.residents import Resident, ResidentCondition

LEVELS = ("team", "township", "consortium")
# 规范 2017: ≥4 face-to-face follow-ups a year; a home visit (入户) is face to face, phone/WeChat are not.
FACE_TO_FACE = (VisitMethod.face_to_face, VisitMethod.home)
VISITS_PER_YEAR = 4
PRIORITY_AGE = 65  # 老年人 priority group for contracting (国医改办发〔2016〕1号)
ELDERLY_TARGET_AGE = 80  # ml.clinical.default_bp_target: ≥80 without diabetes/CKD -> <150/90
# 规范 2017 血糖控制: the latest follow-up fasting glucose below 7.0 mmol/L (中国2型糖尿病防治指南 2020).
GLUCOSE_CONTROLLED_BELOW = FASTING_TARGET[1]
MISSED_VISIT_MONTHS = 3  # Simple: "no visit in the last 3 months"
LTFU_MONTHS = 12  # Simple: lost to follow-up, "no visit in the last 12 months"
MAX_PERIOD_DAYS = 731


@dataclass
class KpiReport:
    level: str
    unit_id: int
    unit_name: str
    start: date
    end: date
    figures: dict[str, Any] = field(default_factory=dict)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _instant(day: date) -> datetime:
    """Local midnight at the start of a day, as UTC."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(timezone.utc)


def required_visits(start: date, end: date) -> int:
    """Face-to-face visits needed in the period: 4 a year, pro rata (a calendar year needs 4, a quarter 1)."""
    days = (end - start).days + 1
    return max(1, round(VISITS_PER_YEAR * days / 365.25))


def _minutes(session: Session, start, end):
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 60.0
    return (func.julianday(end) - func.julianday(start)) * 1440.0


def _authorise(session: Session, actor: Actor, level: str, unit_id: int | None) -> dict[int, str]:
    """Units the actor may read at this level (id -> name); admins all, team staff their own teams only."""
    if level not in LEVELS:
        raise RuleViolation("kpi.level", "level 应为 team / township / consortium", errors={"level": list(LEVELS)})
    if not (actor.is_admin or actor.is_team_staff or actor.is_system):
        raise Forbidden("auth.role", "只有管理员和家庭医生团队可以查看指标 / only admins and teams read KPIs")
    cid = actor.consortium_id
    if actor.is_team_staff and level != "team":
        raise Forbidden("kpi.team_only", "团队成员只能查看本团队的指标 / team staff read their own teams only")
    if level == "team":
        stmt = select(Team.id, Team.name).where(Team.consortium_id == cid)
        if actor.is_team_staff:
            if unit_id is not None and unit_id not in actor.team_ids:
                raise Forbidden("kpi.other_team", "只能查看本团队的指标 / only your own teams")
            stmt = stmt.where(Team.id.in_(actor.team_ids or [-1]))
    elif level == "township":
        stmt = select(Institution.id, Institution.name).where(Institution.consortium_id == cid,
                                                               Institution.level == InstitutionLevel.township)
    else:
        stmt = select(Consortium.id, Consortium.name).where(Consortium.id == cid)
    if unit_id is not None:
        stmt = stmt.where(stmt.selected_columns[0] == unit_id)
    return {row[0]: row[1] for row in session.execute(stmt.order_by(stmt.selected_columns[0]))}


def _village_units(level: str, cid: int, unit_ids: list[int]):
    """(village_id, unit_id): which unit each village belongs to at this level."""
    if level == "team":
        stmt = select(TeamVillage.village_id.label("village_id"), TeamVillage.team_id.label("unit_id")).where(
            TeamVillage.team_id.in_(unit_ids))
    elif level == "township":
        stmt = (select(Village.id.label("village_id"), Institution.parent_id.label("unit_id"))
                .join(Institution, Village.clinic_id == Institution.id)
                .where(Village.consortium_id == cid, Institution.parent_id.in_(unit_ids)))
    else:
        stmt = select(Village.id.label("village_id"), Village.consortium_id.label("unit_id")).where(
            Village.consortium_id == cid)
    return stmt.subquery("vu")


def _in_force(cid: int, end: date, end_b: datetime):
    """A contract in force on the end day: approved by then, term covers it, not terminated before it ended."""
    return and_(Contract.consortium_id == cid, Contract.approved_at.is_not(None), Contract.approved_at < end_b,
                Contract.starts_on <= end, Contract.ends_on >= end,
                or_(Contract.status != ContractStatus.terminated, Contract.ended_at >= end_b))


def _condition_joins(stmt, resident_id):
    """LEFT JOIN the three conditions the KPIs need (the primary key makes each at most one row); with flags."""
    h, d, k = aliased(ResidentCondition), aliased(ResidentCondition), aliased(ResidentCondition)
    stmt = (stmt.outerjoin(h, and_(h.resident_id == resident_id, h.code == "hypertension"))
            .outerjoin(d, and_(d.resident_id == resident_id, d.code == "diabetes"))
            .outerjoin(k, and_(k.resident_id == resident_id, k.code == "ckd")))
    return stmt, h.resident_id.is_not(None), d.resident_id.is_not(None), or_(d.resident_id.is_not(None),
                                                                              k.resident_id.is_not(None))


def _latest_in_period(cid: int, start_b: datetime, end_b: datetime, *columns, not_null):
    ranked = (select(FollowUp.resident_id.label("resident_id"), *columns,
                     func.row_number().over(partition_by=FollowUp.resident_id,
                                            order_by=(FollowUp.visited_at.desc(), FollowUp.id.desc())).label("rn"))
              .where(FollowUp.consortium_id == cid, FollowUp.visited_at >= start_b, FollowUp.visited_at < end_b,
                     not_null.is_not(None))
              .subquery())
    return select(*[c for c in ranked.c if c.key != "rn"]).where(ranked.c.rn == 1).subquery()


def _resident_figures(session: Session, level: str, cid: int, unit_ids: list[int], start: date, end: date) -> dict:
    start_b, end_b = _instant(start), _instant(end + timedelta(days=1))
    vu = _village_units(level, cid, unit_ids)
    if level == "team":
        contracted = (select(Contract.resident_id.label("resident_id"), Contract.team_id.label("unit_id"))
                      .where(_in_force(cid, end, end_b), Contract.team_id.in_(unit_ids)).distinct())
    elif level == "consortium":
        contracted = (select(Contract.resident_id.label("resident_id"), Contract.consortium_id.label("unit_id"))
                      .where(_in_force(cid, end, end_b)).distinct())
    else:
        contracted = (select(Contract.resident_id.label("resident_id"), vu.c.unit_id)
                      .join(Resident, Resident.id == Contract.resident_id)
                      .join(vu, vu.c.village_id == Resident.village_id)
                      .where(_in_force(cid, end, end_b)).distinct())
    cr = contracted.subquery("cr")
    missed_cut = _instant(add_months(end + timedelta(days=1), -MISSED_VISIT_MONTHS))
    ltfu_cut = _instant(add_months(end + timedelta(days=1), -LTFU_MONTHS))
    # Only visits since the earlier of the period start and the 12-month cut matter: the cost follows the
    # window, not the whole history.
    visits = (select(FollowUp.resident_id.label("resident_id"),
                     func.sum(case((and_(FollowUp.method.in_(FACE_TO_FACE), FollowUp.visited_at >= start_b), 1),
                                   else_=0)).label("f2f"),
                     func.max(FollowUp.visited_at).label("last_visit"))
              .where(FollowUp.consortium_id == cid, FollowUp.visited_at < end_b,
                     FollowUp.visited_at >= min(start_b, ltfu_cut))
              .group_by(FollowUp.resident_id).subquery("visits"))
    bp = _latest_in_period(cid, start_b, end_b, FollowUp.systolic.label("sys"), FollowUp.diastolic.label("dia"),
                           not_null=FollowUp.systolic)
    glucose = _latest_in_period(cid, start_b, end_b, FollowUp.glucose_mmol.label("mmol"),
                                not_null=FollowUp.glucose_mmol)

    base, htn, dm, dm_ckd = _condition_joins(
        select().select_from(cr).join(Resident, Resident.id == cr.c.resident_id), cr.c.resident_id)
    managed = or_(htn, dm)
    age65 = Resident.birth_date <= add_years(end, -PRIORITY_AGE)
    age80 = Resident.birth_date <= add_years(end, -ELDERLY_TARGET_AGE)
    personal = and_(Resident.bp_target_sys.is_not(None), Resident.bp_target_dia.is_not(None))
    # The SQL twin of app.services.residents.bp_target / ml.clinical.default_bp_target (parity is tested).
    target_sys = case((personal, Resident.bp_target_sys), (dm_ckd, DIABETES_CKD_HOME_TARGET.systolic),
                      (age80, ELDERLY_80_HOME_TARGET.systolic), else_=DEFAULT_HOME_TARGET.systolic)
    target_dia = case((personal, Resident.bp_target_dia), (dm_ckd, DIABETES_CKD_HOME_TARGET.diastolic),
                      (age80, ELDERLY_80_HOME_TARGET.diastolic), else_=DEFAULT_HOME_TARGET.diastolic)
    need = required_visits(start, end)

    def count_if(*conditions):
        return func.sum(case((and_(*conditions), 1), else_=0))

    stmt = (base.add_columns(cr.c.unit_id, func.count().label("contracted"),
                   count_if(age65).label("contracted_65"), count_if(htn).label("contracted_htn"),
                   count_if(dm).label("contracted_dm"), count_if(managed).label("managed"),
                   count_if(managed, func.coalesce(visits.c.f2f, 0) >= need).label("standard"),
                   count_if(htn, bp.c.sys < target_sys, bp.c.dia < target_dia).label("bp_controlled"),
                   count_if(htn, bp.c.sys.is_(None)).label("bp_no_value"),
                   count_if(dm, glucose.c.mmol < GLUCOSE_CONTROLLED_BELOW).label("glucose_controlled"),
                   count_if(dm, glucose.c.mmol.is_(None)).label("glucose_no_value"),
                   count_if(managed, or_(visits.c.last_visit.is_(None), visits.c.last_visit < missed_cut)).label("missed"),
                   count_if(managed, or_(visits.c.last_visit.is_(None), visits.c.last_visit < ltfu_cut)).label("ltfu"))
            .outerjoin(visits, visits.c.resident_id == cr.c.resident_id)
            .outerjoin(bp, bp.c.resident_id == cr.c.resident_id)
            .outerjoin(glucose, glucose.c.resident_id == cr.c.resident_id)
            .group_by(cr.c.unit_id))
    contracted_rows = {row.unit_id: row._mapping for row in session.execute(stmt)}

    base, htn, dm, _ = _condition_joins(
        select().select_from(Resident).join(vu, vu.c.village_id == Resident.village_id), Resident.id)
    registered = (base.add_columns(vu.c.unit_id, func.count().label("registered"), count_if(age65).label("registered_65"),
                                   count_if(htn).label("registered_htn"), count_if(dm).label("registered_dm"))
                  .where(Resident.consortium_id == cid, Resident.created_at < end_b)
                  .group_by(vu.c.unit_id))
    registered_rows = {row.unit_id: row._mapping for row in session.execute(registered)}
    population = {row.unit_id: row.population for row in session.execute(
        select(vu.c.unit_id, func.sum(Village.population).label("population"))
        .join(Village, Village.id == vu.c.village_id).group_by(vu.c.unit_id))}
    return {"contracted": contracted_rows, "registered": registered_rows, "population": population,
            "required_visits": need}


def _event_unit(level: str, model, vu):
    """How an alert or referral maps to a unit: its team at team level, else the resident's village."""
    return model.team_id if level == "team" else vu.c.unit_id


def _event_figures(session: Session, level: str, cid: int, unit_ids: list[int], start: date, end: date) -> dict:
    start_b, end_b = _instant(start), _instant(end + timedelta(days=1))
    vu = _village_units(level, cid, unit_ids)

    def scoped(stmt, model):
        if level == "team":
            return stmt.where(model.team_id.in_(unit_ids))
        return (stmt.select_from(model).join(Resident, Resident.id == model.resident_id)
                .join(vu, vu.c.village_id == Resident.village_id))

    # Alerts: time from opening to the first response (acknowledged, or resolved without an acknowledgement).
    responded = func.coalesce(Alert.acknowledged_at, Alert.resolved_at)
    minutes = _minutes(session, Alert.opened_at, responded)
    unit = _event_unit(level, Alert, vu)
    in_period = (Alert.consortium_id == cid, Alert.opened_at >= start_b, Alert.opened_at < end_b)
    vals = scoped(select(unit.label("unit_id"), Alert.severity.label("grp"), minutes.label("v"))
                  .where(*in_period, responded.is_not(None)), Alert).subquery("vals")
    alert_pct = _nearest_rank(session, vals)
    alert_counts = {(row.unit_id, _grp(row.grp)): row for row in session.execute(
        scoped(select(unit.label("unit_id"), Alert.severity.label("grp"), func.count().label("n"),
                      func.sum(case((responded.is_(None), 1), else_=0)).label("waiting"))
               .where(*in_period), Alert).group_by(unit, Alert.severity))}

    # Referrals: request -> completed, in hours, for referrals completed in the period.
    unit = _event_unit(level, Referral, vu)
    hours = _minutes(session, Referral.created_at, Referral.completed_at) / 60.0
    vals = scoped(select(unit.label("unit_id"), literal("all").label("grp"), hours.label("v"))
                  .where(Referral.consortium_id == cid, Referral.completed_at >= start_b,
                         Referral.completed_at < end_b), Referral).subquery("vals")
    referral_pct = _nearest_rank(session, vals)
    requested = {row.unit_id: row.n for row in session.execute(
        scoped(select(unit.label("unit_id"), func.count().label("n"))
               .where(Referral.consortium_id == cid, Referral.created_at >= start_b, Referral.created_at < end_b),
               Referral).group_by(unit))}
    return {"alert_pct": alert_pct, "alert_counts": alert_counts, "referral_pct": referral_pct,
            "referrals_requested": requested, **_confirmation_figures(session, cid, vu, start_b, end_b)}


def _confirmation_figures(session: Session, cid: int, vu, start_b: datetime, end_b: datetime) -> dict:
    """Dangerous home values by confirmation state, and entries stored as typed, by the resident's village."""
    def by_village(stmt, model):
        return (stmt.join(Resident, Resident.id == model.resident_id)
                .join(vu, vu.c.village_id == Resident.village_id))

    rc = ReadingConfirmation
    states = {(row.unit_id, _grp(row.grp)): int(row.n) for row in session.execute(
        by_village(select(vu.c.unit_id.label("unit_id"), rc.state.label("grp"), func.count().label("n"))
                   .select_from(rc), rc)
        .where(rc.consortium_id == cid, rc.measured_at >= start_b, rc.measured_at < end_b)
        .group_by(vu.c.unit_id, rc.state))}
    as_typed: dict[int, int] = {}
    for model in (BpReading, GlucoseReading):
        for row in session.execute(
                by_village(select(vu.c.unit_id.label("unit_id"), func.count().label("n")).select_from(model), model)
                .where(model.consortium_id == cid, model.measured_at >= start_b, model.measured_at < end_b,
                       model.confirmation == ReadingCheck.as_typed.value)
                .group_by(vu.c.unit_id)):
            as_typed[row.unit_id] = as_typed.get(row.unit_id, 0) + int(row.n)
    return {"confirmation_states": states, "entries_as_typed": as_typed}


def _nearest_rank(session: Session, vals) -> dict:
    """p50 / p90 per (unit_id, grp) of vals.v: the value at rank ceil(p·n), by window functions."""
    ranked = select(vals.c.unit_id, vals.c.grp, vals.c.v,
                    func.row_number().over(partition_by=(vals.c.unit_id, vals.c.grp), order_by=vals.c.v).label("rn"),
                    func.count().over(partition_by=(vals.c.unit_id, vals.c.grp)).label("n")).subquery("ranked")
    r = ranked.c
    n = cast(r.n, Integer)
    stmt = (select(r.unit_id, r.grp, func.max(r.n).label("n"),
                   func.max(case((r.rn == (n + 1) // 2, r.v))).label("p50"),
                   func.max(case((r.rn == (n * 9 + 9) // 10, r.v))).label("p90"))
            .group_by(r.unit_id, r.grp))
    return {(row.unit_id, _grp(row.grp)): row for row in session.execute(stmt)}


def _grp(value: Any) -> str:
    return value.value if hasattr(value, "value") else str(value)


def _contract_units(level: str, cid: int, unit_ids: list[int], end: date):
    """(contract_id, unit_id) of the contracts in force on `end`, by the same unit rules as the residents."""
    end_b = _instant(end + timedelta(days=1))
    if level == "team":
        stmt = select(Contract.id.label("contract_id"), Contract.team_id.label("unit_id")).where(
            _in_force(cid, end, end_b), Contract.team_id.in_(unit_ids))
    elif level == "consortium":
        stmt = select(Contract.id.label("contract_id"), Contract.consortium_id.label("unit_id")).where(
            _in_force(cid, end, end_b))
    else:
        vu = _village_units(level, cid, unit_ids)
        stmt = (select(Contract.id.label("contract_id"), vu.c.unit_id)
                .join(Resident, Resident.id == Contract.resident_id).join(vu, vu.c.village_id == Resident.village_id)
                .where(_in_force(cid, end, end_b)))
    return stmt.subquery("contract_units")


def _fulfilment(row: dict, idle_months: int) -> dict:
    expected, overdue = row.get("expected", 0), row.get("overdue", 0)
    return {
        "fulfilment": {"contracts": row.get("judged", 0), "expected": expected, "delivered": expected - overdue,
                       "rate": _rate(expected - overdue, expected), "on_schedule": row.get("on_schedule", 0),
                       "on_schedule_share": _rate(row.get("on_schedule", 0), row.get("judged", 0))},
        "signed_not_served": {"months": idle_months, "eligible": row.get("eligible", 0),
                              "count": row.get("idle", 0), "share": _rate(row.get("idle", 0), row.get("eligible", 0))},
    }


def compute_kpis(session: Session, *, actor: Actor, start: date, end: date, level: str = "consortium",
                 unit_id: int | None = None,
                 idle_months: int = fulfilment.SIGNED_NOT_SERVED_MONTHS) -> list[KpiReport]:
    """KPIs for each unit at a level (team / township / consortium) over [start, end], in a few SQL queries."""
    if end < start or (end - start).days >= MAX_PERIOD_DAYS:
        raise RuleViolation("kpi.period", "时间段有误（开始不晚于结束，最长两年）/ start after end or over 2 years",
                            errors={"end": ["结束日期应不早于开始日期，且最长两年"]})
    units = _authorise(session, actor, level, unit_id)
    if not units:
        return []
    cid, ids = actor.consortium_id, list(units)
    if session.get_bind().dialect.name == "postgresql":
        # The planner over-estimates these multi-join aggregates and JIT-compiles them, which cost more
        # (about 0.9 s) than running them; the setting lasts for this transaction only.
        session.execute(text("SET LOCAL jit = off"))
        # Room for the per-resident sorts and hashes in memory rather than on disk (this transaction only).
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    people = _resident_figures(session, level, cid, ids, start, end)
    events = _event_figures(session, level, cid, ids, start, end)
    ledger = fulfilment.unit_figures(session, consortium_id=cid, contract_units=_contract_units(level, cid, ids, end),
                                     end=end, idle_months=idle_months)
    return [KpiReport(level=level, unit_id=uid, unit_name=name, start=start, end=end,
                      figures={**_figures(uid, people, events), **_fulfilment(ledger.get(uid, {}), idle_months)})
            for uid, name in units.items()]


def _num(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _figures(uid: int, people: dict, events: dict) -> dict:
    c = people["contracted"].get(uid, {})
    r = people["registered"].get(uid, {})
    get = lambda row, key: int(row.get(key) or 0)  # noqa: E731
    population = int(people["population"].get(uid) or 0)
    contracted, managed = get(c, "contracted"), get(c, "managed")
    htn, dm = get(c, "contracted_htn"), get(c, "contracted_dm")

    def group(reg_key: str, con_key: str) -> dict:
        return {"registered": get(r, reg_key), "contracted": get(c, con_key),
                "coverage": _rate(get(c, con_key), get(r, reg_key))}

    alerts = {}
    for severity in Severity:
        counts = events["alert_counts"].get((uid, severity.value))
        pct = events["alert_pct"].get((uid, severity.value))
        alerts[severity.value] = {"opened": int(counts.n) if counts else 0,
                                  "unacknowledged": int(counts.waiting or 0) if counts else 0,
                                  "acknowledged": int(pct.n) if pct else 0,
                                  "p50_minutes": _num(pct.p50) if pct else None,
                                  "p90_minutes": _num(pct.p90) if pct else None}
    ref = events["referral_pct"].get((uid, "all"))
    states = {state: events["confirmation_states"].get((uid, state.value), 0) for state in ConfirmationState}
    return {
        "population": population,
        "contracted": contracted,
        "contract_coverage": _rate(contracted, population),
        "priority_groups": {"age_65_plus": group("registered_65", "contracted_65"),
                            "hypertension": group("registered_htn", "contracted_htn"),
                            "diabetes": group("registered_dm", "contracted_dm")},
        "managed": managed,
        "standard_management": {"required_face_to_face": people["required_visits"],
                                "standard": get(c, "standard"), "rate": _rate(get(c, "standard"), managed)},
        "bp_control": {"managed": htn, "controlled": get(c, "bp_controlled"), "no_value": get(c, "bp_no_value"),
                       "rate": _rate(get(c, "bp_controlled"), htn)},
        "glucose_control": {"managed": dm, "controlled": get(c, "glucose_controlled"),
                            "no_value": get(c, "glucose_no_value"), "rate": _rate(get(c, "glucose_controlled"), dm)},
        "missed_visit": {"count": get(c, "missed"), "share": _rate(get(c, "missed"), managed)},
        "lost_to_follow_up": {"count": get(c, "ltfu"), "share": _rate(get(c, "ltfu"), managed)},
        "alert_time_to_acknowledge": alerts,
        "referrals": {"requested": int(events["referrals_requested"].get(uid) or 0),
                      "completed": int(ref.n) if ref else 0,
                      "turnaround_hours_p50": _num(ref.p50) if ref else None,
                      "turnaround_hours_p90": _num(ref.p90) if ref else None},
        # Dangerous home values counted apart by confirmation: only `confirmed` ones opened an alert.
        "dangerous_readings": {"total": sum(states.values()),
                               "confirmed": states[ConfirmationState.confirmed],
                               "awaiting_confirmation": states[ConfirmationState.awaiting],
                               "dismissed_by_normal_repeat": states[ConfirmationState.dismissed],
                               "unconfirmed": states[ConfirmationState.unconfirmed],
                               "entries_as_typed": int(events["entries_as_typed"].get(uid) or 0)},
    }
