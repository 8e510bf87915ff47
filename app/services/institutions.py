"""Institutions (机构) of a consortium and the villages each village clinic serves."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound, RuleViolation
from app.services.actors import Actor, require_role
from app.services.pagination import Page, paginate
from models.org import Institution, InstitutionLevel, Village

# The parent an institution of each level must have: 县级医院 > 乡镇卫生院 > 村卫生室.
_PARENT_LEVEL = {
    InstitutionLevel.county: None,
    InstitutionLevel.township: InstitutionLevel.county,
    InstitutionLevel.village: InstitutionLevel.township,
}


def get_institution(session: Session, actor: Actor, institution_id: int) -> Institution:
    """An institution of the actor's consortium."""
    inst = session.get(Institution, institution_id)
    if inst is None or inst.consortium_id != actor.consortium_id:
        raise NotFound("institution.not_found", "没有这个机构 / institution not found")
    return inst


def list_institutions(session: Session, actor: Actor, *, level: str | None = None,
                      parent_id: int | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Institutions of the actor's consortium, filterable by level and parent."""
    stmt = select(Institution).where(Institution.consortium_id == actor.consortium_id).order_by(Institution.id)
    if level:
        stmt = stmt.where(Institution.level == InstitutionLevel(level))
    if parent_id is not None:
        stmt = stmt.where(Institution.parent_id == parent_id)
    return paginate(session, stmt, page=page, per_page=per_page)


def create_institution(session: Session, *, actor: Actor, name: str, level: str,
                       parent_id: int | None = None) -> Institution:
    """Add a county hospital, township centre or village clinic under its parent."""
    require_role(actor, "admin")
    lvl = InstitutionLevel(level)
    expected_parent = _PARENT_LEVEL[lvl]
    if expected_parent is None:
        if parent_id is not None:
            raise RuleViolation("institution.parent", "县级医院不应有上级机构 / a county hospital has no parent",
                                errors={"parent_id": ["县级医院不应有上级机构"]})
        exists = session.scalar(select(Institution.id).where(
            Institution.consortium_id == actor.consortium_id, Institution.level == InstitutionLevel.county))
        if exists:
            raise RuleViolation("institution.one_county", "一个医共体只有一家牵头县级医院 / one county hospital per consortium")
    else:
        parent = session.get(Institution, parent_id) if parent_id is not None else None
        if parent is None or parent.consortium_id != actor.consortium_id or parent.level != expected_parent:
            raise RuleViolation("institution.parent", f"上级机构应为{expected_parent.value}级 / parent must be a {expected_parent.value} institution",
                                errors={"parent_id": [f"上级机构应为 {expected_parent.value}"]})
    inst = Institution(consortium_id=actor.consortium_id, name=name, level=lvl, parent_id=parent_id)
    session.add(inst)
    session.flush()
    return inst


def update_institution(session: Session, *, actor: Actor, institution_id: int, name: str) -> Institution:
    """Rename an institution."""
    require_role(actor, "admin")
    inst = get_institution(session, actor, institution_id)
    inst.name = name
    session.flush()
    return inst


def list_villages(session: Session, actor: Actor, *, clinic_id: int | None = None,
                  page: int = 1, per_page: int = 100) -> Page:
    """Villages of the consortium."""
    stmt = select(Village).where(Village.consortium_id == actor.consortium_id).order_by(Village.id)
    if clinic_id is not None:
        stmt = stmt.where(Village.clinic_id == clinic_id)
    return paginate(session, stmt, page=page, per_page=per_page)


def get_village(session: Session, actor: Actor, village_id: int) -> Village:
    """A village of the actor's consortium."""
    village = session.get(Village, village_id)
    if village is None or village.consortium_id != actor.consortium_id:
        raise NotFound("village.not_found", "没有这个村 / village not found")
    return village


def create_village(session: Session, *, actor: Actor, name: str, clinic_id: int, population: int = 0) -> Village:
    """Add a village served by a village clinic."""
    require_role(actor, "admin")
    clinic = get_institution(session, actor, clinic_id)
    if clinic.level != InstitutionLevel.village:
        raise RuleViolation("village.clinic_level", "村只能由村卫生室服务 / a village is served by a village clinic",
                            errors={"clinic_id": ["应为村卫生室"]})
    village = Village(consortium_id=actor.consortium_id, name=name, clinic_id=clinic_id, population=population)
    session.add(village)
    session.flush()
    return village


def update_village(session: Session, *, actor: Actor, village_id: int, population: int | None = None,
                   name: str | None = None) -> Village:
    """Set a village's population (the KPI denominator) or its name."""
    require_role(actor, "admin")
    village = get_village(session, actor, village_id)
    if population is not None:
        village.population = population
    if name is not None:
        village.name = name
    session.flush()
    return village
