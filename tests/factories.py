"""Test data built through the real services (no hand-made rows)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from app.services import auth, contracts, institutions, packages, residents, staff, teams
from app.services.actors import Actor, system_actor
from app.services.demo import make_id_card
from models.org import Consortium

PASSWORD = "test-password-1"


@dataclass
class World:
    consortium_id: int
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    id_cards: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who != "anonymous" else {}

    def actor(self, session: Session, who: str) -> Actor:
        return auth.actor_for_token(session, self.tokens[who], now=datetime.now().astimezone())


def id_card_for(born: date, male: bool, seed: int = 0) -> str:
    return make_id_card(random.Random(seed), "330102", born, male)


def build_world(session: Session, *, now: datetime) -> World:
    """Two townships, two teams (A in 东村, B in 西村), a specialist, four residents."""
    consortium = Consortium(code="test", name="测试医共体")
    session.add(consortium)
    session.flush()
    w = World(consortium_id=consortium.id)
    admin = Actor(kind="staff", id=0, consortium_id=consortium.id, role="admin")
    county = institutions.create_institution(session, actor=admin, name="县医院", level="county")
    t1 = institutions.create_institution(session, actor=admin, name="一镇卫生院", level="township", parent_id=county.id)
    t2 = institutions.create_institution(session, actor=admin, name="二镇卫生院", level="township", parent_id=county.id)
    c_a = institutions.create_institution(session, actor=admin, name="东村卫生室", level="village", parent_id=t1.id)
    c_b = institutions.create_institution(session, actor=admin, name="北村卫生室", level="village", parent_id=t1.id)
    c_c = institutions.create_institution(session, actor=admin, name="西村卫生室", level="village", parent_id=t2.id)
    v_a = institutions.create_village(session, actor=admin, name="东村", clinic_id=c_a.id, population=1000)
    v_b = institutions.create_village(session, actor=admin, name="北村", clinic_id=c_b.id, population=800)
    v_c = institutions.create_village(session, actor=admin, name="西村", clinic_id=c_c.id, population=1200)
    w.ids.update(county=county.id, township1=t1.id, township2=t2.id, clinic_a=c_a.id, clinic_b=c_b.id,
                 clinic_c=c_c.id, village_a=v_a.id, village_b=v_b.id, village_c=v_c.id)

    def person(username, role, inst, **kw):
        member = staff.create_staff(session, actor=admin, username=username, password=PASSWORD, full_name=username,
                                    role=role, institution_id=inst, **kw)
        w.ids[username] = member.id
        return member

    person("admin", "admin", county.id)
    person("county1", "county_doctor", county.id)
    person("gp1", "township_doctor", t1.id)
    person("gp2", "township_doctor", t2.id)
    person("vdoc_a", "village_doctor", c_a.id, phone="13900000001")
    person("vdoc_b", "village_doctor", c_b.id)
    person("vdoc_c", "village_doctor", c_c.id)
    person("cardio", "specialist", county.id, department="心内科")
    team_a = teams.create_team(session, actor=admin, name="东村团队", county_doctor_id=w.ids["county1"],
                               township_doctor_id=w.ids["gp1"], village_doctor_id=w.ids["vdoc_a"],
                               village_ids=[v_a.id])
    team_b = teams.create_team(session, actor=admin, name="西村团队", county_doctor_id=w.ids["county1"],
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

    system = system_actor(consortium.id)
    specs = [("res_a1", v_a.id, team_a, "active", date(1950, 3, 4), True, ["hypertension"]),
             ("res_a2", v_a.id, team_a, "pending", date(1962, 7, 8), False, ["diabetes"]),
             ("res_c1", v_c.id, team_b, "active", date(1948, 1, 2), False, ["hypertension", "diabetes"]),
             ("res_free", v_b.id, None, None, date(1970, 5, 6), True, [])]
    for i, (name, village, team, status, born, male, conds) in enumerate(specs):
        card = id_card_for(born, male, seed=i)
        resident = residents.register_resident(session, actor=system, name=name, id_card=card, village_id=village,
                                               phone=f"1380000{i:04d}", conditions=conds)
        w.ids[name], w.id_cards[name] = resident.id, card
        if team is not None:
            contract = contracts.apply_contract(session, actor=system, resident_id=resident.id, team_id=team.id,
                                                package_ids=[basic.id, htn.id], now=now,
                                                starts_on=now.date() - timedelta(days=30))
            w.ids[f"contract_{name}"] = contract.id
            if status == "active":
                lead = Actor(kind="staff", id=team.lead_id, consortium_id=consortium.id, role="township_doctor",
                              team_ids=frozenset({team.id}))
                contracts.approve_contract(session, actor=lead, contract_id=contract.id, now=now)
    session.flush()

    ttl = timedelta(hours=24)  # the world's rows are copied back for later tests: its tokens must outlive the run
    real_now = datetime.now().astimezone()
    for username in ("admin", "county1", "gp1", "gp2", "vdoc_a", "vdoc_b", "vdoc_c", "cardio"):
        w.tokens[username] = auth.login(session, username=username, password=PASSWORD, now=real_now, ttl=ttl).token
    for name in ("res_a1", "res_c1", "res_free"):
        w.tokens[name] = auth.dev_login(session, resident_id=w.ids[name], now=real_now, ttl=ttl).token
    return w
