"""Who is acting: a staff member with a role, or a resident acting for themselves."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import Forbidden

TEAM_ROLES = frozenset({"village_doctor", "township_doctor", "county_doctor"})
STAFF_ROLES = TEAM_ROLES | {"specialist", "admin"}


@dataclass(frozen=True)
class Actor:
    kind: str  # "staff" | "resident" | "system"
    id: int
    consortium_id: int
    role: str  # a staff role, "resident" or "system"
    department: str | None = None
    team_ids: frozenset[int] = field(default_factory=frozenset)
    institution_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_team_staff(self) -> bool:
        return self.role in TEAM_ROLES

    @property
    def is_specialist(self) -> bool:
        return self.role == "specialist"

    @property
    def is_resident(self) -> bool:
        return self.kind == "resident"

    @property
    def is_system(self) -> bool:
        return self.kind == "system"


def system_actor(consortium_id: int) -> Actor:
    """The scheduler and CLI act as the system within one consortium."""
    return Actor(kind="system", id=0, consortium_id=consortium_id, role="system")


def require_role(actor: Actor, *roles: str) -> None:
    """Raise Forbidden unless the actor holds one of the roles."""
    if actor.role not in roles:
        raise Forbidden("auth.role", "您的角色不能执行此操作 / your role may not do this")
