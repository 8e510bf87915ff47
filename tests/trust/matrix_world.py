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

from app.services import alerts, auth, contracts, devices, followups, referrals, residents, wechat_accounts
from app.services.actors import Actor, system_actor
from app.services.clock import local_date
from models import Base
from tests.factories import PASSWORD, add_organisation, add_packages, add_staff, add_team, id_card_for

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
    w.ids["consortium"] = cid
    add_organisation(session, admin, w.ids)
    add_staff(session, admin, w.ids, [
        ("admin", "admin", "county"), ("county_a", "county_doctor", "county"), ("county_b", "county_doctor", "county"),
        ("gp1", "township_doctor", "township1"), ("gp2", "township_doctor", "township2"),
        ("vdoc_a", "village_doctor", "clinic_a", {"phone": "13900000001"}), ("vdoc_c", "village_doctor", "clinic_c"),
        ("nurse_a", "village_doctor", "clinic_a"),  # in no team: someone to add to team_a
        ("cardio", "specialist", "county", {"department": CARDIOLOGY}),
        ("endo", "specialist", "county", {"department": ENDOCRINOLOGY})])
    team_a = add_team(session, admin, w.ids, "team_a", "东村团队", county="county_a", township="gp1",
                      village_doctor="vdoc_a", village="village_a")
    team_b = add_team(session, admin, w.ids, "team_b", "西村团队", county="county_b", township="gp2",
                      village_doctor="vdoc_c", village="village_c")
    basic, htn = add_packages(session, admin, w.ids)
    w.new_id_card = id_card_for(date(1958, 9, 10), False, seed=7)

    def lead_of(team) -> Actor:
        return Actor(kind="staff", id=team.lead_id, consortium_id=cid, role="township_doctor",
                     team_ids=frozenset({team.id}))

    today = local_date(now)
    cards = {}
    for i, (name, village, team, born, male, conds) in enumerate([
            ("res_a1", w.ids["village_a"], team_a, date(1950, 3, 4), True, ["hypertension"]),
            ("res_c1", w.ids["village_c"], team_b, date(1948, 1, 2), False, ["hypertension", "diabetes"])]):
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
    ids["followup"] = followups.record_followup(session, actor=vdoc_a, resident_id=ids["res_a1"],
                                                visited_at=now - timedelta(hours=2), method="home",
                                                classification="controlled", now=now, systolic=128,
                                                diastolic=80).id
    issued = devices.issue_key(session, actor=vdoc_a, resident_id=ids["res_a1"], device_serial="BP-0001", now=now)
    ids["device_key"], w.device_key = issued.device.id, issued.key
    if variant != "contract_pending":
        visit = followups.record_followup(session, actor=vdoc_a, resident_id=ids["res_a1"],
                                          visited_at=now - timedelta(hours=2), method="face_to_face",
                                          classification="controlled", systolic=128, diastolic=80, now=now)
        ids["followup"] = visit.id

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
