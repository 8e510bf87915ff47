"""Data scopes: which residents an actor may see. Out-of-scope reads look like 'not found'."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from app.errors import Forbidden, NotFound
from app.services import audit
from app.services.actors import Actor
from models.contracts import OPEN_STATUSES, Contract
from models.residents import Resident

# Extra scope rules registered by other aggregates (referrals give specialists a window on a resident).
# Each takes an actor and returns a clause over Resident.id, or None when it does not apply.
_extra_scopes: list[Callable[[Actor], ColumnElement[bool] | None]] = []


def register_scope(rule: Callable[[Actor], ColumnElement[bool] | None]) -> None:
    """Add a scope rule (used by the referrals service for specialists)."""
    if rule not in _extra_scopes:
        _extra_scopes.append(rule)


def team_clause(team_ids: frozenset[int] | set[int]) -> ColumnElement[bool]:
    """Residents with a pending or active contract with one of these teams."""
    if not team_ids:
        return false()
    return exists().where(
        Contract.resident_id == Resident.id,
        Contract.team_id.in_(team_ids),
        Contract.status.in_(OPEN_STATUSES),
    )


def resident_clause(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause over Resident selecting what the actor may read."""
    if actor.is_system:
        return Resident.consortium_id == actor.consortium_id
    if actor.is_resident:
        return Resident.id == actor.id
    clauses = []
    if actor.is_team_staff:
        clauses.append(team_clause(actor.team_ids))
    for rule in _extra_scopes:
        clause = rule(actor)
        if clause is not None:
            clauses.append(clause)
    if not clauses:
        return false()
    return and_(Resident.consortium_id == actor.consortium_id, or_(*clauses))


def require_clinical_reader(actor: Actor) -> None:
    """Admins manage the organisation and see aggregates, never a resident's clinical record."""
    if actor.is_admin:
        raise Forbidden("scope.admin_no_clinical", "管理员不能查看居民健康信息 / admins see aggregates only")


def get_resident(session: Session, actor: Actor, resident_id: int, *, for_update: bool = False,
                 audit_action: str = "read") -> Resident:
    """Load a resident the actor may see, else NotFound (no existence leak); staff access is audited."""
    require_clinical_reader(actor)
    stmt = select(Resident).where(Resident.id == resident_id, resident_clause(actor))
    if for_update:
        stmt = stmt.with_for_update()
    resident = session.scalar(stmt)
    if resident is None:
        raise NotFound("resident.not_found", "没有找到这位居民 / resident not found")
    audit.note(session, actor, action=audit_action, target=f"resident:{resident.id}", resident_id=resident.id)
    return resident


def can_see(session: Session, actor: Actor, resident_id: int) -> bool:
    """True if the actor may read this resident's record."""
    if actor.is_admin:
        return False
    return session.scalar(select(exists().where(Resident.id == resident_id, resident_clause(actor)))) or False


def require_staff(actor: Actor) -> Actor:
    """Organisation data (institutions, staff lists, teams) is for staff, not residents."""
    if actor.kind != "staff":
        raise Forbidden("auth.staff_only", "仅限工作人员 / staff only")
    return actor
