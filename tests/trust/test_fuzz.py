"""Schemathesis against /api/v1/openapi.json for three signed-in roles: no 5xx, responses match the schema, and
for the clinical operations the schema is the contract: a request valid by it is not refused as malformed, one
invalid by it is refused.

Bounded: FUZZ_EXAMPLES examples per operation and role (default 8), so the suite stays quick; raise it
locally (FUZZ_EXAMPLES=200) for a deeper run.
"""
import os
import random
from datetime import date, datetime, timedelta, timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               positive_data_acceptance, response_schema_conformance)

from app.schemas.residents import ID_CARD_FORMAT
from app.services import auth
from app.services.demo import make_id_card
from tests.factories import PASSWORD

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
ROLES = ("admin", "gp1", "res_a1")
# Operations whose request schema states everything the API checks on the request alone; what it cannot state
# (across fields, the caller's role, stored data, the clock) each operation lists as problem codes in `x-rules`.
CONTRACT_TAGS = {"readings", "residents", "contracts", "followups", "referrals", "kpis"}
LOGOUT = "/api/v1/auth/logout"

# GB 11643 numbers: the check character and a real birth date are beyond a pattern (`format: gb11643`).
schemathesis.openapi.format(ID_CARD_FORMAT, st.builds(
    lambda seed, born, male: make_id_card(random.Random(seed), "330102", born, male),
    st.integers(0, 2**32), st.dates(date(1900, 1, 1), date(2025, 12, 31)), st.booleans()))


@pytest.fixture
def api_schema(app, world):
    """The app's schema, with the fake WeChat API on loopback so code exchanges get real answers."""
    from tests.fakes.wechat_api import running_fake_wechat

    old = app.config["WECHAT_API_BASE"]
    with running_fake_wechat(appid=app.config["WECHAT_APPID"], secret=app.config["WECHAT_APPSECRET"]) as fake:
        app.config["WECHAT_API_BASE"] = fake.base_url
        try:
            yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        finally:
            app.config["WECHAT_API_BASE"] = old


schema = schemathesis.pytest.from_fixture("api_schema")


def documented_positive_data_acceptance(ctx, response, case):
    """Schemathesis' positive_data_acceptance, except for a 422 whose problem code the operation lists in
    `x-rules` (a rule on more than the request's own fields)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except Exception:
        body = response.json() if response.status_code == 422 else {}
        if body.get("code") not in case.operation.definition.raw.get("x-rules", {}):
            raise
        return None


def _headers(session, world, role, case):
    """The role's token; a logout gets a token of its own, so that it cannot sign the role out of later cases."""
    if case.operation.path != LOGOUT:
        return world.headers(role)
    now, ttl = datetime.now(timezone.utc), timedelta(hours=1)
    if role.startswith("res_"):
        token = auth.dev_login(session, resident_id=world.ids[role], now=now, ttl=ttl).token
    else:
        token = auth.login(session, username=role, password=PASSWORD, now=now, ttl=ttl).token
    session.commit()
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_never_errors_and_matches_its_schema(case, world, session):
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    if CONTRACT_TAGS & set(case.operation.tags or ()):
        checks += [documented_positive_data_acceptance, negative_data_rejection]
    for role in ROLES:  # the same generated request from each role
        headers = _headers(session, world, role, case)
        case.call_and_validate(headers=headers, checks=checks)
    for role in ROLES:  # still signed in: a later case is not answered 401 before anything is checked
        world.actor(session, role)
