"""The world the authorisation matrix runs in, built through the real services (no hand-made rows).

Roles: the target resident (res_a1, consented, contracted with team_a) and another resident (res_c1, team_b);
the village / township / county doctor of team_a and of team_b, each county doctor in ONE team only;
a cardiologist with an open referral of res_a1 addressed to them, an endocrinologist without one; the admin;
res_a1's meter (a device key); anonymous. Targets: every object a path parameter names belongs to res_a1 or
team_a. Variants put the target objects in the state an endpoint needs (a pending contract to approve, an
accepted referral to book…); the world is otherwise the same.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.services import (alerts, auth, contracts, devices, institutions, packages, referrals, residents, staff,
                          teams, wechat_accounts)
from app.services.actors import Actor, system_actor
from app.services.clock import local_date
from models import Base
from tests.factories import PASSWORD, id_card_for

ROLES = ("anonymous", "resident_own", "resident_other", "vdoc_a", "gp1", "county_a", "vdoc_c", "gp2", "county_b",
         "spec_with", "spec_without", "admin", "device")
STAFF_ROLES = ("vdoc_a", "gp1", "county_a", "vdoc_c", "gp2", "county_b", "spec_with", "spec_without", "admin")
# The usernames behind the staff roles.
USERNAMES = {"vdoc_a": "vdoc_a", "gp1": "gp1", "county_a": "county_a", "vdoc_c": "vdoc_c", "gp2": "gp2",
             "county_b": "county_b", "spec_with": "cardio", "spec_without": "endo", "admin": "admin"}
OPENID_OWN = "o-matrix-res-a1"  # res_a1's WeChat openid, for sign-in with a web-authorisation code
VARIANTS = ("default", "contract_pending", "no_contract", "referral_accepted", "referral_completed")
CARDIOLOGY, ENDOCRINOLOGY = "心内科", "内分泌科"
CONTRACT_AGE = timedelta(days=320)  # res_a1's contract ends in about 45 days: inside the renewal window


@dataclass
class MatrixWorld:
    now: datetime
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    device_key: str = ""
    new_id_card: str = ""  # a valid, unregistered ID-card number for registering a resident

    @property
    def today(self) -> date:
        return local_date(self.now)

    def headers(self, role: str) -> dict[str, str]:
        if role == "anonymous":
            return {}
        if role == "device":
            return {"X-Device-Key": self.device_key}
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def fingerprint(engine: Engine) -> dict[str, int]:
    """Every table's content as a hash (row order by primary key): equal fingerprints mean nothing changed."""
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            out[table.name] = hash(tuple(tuple(map(repr, row)) for row in rows))
    return out


def build(session: Session, *, now: datetime, variant: str = "default") -> MatrixWorld:
    """The matrix world in one of its VARIANTS; flushed, not committed."""
    from models.org import Consortium

    if variant not in VARIANTS:
        raise ValueError(variant)
    consortium = Consortium(code="matrix", name="矩阵医共体")
    session.add(consortium)
    session.flush()
    w = MatrixWorld(now=now)
    cid = consortium.id
    admin = Actor(kind="staff", id=0, consortium_id=cid, role="admin")
    system = system_actor(cid)
    county = institutions.create_institution(session, actor=admin, name="县医院", level="county")
    t1 = institutions.create_institution(session, actor=admin, name="一镇卫生院", level="township", parent_id=county.id)
    t2 = institutions.create_institution(session, actor=admin, name="二镇卫生院", level="township", parent_id=county.id)
    c_a = institutions.create_institution(session, actor=admin, name="东村卫生室", level="village", parent_id=t1.id)
    c_c = institutions.create_institution(session, actor=admin, name="西村卫生室", level="village", parent_id=t2.id)
    v_a = institutions.create_village(session, actor=admin, name="东村", clinic_id=c_a.id, population=1000)
    v_c = institutions.create_village(session, actor=admin, name="西村", clinic_id=c_c.id, population=1200)
    w.ids.update(consortium=cid, county=county.id, township1=t1.id, township2=t2.id, clinic_a=c_a.id,
                 clinic_c=c_c.id, village_a=v_a.id, village_c=v_c.id)

    def person(username: str, role: str, inst: int, **kw) -> int:
        member = staff.create_staff(session, actor=admin, username=username, password=PASSWORD,
                                    full_name=username, role=role, institution_id=inst, **kw)
        w.ids[username] = member.id
        return member.id

    person("admin", "admin", county.id)
    person("county_a", "county_doctor", county.id)
    person("county_b", "county_doctor", county.id)
    person("gp1", "township_doctor", t1.id)
    person("gp2", "township_doctor", t2.id)
    person("vdoc_a", "village_doctor", c_a.id, phone="13900000001")
    person("vdoc_c", "village_doctor", c_c.id)
    person("nurse_a", "village_doctor", c_a.id)  # in no team: someone to add to team_a
    person("cardio", "specialist", county.id, department=CARDIOLOGY)
    person("endo", "specialist", county.id, department=ENDOCRINOLOGY)
    team_a = teams.create_team(session, actor=admin, name="东村团队", county_doctor_id=w.ids["county_a"],
                               township_doctor_id=w.ids["gp1"], village_doctor_id=w.ids["vdoc_a"],
                               village_ids=[v_a.id])
    team_b = teams.create_team(session, actor=admin, name="西村团队", county_doctor_id=w.ids["county_b"],
                               township_doctor_id=w.ids["gp2"], village_doctor_id=w.ids["vdoc_c"],
                               village_ids=[v_c.id])
    w.ids.update(team_a=team_a.id, team_b=team_b.id)
    basic = packages.create_package(session, actor=admin, code="basic", name="基础包", target_group="all",
                                    price_fen=0, subsidy_fen=0,
                                    items=[{"code": "health_record", "name": "健康档案", "yearly_quantity": 1}])
    htn = packages.create_package(session, actor=admin, code="hypertension", name="高血压包",
                                  target_group="hypertension", price_fen=12000, subsidy_fen=10000,
                                  items=[{"code": "followup", "name": "随访", "yearly_quantity": 4}])
    w.ids.update(pkg_basic=basic.id, pkg_htn=htn.id)
    w.new_id_card = id_card_for(date(1958, 9, 10), False, seed=7)

    def lead_of(team) -> Actor:
        return Actor(kind="staff", id=team.lead_id, consortium_id=cid, role="township_doctor",
                     team_ids=frozenset({team.id}))

    today = local_date(now)
    cards = {}
    for i, (name, village, team, born, male, conds) in enumerate([
            ("res_a1", v_a.id, team_a, date(1950, 3, 4), True, ["hypertension"]),
            ("res_c1", v_c.id, team_b, date(1948, 1, 2), False, ["hypertension", "diabetes"])]):
        cards[name] = id_card_for(born, male, seed=i)
        resident = residents.register_resident(session, actor=system, name=name, id_card=cards[name],
                                               village_id=village, phone=f"1380000{i:04d}", conditions=conds)
        w.ids[name] = resident.id
        residents.record_consent(session, actor=Actor(kind="resident", id=resident.id, consortium_id=cid,
                                                      role="resident"),
                                 resident_id=resident.id, version="v1", channel="api", now=now)
        contract = contracts.apply_contract(session, actor=system, resident_id=resident.id, team_id=team.id,
                                            package_ids=[basic.id, htn.id], now=now,
                                            starts_on=today - CONTRACT_AGE)
        w.ids[f"contract_{name}"] = contract.id
        if not (name == "res_a1" and variant == "contract_pending"):
            contracts.approve_contract(session, actor=lead_of(team), contract_id=contract.id, now=now)

    ids = w.ids
    bound = wechat_accounts.bind_resident(session, openid=OPENID_OWN, name="res_a1", secret=cards["res_a1"][-6:],
                                          now=now)
    assert bound.ok, bound
    gp1 = Actor(kind="staff", id=ids["gp1"], consortium_id=cid, role="township_doctor",
                team_ids=frozenset({team_a.id}))
    vdoc_a = Actor(kind="staff", id=ids["vdoc_a"], consortium_id=cid, role="village_doctor",
                   team_ids=frozenset({team_a.id}))
    cardio = Actor(kind="staff", id=ids["cardio"], consortium_id=cid, role="specialist", department=CARDIOLOGY)
    referral = referrals.create_referral(session, actor=gp1, resident_id=ids["res_a1"], to_department=CARDIOLOGY,
                                         to_specialist_id=ids["cardio"], reason="血压控制不佳", urgency="routine",
                                         now=now)
    ids["referral"] = referral.id
    alert = alerts.raise_alert(session, resident_id=ids["res_a1"], kind="trend_bp", severity="moderate",
                               summary="近7天晨间血压偏高", now=now)
    ids["alert"] = alert.id
    issued = devices.issue_key(session, actor=vdoc_a, resident_id=ids["res_a1"], device_serial="BP-0001", now=now)
    ids["device_key"], w.device_key = issued.device.id, issued.key

    if variant in ("referral_accepted", "referral_completed"):
        referrals.accept_referral(session, actor=cardio, referral_id=referral.id, now=now)
        slot = referrals.publish_slot(session, actor=cardio, department=CARDIOLOGY, day=today + timedelta(days=1),
                                      capacity=20, reserved_for_referrals=5, now=now)
        ids["slot"] = slot.id
    if variant == "referral_completed":
        referrals.complete_referral(session, actor=cardio, referral_id=referral.id, advice="加用氨氯地平", now=now)
    if variant == "no_contract":
        contracts.terminate_contract(session, actor=admin, contract_id=ids["contract_res_a1"], reason="迁出", now=now)
    session.flush()

    ttl = timedelta(hours=2)
    for role, username in USERNAMES.items():
        w.tokens[role] = auth.login(session, username=username, password=PASSWORD, now=now, ttl=ttl).token
    w.tokens["resident_own"] = auth.dev_login(session, resident_id=ids["res_a1"], now=now, ttl=ttl).token
    w.tokens["resident_other"] = auth.dev_login(session, resident_id=ids["res_c1"], now=now, ttl=ttl).token
    return w
