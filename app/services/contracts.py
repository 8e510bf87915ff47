"""Contracts (签约): pending -> active -> expired / terminated / renewed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, NotFound, RuleViolation
from app.services import dialects
from app.services.actors import Actor
from app.services.clock import local_date, term_end
from app.services.pagination import Page, paginate
from app.services.teams import get_team, serves_village
from models.contracts import OPEN_STATUSES, Contract, ContractStatus
from models.org import Staff, Team, TeamMember, TeamRole
from models.packages import ServicePackage
from models.residents import Resident

# The contract state machine (签约状态).
TRANSITIONS: dict[ContractStatus, frozenset[ContractStatus]] = {
    ContractStatus.pending: frozenset({ContractStatus.active, ContractStatus.terminated}),
    ContractStatus.active: frozenset({ContractStatus.expired, ContractStatus.terminated, ContractStatus.renewed}),
    ContractStatus.expired: frozenset({ContractStatus.renewed}),
    ContractStatus.terminated: frozenset(),
    ContractStatus.renewed: frozenset(),
}
RENEWAL_WINDOW = timedelta(days=60)  # renewal opens 60 days before the term ends


def can_transition(current: ContractStatus, target: ContractStatus) -> bool:
    """Whether the state machine allows a move."""
    return target in TRANSITIONS[current]


def _move(contract: Contract, target: ContractStatus) -> None:
    if not can_transition(contract.status, target):
        raise Conflict("contract.invalid_transition",
                       f"合同状态为{contract.status.value}，不能改为{target.value} / cannot go from {contract.status.value} to {target.value}")
    contract.status = target


def open_contract(session: Session, resident_id: int) -> Contract | None:
    """The resident's pending or active contract, if any."""
    return session.scalar(select(Contract).where(Contract.resident_id == resident_id,
                                                 Contract.status.in_(OPEN_STATUSES)))


@dataclass(frozen=True)
class MyTeamMember:
    role: TeamRole
    full_name: str
    phone: str | None
    active: bool


@dataclass(frozen=True)
class MyTeam:
    """The team of a resident's open contract as the resident is told it (我的医生), members in team order."""
    name: str
    members: tuple[MyTeamMember, ...]

    def member(self, role: TeamRole) -> MyTeamMember | None:
        """The (first) member holding a team role (as Team.member)."""
        return next((m for m in self.members if m.role == role), None)


# Built once (the bot's 我的医生 runs it, dialects.rows): the open statuses as equalities, not an expanding IN.
_MY_TEAM = (select(Contract.team_id, Team.name, TeamMember.role, Staff.full_name, Staff.phone, Staff.active)
            .join(Team, Team.id == Contract.team_id)
            .outerjoin(TeamMember, TeamMember.team_id == Team.id).outerjoin(Staff, Staff.id == TeamMember.staff_id)
            .where(Contract.resident_id == bindparam("resident_id"),
                   or_(*(Contract.status == status for status in OPEN_STATUSES)))
            .order_by(Contract.id, TeamMember.id))


def my_team(session: Session, resident_id: int) -> MyTeam | None:
    """The team of the resident's pending or active contract with its members, in one statement; None without one."""
    rows = dialects.rows(session, _MY_TEAM, {"resident_id": resident_id})
    if not rows:
        return None
    team_id = rows[0].team_id
    return MyTeam(rows[0].name, tuple(MyTeamMember(r.role, r.full_name, r.phone, r.active) for r in rows
                                      if r.team_id == team_id and r.role is not None))


def _packages(session: Session, consortium_id: int, package_ids: list[int]) -> list[ServicePackage]:
    if not package_ids:
        raise RuleViolation("contract.packages", "请至少选择一个服务包 / choose at least one package",
                            errors={"package_ids": ["至少选择一个服务包"]})
    packages = list(session.scalars(select(ServicePackage).where(
        ServicePackage.id.in_(package_ids), ServicePackage.consortium_id == consortium_id,
        ServicePackage.active.is_(True), ServicePackage.is_current.is_(True))))
    if len(packages) != len(set(package_ids)):
        raise RuleViolation("contract.packages", "服务包不存在或已停用 / unknown or inactive package",
                            errors={"package_ids": ["服务包不存在、已停用或不是最新版本"]})
    return packages


def _resident_in_consortium(session: Session, actor: Actor, resident_id: int) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None or resident.consortium_id != actor.consortium_id or resident.anonymised_at is not None:
        raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
    return resident


def apply_contract(session: Session, *, actor: Actor, resident_id: int, team_id: int, package_ids: list[int],
                   now: datetime, starts_on: date | None = None, override_reason: str | None = None) -> Contract:
    """Apply to sign a resident with a team (pending until the team lead approves)."""
    if actor.is_resident and resident_id != actor.id:
        raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
    if not (actor.is_resident or actor.is_team_staff or actor.is_admin or actor.is_system):
        raise Forbidden("auth.role", "您的角色不能签约 / your role may not sign contracts")
    resident = _resident_in_consortium(session, actor, resident_id)
    team = get_team(session, actor, team_id)
    if actor.is_team_staff and team.id not in actor.team_ids:
        raise Forbidden("contract.other_team", "只能为本团队签约 / you can sign only for your own team")
    if not team.active:
        raise RuleViolation("contract.team_inactive", "该团队已停用 / the team is inactive")
    if not serves_village(team, resident.village_id):
        if not (actor.is_admin and override_reason and override_reason.strip()):
            raise RuleViolation("contract.village_not_served",
                                "该团队不服务居民所在的村；管理员可填写原因后跨村签约 / the team does not serve the resident's village (an admin may override with a reason)",
                                errors={"team_id": ["该团队不服务居民所在的村"]})
    else:
        override_reason = None
    if open_contract(session, resident.id) is not None:
        raise Conflict("contract.already_open", "该居民已有待审核或有效的签约 / the resident already has a pending or active contract")
    starts = starts_on or local_date(now)
    contract = Contract(consortium_id=actor.consortium_id, resident_id=resident.id, team_id=team.id,
                        status=ContractStatus.pending, starts_on=starts, ends_on=term_end(starts), applied_at=now,
                        applied_by_staff_id=actor.id if actor.kind == "staff" else None,
                        override_reason=override_reason, packages=_packages(session, actor.consortium_id, package_ids))
    session.add(contract)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # a concurrent application won the race (partial unique index)
        raise Conflict("contract.already_open", "该居民已有待审核或有效的签约 / the resident already has a pending or active contract") from None
    return contract


def _require_contract_reader(actor: Actor) -> None:
    if not (actor.is_resident or actor.is_team_staff or actor.is_admin or actor.is_system):
        raise Forbidden("auth.role", "您的角色不能查看签约 / your role may not see contracts")


def get_contract(session: Session, actor: Actor, contract_id: int) -> Contract:
    """A contract visible to the actor: own (resident), own teams' (team staff), any in the consortium (admin)."""
    _require_contract_reader(actor)
    contract = session.get(Contract, contract_id)
    if contract is None or contract.consortium_id != actor.consortium_id or not _visible(actor, contract):
        raise NotFound("contract.not_found", "没有这份签约 / contract not found")
    return contract


def _visible(actor: Actor, contract: Contract) -> bool:
    if actor.is_admin or actor.is_system:
        return True
    if actor.is_resident:
        return contract.resident_id == actor.id
    return actor.is_team_staff and contract.team_id in actor.team_ids


def list_contracts(session: Session, actor: Actor, *, status: str | None = None, team_id: int | None = None,
                   resident_id: int | None = None, expiring_before: date | None = None,
                   page: int = 1, per_page: int = 20) -> Page:
    """Contracts the actor may see, newest first."""
    _require_contract_reader(actor)
    stmt = select(Contract).where(Contract.consortium_id == actor.consortium_id)
    if actor.is_resident:
        stmt = stmt.where(Contract.resident_id == actor.id)
    elif actor.is_team_staff:
        stmt = stmt.where(Contract.team_id.in_(actor.team_ids or [-1]))
    if status:
        stmt = stmt.where(Contract.status == ContractStatus(status))
    if team_id is not None:
        stmt = stmt.where(Contract.team_id == team_id)
    if resident_id is not None:
        stmt = stmt.where(Contract.resident_id == resident_id)
    if expiring_before is not None:
        stmt = stmt.where(Contract.ends_on <= expiring_before)
    return paginate(session, stmt.order_by(Contract.id.desc()), page=page, per_page=per_page)


def _require_staff_for_changes(actor: Actor) -> None:
    if not (actor.is_team_staff or actor.is_admin):
        raise Forbidden("contract.not_lead", "只有团队长可以审核 / only the team lead may do this")


def _require_lead(actor: Actor, contract: Contract) -> None:
    if not (actor.kind == "staff" and contract.team.lead_id == actor.id):
        raise Forbidden("contract.not_lead", "只有团队长可以审核 / only the team lead may do this")


def approve_contract(session: Session, *, actor: Actor, contract_id: int, now: datetime) -> Contract:
    """The team lead approves a pending contract; it becomes active."""
    _require_staff_for_changes(actor)
    contract = get_contract(session, actor, contract_id)
    _require_lead(actor, contract)
    _move(contract, ContractStatus.active)
    contract.approved_at, contract.approved_by_id = now, actor.id
    session.flush()
    return contract


def terminate_contract(session: Session, *, actor: Actor, contract_id: int, reason: str, now: datetime) -> Contract:
    """End a pending or active contract early, with a reason (the team lead or an admin)."""
    _require_staff_for_changes(actor)
    contract = get_contract(session, actor, contract_id)
    if not actor.is_admin:
        _require_lead(actor, contract)
    if not reason or not reason.strip():
        raise RuleViolation("contract.reason", "请填写解约原因 / give a reason", errors={"reason": ["请填写原因"]})
    _move(contract, ContractStatus.terminated)
    contract.ended_at, contract.termination_reason = now, reason.strip()
    session.flush()
    return contract


def renew_contract(session: Session, *, actor: Actor, contract_id: int, now: datetime,
                   package_ids: list[int] | None = None) -> Contract:
    """The team lead renews: the old contract is marked renewed, a new active one follows it."""
    _require_staff_for_changes(actor)
    old = get_contract(session, actor, contract_id)
    _require_lead(actor, old)
    today = local_date(now)
    if old.status == ContractStatus.active and old.ends_on - today > RENEWAL_WINDOW:
        raise Conflict("contract.too_early", "到期前60天内才能续约 / renewal opens 60 days before the end")
    _move(old, ContractStatus.renewed)
    old.ended_at = now
    session.flush()
    if package_ids is None:  # keep the same packages, at their current versions
        codes = [p.code for p in old.packages]
        package_ids = list(session.scalars(select(ServicePackage.id).where(
            ServicePackage.consortium_id == old.consortium_id, ServicePackage.code.in_(codes),
            ServicePackage.is_current.is_(True), ServicePackage.active.is_(True))))
    starts = max(old.ends_on + timedelta(days=1), today)
    new = Contract(consortium_id=old.consortium_id, resident_id=old.resident_id, team_id=old.team_id,
                   status=ContractStatus.active, starts_on=starts, ends_on=term_end(starts), applied_at=now,
                   applied_by_staff_id=actor.id, approved_at=now, approved_by_id=actor.id, renewed_from_id=old.id,
                   override_reason=old.override_reason, packages=_packages(session, old.consortium_id, package_ids))
    session.add(new)
    session.flush()
    return new


def expire_contracts(session: Session, *, now: datetime) -> int:
    """Mark active contracts whose term ended before today (Asia/Shanghai) as expired."""
    result = session.execute(
        update(Contract)
        .where(Contract.status == ContractStatus.active, Contract.ends_on < local_date(now))
        .values(status=ContractStatus.expired, ended_at=now)
    )
    return result.rowcount or 0


