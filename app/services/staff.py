"""Staff users (医生、管理员) with roles and institution membership."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, RuleViolation
from app.services.actors import Actor, require_role
from app.services.auth import hash_password, revoke_staff_tokens
from app.services.institutions import get_institution
from app.services.pagination import Page, paginate
from models.base import utcnow
from models.org import InstitutionLevel, Staff, StaffRole

# Where each role works: village doctors in village clinics, township GPs in township centres,
# county doctors and specialists in the county hospital; admins anywhere.
_ROLE_LEVEL = {
    StaffRole.village_doctor: InstitutionLevel.village,
    StaffRole.township_doctor: InstitutionLevel.township,
    StaffRole.county_doctor: InstitutionLevel.county,
    StaffRole.specialist: InstitutionLevel.county,
}
MIN_PASSWORD_LENGTH = 8


def get_staff(session: Session, actor: Actor, staff_id: int) -> Staff:
    """A staff member of the actor's consortium."""
    staff = session.get(Staff, staff_id)
    if staff is None or staff.consortium_id != actor.consortium_id:
        raise NotFound("staff.not_found", "没有这位工作人员 / staff member not found")
    return staff


def list_staff(session: Session, actor: Actor, *, role: str | None = None, institution_id: int | None = None,
               active: bool | None = None, page: int = 1, per_page: int = 50) -> Page:
    """Staff of the consortium, filterable."""
    stmt = select(Staff).where(Staff.consortium_id == actor.consortium_id).order_by(Staff.id)
    if role:
        stmt = stmt.where(Staff.role == StaffRole(role))
    if institution_id is not None:
        stmt = stmt.where(Staff.institution_id == institution_id)
    if active is not None:
        stmt = stmt.where(Staff.active == active)
    return paginate(session, stmt, page=page, per_page=per_page)


def create_staff(session: Session, *, actor: Actor, username: str, password: str, full_name: str, role: str,
                 institution_id: int, department: str | None = None, phone: str | None = None) -> Staff:
    """Add a staff login; the role must fit the institution's level and specialists need a department."""
    require_role(actor, "admin")
    staff_role = StaffRole(role)
    inst = get_institution(session, actor, institution_id)
    expected = _ROLE_LEVEL.get(staff_role)
    if expected is not None and inst.level != expected:
        raise RuleViolation("staff.institution_level", f"{role} 应属于{expected.value}级机构 / {role} must work at a {expected.value} institution",
                            errors={"institution_id": [f"应为 {expected.value} 级机构"]})
    if staff_role == StaffRole.specialist and not department:
        raise RuleViolation("staff.department", "专科医生需要填写科室 / a specialist needs a department",
                            errors={"department": ["专科医生需要科室"]})
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation("staff.password", "密码至少8位 / password needs at least 8 characters",
                            errors={"password": ["密码至少8位"]})
    if session.scalar(select(Staff.id).where(Staff.username == username)):
        raise Conflict("staff.username_taken", "用户名已被使用 / username already taken")
    staff = Staff(consortium_id=actor.consortium_id, username=username, password_hash=hash_password(password),
                  full_name=full_name, role=staff_role, institution_id=institution_id, department=department,
                  phone=phone, active=True)
    session.add(staff)
    session.flush()
    return staff


# Changes after which a signed-in session must not go on as before: its bearer tokens are revoked.
_REVOKING = ("password", "active", "role", "department")


def update_staff(session: Session, *, actor: Actor, staff_id: int, now: datetime | None = None, **changes) -> Staff:
    """Change a staff member's name, phone, department, role, duty flag, active flag or password.

    A new password, a change of role, department or active flag revokes the member's existing tokens, so a
    leaked or old session does not outlive the change (deactivating and reactivating included)."""
    require_role(actor, "admin")
    staff = get_staff(session, actor, staff_id)
    revoke = "password" in changes
    if "password" in changes:
        password = changes.pop("password")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise RuleViolation("staff.password", "密码至少8位 / password needs at least 8 characters",
                                errors={"password": ["密码至少8位"]})
        staff.password_hash = hash_password(password)
    if "role" in changes:
        role = StaffRole(changes.pop("role"))
        if role != staff.role:
            level = _ROLE_LEVEL.get(role)
            if level is not None and staff.institution.level != level:
                raise RuleViolation("staff.role_institution", "角色与所在机构级别不符 / role does not fit the institution")
            staff.role, revoke = role, True
    for field in ("full_name", "phone", "department", "active", "on_duty"):
        if field in changes:
            if field in _REVOKING and changes[field] != getattr(staff, field):
                revoke = True
            setattr(staff, field, changes[field])
    if revoke:
        revoke_staff_tokens(session, staff_id=staff.id, now=now or utcnow())
    session.flush()
    return staff
