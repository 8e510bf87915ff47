"""Bearer token → actor: every way a token stops working, and what the actor carries."""
from datetime import timedelta

import pytest

from app.errors import Unauthorized
from app.services import auth
from models.auth import AuthToken
from models.org import Staff
from models.residents import Resident


def _row(session, token: str) -> AuthToken:
    return session.query(AuthToken).filter_by(token_hash=auth._token_hash(token)).one()


def test_a_staff_token_gives_role_institution_and_teams(session, world, now):
    actor = auth.actor_for_token(session, world.tokens["gp1"], now=now)
    staff = session.get(Staff, world.ids["gp1"])
    assert (actor.kind, actor.id, actor.role) == ("staff", staff.id, "township_doctor")
    assert actor.consortium_id == world.consortium_id and actor.institution_id == staff.institution_id
    assert actor.team_ids == frozenset({world.ids["team_a"]})


def test_a_specialist_token_carries_the_department(session, world, now):
    actor = auth.actor_for_token(session, world.tokens["cardio"], now=now)
    assert actor.role == "specialist" and actor.department == session.get(Staff, world.ids["cardio"]).department
    assert actor.department is not None and actor.team_ids == frozenset()


def test_a_resident_token_acts_for_that_resident(session, world, now):
    actor = auth.actor_for_token(session, world.tokens["res_a1"], now=now)
    assert (actor.kind, actor.id, actor.role, actor.consortium_id) == (
        "resident", world.ids["res_a1"], "resident", world.consortium_id)


@pytest.mark.parametrize("spoil", ["expired", "revoked", "staff disabled"])
def test_a_spoiled_staff_token_is_refused(session, world, now, spoil):
    token = world.tokens["vdoc_a"]
    if spoil == "expired":
        _row(session, token).expires_at = now - timedelta(seconds=1)
    elif spoil == "revoked":
        _row(session, token).revoked_at = now
    else:
        session.get(Staff, world.ids["vdoc_a"]).active = False
    session.flush()
    with pytest.raises(Unauthorized):
        auth.actor_for_token(session, token, now=now)


def test_the_token_of_an_anonymised_resident_is_refused(session, world, now):
    session.get(Resident, world.ids["res_a1"]).anonymised_at = now
    session.flush()
    with pytest.raises(Unauthorized):
        auth.actor_for_token(session, world.tokens["res_a1"], now=now)


def test_an_unknown_token_is_refused(session, world, now):
    with pytest.raises(Unauthorized):
        auth.actor_for_token(session, "not-a-token", now=now)
