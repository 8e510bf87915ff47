"""Binding can't be guessed: a fresh openid no longer starts over, the hourly total is
capped, the team hears about it, lock-outs are security events without personal data, and a one-time code
from the doctor binds (the only way when the consortium requires it)."""
from __future__ import annotations

import logging

from sqlalchemy import select

from app.services import wechat_accounts
from app.services.wechat_accounts import BindLimits
from models.org import Consortium, TeamMember
from models.outbox import OutboxMessage
from models.residents import Resident
from tests.wechat_app.conftest import CHINESE_NAME


def _resident(session, world, who="res_a1") -> Resident:
    session.expire_all()
    return session.get(Resident, world.ids[who])


def test_fresh_openids_cannot_keep_guessing_one_resident(named, session, now):
    """The attack in the report: one guess per new openid. After five, the right answer is refused too."""
    right = named.id_cards["res_a1"][-6:]
    for i in range(5):
        result = wechat_accounts.bind_resident(session, openid=f"o-fresh-{i}", name=CHINESE_NAME,
                                               secret=f"{i:06d}", now=now)
        assert not result.ok
    result = wechat_accounts.bind_resident(session, openid="o-fresh-final", name=CHINESE_NAME, secret=right, now=now)
    assert not result.ok and result.locked_until is None  # the same plain failure: the lock is not revealed
    assert _resident(session, named).wechat_openid is None


def test_one_openid_guessing_many_names_is_locked_even_for_the_right_answer(named, session, now):
    """The per-openid lock on its own: five misses naming nobody registered lock that openid, so its right
    answer is refused too, while binding to the resident stays open to others."""
    right = named.id_cards["res_a1"][-6:]
    for i in range(5):
        assert not wechat_accounts.bind_resident(session, openid="o-roamer", name=f"无此人{i}", secret=right,
                                                 now=now).ok
    refused = wechat_accounts.bind_resident(session, openid="o-roamer", name=CHINESE_NAME, secret=right, now=now)
    assert not refused.ok and refused.locked_until is not None
    assert wechat_accounts.bind_resident(session, openid="o-owner", name=CHINESE_NAME, secret=right, now=now).ok


def test_the_team_is_told_once_when_someone_keeps_trying_their_resident(named, session, now):
    for i in range(7):
        wechat_accounts.bind_resident(session, openid=f"o-try-{i}", name=CHINESE_NAME, secret=f"{i:06d}", now=now)
    session.commit()
    notices = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "security_notice")).all()
    team = set(session.scalars(select(TeamMember.staff_id).where(TeamMember.team_id == named.ids["team_a"])))
    assert {n.staff_id for n in notices} == team and len(notices) == len(team)
    assert all(CHINESE_NAME not in n.text and "绑定码" in n.text for n in notices)  # masked name, what to do


def test_lock_outs_are_security_events_without_personal_data(named, session, now, caplog):
    caplog.set_level(logging.WARNING, logger="jiayi.security")
    for i in range(5):
        wechat_accounts.bind_resident(session, openid="o-noisy-openid", name=CHINESE_NAME, secret=f"{i:06d}",
                                      now=now)
    events = [r.getMessage() for r in caplog.records if r.name == "jiayi.security"]
    assert any("binding to resident" in e for e in events) and any("one openid" in e for e in events)
    text = "\n".join(events)
    assert "o-noisy-openid" not in text and CHINESE_NAME not in text and named.id_cards["res_a1"][-6:] not in text


def test_the_hourly_total_pauses_name_binding_for_everyone(named, session, now):
    limits = BindLimits(per_hour=3)
    for i in range(3):
        wechat_accounts.bind_resident(session, openid=f"o-wide-{i}", name=f"路人{'甲乙丙'[i]}", secret="000000",
                                      now=now, limits=limits)
    result = wechat_accounts.bind_resident(session, openid="o-honest", name=CHINESE_NAME,
                                           secret=named.id_cards["res_a1"][-6:], now=now, limits=limits)
    assert not result.ok and result.locked_until is not None
    assert _resident(session, named).wechat_openid is None


def test_a_binding_code_from_the_doctor_binds_once(named, session, now, simulate, client):
    session.commit()
    issued = client.post(f"/api/v1/wechat/residents/{named.ids['res_a1']}/binding-code",
                         headers=named.headers("vdoc_a"))
    assert issued.status_code == 201
    send = issued.get_json()["send"]
    reply = simulate("o-code").text(send)
    assert "绑定成功" in reply.text
    assert _resident(session, named).wechat_openid == "o-code"
    again = simulate("o-code-again").text(send)  # used once
    assert "绑定码不对" in again.text


def test_another_team_cannot_issue_a_code_for_a_resident_it_does_not_see(named, client):
    response = client.post(f"/api/v1/wechat/residents/{named.ids['res_a1']}/binding-code",
                           headers=named.headers("vdoc_b"))
    assert response.status_code == 404


def test_code_required_consortium_refuses_name_and_id_binding(named, session, now, client):
    session.commit()
    response = client.put("/api/v1/wechat/binding-policy", json={"binding_code_required": True},
                          headers=named.headers("admin"))
    assert response.status_code == 200
    assert session.get(Consortium, _resident(session, named).consortium_id).binding_code_required
    result = wechat_accounts.bind_resident(session, openid="o-name", name=CHINESE_NAME,
                                           secret=named.id_cards["res_a1"][-6:], now=now)
    assert not result.ok
    from app.services.auth import staff_actor
    from models.org import Staff

    vdoc = session.scalar(select(Staff).where(Staff.username == "vdoc_a"))
    code = wechat_accounts.issue_resident_code(session, actor=staff_actor(session, vdoc),
                                               resident_id=named.ids["res_a1"], now=now).code
    assert wechat_accounts.bind_resident_with_code(session, openid="o-name", code=code, now=now).ok
