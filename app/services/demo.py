"""Demo data: one county consortium with 9 teams and ~300 contracted chronic residents, a year of follow-ups and
other delivered services (the 履约 ledger: teams keep their schedules to different degrees, and a few contracts
see no service at all, 只签不约), two weeks of home readings, and the alerts those raise (acute ones on ingest,
trend ones from one trend scan)."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import contracts, institutions, packages, readings, residents, staff, teams, trends
from app.services.actors import Actor, system_actor
from app.services.clock import LOCAL_TZ, add_months, add_years, local_date
from app.services.privacy import id_card_check_char
from ml.model import load_model
from models.org import Consortium, Staff

DEMO_PASSWORD = "jiayi-demo-2026"
DEMO_OPENID = "demo-openid"  # a demo resident already bound to WeChat, for the chat simulator
TOWNSHIPS = ["城关镇", "河口镇", "青山乡"]
VILLAGE_NAMES = [["东街村", "西街村", "南关村"], ["河口村", "柳树村", "白沙村"], ["青山村", "石桥村", "松林村"]]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "桂英", "建国", "国强", "玉兰", "志强", "凤英", "明", "丽", "海燕", "德胜", "淑珍", "文华", "春梅", "振华"]

STANDARD_PACKAGES = [
    ("basic", "基础包", "all", 0, 0, [("health_record", "健康档案管理", 1), ("health_education", "健康教育", 4)]),
    ("hypertension", "高血压包", "hypertension", 12000, 10000,
     [("followup", "高血压随访", 4), ("annual_check", "年度健康体检", 1), ("home_bp_guidance", "家庭血压监测月度查看", 12)]),
    ("diabetes", "糖尿病包", "diabetes", 15000, 12000,
     [("followup", "糖尿病随访", 4), ("annual_check", "年度健康体检", 1), ("glucose_test", "空腹血糖检测", 4)]),
    ("elderly", "老年人包", "elderly_65", 8000, 8000,
     [("annual_check", "老年人健康体检", 1), ("self_care_assessment", "生活自理能力评估", 1)]),
]


# username, role, what they see: printed by `make run` and listed in the README.
DEMO_LOGINS = [
    ("admin", "admin", "医共体管理员 consortium admin"),
    ("gp1", "township_doctor", "城关镇全科医生, lead of 3 teams"),
    ("vdoc1", "village_doctor", "东街村村医 (vdoc1…vdoc9)"),
    ("county1", "county_doctor", "县级医生 (county1…county3)"),
    ("cardio1", "specialist", "心内科专科医生"),
    ("endo1", "specialist", "内分泌科专科医生"),
]


# How reliably each team delivers what its contracts promise (the share of scheduled services it makes): the
# demo's 履约率 then differs by team. A design choice for the demo, not data.
TEAM_DILIGENCE = (0.95, 0.85, 0.7, 0.9, 0.6, 0.8, 0.75, 0.95, 0.5)
IDLE_EVERY = 25  # one resident in 25 is contracted and never served (只签不约)


def make_id_card(rng: random.Random, region: str, born: date, male: bool) -> str:
    """A valid GB 11643 number for demo data."""
    seq = rng.randrange(0, 99) * 10 + rng.randrange(0, 10)
    seq = seq - seq % 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + id_card_check_char(first17)


def is_empty(session: Session) -> bool:
    """True when no consortium exists yet."""
    return session.scalar(select(Consortium.id).limit(1)) is None


def seed_demo(session: Session, *, now: datetime, n_residents: int = 300, seed: int = 2026) -> int:
    """Create the demo county: institutions, staff, teams, packages, residents with active contracts."""
    rng = random.Random(seed)
    consortium = Consortium(code="demo-county", name="示范县医共体")
    session.add(consortium)
    session.flush()
    sys_actor = system_actor(consortium.id)
    admin_actor = Actor(kind="staff", id=0, consortium_id=consortium.id, role="admin")

    county = institutions.create_institution(session, actor=admin_actor, name="示范县人民医院", level="county")

    def add_staff(username, name, role, inst_id, **kw) -> Staff:
        member = staff.create_staff(session, actor=admin_actor, username=username, password=DEMO_PASSWORD,
                                    full_name=name, role=role, institution_id=inst_id, **kw)
        return member

    add_staff("admin", "管理员", "admin", county.id)
    county_docs = [add_staff(f"county{i + 1}", f"县医生{i + 1}", "county_doctor", county.id) for i in range(3)]
    cardio = add_staff("cardio1", "心内科专家", "specialist", county.id, department="心内科")
    endo = add_staff("endo1", "内分泌科专家", "specialist", county.id, department="内分泌科")
    cardio.on_duty = endo.on_duty = True

    pkgs = [packages.create_package(session, actor=admin_actor, code=code, name=name, target_group=group,
                                    price_fen=price, subsidy_fen=subsidy,
                                    items=[{"code": c, "name": n, "yearly_quantity": q} for c, n, q in items])
            for code, name, group, price, subsidy, items in STANDARD_PACKAGES]
    by_code = {p.code: p for p in pkgs}

    all_teams = []
    village_of_team = {}
    vdoc_of_team: dict[int, int] = {}
    for t, township_name in enumerate(TOWNSHIPS):
        township = institutions.create_institution(session, actor=admin_actor, name=f"{township_name}卫生院",
                                                   level="township", parent_id=county.id)
        gp = add_staff(f"gp{t + 1}", f"{township_name}全科医生", "township_doctor", township.id)
        for v, village_name in enumerate(VILLAGE_NAMES[t]):
            clinic = institutions.create_institution(session, actor=admin_actor, name=f"{village_name}卫生室",
                                                     level="village", parent_id=township.id)
            village = institutions.create_village(session, actor=admin_actor, name=village_name,
                                                  clinic_id=clinic.id, population=rng.randrange(800, 2500))
            vdoc = add_staff(f"vdoc{t * 3 + v + 1}", f"{village_name}村医", "village_doctor", clinic.id,
                             phone=f"1390000{t * 3 + v + 1:04d}")
            team = teams.create_team(session, actor=admin_actor, name=f"{village_name}家庭医生团队",
                                     county_doctor_id=county_docs[t].id, township_doctor_id=gp.id,
                                     village_doctor_id=vdoc.id, village_ids=[village.id])
            all_teams.append(team)
            village_of_team[team.id] = village.id
            vdoc_of_team[team.id] = vdoc.id

    today = now.date()
    seeded: list[tuple[int, list[str]]] = []
    doctor_of: dict[int, Actor] = {}
    idle: set[int] = set()
    diligence: dict[int, float] = {}
    started: dict[int, date] = {}
    for i in range(n_residents):
        team = all_teams[i % len(all_teams)]
        age = rng.randrange(35, 91)
        male = rng.random() < 0.5
        born = date(today.year - age, rng.randrange(1, 13), rng.randrange(1, 29))
        conditions = rng.choices([["hypertension"], ["diabetes"], ["hypertension", "diabetes"]], [0.6, 0.2, 0.2])[0]
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        resident = residents.register_resident(
            session, actor=sys_actor, name=name, id_card=make_id_card(rng, "330102", born, male),
            village_id=village_of_team[team.id], phone=f"13{rng.randrange(5, 10)}{rng.randrange(10**8):08d}",
            conditions=conditions)
        residents.record_consent(session, actor=sys_actor, resident_id=resident.id, version="2026-01",
                                 channel="paper", now=now)
        codes = ["basic", *conditions] + (["elderly"] if age >= 65 else [])
        starts = today - timedelta(days=rng.randrange(0, 300))
        if i % IDLE_EVERY == IDLE_EVERY // 2:  # 只签不约: signed at least four months ago, never served since
            idle.add(resident.id)
            starts = min(starts, today - timedelta(days=120))
        contract = contracts.apply_contract(session, actor=sys_actor, resident_id=resident.id,
                                            team_id=team.id, package_ids=[by_code[c].id for c in codes], now=now,
                                            starts_on=starts)
        lead = Actor(kind="staff", id=team.lead_id, consortium_id=consortium.id, role="township_doctor",
                     team_ids=frozenset({team.id}))
        contracts.approve_contract(session, actor=lead, contract_id=contract.id, now=now)
        resident.phs_record_no = f"330102001{t_index(team, all_teams):03d}{i:05d}"  # 健康档案编号 (county registry)
        seeded.append((resident.id, conditions))
        diligence[resident.id] = TEAM_DILIGENCE[t_index(team, all_teams) - 1]
        started[resident.id] = starts
        doctor_of[resident.id] = Actor(kind="staff", id=vdoc_of_team[team.id], consortium_id=consortium.id,
                                       role="village_doctor", team_ids=frozenset({team.id}))
    ledger_rng = random.Random(seed + 1)  # its own stream for what is delivered and what is missed

    def missed(rid: int) -> bool:
        """A scheduled visit not made: always for an idle contract, else as often as the team misses one."""
        return rid in idle or ledger_rng.random() > diligence[rid]

    _followups(session, seeded, doctor_of, now=now, rng=rng, missed=missed)
    _services(session, seeded, doctor_of, started, diligence, idle, now=now, rng=ledger_rng)
    _home_readings(session, sys_actor, seeded, now=now, rng=rng)
    _confirmation_stories(session, sys_actor, seeded, now=now)
    # The trend scan the scheduler runs hourly, once now: the teams' queues start with trend alerts.
    trends.scan_trends(session, model=load_model(), now=now)
    # The chat simulator's demo user (`flask wechat chat --openid demo-openid`): bound, consent on paper.
    from models.residents import Resident

    first = session.scalar(select(Resident).where(Resident.consortium_id == consortium.id).order_by(Resident.id).limit(1))
    if first is not None:
        first.wechat_openid = DEMO_OPENID
        session.flush()
    return n_residents


def _confirmation_stories(session: Session, actor: Actor, seeded: list[tuple[int, list[str]]], *,
                          now: datetime) -> None:
    """Confirmation before critical, as the teams see it: one high reading confirmed by its repeat (the
    alert opens at the repeat), one dismissed by a normal repeat (nothing raised), one never repeated
    (the timeout job leaves the village doctor a moderate call-the-resident alert)."""
    hypertensive = [rid for rid, conds in seeded if "hypertension" in conds]
    if len(hypertensive) < 10:  # a tiny demo (tests) has no room for the stories
        return
    confirmed, dismissed, silent = hypertensive[5], hypertensive[7], hypertensive[9]
    stories = [
        # 196/118, then a repeat 6 min later (after 5 min of rest) that agrees: confirmed, the alert opens then.
        (confirmed, [(196, 118, 50), (192, 116, 44)]),
        # A cuff error: a wild first reading, then two normal repeats: dismissed, the reading kept, not confirmed.
        (dismissed, [(232, 136, 120), (136, 84, 118), (134, 82, 117)]),
        # One high reading, never repeated.
        (silent, [(188, 104, 180)]),
    ]
    for rid, values in stories:
        for n, (sbp, dbp, minutes_ago) in enumerate(values):
            at = now - timedelta(minutes=minutes_ago)
            readings.record_bp(session, actor=actor, resident_id=rid, systolic=sbp, diastolic=dbp, measured_at=at,
                               now=at, client_id=f"demo-confirm-{rid}-{n}", source="wechat")
    readings.expire_unconfirmed(session, now=now)


def showcase(session: Session) -> tuple[int, int, str, int] | None:
    """A follow-up to print: (followup id, resident id, the village doctor's username, the year)."""
    from models.followups import FollowUp

    f = session.scalar(select(FollowUp).order_by(FollowUp.visited_at.desc(), FollowUp.id.desc()).limit(1))
    if f is None:
        return None
    username = session.scalar(select(Staff.username).where(Staff.id == f.staff_id))
    return f.id, f.resident_id, username, local_date(f.visited_at).year


def t_index(team, all_teams) -> int:
    """The team's number in the demo county (part of the demo 健康档案编号)."""
    return all_teams.index(team) + 1


VISIT_DAYS_AGO = (335, 245, 155, 65)  # a year of quarterly 规范 visits, the last one two months ago


def _followups(session: Session, seeded: list[tuple[int, list[str]]], doctor_of: dict[int, Actor], *,
               now: datetime, rng: random.Random, missed: Callable[[int], bool] = lambda rid: False) -> None:
    """A year of follow-ups on the complete 随访表 through the follow-up service (its 规范 checks run):
    the 高血压 form for hypertension, the 2型糖尿病 form for diabetes (with BP), quarterly, entered through
    the app or the web pages; two unsatisfactory visits in a row are referred to the county hospital."""
    from app.services import followups

    for rid, conds in seeded:
        program = "dm" if "diabetes" in conds else "htn"
        high = rng.random() < 0.35
        previous = None
        weight = round(rng.uniform(52, 85), 1)
        for n, days in enumerate(VISIT_DAYS_AGO):
            if missed(rid):
                continue
            at = now - timedelta(days=days + rng.randrange(0, 10), hours=rng.randrange(0, 6))
            bp_high = high and rng.random() < 0.7
            sbp, dbp = (rng.randrange(142, 168), rng.randrange(86, 100)) if bp_high else (
                rng.randrange(112, 136), rng.randrange(68, 86))
            glucose = None
            if program == "dm":
                glucose = round(rng.uniform(7.2, 9.8) if high and rng.random() < 0.6 else rng.uniform(5.2, 6.8), 1)
            uncontrolled = sbp >= 140 or dbp >= 90 or (glucose is not None and glucose >= 7.0)
            classification = "uncontrolled" if uncontrolled else "controlled"
            height_m = 1.62
            form = {"symptoms": ["headache_dizziness"] if bp_high and program == "htn" else ["none"],
                    "weight_kg": weight, "weight_target_kg": min(weight, 65.0),
                    "bmi": round(weight / height_m ** 2, 1), "bmi_target": 24.0,
                    "smoking_per_day": rng.choice([0, 0, 0, 5, 10]), "smoking_target": 0,
                    "drinking_per_day": rng.choice([0, 0, 1, 2]), "drinking_target": 0,
                    "exercise_per_week": rng.randrange(0, 7), "exercise_minutes": rng.choice([0, 20, 30, 45]),
                    "exercise_per_week_target": 5, "exercise_minutes_target": 30,
                    "psychological": rng.choice(["good", "good", "fair"]),
                    "compliance": rng.choice(["good", "good", "fair"]),
                    "adherence": "regular" if not high else rng.choice(["regular", "intermittent"]),
                    "adverse_reaction": "no"}
            if form["adherence"] == "intermittent":
                form["nonadherence_reason"] = rng.choice(["forgot", "cost", "supply"])
            if program == "htn":
                form.update(heart_rate=rng.randrange(62, 90), salt=rng.choice(["light", "moderate", "heavy"]),
                            salt_target="light")
                meds = [{"drug": "氨氯地平片", "dose": "5mg", "frequency": "每日1次"}]
            else:
                form.update(foot_pulse="normal", foot_pulse_side="both", staple_g_per_day=rng.choice([300, 350, 400]),
                            staple_target_g_per_day=300, hypoglycaemia="none")
                if n % 2 == 0:
                    form.update(hba1c_percent=round(glucose * 0.9 + 1.0, 1),
                                hba1c_on=local_date(at - timedelta(days=3)).isoformat())
                meds = [{"drug": "二甲双胍片", "dose": "0.5g", "frequency": "每日3次"}]
            if uncontrolled and previous == "uncontrolled":
                form["referral_to"] = "示范县人民医院 " + ("内分泌科" if program == "dm" else "心内科")
            followups.record_followup(
                session, actor=doctor_of[rid], resident_id=rid, visited_at=at, now=now,
                method=rng.choice(["face_to_face", "face_to_face", "home", "phone"]), classification=classification,
                systolic=sbp, diastolic=dbp, glucose_mmol=glucose, program=program, form=form, medications=meds,
                entry_channel=rng.choice(["app", "web"]))
            previous = classification


def _services(session: Session, seeded: list[tuple[int, list[str]]], doctor_of: dict[int, Actor],
              started: dict[int, date], diligence: dict[int, float], idle: set[int], *, now: datetime,
              rng: random.Random) -> None:
    """The services a follow-up does not record, through the service-records use case as a team logs them: the
    yearly health check (健康体检), the monthly look at the home BP readings of hypertension patients, and two
    group health-education sessions per team. Each team delivers as reliably as its TEAM_DILIGENCE; idle
    contracts (只签不约) get nothing."""
    from app.services import service_records

    today = local_date(now)

    def at_day(day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour, rng.randrange(0, 60)), LOCAL_TZ)

    by_team: dict[int, list[int]] = {}
    for rid, conds in seeded:
        if rid in idle:
            continue
        doctor = doctor_of[rid]
        by_team.setdefault(next(iter(doctor.team_ids)), []).append(rid)
        since = max(started[rid], today - timedelta(days=360))
        span = (today - since).days
        if span > 20 and rng.random() < diligence[rid]:
            day = since + timedelta(days=rng.randrange(0, span))
            service_records.log_service(session, actor=doctor, kind="health_check", resident_ids=[rid],
                                        delivered_at=at_day(day, 9), method=rng.choice(["clinic", "clinic", "home"]),
                                        now=now, entry_channel=rng.choice(["app", "web"]))
        if "hypertension" in conds and rng.random() < diligence[rid]:
            for month in range(1, 12):  # a review near the end of each month of the contract year so far
                day = add_months(started[rid], month) - timedelta(days=rng.randrange(1, 8))
                if day >= today or day < today - timedelta(days=360):
                    continue
                if rng.random() < diligence[rid]:
                    service_records.log_service(session, actor=doctor, kind="reading_review", resident_ids=[rid],
                                                delivered_at=at_day(day, 15), method="wechat", now=now)
    for team_id, rids in by_team.items():
        doctor = doctor_of[rids[0]]
        for days_ago in (200, 50):  # a 健康讲座 in the village, twice a year
            attendees = [rid for rid in rids if rng.random() < diligence[rid]]
            if attendees:
                service_records.log_service(session, actor=doctor, kind="education", resident_ids=attendees,
                                            delivered_at=at_day(today - timedelta(days=days_ago), 19),
                                            method="group", now=now, notes="高血压、糖尿病自我管理讲座")


def ledger_summary(session: Session, *, now: datetime) -> list[tuple[str, float | None, int, int]]:
    """Per team of the demo county: (team, 履约率, 只签不约 contracts, contracts in force), from the KPI service."""
    from app.services import kpis

    consortium_id = session.scalar(select(Consortium.id).where(Consortium.code == "demo-county"))
    if consortium_id is None:
        return []
    admin = Actor(kind="staff", id=0, consortium_id=consortium_id, role="admin")
    end = local_date(now)
    reports = kpis.compute_kpis(session, actor=admin, start=add_years(end, -1) + timedelta(days=1), end=end,
                                level="team")
    return [(r.unit_name, r.figures["fulfilment"]["rate"], r.figures["signed_not_served"]["count"],
             r.figures["signed_not_served"]["eligible"]) for r in reports]


def _home_readings(session: Session, actor: Actor, seeded: list[tuple[int, list[str]]], *, now: datetime,
                   rng: random.Random, days: int = 14) -> None:
    """Two weeks of home readings through the readings service (its rules run: a confirmed 180/110 and a low
    glucose raise acute alerts). BP morning and evening, two readings a session, for residents with
    hypertension: about 60% controlled, the rest above 140/90; fasting glucose three days a week for
    residents with diabetes. Missed days as real measurers have them."""
    midnight = datetime.combine(local_date(now), time(0), LOCAL_TZ)  # measuring times are local

    def local_at(day: int, hour: int, minutes: int) -> datetime:
        return midnight - timedelta(days=day) + timedelta(hours=hour, minutes=minutes)

    hypertensive = [rid for rid, conds in seeded if "hypertension" in conds]
    acute = set(hypertensive[3:4])  # one resident: a confirmed 182/112 an hour ago
    diabetic = [rid for rid, conds in seeded if "diabetes" in conds]
    hypo = set(diabetic[1:2])  # one resident: 3.4 mmol/L yesterday morning
    for rid, conds in seeded:
        items: list[dict] = []
        if "hypertension" in conds:
            high = rng.random() < 0.4
            sbp, dbp = (rng.uniform(142, 160), rng.uniform(88, 97)) if high else (rng.uniform(118, 132),
                                                                                   rng.uniform(70, 82))
            for day in range(days, 0, -1):
                if rng.random() < 0.2:
                    continue
                for hour in (7, 20):
                    at = local_at(day, hour, rng.randrange(-30, 30))
                    for k in range(2):
                        items.append({"type": "bp", "systolic": round(rng.gauss(sbp, 6)),
                                      "diastolic": round(rng.gauss(dbp, 4)), "pulse": rng.randrange(62, 88),
                                      "measured_at": (at + timedelta(minutes=k)).isoformat()})
        if rid in acute:  # an hour before the seed, whatever the local time
            at = now - timedelta(hours=1)
            items += [{"type": "bp", "systolic": 182, "diastolic": 112, "measured_at": at.isoformat()},
                      {"type": "bp", "systolic": 184, "diastolic": 113,
                       "measured_at": (at + timedelta(minutes=5)).isoformat()}]
        if "diabetes" in conds:
            fasting = rng.uniform(7.4, 9.5) if rng.random() < 0.4 else rng.uniform(5.4, 6.8)
            for day in range(days, 0, -1):
                if day % 7 in (1, 3, 5):
                    at = local_at(day, 6, rng.randrange(40))
                    items.append({"type": "glucose", "value": round(rng.gauss(fasting, 0.6), 1), "context": "fasting",
                                  "measured_at": at.isoformat()})
        if rid in hypo:
            at = local_at(1, 6, 30)
            items.append({"type": "glucose", "value": 3.4, "context": "fasting", "measured_at": at.isoformat()})
        for n, item in enumerate(items):
            item.update(resident_id=rid, source="device", client_id=f"demo-{rid}-{n}")
        if items:
            readings.record_batch(session, actor=actor, items=items, now=now)
