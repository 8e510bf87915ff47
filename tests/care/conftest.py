"""Helpers for the referral, follow-up, due-list, timeline and KPI tests (care area)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from app.services import contracts, residents, staff
from app.services.actors import Actor, system_actor
from models.base import utcnow
from models.readings import BpReading, GlucoseContext, GlucoseReading, ReadingSource
from tests.factories import PASSWORD, id_card_for


@dataclass
class Care:
    """Shortcuts over the world: actors, extra residents, readings."""
    session: object
    world: object

    def actor(self, who: str) -> Actor:
        return self.world.actor(self.session, who)

    def resident(self, name: str, *, team: str = "team_a", village: str = "village_a", born=date(1956, 6, 6),
                 conditions=("hypertension",), seed: int = 100, active: bool = True,
                 starts_on: date | None = None) -> int:
        """A resident with a contract with the team (approved by the lead unless active=False)."""
        w, s = self.world, self.session
        system = system_actor(w.consortium_id)
        resident = residents.register_resident(s, actor=system, name=name, id_card=id_card_for(born, True, seed=seed),
                                               village_id=w.ids[village], phone=f"1370000{seed:04d}",
                                               conditions=list(conditions))
        now = utcnow()
        contract = contracts.apply_contract(s, actor=system, resident_id=resident.id, team_id=w.ids[team],
                                            package_ids=[w.ids["pkg_basic"]], now=now,
                                            starts_on=starts_on or (now.date() - timedelta(days=30)))
        if active:
            lead = {"team_a": "gp1", "team_b": "gp2"}[team]
            contracts.approve_contract(s, actor=self.actor(lead), contract_id=contract.id, now=now)
        s.commit()
        w.ids[name] = resident.id
        return resident.id

    def specialist(self, username: str, department: str) -> None:
        """Another county specialist with a login."""
        from app.services import auth

        admin = Actor(kind="staff", id=0, consortium_id=self.world.consortium_id, role="admin")
        member = staff.create_staff(self.session, actor=admin, username=username, password=PASSWORD,
                                    full_name=username, role="specialist", institution_id=self.world.ids["county"],
                                    department=department)
        self.world.ids[username] = member.id
        self.world.tokens[username] = auth.login(self.session, username=username, password=PASSWORD,
                                                 now=datetime.now().astimezone(), ttl=timedelta(hours=1)).token
        self.session.commit()

    def bp(self, resident: str, at: datetime, systolic: int, diastolic: int) -> None:
        # Readings are written as rows here: their ingest rules belong to the readings service, not to these tests.
        self.session.add(BpReading(consortium_id=self.world.consortium_id, resident_id=self.world.ids[resident],
                                   client_id=f"t-{resident}-{at.timestamp()}", measured_at=at, systolic=systolic,
                                   diastolic=diastolic, source=ReadingSource.app, received_at=at))
        self.session.commit()

    def glucose(self, resident: str, at: datetime, mmol: float | None, context: str = "fasting",
                flag: str | None = None) -> None:
        self.session.add(GlucoseReading(consortium_id=self.world.consortium_id, resident_id=self.world.ids[resident],
                                        client_id=f"t-{resident}-{at.timestamp()}", measured_at=at, value_mmol=mmol,
                                        meter_flag=flag, context=GlucoseContext(context), source=ReadingSource.app,
                                        received_at=at))
        self.session.commit()


@pytest.fixture
def care(session, world):
    return Care(session=session, world=world)


def refer(client, world, who="vdoc_a", resident="res_a1", **over):
    body = {"resident_id": world.ids[resident], "to_department": "心内科", "reason": "连续两次血压控制不满意",
            "urgency": "routine"}
    body.update(over)
    return client.post("/api/v1/referrals", json=body, headers=world.headers(who))


def visit(client, world, who="vdoc_a", resident="res_a1", *, at=None, classification=None, **over):
    """Post a visit; without a classification it is the 规范's for the BP (≥140/90 控制不满意)."""
    body = {"resident_id": world.ids[resident], "visited_at": (at or utcnow()).isoformat(),
            "method": "face_to_face", "systolic": 132, "diastolic": 82}
    body.update(over)
    if classification is None:
        high = body.get("systolic") is not None and (body["systolic"] >= 140 or body["diastolic"] >= 90)
        classification = "uncontrolled" if high else "controlled"
    body["classification"] = classification
    return client.post("/api/v1/followups", json=body, headers=world.headers(who))
