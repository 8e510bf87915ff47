"""KPIs: exact figures on a small known county, the SQL BP-target rule against the Python one, and who may read."""
from datetime import timedelta

import pytest

from app.services import kpis, referrals, residents
from app.services.actors import Actor
from app.services.clock import add_years, local_date
from ml.clinical import bp_above_target
from models.alerts import Alert, AlertKind, AlertStatus, Severity
from models.base import utcnow
from models.residents import Resident
from tests.care.conftest import visit

END = local_date(utcnow())
START = END - timedelta(days=364)  # a 365-day year: 4 face-to-face visits needed
DAYS = lambda n: utcnow() - timedelta(days=n)  # noqa: E731


def _alert(session, world, kind, severity, opened, ack_min=None, resolved_min=None, resident="res_a1", team="team_a"):
    rank = {"critical": 0, "high": 1, "moderate": 2, "low": 3}[severity]
    session.add(Alert(
        consortium_id=world.consortium_id, resident_id=world.ids[resident], team_id=world.ids[team],
        kind=AlertKind(kind), severity=Severity(severity), severity_rank=rank,
        status=AlertStatus.resolved if resolved_min or ack_min else AlertStatus.open, summary="x", opened_at=opened,
        last_evidence_at=opened, acknowledged_at=opened + timedelta(minutes=ack_min) if ack_min else None,
        resolved_at=opened + timedelta(minutes=resolved_min or (ack_min or 0) + 1) if (ack_min or resolved_min) else None))


@pytest.fixture
def county(client, world, care, session):
    care.resident("k_dm", seed=401, born=add_years(END, -46), conditions=("diabetes",))
    care.resident("k_old", seed=402, born=add_years(END, -86), conditions=("hypertension",))
    for days, method, bp in [(300, "face_to_face", (150, 90)), (200, "home", (140, 85)), (100, "face_to_face", (138, 84)),
                             (40, "phone", (136, 86)), (10, "face_to_face", (130, 80))]:
        assert visit(client, world, at=DAYS(days), method=method, systolic=bp[0], diastolic=bp[1]).status_code == 201
    assert visit(client, world, resident="k_old", at=DAYS(200), systolic=148, diastolic=88).status_code == 201
    for days, method, bp, glucose in [(150, "face_to_face", (140, 85), 8.0), (60, "face_to_face", None, 6.5),
                                      (20, "phone", (132, 78), None)]:
        over = {"systolic": bp[0], "diastolic": bp[1]} if bp else {"systolic": None, "diastolic": None}
        assert visit(client, world, who="vdoc_c", resident="res_c1", at=DAYS(days), method=method,
                     glucose_mmol=glucose, **over).status_code == 201
    # Alerts of team A: critical acknowledged after 10, 20, 40 min; one high still waiting; a moderate resolved
    # after 90 min without an acknowledgement; one critical before the period.
    base = DAYS(10)
    for i, (kind, ack) in enumerate([("acute_bp", 40), ("low_bp", 10), ("triage_red_flag", 20)]):
        _alert(session, world, kind, "critical", base + timedelta(hours=i), ack_min=ack)
    _alert(session, world, "trend_bp", "high", base)
    _alert(session, world, "missed_monitoring", "moderate", base, resolved_min=90)
    _alert(session, world, "acute_glucose", "critical", utcnow() - timedelta(days=400), ack_min=5)
    session.commit()
    # Referrals: team A two completed (30 h and 10 h), team B one requested.
    vdoc_a, vdoc_c, cardio = care.actor("vdoc_a"), care.actor("vdoc_c"), care.actor("cardio")
    for name, hours in (("res_a1", 30), ("k_old", 10)):
        t0 = DAYS(5)
        ref = referrals.create_referral(session, actor=vdoc_a, resident_id=world.ids[name], to_department="心内科",
                                        reason="r", urgency="routine", now=t0)
        referrals.accept_referral(session, actor=cardio, referral_id=ref.id, now=t0 + timedelta(hours=1))
        referrals.complete_referral(session, actor=cardio, referral_id=ref.id, advice="a",
                                    now=t0 + timedelta(hours=hours))
    referrals.create_referral(session, actor=vdoc_c, resident_id=world.ids["res_c1"], to_department="心内科",
                              reason="r", urgency="routine", now=DAYS(1))
    session.commit()


def report(session, world, level, who="admin"):
    actor = Actor(kind="staff", id=world.ids[who], consortium_id=world.consortium_id, role="admin")
    return {r.unit_id: r.figures for r in kpis.compute_kpis(session, actor=actor, start=START, end=END, level=level)}


def test_team_figures(session, world, county):
    a = report(session, world, "team")[world.ids["team_a"]]
    assert a["population"] == 1000 and a["contracted"] == 3 and a["contract_coverage"] == 0.003
    assert a["priority_groups"] == {
        "age_65_plus": {"registered": 2, "contracted": 2, "coverage": 1.0},   # res_a1 76, k_old 86 (res_a2 is 64)
        "hypertension": {"registered": 2, "contracted": 2, "coverage": 1.0},
        "diabetes": {"registered": 2, "contracted": 1, "coverage": 0.5}}     # res_a2's contract is pending
    assert a["managed"] == 3
    assert a["standard_management"] == {"required_face_to_face": 4, "standard": 1, "rate": 0.3333}
    assert a["bp_control"] == {"managed": 2, "controlled": 2, "no_value": 0, "rate": 1.0}  # 130/80; 148/88 at 86 (<150/90)
    assert a["glucose_control"] == {"managed": 1, "controlled": 0, "no_value": 1, "rate": 0.0}
    assert a["missed_visit"] == {"count": 2, "share": 0.6667}      # k_dm never, k_old 200 days ago
    assert a["lost_to_follow_up"] == {"count": 1, "share": 0.3333}  # k_dm
    ack = a["alert_time_to_acknowledge"]
    assert ack["critical"] == {"opened": 3, "acknowledged": 3, "unacknowledged": 0, "p50_minutes": 20.0,
                               "p90_minutes": 40.0}
    assert ack["high"] == {"opened": 1, "acknowledged": 0, "unacknowledged": 1, "p50_minutes": None,
                           "p90_minutes": None}
    assert ack["moderate"]["p50_minutes"] == 90.0 and ack["low"]["opened"] == 0
    assert a["referrals"] == {"requested": 2, "completed": 2, "turnaround_hours_p50": 10.0,
                              "turnaround_hours_p90": 30.0}

    b = report(session, world, "team")[world.ids["team_b"]]
    assert (b["contracted"], b["managed"], b["population"]) == (1, 1, 1200)
    assert b["bp_control"] == {"managed": 1, "controlled": 0, "no_value": 0, "rate": 0.0}  # 132/78 vs <130/80
    assert b["glucose_control"] == {"managed": 1, "controlled": 1, "no_value": 0, "rate": 1.0}  # latest 6.5
    assert b["standard_management"]["standard"] == 0 and b["missed_visit"]["count"] == 0
    assert b["referrals"] == {"requested": 1, "completed": 0, "turnaround_hours_p50": None,
                              "turnaround_hours_p90": None}


def test_township_and_consortium_roll_up_by_village(session, world, county):
    towns = report(session, world, "township")
    t1, t2 = towns[world.ids["township1"]], towns[world.ids["township2"]]
    assert (t1["population"], t1["contracted"], t1["managed"]) == (1800, 3, 3)
    assert (t2["population"], t2["contracted"]) == (1200, 1)
    assert t1["alert_time_to_acknowledge"]["critical"]["p50_minutes"] == 20.0
    whole = report(session, world, "consortium")[world.consortium_id]
    assert (whole["population"], whole["contracted"], whole["managed"]) == (3000, 4, 4)
    assert whole["bp_control"]["managed"] == 3 and whole["bp_control"]["controlled"] == 2
    assert whole["glucose_control"] == {"managed": 2, "controlled": 1, "no_value": 1, "rate": 0.5}
    assert whole["referrals"]["requested"] == 3 and whole["referrals"]["completed"] == 2


def test_sql_bp_target_matches_the_python_rule(client, world, care, session):
    eighty = add_years(END, -80)
    cases = [  # name, born, conditions, personal target, visit BP, controlled?
        ("t_default", add_years(END, -60), ("hypertension",), None, (134, 84), True),
        ("t_default_at", add_years(END, -60) - timedelta(days=1), ("hypertension",), None, (135, 84), False),
        ("t_80", eighty, ("hypertension",), None, (149, 89), True),             # 80 today: <150/90
        ("t_79", eighty + timedelta(days=1), ("hypertension",), None, (149, 84), False),  # still 79: <135/85
        ("t_dm_old", add_years(END, -85), ("hypertension", "diabetes"), None, (132, 79), False),  # <130/80
        ("t_ckd", add_years(END, -61), ("hypertension", "ckd"), None, (129, 79), True),
        ("t_personal", add_years(END, -62), ("hypertension",), (140, 90), (139, 89), True),
    ]
    for i, (name, born, conds, target, bp, _) in enumerate(cases):
        care.resident(name, team="team_b", village="village_c", born=born, conditions=conds, seed=500 + i)
        if target:
            residents.update_resident(session, actor=care.actor("gp2"), resident_id=world.ids[name],
                                      bp_target_sys=target[0], bp_target_dia=target[1])
            session.commit()
        assert visit(client, world, who="vdoc_c", resident=name, at=DAYS(3), systolic=bp[0],
                     diastolic=bp[1]).status_code == 201
    python_controlled = sum(
        not bp_above_target(bp[0], bp[1], residents.bp_target(session.get(Resident, world.ids[name]), END))
        for name, _, _, _, bp, _ in cases)
    expected = sum(c[-1] for c in cases)
    b = report(session, world, "team")[world.ids["team_b"]]
    assert b["bp_control"]["controlled"] == python_controlled == expected == 4


def kpi(client, world, who, **query):
    q = {"start": START.isoformat(), "end": END.isoformat(), **query}
    return client.get("/api/v1/kpis?" + "&".join(f"{k}={v}" for k, v in q.items()), headers=world.headers(who))


def test_admin_reads_every_level(client, world, county):
    r = kpi(client, world, "admin", level="team")
    assert r.status_code == 200
    assert [i["unit_id"] for i in r.get_json()["items"]] == sorted([world.ids["team_a"], world.ids["team_b"]])
    assert len(kpi(client, world, "admin", level="township").get_json()["items"]) == 2
    whole = kpi(client, world, "admin").get_json()["items"]
    assert [(i["level"], i["figures"]["contracted"]) for i in whole] == [("consortium", 4)]


def test_team_staff_read_their_own_teams_only(client, world, county):
    own = kpi(client, world, "vdoc_a", level="team").get_json()["items"]
    assert [i["unit_id"] for i in own] == [world.ids["team_a"]]
    assert len(kpi(client, world, "county1", level="team").get_json()["items"]) == 2  # member of both teams
    assert kpi(client, world, "vdoc_a", level="team", unit_id=world.ids["team_b"]).status_code == 403
    assert kpi(client, world, "vdoc_a", level="consortium").status_code == 403


@pytest.mark.parametrize("who, status", [("cardio", 403), ("res_a1", 403), ("anonymous", 401)])
def test_specialists_and_residents_may_not_read_kpis(client, world, who, status):
    assert kpi(client, world, who).status_code == status


def test_bad_period_is_422(client, world):
    assert kpi(client, world, "admin", start=END.isoformat(), end=START.isoformat()).status_code == 422
    assert client.get("/api/v1/kpis?end=2026-01-01", headers=world.headers("admin")).status_code == 422


def test_definitions_are_in_the_api_docs(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    description = spec["paths"]["/api/v1/kpis"]["get"]["description"]
    for term in ("contract_coverage", "规范管理率", "bp_control.rate", "glucose_control.rate", "missed_visit.share",
                 "lost_to_follow_up", "alert_time_to_acknowledge", "turnaround"):
        assert term in description


@pytest.mark.parametrize("start, end, need", [("2026-01-01", "2026-12-31", 4), ("2024-01-01", "2024-12-31", 4),
                                              ("2026-01-01", "2026-03-31", 1), ("2026-01-01", "2026-06-30", 2),
                                              ("2026-01-01", "2026-01-10", 1)])
def test_required_visits_are_four_a_year_pro_rata(start, end, need):
    from datetime import date

    assert kpis.required_visits(date.fromisoformat(start), date.fromisoformat(end)) == need
