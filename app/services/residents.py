"""Residents (居民): registration, profile, BP target, consent (PIPL)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, RuleViolation
from app.services import audit, dialects, privacy
from app.services.actors import Actor
from app.services.pagination import Page, paginate
from app.services.scopes import can_see, get_resident, require_clinical_reader, resident_clause
from models.base import utcnow
from ml.clinical import BpTarget, Condition, default_bp_target
from models.org import Village
from models.residents import Consent, Resident, ResidentCondition, Sex

KNOWN_CONDITIONS = frozenset(c.value for c in Condition)
BP_TARGET_SYS = (100, 160)  # mmHg: the personal home targets a doctor may set (app.schemas.residents states them)
BP_TARGET_DIA = (60, 100)


def _check_conditions(conditions: list[str]) -> list[str]:
    unknown = sorted(set(conditions) - KNOWN_CONDITIONS)
    if unknown:
        raise RuleViolation("resident.condition", f"未知疾病代码 {unknown} / unknown condition codes",
                            errors={"conditions": [f"未知: {', '.join(unknown)}"]})
    return sorted(set(conditions))


def _check_target(sys_: int | None, dia: int | None) -> None:
    if (sys_ is None) != (dia is None):
        raise RuleViolation("resident.bp_target", "血压目标需同时填写高压和低压 / give both target values",
                            errors={"bp_target_dia": ["需同时填写"]})
    if sys_ is not None and not (BP_TARGET_SYS[0] <= sys_ <= BP_TARGET_SYS[1]
                                 and BP_TARGET_DIA[0] <= dia <= BP_TARGET_DIA[1] and sys_ > dia):
        raise RuleViolation("resident.bp_target", "血压目标超出合理范围 / target out of range",
                            errors={"bp_target_sys": ["高压目标100-160，低压目标60-100"]})


def bp_target(resident: Resident, today: date) -> BpTarget:
    """The resident's home BP target: personal if set, else the default for age and conditions."""
    if resident.bp_target_sys is not None and resident.bp_target_dia is not None:
        return BpTarget(resident.bp_target_sys, resident.bp_target_dia)
    return default_bp_target(resident.age_on(today), resident.condition_codes)


class TransferRequested(Conflict):
    """The ID-card number is registered with a team the caller does not serve (the view commits the request)."""


def request_transfer(session: Session, *, actor: Actor, resident_id: int, now: datetime) -> int:
    """转签申请: tell the consortium's admins that a team wants to register a resident another team holds."""
    from app.services import outbox
    from models.org import Staff, StaffRole

    admins = session.scalars(select(Staff.id).where(Staff.consortium_id == actor.consortium_id,
                                                    Staff.role == StaffRole.admin, Staff.active.is_(True))).all()
    for admin_id in admins:
        outbox.enqueue(session, consortium_id=actor.consortium_id, staff_id=admin_id, kind="transfer_request",
                       text=f"【转签申请】工作人员#{actor.id}要登记的居民已由其他团队登记（居民#{resident_id}），请协调转签。",
                       now=now, data={"resident_id": resident_id, "requested_by": actor.id},
                       dedup_key=f"transfer:{resident_id}:{actor.id}:{now:%Y%m%d}:{admin_id}")
    return len(admins)


def register_resident(session: Session, *, actor: Actor, name: str, id_card: str, village_id: int,
                      phone: str | None = None, conditions: list[str] | None = None, sex: str | None = None,
                      birth_date: date | None = None, bp_target_sys: int | None = None,
                      bp_target_dia: int | None = None) -> Resident:
    """Register a resident; sex and birth date come from the ID-card number and must agree if given."""
    if not (actor.is_team_staff or actor.is_admin or actor.is_system):
        raise Forbidden("auth.role", "只有家庭医生团队或管理员可以登记居民 / only teams and admins register residents")
    info = privacy.parse_id_card(id_card)
    if sex is not None and sex != info.sex:
        raise RuleViolation("resident.sex_mismatch", "性别与身份证号不一致 / sex does not match the ID-card number",
                            errors={"sex": ["与身份证号不一致"]})
    if birth_date is not None and birth_date != info.birth_date:
        raise RuleViolation("resident.birth_date_mismatch", "出生日期与身份证号不一致 / birth date does not match the ID-card number",
                            errors={"birth_date": ["与身份证号不一致"]})
    village = session.get(Village, village_id)
    if village is None or village.consortium_id != actor.consortium_id:
        raise RuleViolation("resident.village", "找不到这个村 / village not found", errors={"village_id": ["找不到这个村"]})
    _check_target(bp_target_sys, bp_target_dia)
    bidx = privacy.blind_index(info.number, "id_card")
    existing = session.scalar(select(Resident.id).where(Resident.consortium_id == actor.consortium_id,
                                                        Resident.id_card_bidx == bidx))
    if existing is not None:
        if actor.is_admin or actor.is_system or can_see(session, actor, existing):
            raise Conflict("resident.exists", "该身份证号已登记 / a resident with this ID-card number exists")
        # Registered with a team the caller does not serve: no name, team or id comes back, only the
        # consortium-level transfer request (转签申请) the admins now see.
        request_transfer(session, actor=actor, resident_id=existing, now=utcnow())
        raise TransferRequested("resident.transfer_requested",
                       "该居民已在本医共体其他团队登记，已通知医共体管理员协调转签 / registered with another team of "
                       "the consortium; the consortium admin has been asked to arrange a transfer")
    resident = Resident(consortium_id=actor.consortium_id, name=name.strip(), sex=Sex(info.sex),
                        birth_date=info.birth_date, id_card_enc=privacy.encrypt(info.number), id_card_bidx=bidx,
                        village_id=village_id, bp_target_sys=bp_target_sys, bp_target_dia=bp_target_dia)
    _set_phone(resident, phone)
    resident.conditions = [ResidentCondition(code=c) for c in _check_conditions(conditions or [])]
    session.add(resident)
    session.flush()
    return resident


def _set_phone(resident: Resident, phone: str | None) -> None:
    if phone is None:
        resident.phone_enc = resident.phone_bidx = None
        return
    number = privacy.normalise_phone(phone)
    resident.phone_enc = privacy.encrypt(number)
    resident.phone_bidx = privacy.blind_index(number, "phone")


def update_resident(session: Session, *, actor: Actor, resident_id: int, **changes) -> Resident:
    """Change name, phone, village, conditions or the personal BP target."""
    if not (actor.is_team_staff or actor.is_system):
        raise Forbidden("auth.role", "只有家庭医生团队可以修改居民资料 / only the family doctor team changes a record")
    resident = get_resident(session, actor, resident_id, audit_action="update")
    if "name" in changes:
        resident.name = changes["name"].strip()
    if "phone" in changes:
        _set_phone(resident, changes["phone"])
    if "village_id" in changes:
        village = session.get(Village, changes["village_id"])
        if village is None or village.consortium_id != resident.consortium_id:
            raise RuleViolation("resident.village", "找不到这个村 / village not found", errors={"village_id": ["找不到这个村"]})
        resident.village_id = village.id
    if "conditions" in changes:
        codes = _check_conditions(changes["conditions"])
        resident.conditions = [ResidentCondition(code=c) for c in codes]
    if "bp_target_sys" in changes or "bp_target_dia" in changes:
        sys_, dia = changes.get("bp_target_sys"), changes.get("bp_target_dia")
        _check_target(sys_, dia)
        resident.bp_target_sys, resident.bp_target_dia = sys_, dia
    session.flush()
    return resident


def list_residents(session: Session, actor: Actor, *, village_id: int | None = None, condition: str | None = None,
                   name: str | None = None, id_card: str | None = None, phone: str | None = None,
                   page: int = 1, per_page: int = 20) -> Page:
    """Residents in the actor's scope; ID-card and phone match exactly through their blind index."""
    require_clinical_reader(actor)
    stmt = select(Resident).where(resident_clause(actor), Resident.anonymised_at.is_(None)).order_by(Resident.id)
    if village_id is not None:
        stmt = stmt.where(Resident.village_id == village_id)
    if condition:
        stmt = stmt.where(Resident.id.in_(select(ResidentCondition.resident_id).where(ResidentCondition.code == condition)))
    if name:
        stmt = stmt.where(Resident.name == name.strip())
    if id_card:
        stmt = stmt.where(Resident.id_card_bidx == privacy.blind_index(id_card.strip().upper(), "id_card"))
    if phone:
        try:
            number = privacy.normalise_phone(phone)
        except RuleViolation:
            number = phone
        stmt = stmt.where(Resident.phone_bidx == privacy.blind_index(number, "phone"))
    result = paginate(session, stmt, page=page, per_page=per_page)
    audit.note(session, actor, action="list", target="residents", data={"resident_ids": [r.id for r in result.items]})
    return result


# --- consent (知情同意) -----------------------------------------------------------------------
def active_consent(resident: Resident, version: str | None = None) -> Consent | None:
    """The newest consent not withdrawn (of a given notice version, if named)."""
    for consent in reversed(resident.consents):
        if consent.withdrawn_at is None and (version is None or consent.version == version):
            return consent
    return None


def _require_consent_holder(actor: Actor) -> None:
    if not (actor.is_resident or actor.is_team_staff or actor.is_system):
        raise Forbidden("auth.role", "只有居民本人或其家庭医生团队可以办理授权 / the resident or their team only")


def record_consent(session: Session, *, actor: Actor, resident_id: int, version: str, channel: str,
                   now: datetime) -> Consent:
    """Record explicit consent to a privacy-notice version (the resident, or their team on paper)."""
    _require_consent_holder(actor)
    resident = get_resident(session, actor, resident_id)
    existing = active_consent(resident, version)
    if existing is not None:
        return existing
    consent = Consent(resident_id=resident.id, version=version, channel=channel, granted_at=now)
    resident.consents.append(consent)
    session.flush()
    return consent


def withdraw_consent(session: Session, *, actor: Actor, resident_id: int, now: datetime) -> Resident:
    """Withdraw every active consent: processing and pushes stop; records the law requires stay."""
    _require_consent_holder(actor)
    resident = get_resident(session, actor, resident_id)
    if active_consent(resident) is None:
        raise Conflict("consent.none_active", "没有有效的授权 / no active consent")
    for consent in resident.consents:
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
    session.flush()
    return resident


@dataclass(frozen=True)
class ResidentView:
    """A resident as a given actor may see it: identity fields masked unless the role needs them."""
    resident: Resident
    id_card: str
    phone: str | None
    bp_target: BpTarget
    age: int
    consent_version: str | None


def view(resident: Resident, actor: Actor, today: date) -> ResidentView:
    """Decrypt and mask for this actor: the resident sees their own values, team staff the full phone."""
    id_card = privacy.decrypt(resident.id_card_enc)
    phone = privacy.decrypt(resident.phone_enc) if resident.phone_enc else None
    if not actor.is_resident:
        id_card = privacy.mask_id_card(id_card)
        if phone and not actor.is_team_staff:
            phone = privacy.mask_phone(phone)
    consent = active_consent(resident)
    return ResidentView(resident=resident, id_card=id_card, phone=phone, bp_target=bp_target(resident, today),
                        age=resident.age_on(today), consent_version=consent.version if consent else None)


@dataclass(frozen=True)
class ResidentCard:
    """What one WeChat message needs of the resident writing it, loaded once (one statement) and handed down:
    the bot, the readings service and triage read it instead of loading the resident again."""
    id: int
    consortium_id: int
    name: str
    sex: str
    birth_date: date
    bp_target_sys: int | None
    bp_target_dia: int | None
    condition_codes: tuple[str, ...]
    consent_versions: tuple[str, ...]  # of the consents not withdrawn
    anonymised_at: datetime | None = None

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)

    def has_consent(self, version: str | None = None) -> bool:
        """An active consent (of that notice version, if named)."""
        return bool(self.consent_versions) if version is None else version in self.consent_versions

    @classmethod
    def of(cls, resident: Resident) -> ResidentCard:
        return cls(resident.id, resident.consortium_id, resident.name, resident.sex.value, resident.birth_date,
                   resident.bp_target_sys, resident.bp_target_dia, tuple(resident.condition_codes),
                   tuple(c.version for c in resident.consents if c.withdrawn_at is None), resident.anonymised_at)


# Built once (every WeChat message runs it), on the tables (a Core statement, run on the session's connection):
# conditions and active consents as aggregated sub-selects. The separator is SQL text, not a string value, which
# SQLAlchemy would render into the statement again at every execution (aggregate_strings' literal delimiter).
_COMMA = literal_column("','")
_RES, _COND, _CONS = Resident.__table__.c, ResidentCondition.__table__.c, Consent.__table__.c
_CARD_BY_OPENID = select(
    _RES.id, _RES.consortium_id, _RES.name, _RES.sex, _RES.birth_date, _RES.bp_target_sys, _RES.bp_target_dia,
    _RES.anonymised_at,
    select(func.aggregate_strings(_COND.code, _COMMA)).where(_COND.resident_id == _RES.id)
    .scalar_subquery().label("conditions"),
    select(func.aggregate_strings(_CONS.version, _COMMA)).where(_CONS.resident_id == _RES.id, _CONS.withdrawn_at.is_(None))
    .scalar_subquery().label("consents"),
).where(_RES.wechat_openid == bindparam("openid"))


def card_by_openid(session: Session, openid: str) -> ResidentCard | None:
    """The resident bound to a WeChat openid with their conditions and active consents, in one statement;
    None when nobody (or an anonymised record) is bound."""
    found = dialects.rows(session, _CARD_BY_OPENID, {"openid": openid})
    row = found[0] if found else None
    if row is None or row.anonymised_at is not None:
        return None
    return ResidentCard(row.id, row.consortium_id, row.name, row.sex.value, row.birth_date, row.bp_target_sys,
                        row.bp_target_dia, tuple(sorted(row.conditions.split(","))) if row.conditions else (),
                        tuple(row.consents.split(",")) if row.consents else ())


def find_by_openid(session: Session, openid: str) -> Resident | None:
    """The resident bound to a WeChat openid."""
    return session.scalar(select(Resident).where(Resident.wechat_openid == openid))


def get_own(session: Session, actor: Actor) -> Resident:
    """The acting resident's own record."""
    if not actor.is_resident:
        raise Forbidden("auth.resident_only", "仅限居民本人 / residents only")
    return get_resident(session, actor, actor.id)
