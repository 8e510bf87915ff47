"""Family doctor teams "1+1+1": one county doctor, one township GP, one village doctor."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound, RuleViolation
from app.services.actors import Actor, require_role
from app.services.pagination import Page, paginate
from models.org import (CORE_TEAM_ROLES, Institution, InstitutionLevel, Staff, StaffRole, Team, TeamMember,
                        TeamRole, TeamVillage, Village)

# Extra members may hold these team roles; their staff role is not constrained.
EXTRA_ROLES = (TeamRole.nurse, TeamRole.public_health_doctor, TeamRole.health_manager)


@dataclass(frozen=True)
class Seat:
    """A person proposed for a team role, with what composition rules need to know."""
    role: TeamRole
    staff_id: int
    staff_role: StaffRole
    active: bool
    institution_id: int
    institution_level: InstitutionLevel
    institution_parent_id: int | None


def composition_problems(seats: list[Seat], *, lead_id: int, consortium_county_id: int | None) -> dict[str, str]:
    """Pure 1+1+1 rules; returns field -> message (empty when the team is valid)."""
    problems: dict[str, str] = {}
    by_role: dict[TeamRole, list[Seat]] = {}
    for seat in seats:
        by_role.setdefault(seat.role, []).append(seat)
    expected_staff_role = {TeamRole.county_doctor: StaffRole.county_doctor,
                           TeamRole.township_doctor: StaffRole.township_doctor,
                           TeamRole.village_doctor: StaffRole.village_doctor}
    for role in CORE_TEAM_ROLES:
        holders = by_role.get(role, [])
        if len(holders) != 1:
            problems[role.value] = f"团队需要且只能有一名{role.value} / exactly one {role.value}"
            continue
        seat = holders[0]
        if seat.staff_role != expected_staff_role[role]:
            problems[role.value] = f"该成员的角色不是{role.value} / staff role must be {role.value}"
        elif not seat.active:
            problems[role.value] = "该成员已停用 / staff member is inactive"
    county = by_role.get(TeamRole.county_doctor, [])
    if len(county) == 1 and "county_doctor" not in problems and county[0].institution_id != consortium_county_id:
        problems["county_doctor"] = "县级医生应来自本医共体的牵头县级医院 / must work at the consortium's county hospital"
    township, village = by_role.get(TeamRole.township_doctor, []), by_role.get(TeamRole.village_doctor, [])
    if (len(township) == 1 and len(village) == 1 and not problems.get("village_doctor")
            and village[0].institution_parent_id != township[0].institution_id):
        problems["village_doctor"] = "村医所在村卫生室应隶属于该乡镇卫生院 / the village clinic must be under the township centre"
    staff_ids = [s.staff_id for s in seats]
    if len(set(staff_ids)) != len(staff_ids):
        problems["members"] = "同一人不能在团队中担任两个角色 / one person holds one team role"
    if lead_id not in staff_ids:
        problems["lead_id"] = "团队长应是团队成员 / the lead must be a team member"
    return problems


def _seat(session: Session, actor: Actor, role: TeamRole, staff_id: int) -> Seat:
    staff = session.get(Staff, staff_id)
    if staff is None or staff.consortium_id != actor.consortium_id:
        raise RuleViolation("team.member_not_found", f"找不到成员 {staff_id} / staff {staff_id} not found",
                            errors={role.value: ["找不到这位工作人员"]})
    inst = staff.institution
    return Seat(role=role, staff_id=staff.id, staff_role=staff.role, active=staff.active,
                institution_id=inst.id, institution_level=inst.level, institution_parent_id=inst.parent_id)


def _county_hospital_id(session: Session, consortium_id: int) -> int | None:
    return session.scalar(select(Institution.id).where(
        Institution.consortium_id == consortium_id, Institution.level == InstitutionLevel.county))


def _check_villages(session: Session, actor: Actor, village_ids: list[int]) -> None:
    found = set(session.scalars(select(Village.id).where(
        Village.id.in_(village_ids), Village.consortium_id == actor.consortium_id)))
    missing = sorted(set(village_ids) - found)
    if missing:
        raise RuleViolation("team.village_not_found", f"找不到村 {missing} / villages not found",
                            errors={"village_ids": [f"找不到村 {missing}"]})


def create_team(session: Session, *, actor: Actor, name: str, county_doctor_id: int, township_doctor_id: int,
                village_doctor_id: int, lead_id: int | None = None, extra_members: list[dict] | None = None,
                village_ids: list[int] | None = None) -> Team:
    """Form a 1+1+1 team; the township GP leads unless another member is named."""
    require_role(actor, "admin")
    seats = [_seat(session, actor, TeamRole.county_doctor, county_doctor_id),
             _seat(session, actor, TeamRole.township_doctor, township_doctor_id),
             _seat(session, actor, TeamRole.village_doctor, village_doctor_id)]
    for extra in extra_members or []:
        role = TeamRole(extra["role"])
        if role not in EXTRA_ROLES:
            raise RuleViolation("team.extra_role", "附加成员只能是护士、公卫医生或健康管理师 / extra members: nurse, public-health doctor, health manager",
                                errors={"extra_members": [f"不支持的角色 {role.value}"]})
        seats.append(_seat(session, actor, role, extra["staff_id"]))
    lead_id = township_doctor_id if lead_id is None else lead_id
    problems = composition_problems(seats, lead_id=lead_id,
                                    consortium_county_id=_county_hospital_id(session, actor.consortium_id))
    if problems:
        raise RuleViolation("team.composition", "团队组成不符合1+1+1要求 / team composition is not 1+1+1",
                            errors={k: [v] for k, v in problems.items()})
    village_ids = sorted(set(village_ids or []))
    _check_villages(session, actor, village_ids)
    team = Team(consortium_id=actor.consortium_id, name=name, lead_id=lead_id, active=True)
    team.members = [TeamMember(staff_id=s.staff_id, role=s.role) for s in seats]
    team.villages = [TeamVillage(village_id=v) for v in village_ids]
    session.add(team)
    session.flush()
    return team


def get_team(session: Session, actor: Actor, team_id: int) -> Team:
    """A team of the actor's consortium."""
    team = session.get(Team, team_id)
    if team is None or team.consortium_id != actor.consortium_id:
        raise NotFound("team.not_found", "没有这个团队 / team not found")
    return team


def list_teams(session: Session, actor: Actor, *, village_id: int | None = None, mine: bool = False,
               page: int = 1, per_page: int = 50) -> Page:
    """Teams of the consortium; `mine` keeps those the actor belongs to."""
    stmt = select(Team).where(Team.consortium_id == actor.consortium_id).order_by(Team.id)
    if village_id is not None:
        stmt = stmt.where(Team.id.in_(select(TeamVillage.team_id).where(TeamVillage.village_id == village_id)))
    if mine:
        stmt = stmt.where(Team.id.in_(actor.team_ids or [-1]))
    return paginate(session, stmt, page=page, per_page=per_page)


def add_member(session: Session, *, actor: Actor, team_id: int, staff_id: int, role: str) -> Team:
    """Add an extra member (nurse, public-health doctor, health manager)."""
    require_role(actor, "admin")
    team = get_team(session, actor, team_id)
    team_role = TeamRole(role)
    if team_role not in EXTRA_ROLES:
        raise RuleViolation("team.extra_role", "核心成员在组队时确定 / core members are set when the team is formed",
                            errors={"role": ["只能添加护士、公卫医生或健康管理师"]})
    seat = _seat(session, actor, team_role, staff_id)
    if any(m.staff_id == staff_id for m in team.members):
        raise RuleViolation("team.duplicate_member", "此人已在团队中 / already a member", errors={"staff_id": ["已在团队中"]})
    team.members.append(TeamMember(staff_id=seat.staff_id, role=team_role))
    session.flush()
    return team


def set_villages(session: Session, *, actor: Actor, team_id: int, village_ids: list[int]) -> Team:
    """Replace the set of villages a team serves."""
    require_role(actor, "admin")
    team = get_team(session, actor, team_id)
    village_ids = sorted(set(village_ids))
    _check_villages(session, actor, village_ids)
    team.villages = [TeamVillage(village_id=v) for v in village_ids]
    session.flush()
    return team


def serves_village(team: Team, village_id: int) -> bool:
    """Whether the team serves a village."""
    return any(v.village_id == village_id for v in team.villages)
