"""The authorisation matrix: every /api/v1 endpoint × every role → the status the intended policy gives.

ONE table (TABLE) holds, for every (method, rule) of the app, the expected answer per role. The table's keys
must equal the app's endpoints exactly: a new endpoint without an entry fails, and so does a stale entry.

The expected values come from the intended policy (docs/design.md: who uses it, privacy), not
from what the code happens to answer:
- 401: anonymous, on everything but the sign-in endpoints;
- 403: a role that may never do this (whatever the target);
- 404: a role that may do this in general, on a resident's data outside its scope (no existence leak);
- 2xx: allowed.
Admins manage the organisation and read aggregates, never a resident's clinical record; specialists see what
a referral (or an escalation) addressed to them opens; a device key posts readings for its resident, nothing
more.

How it runs: per world variant, every refused call first on one shared world (each checked not to change a
single row), then the allowed calls: reads, and the sign-in calls whose effects touch no one else, on the
shared world; every other allowed call on a freshly built world, so one call's changes never leak into the
next. The whole matrix runs once (module fixture); one test per endpoint compares its row.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

import pytest

from app.extensions import db, limiter
from models.base import utcnow
from tests import snapshots
from tests.factories import PASSWORD
from tests.trust import matrix_world
from tests.trust.matrix_world import CARDIOLOGY, ENDOCRINOLOGY, OPENID_OWN, ROLES, STAFF_ROLES, MatrixWorld

API = "/api/v1"
DOC_RULES = {f"{API}/openapi.json", f"{API}/docs", f"{API}/redoc", f"{API}/docs/assets/<path:filename>"}
OAUTH_CODE = "matrix-oauth-code"

# A batch answers 200 and says per item what became of it: these are the per-item outcomes.
ITEM_ACCEPTED = "200 item accepted"
ITEM_NOT_FOUND = "200 item rejected resident.not_found"

# Which world object each path parameter names: all of them belong to res_a1 or team_a.
PARAM_IDS = {
    "resident_id": "res_a1", "contract_id": "contract_res_a1", "alert_id": "alert", "referral_id": "referral",
    "key_id": "device_key", "team_id": "team_a", "institution_id": "clinic_a", "village_id": "village_a",
    "staff_id": "vdoc_a", "package_id": "pkg_basic", "followup_id": "followup",
}

RESIDENTS = ("resident_own", "resident_other")
TEAM_A = ("vdoc_a", "gp1", "county_a")
TEAM_B = ("vdoc_c", "gp2", "county_b")
SPECIALISTS = ("spec_with", "spec_without")


def row(default: int | str = 403, *, anonymous: int = 401, staff=None, residents=None, teams=None,
        specialists=None, own=None, other=None, team_a=None, team_b=None, spec_with=None, spec_without=None,
        admin=None, device=None, **single: int | str) -> dict[str, int | str]:
    """One expected row: `default` for every role, then broad groups, then narrow groups, then single roles."""
    out: dict[str, int | str] = {role: default for role in ROLES}
    out["anonymous"] = anonymous
    for value, roles in ((staff, STAFF_ROLES), (residents, RESIDENTS), (teams, TEAM_A + TEAM_B),
                         (specialists, SPECIALISTS), (own, ("resident_own",)), (other, ("resident_other",)),
                         (team_a, TEAM_A), (team_b, TEAM_B), (spec_with, ("spec_with",)),
                         (spec_without, ("spec_without",)), (admin, ("admin",)), (device, ("device",))):
        if value is not None:
            out.update({role: value for role in roles})
    unknown = set(single) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    out.update(single)
    return out


# Reading a resident's record (and what hangs off it): the resident, the resident's team, a specialist the
# referral opens it to. Another resident, another team, another specialist: 404. Admins: aggregates only.
RECORD_READ = row(own=200, other=404, team_a=200, team_b=404, spec_with=200, spec_without=404)
# The resident's team changes the record or works on it; another team does not see it.
TEAM_WORK = row(team_a=200, team_b=404)
TEAM_CREATE = row(team_a=201, team_b=404)
# A specialist handles the referral addressed to them; another department's specialist does not see it.
SPECIALIST_WORK = row(spec_with=200, spec_without=404)
ORG_READ = row(staff=200)  # organisation data: every staff member of the consortium


@dataclass(frozen=True)
class Case:
    expect: dict[str, int | str]
    body: Callable[[MatrixWorld], Any] | None = None
    query: Callable[[MatrixWorld], dict] | None = None
    variant: str = "default"
    share: bool = False  # allowed calls change nothing another call depends on: run them on the shared world
    last: bool = False  # …and after every other call on it (logout revokes the caller's token)
    batch: bool = False  # the answer is per item
    # Lists: whether the answer shows the target (res_a1's object), and which allowed roles should see it.
    target: Callable[[MatrixWorld, Any], bool] | None = None
    seen_by: tuple[str, ...] = ()


def _ago(w: MatrixWorld, **delta) -> str:
    return (w.now - timedelta(**delta)).isoformat()


def _bp(w: MatrixWorld) -> dict:
    return {"resident_id": w.ids["res_a1"], "systolic": 128, "diastolic": 80, "pulse": 70,
            "measured_at": _ago(w, minutes=10)}


def _glucose(w: MatrixWorld) -> dict:
    return {"resident_id": w.ids["res_a1"], "value": 6.1, "unit": "mmol/L", "context": "fasting",
            "measured_at": _ago(w, minutes=10)}


def _lists(key: str, field: str = "id") -> Callable[[MatrixWorld, Any], bool]:
    """Whether a page of items holds the world object `key` (matched on the item's `field`)."""
    return lambda w, body: any(item.get(field) == w.ids[key] for item in body["items"])


E = f"{API}"
TABLE: dict[tuple[str, str], Case] = {
    # --- sign-in ------------------------------------------------------------------------------------------
    ("POST", f"{E}/auth/login"): Case(row(200, anonymous=200), share=True,
                                      body=lambda w: {"username": "admin", "password": PASSWORD}),
    ("POST", f"{E}/auth/wechat"): Case(row(200, anonymous=200), share=True, body=lambda w: {"code": OAUTH_CODE}),
    ("POST", f"{E}/auth/dev-login"): Case(row(200, anonymous=200), share=True,
                                          body=lambda w: {"resident_id": w.ids["res_a1"]}),
    ("POST", f"{E}/auth/logout"): Case(row(204, device=403), share=True, last=True),
    ("GET", f"{E}/auth/me"): Case(row(200, device=403)),
    # --- organisation: admins manage, staff read -----------------------------------------------------------
    ("GET", f"{E}/institutions"): Case(ORG_READ),
    ("POST", f"{E}/institutions"): Case(row(admin=201), body=lambda w: {
        "name": "南村卫生室", "level": "village", "parent_id": w.ids["township1"]}),
    ("GET", f"{E}/institutions/<int:institution_id>"): Case(ORG_READ),
    ("PATCH", f"{E}/institutions/<int:institution_id>"): Case(row(admin=200), body=lambda w: {"name": "东村卫生室一"}),
    ("GET", f"{E}/institutions/villages"): Case(ORG_READ),
    ("POST", f"{E}/institutions/villages"): Case(row(admin=201), body=lambda w: {
        "name": "南村", "clinic_id": w.ids["clinic_a"], "population": 500}),
    ("PATCH", f"{E}/institutions/villages/<int:village_id>"): Case(row(admin=200), body=lambda w: {"population": 1100}),
    ("GET", f"{E}/staff"): Case(ORG_READ),
    ("POST", f"{E}/staff"): Case(row(admin=201), body=lambda w: {
        "username": "vdoc_new", "password": "new-password-1", "full_name": "新村医", "role": "village_doctor",
        "institution_id": w.ids["clinic_a"]}),
    ("GET", f"{E}/staff/<int:staff_id>"): Case(ORG_READ),
    ("PATCH", f"{E}/staff/<int:staff_id>"): Case(row(admin=200), body=lambda w: {"phone": "13900000009"}),
    ("GET", f"{E}/teams"): Case(ORG_READ),
    ("POST", f"{E}/teams"): Case(row(admin=201), body=lambda w: {
        "name": "东村二队", "county_doctor_id": w.ids["county_a"], "township_doctor_id": w.ids["gp1"],
        "village_doctor_id": w.ids["nurse_a"], "village_ids": [w.ids["village_a"]]}),
    ("GET", f"{E}/teams/<int:team_id>"): Case(ORG_READ),
    ("POST", f"{E}/teams/<int:team_id>/members"): Case(row(admin=200), body=lambda w: {
        "staff_id": w.ids["nurse_a"], "role": "nurse"}),
    ("PUT", f"{E}/teams/<int:team_id>/villages"): Case(row(admin=200), body=lambda w: {
        "village_ids": [w.ids["village_a"]]}),
    # Packages are on offer to residents too (they choose them when signing).
    ("GET", f"{E}/packages"): Case(row(200, device=403)),
    ("POST", f"{E}/packages"): Case(row(admin=201), body=lambda w: {
        "code": "diabetes", "name": "糖尿病包", "target_group": "diabetes", "price_fen": 12000, "subsidy_fen": 10000,
        "items": [{"code": "followup", "name": "随访", "yearly_quantity": 4}]}),
    ("GET", f"{E}/packages/<int:package_id>"): Case(row(200, device=403)),
    ("PATCH", f"{E}/packages/<int:package_id>"): Case(row(admin=200), body=lambda w: {"name": "基础包二"}),
    # --- residents -----------------------------------------------------------------------------------------
    ("GET", f"{E}/residents"): Case(row(residents=200, teams=200, specialists=200), target=_lists("res_a1"),
                                    seen_by=("resident_own",) + TEAM_A + ("spec_with",)),
    ("POST", f"{E}/residents"): Case(row(teams=201, admin=201), body=lambda w: {
        "name": "新居民", "id_card": w.new_id_card, "village_id": w.ids["village_a"], "conditions": ["hypertension"]}),
    ("GET", f"{E}/residents/me"): Case(row(residents=200)),
    ("GET", f"{E}/residents/<int:resident_id>"): Case(RECORD_READ),
    # Profile changes are the team's; a resident asks their doctor; a specialist does not edit it.
    ("PATCH", f"{E}/residents/<int:resident_id>"): Case(TEAM_WORK, body=lambda w: {"name": "张三"}),
    # Consent: the resident, or their team from a paper form.
    ("POST", f"{E}/residents/<int:resident_id>/consents"): Case(
        row(own=201, other=404, team_a=201, team_b=404), body=lambda w: {"version": "v2", "channel": "paper"}),
    ("POST", f"{E}/residents/<int:resident_id>/consents/withdraw"): Case(row(own=200, other=404, team_a=200,
                                                                              team_b=404)),
    # PIPL rights are the resident's own: staff have no "me" record.
    ("GET", f"{E}/residents/me/export"): Case(row(residents=200)),
    ("GET", f"{E}/residents/me/readings.csv"): Case(row(residents=200)),
    ("POST", f"{E}/residents/me/deletion-request"): Case(row(residents=202)),
    # --- contracts: the resident's own, the team's, admins all; specialists have no business with them -----
    ("GET", f"{E}/contracts"): Case(row(residents=200, teams=200, admin=200), target=_lists("contract_res_a1"),
                                    seen_by=("resident_own",) + TEAM_A + ("admin",)),
    ("POST", f"{E}/contracts"): Case(row(own=201, other=404, team_a=201, admin=201), variant="no_contract",
                                     body=lambda w: {"resident_id": w.ids["res_a1"], "team_id": w.ids["team_a"],
                                                     "package_ids": [w.ids["pkg_basic"], w.ids["pkg_htn"]]}),
    ("GET", f"{E}/contracts/<int:contract_id>"): Case(row(own=200, other=404, team_a=200, team_b=404, admin=200)),
    ("POST", f"{E}/contracts/<int:contract_id>/approve"): Case(row(gp1=200, team_b=404), variant="contract_pending"),
    ("POST", f"{E}/contracts/<int:contract_id>/terminate"): Case(row(gp1=200, admin=200, team_b=404),
                                                                 body=lambda w: {"reason": "迁居外地"}),
    ("POST", f"{E}/contracts/<int:contract_id>/renew"): Case(row(gp1=201, team_b=404), body=lambda w: {}),
    # --- audit ---------------------------------------------------------------------------------------------
    ("GET", f"{E}/audit"): Case(row(admin=200)),
    ("GET", f"{E}/audit/me"): Case(row(residents=200)),
    # --- readings: the resident (own), the team (doctor-entered), the resident's meter ---------------------
    ("POST", f"{E}/readings/bp"): Case(row(own=201, other=404, team_a=201, team_b=404, device=201), body=_bp),
    ("POST", f"{E}/readings/glucose"): Case(row(own=201, other=404, team_a=201, team_b=404, device=201),
                                            body=_glucose),
    ("POST", f"{E}/readings/batch"): Case(
        row(own=ITEM_ACCEPTED, other=ITEM_NOT_FOUND, team_a=ITEM_ACCEPTED, team_b=ITEM_NOT_FOUND,
            device=ITEM_ACCEPTED), batch=True, body=lambda w: {"items": [{"type": "bp", **_bp(w)}]}),
    ("GET", f"{E}/readings/residents/<int:resident_id>/bp"): Case(RECORD_READ),
    ("GET", f"{E}/readings/residents/<int:resident_id>/glucose"): Case(RECORD_READ),
    ("GET", f"{E}/readings/residents/<int:resident_id>/device-keys"): Case(TEAM_WORK),
    ("POST", f"{E}/readings/residents/<int:resident_id>/device-keys"): Case(
        TEAM_CREATE, body=lambda w: {"device_serial": "BP-0002"}),
    ("POST", f"{E}/readings/device-keys/<int:key_id>/revoke"): Case(TEAM_WORK),
    # --- alerts: clinical staff; a specialist sees what is escalated to them (this one is not) -------------
    ("GET", f"{E}/alerts"): Case(row(teams=200, specialists=200), target=_lists("alert"), seen_by=TEAM_A),
    ("GET", f"{E}/alerts/<int:alert_id>"): Case(row(team_a=200, team_b=404, specialists=404)),
    ("POST", f"{E}/alerts/<int:alert_id>/acknowledge"): Case(row(team_a=200, team_b=404, specialists=404),
                                                             body=lambda w: {"note": "已电话联系"}),
    ("POST", f"{E}/alerts/<int:alert_id>/resolve"): Case(row(team_a=200, team_b=404, specialists=404),
                                                         body=lambda w: {"note": "已复测，正常"}),
    # --- referrals -----------------------------------------------------------------------------------------
    ("GET", f"{E}/referrals"): Case(row(residents=200, teams=200, specialists=200), target=_lists("referral"),
                                    seen_by=("resident_own",) + TEAM_A + ("spec_with",)),
    ("POST", f"{E}/referrals"): Case(TEAM_CREATE, body=lambda w: {
        "resident_id": w.ids["res_a1"], "to_department": ENDOCRINOLOGY, "reason": "血糖控制不佳", "urgency": "routine"}),
    ("GET", f"{E}/referrals/<int:referral_id>"): Case(row(own=200, other=404, team_a=200, team_b=404, spec_with=200,
                                                          spec_without=404)),
    ("POST", f"{E}/referrals/<int:referral_id>/accept"): Case(SPECIALIST_WORK),
    ("POST", f"{E}/referrals/<int:referral_id>/decline"): Case(SPECIALIST_WORK, body=lambda w: {"reason": "请先调整用药"}),
    ("POST", f"{E}/referrals/<int:referral_id>/book"): Case(SPECIALIST_WORK, variant="referral_accepted",
                                                           body=lambda w: {"slot_id": w.ids["slot"]}),
    ("POST", f"{E}/referrals/<int:referral_id>/complete"): Case(SPECIALIST_WORK, variant="referral_accepted",
                                                               body=lambda w: {"advice": "加用氨氯地平"}),
    ("POST", f"{E}/referrals/<int:referral_id>/refer-back"): Case(SPECIALIST_WORK, variant="referral_completed",
                                                                 body=lambda w: {"plan": "每周测血压，两周后随访"}),
    ("POST", f"{E}/referrals/<int:referral_id>/cancel"): Case(TEAM_WORK, body=lambda w: {"reason": "居民已自行就诊"}),
    ("GET", f"{E}/slots"): Case(ORG_READ),
    ("POST", f"{E}/slots"): Case(row(spec_with=201, admin=201), body=lambda w: {
        "department": CARDIOLOGY, "day": (w.today + timedelta(days=3)).isoformat(), "capacity": 20,
        "reserved_for_referrals": 5}),
    # --- follow-ups ----------------------------------------------------------------------------------------
    ("GET", f"{E}/followups"): Case(RECORD_READ, query=lambda w: {"resident_id": w.ids["res_a1"]}),
    ("POST", f"{E}/followups"): Case(TEAM_CREATE, body=lambda w: {
        "resident_id": w.ids["res_a1"], "visited_at": _ago(w, hours=1), "method": "phone",
        "classification": "controlled", "systolic": 128, "diastolic": 80}),
    ("POST", f"{E}/followups/calls"): Case(TEAM_CREATE, body=lambda w: {"resident_id": w.ids["res_a1"],
                                                                       "outcome": "reached"}),
    ("GET", f"{E}/followups/due"): Case(row(teams=200)),
    ("GET", f"{E}/followups/tasks"): Case(row(teams=200)),
    ("GET", f"{E}/followups/status/<int:resident_id>"): Case(RECORD_READ),
    ("GET", f"{E}/followups/form-definition"): Case(ORG_READ, share=True),
    ("GET", f"{E}/followups/<int:followup_id>"): Case(RECORD_READ),
    ("PATCH", f"{E}/followups/<int:followup_id>"): Case(TEAM_WORK, body=lambda w: {"form": {"weight_kg": 66}}),
    ("GET", f"{E}/followups/<int:followup_id>/form.pdf"): Case(RECORD_READ),
    ("GET", f"{E}/residents/<int:resident_id>/followup-forms.pdf"): Case(
        RECORD_READ, query=lambda w: {"year": w.today.year}),
    ("GET", f"{E}/timeline/<int:resident_id>"): Case(row(team_a=200, team_b=404, spec_with=200, spec_without=404)),
    # --- KPIs: admins every unit, team staff their own team ------------------------------------------------
    ("GET", f"{E}/kpis"): Case(row(team_a=200, admin=200), query=lambda w: {
        "start": (w.today - timedelta(days=30)).isoformat(), "end": w.today.isoformat(), "level": "team",
        "unit_id": w.ids["team_a"]}),
    # --- the 履约 ledger: the team logs services and reads its lists; a contract's ledger is also the
    # resident's and (as an aggregate of counts) the admin's ------------------------------------------------
    ("POST", f"{E}/ledger/services"): Case(TEAM_CREATE, body=lambda w: {
        "kind": "health_check", "resident_ids": [w.ids["res_a1"]], "delivered_at": _ago(w, hours=1),
        "method": "clinic"}),
    ("GET", f"{E}/ledger/contracts/<int:contract_id>"): Case(row(own=200, other=404, team_a=200, team_b=404,
                                                                 admin=200)),
    ("GET", f"{E}/ledger/due"): Case(row(teams=200)),
    # Review of records flagged 需核实: township doctors (their township) and county staff, not the village
    # doctors whose records they are.
    ("GET", f"{E}/ledger/checks"): Case(row(gp1=200, gp2=200, county_a=200, county_b=200, admin=200)),
    ("POST", f"{E}/ledger/checks/reviews"): Case(row(gp1=201, gp2=404, county_a=201, county_b=201, admin=201),
                                                 body=lambda w: {"source": "followup",
                                                                 "record_id": w.ids["followup"],
                                                                 "flag": "late_entry", "outcome": "verified"}),
    # --- triage: a resident for themselves (the resident_id in the body is not theirs to choose), staff
    # for a resident in scope --------------------------------------------------------------------------------
    ("POST", f"{E}/triage"): Case(row(residents=200, team_a=200, team_b=404, spec_with=200, spec_without=404),
                                  body=lambda w: {"text": "有点咳嗽，流鼻涕", "resident_id": w.ids["res_a1"]}),
    # --- 基本公卫 exports: admins, for the county's scheduled job -------------------------------------------
    ("POST", f"{E}/phs/exports"): Case(row(admin=200), body=lambda w: {"since": "2026-01-01T00:00:00+08:00",
                                                                       "format": "rows", "dry_run": True}),
    # --- WeChat --------------------------------------------------------------------------------------------
    ("POST", f"{E}/wechat/staff-code"): Case(row(staff=201), share=True),
    ("POST", f"{E}/wechat/residents/<int:resident_id>/binding-code"): Case(
        row(team_a=201, team_b=404, spec_with=201, spec_without=404)),
    ("PUT", f"{E}/wechat/binding-policy"): Case(row(admin=200), body=lambda w: {"binding_code_required": True}),
}


def app_endpoints(app) -> set[tuple[str, str]]:
    """Every (method, rule) under /api/v1 except the OpenAPI document and its viewers."""
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/") or rule.rule in DOC_RULES or rule.rule.startswith(f"{API}/docs/"):
            continue
        out.update((method, rule.rule) for method in rule.methods - {"HEAD", "OPTIONS"})
    return out


_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def url_for(rule: str, w: MatrixWorld) -> str:
    def sub(match):
        name = match.group(1)
        assert name in PARAM_IDS, f"add path parameter {name!r} of {rule} to PARAM_IDS"
        return str(w.ids[PARAM_IDS[name]])
    return _PARAM.sub(sub, rule)


def allowed(value: int | str) -> bool:
    """An allowed call changes state; a refused one (4xx, or a batch item refused) must not."""
    return value == ITEM_ACCEPTED or (isinstance(value, int) and 200 <= value < 300)


@dataclass
class Outcome:
    value: int | str
    code: str | None  # the problem's code, when refused
    sees_target: bool | None = None  # lists with a `target`: whether the answer showed it


@dataclass
class MatrixRun:
    observed: dict[tuple[str, str], dict[str, Outcome]]
    mutations: list[str]
    worlds: int
    seconds: float


class Runner:
    def __init__(self, app, fake):
        self.app, self.fake = app, fake
        self.client = app.test_client()
        self.observed: dict[tuple[str, str], dict[str, Outcome]] = {}
        self.mutations: list[str] = []
        self.worlds = 0
        self.built: dict[str, tuple[MatrixWorld, snapshots.Rows]] = {}

    def fresh(self, variant: str) -> MatrixWorld:
        # Built in an app context of its own: requests then get theirs, with a fresh session each, as in production.
        # Each variant is built through the services once, then copied back (tests/snapshots.py).
        with self.app.app_context():
            snapshots.clear(db.engine)
            limiter.reset()
            if variant in self.built:
                world, rows = self.built[variant]
                snapshots.restore(db.engine, rows)
            else:
                world = matrix_world.build(db.session, now=utcnow(), variant=variant)
                db.session.commit()
                self.built[variant] = (world, snapshots.take(db.engine))
        self.worlds += 1
        return world

    def fingerprint(self) -> dict[str, int]:
        with self.app.app_context():
            return matrix_world.fingerprint(db.engine)

    def call(self, key: tuple[str, str], case: Case, role: str, w: MatrixWorld) -> None:
        method, rule = key
        with self.app.app_context():
            limiter.reset()  # rate limits are not what this test is about
        if rule == f"{API}/auth/wechat":
            self.fake.register_oauth_code(OAUTH_CODE, OPENID_OWN)  # a code is good once
        r = self.client.open(url_for(rule, w), method=method, headers=w.headers(role),
                             json=case.body(w) if case.body else None,
                             query_string=case.query(w) if case.query else None)
        body = r.get_json(silent=True) if r.is_json else None
        code = body.get("code") if isinstance(body, dict) and r.status_code >= 400 else None
        value: int | str = r.status_code
        if case.batch and r.status_code == 200:
            item = body["items"][0]
            value = f"200 item {item['status']}" + (f" {item.get('code')}" if item["status"] == "rejected" else "")
            code = item.get("code")
        sees = case.target(w, body) if case.target is not None and r.status_code == 200 else None
        self.observed.setdefault(key, {})[role] = Outcome(value, code, sees)

    def run(self) -> None:
        for variant in matrix_world.VARIANTS:
            keys = sorted(k for k, case in TABLE.items() if case.variant == variant)
            if keys:
                self.run_variant(variant, keys)

    def run_variant(self, variant: str, keys: list[tuple[str, str]]) -> None:
        world = self.fresh(variant)
        base = self.fingerprint()
        # 1. Every refusal on the shared world; none may change a row.
        for key in keys:
            case = TABLE[key]
            for role in (r for r in ROLES if not allowed(case.expect[r])):
                self.call(key, case, role, world)
                after = self.fingerprint()
                if after != base:  # rebuilt either way; a wrongly allowed call is already a mismatch
                    if not allowed(self.observed[key][role].value):
                        changed = sorted(t for t in after if after[t] != base.get(t))
                        self.mutations.append(f"{key[0]} {key[1]} refused {role} yet changed {changed}")
                    world = self.fresh(variant)
                    base = self.fingerprint()
        # 2. Allowed reads, and calls whose effects reach no one else, on the same world (logout last).
        shared = [k for k in keys if k[0] == "GET" or TABLE[k].share]
        for key in sorted(shared, key=lambda k: TABLE[k].last):
            case = TABLE[key]
            for role in (r for r in ROLES if allowed(case.expect[r])):
                self.call(key, case, role, world)
        # 3. Every other allowed call on a world of its own.
        for key in (k for k in keys if k not in shared):
            case = TABLE[key]
            for role in (r for r in ROLES if allowed(case.expect[r])):
                self.call(key, case, role, self.fresh(variant))


@pytest.fixture(scope="module")
def matrix(app) -> MatrixRun:
    from tests.fakes.wechat_api import running_fake_wechat

    started = time.perf_counter()
    old = app.config["WECHAT_API_BASE"]
    with running_fake_wechat(appid=app.config["WECHAT_APPID"], secret=app.config["WECHAT_APPSECRET"]) as fake:
        app.config["WECHAT_API_BASE"] = fake.base_url
        runner = Runner(app, fake)
        try:
            runner.run()
        finally:
            app.config["WECHAT_API_BASE"] = old
            with app.app_context():
                snapshots.clear(db.engine)
                limiter.reset()
    return MatrixRun(runner.observed, runner.mutations, runner.worlds, time.perf_counter() - started)


def test_the_table_covers_exactly_the_apps_endpoints(app):
    endpoints = app_endpoints(app)
    missing = sorted(endpoints - set(TABLE))
    stale = sorted(set(TABLE) - endpoints)
    assert not missing, f"endpoints without a row in TABLE: {missing}"
    assert not stale, f"rows in TABLE for endpoints that do not exist: {stale}"


def test_every_row_names_every_role_and_only_known_answers():
    for key, case in TABLE.items():
        assert set(case.expect) == set(ROLES), key
        assert case.expect["anonymous"] in (401, 200), key  # only sign-in is public
        for value in case.expect.values():
            assert value in (200, 201, 202, 204, 401, 403, 404, ITEM_ACCEPTED, ITEM_NOT_FOUND), (key, value)


@pytest.mark.parametrize("key", sorted(TABLE), ids=lambda k: f"{k[0]} {k[1][len(API):]}")
def test_every_role_gets_the_intended_answer(matrix, key):
    expected = TABLE[key].expect
    got = matrix.observed[key]
    wrong = [f"{role}: expected {expected[role]}, got {got[role].value}"
             + (f" ({got[role].code})" if got[role].code else "")
             for role in ROLES if got[role].value != expected[role]]
    assert not wrong, f"{key[0]} {key[1]}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("key", sorted(k for k, c in TABLE.items() if c.target is not None),
                         ids=lambda k: f"{k[0]} {k[1][len(API):]}")
def test_lists_show_the_target_only_within_scope(matrix, key):
    """A list answers 200 to a role out of scope too: then it must not show the target (no existence leak)."""
    case = TABLE[key]
    got = matrix.observed[key]
    wrong = [f"{role}: {'shows' if got[role].sees_target else 'does not show'} the target"
             for role in ROLES if got[role].value == 200 and got[role].sees_target != (role in case.seen_by)]
    assert not wrong, f"{key[0]} {key[1]}:\n  " + "\n  ".join(wrong)
    assert all(got[role].value == 200 for role in case.seen_by), "a role meant to see the target was refused"


def test_refusals_change_nothing(matrix):
    assert not matrix.mutations, "\n".join(matrix.mutations)


def test_every_cell_ran_and_the_size_is_reported(matrix, capsys):
    calls = sum(len(row_) for row_ in matrix.observed.values())
    assert set(matrix.observed) == set(TABLE) and calls == len(TABLE) * len(ROLES)
    with capsys.disabled():
        print(f"\nauthorisation matrix: {len(TABLE)} endpoints x {len(ROLES)} roles = {calls} calls, "
              f"{matrix.worlds} worlds built, {matrix.seconds:.1f} s")


def test_the_matrix_can_tell_allowed_from_refused(matrix):
    """A guard against a matrix that passes vacuously: every role is allowed somewhere and refused somewhere."""
    for role in ROLES:
        values = [matrix.observed[key][role].value for key in TABLE]
        assert any(allowed(v) for v in values), role
        assert any(not allowed(v) for v in values), role
