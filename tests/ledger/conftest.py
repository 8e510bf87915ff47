"""The 履约 ledger's world: the test world plus a 'chronic' package with every kind of item, and residents
whose contracts started months before `now` (2026-06-01 09:00 local)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest

from app.services import alerts, contracts, followups, packages, residents, service_records
from app.services.actors import Actor, system_actor
from app.services.clock import LOCAL_TZ
from models.alerts import Alert, AlertKind, AlertStatus, Severity
from tests.factories import id_card_for

CHRONIC_ITEMS = [
    {"code": "followup", "name": "随访", "yearly_quantity": 4},  # default: followup, by quarter
    {"code": "annual_check", "name": "年度体检", "yearly_quantity": 1},  # default: health_check, year
    {"code": "home_bp_guidance", "name": "血压监测查看"},  # default: reading_review, 12 by month
    {"code": "talks", "name": "健康讲座", "yearly_quantity": 2, "service_kind": "education"},
    {"code": "medication_review", "name": "用药评估", "yearly_quantity": 2},
]


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A local wall-clock time as a UTC instant."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


@dataclass
class Ledger:
    session: object
    world: object
    now: datetime

    def actor(self, who: str) -> Actor:
        return self.world.actor(self.session, who)

    def resident(self, name: str, *, starts_on: date, team: str = "team_a", village: str = "village_a",
                 seed: int = 300, package: str = "pkg_chronic") -> int:
        """A hypertension resident with an approved contract on the chronic package from `starts_on`."""
        w, s = self.world, self.session
        system = system_actor(w.consortium_id)
        resident = residents.register_resident(
            s, actor=system, name=name, id_card=id_card_for(date(1955, 5, 5), True, seed=seed),
            village_id=w.ids[village], phone=f"1360000{seed:04d}", conditions=["hypertension"])
        contract = contracts.apply_contract(s, actor=system, resident_id=resident.id, team_id=w.ids[team],
                                            package_ids=[w.ids[package]], now=self.now, starts_on=starts_on)
        lead = {"team_a": "gp1", "team_b": "gp2"}[team]
        contracts.approve_contract(s, actor=self.actor(lead), contract_id=contract.id, now=self.now)
        s.commit()
        w.ids[name], w.ids[f"contract_{name}"] = resident.id, contract.id
        return resident.id

    def visit(self, name: str, at: datetime, *, method: str = "face_to_face", who: str = "vdoc_a",
              medications=(), glucose=None) -> int:
        outcome = followups.record_followup(self.session, actor=self.actor(who), resident_id=self.world.ids[name],
                                            visited_at=at, method=method, classification="controlled",
                                            now=self.now, systolic=128, diastolic=80, glucose_mmol=glucose,
                                            medications=medications)
        self.session.commit()
        return outcome.id

    def service(self, name: str | list[str], kind: str, at: datetime, *, who: str = "vdoc_a",
                method: str = "clinic") -> list[int]:
        names = [name] if isinstance(name, str) else name
        records = service_records.log_service(self.session, actor=self.actor(who), kind=kind,
                                              resident_ids=[self.world.ids[n] for n in names], delivered_at=at,
                                              method=method, now=self.now)
        self.session.commit()
        return [r.id for r in records]

    def acknowledged_alert(self, name: str, at: datetime, *, who: str = "vdoc_a") -> int:
        """An alert raised for the resident, acknowledged by the doctor at `at` (a review of the readings)."""
        w, s = self.world, self.session
        alert = Alert(consortium_id=w.consortium_id, resident_id=w.ids[name], team_id=w.ids["team_a"],
                      kind=AlertKind.trend_bp, severity=Severity.moderate, severity_rank=2, status=AlertStatus.open,
                      summary="近一周血压偏高", opened_at=at - timedelta(hours=1), last_evidence_at=at)
        s.add(alert)
        s.commit()
        alerts.acknowledge(s, actor=self.actor(who), alert_id=alert.id, note="已查看", now=at)
        s.commit()
        return alert.id


@pytest.fixture
def ledger(session, world, now):
    admin = Actor(kind="staff", id=0, consortium_id=world.consortium_id, role="admin")
    pkg = packages.create_package(session, actor=admin, code="chronic", name="慢病包", target_group="hypertension",
                                  price_fen=0, subsidy_fen=0, items=CHRONIC_ITEMS)
    session.commit()
    world.ids["pkg_chronic"] = pkg.id
    return Ledger(session=session, world=world, now=now)
