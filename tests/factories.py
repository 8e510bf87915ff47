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


def add_organisation(session: Session, admin: Actor, ids: dict[str, int], *, north_village: bool = False) -> None:
    """The county hospital, two township health centres, village clinics and villages 东村 (township 1) and 西村
    (township 2); 北村 (township 1) too if asked. Their ids go into `ids` (county, township1, clinic_a, village_a…)."""
    county = institutions.create_institution(session, actor=admin, name="县医院", level="county")
    t1 = institutions.create_institution(session, actor=admin, name="一镇卫生院", level="township", parent_id=county.id)
    t2 = institutions.create_institution(session, actor=admin, name="二镇卫生院", level="township", parent_id=county.id)
    ids.update(county=county.id, township1=t1.id, township2=t2.id)
    villages = [("a", "东村", t1.id, 1000), ("b", "北村", t1.id, 800), ("c", "西村", t2.id, 1200)]
    for key, name, township, population in villages:
        if key == "b" and not north_village:
            continue
        clinic = institutions.create_institution(session, actor=admin, name=f"{name}卫生室", level="village",
                                                 parent_id=township)
        village = institutions.create_village(session, actor=admin, name=name, clinic_id=clinic.id,
                                              population=population)
        ids.update({f"clinic_{key}": clinic.id, f"village_{key}": village.id})


def add_staff(session: Session, admin: Actor, ids: dict[str, int], people: list[tuple]) -> None:
    """Staff from (username, role, institution key in `ids`, extra fields); their ids go into `ids` by username."""
    for username, role, institution, *extra in people:
        member = staff.create_staff(session, actor=admin, username=username, password=PASSWORD, full_name=username,
                                    role=role, institution_id=ids[institution], **(extra[0] if extra else {}))
        ids[username] = member.id


def add_team(session: Session, admin: Actor, ids: dict[str, int], key: str, name: str, *, county: str,
             township: str, village_doctor: str, village: str):
    team = teams.create_team(session, actor=admin, name=name, county_doctor_id=ids[county],
                             township_doctor_id=ids[township], village_doctor_id=ids[village_doctor],
                             village_ids=[ids[village]])
    ids[key] = team.id
    return team


def add_packages(session: Session, admin: Actor, ids: dict[str, int]) -> tuple:
    """The basic package and the hypertension package (pkg_basic, pkg_htn)."""
    basic = packages.create_package(session, actor=admin, code="basic", name="基础包", target_group="all",
                                    price_fen=0, subsidy_fen=0,
                                    items=[{"code": "health_record", "name": "健康档案", "yearly_quantity": 1}])
    htn = packages.create_package(session, actor=admin, code="hypertension", name="高血压包",
                                  target_group="hypertension", price_fen=12000, subsidy_fen=10000,
                                  items=[{"code": "followup", "name": "随访", "yearly_quantity": 4}])
    ids.update(pkg_basic=basic.id, pkg_htn=htn.id)
    return basic, htn


def build_world(session: Session, *, now: datetime) -> World:
    """Two townships, two teams (A in 东村, B in 西村), a specialist, four residents."""
    consortium = Consortium(code="test", name="测试医共体")
    session.add(consortium)
    session.flush()
    w = World(consortium_id=consortium.id)
    admin = Actor(kind="staff", id=0, consortium_id=consortium.id, role="admin")
    add_organisation(session, admin, w.ids, north_village=True)
    add_staff(session, admin, w.ids, [
        ("admin", "admin", "county"), ("county1", "county_doctor", "county"), ("gp1", "township_doctor", "township1"),
        ("gp2", "township_doctor", "township2"), ("vdoc_a", "village_doctor", "clinic_a", {"phone": "13900000001"}),
        ("vdoc_b", "village_doctor", "clinic_b"), ("vdoc_c", "village_doctor", "clinic_c"),
        ("cardio", "specialist", "county", {"department": "心内科"})])
    team_a = add_team(session, admin, w.ids, "team_a", "东村团队", county="county1", township="gp1",
                      village_doctor="vdoc_a", village="village_a")
    team_b = add_team(session, admin, w.ids, "team_b", "西村团队", county="county1", township="gp2",
                      village_doctor="vdoc_c", village="village_c")
    basic, htn = add_packages(session, admin, w.ids)
    v_a, v_b, v_c = w.ids["village_a"], w.ids["village_b"], w.ids["village_c"]

    system = system_actor(consortium.id)
    specs = [("res_a1", v_a, team_a, "active", date(1950, 3, 4), True, ["hypertension"]),
             ("res_a2", v_a, team_a, "pending", date(1962, 7, 8), False, ["diabetes"]),
             ("res_c1", v_c, team_b, "active", date(1948, 1, 2), False, ["hypertension", "diabetes"]),
             ("res_free", v_b, None, None, date(1970, 5, 6), True, [])]
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
