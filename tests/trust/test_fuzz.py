"""Schemathesis against /api/v1/openapi.json for three signed-in roles: no 5xx, responses match the schema.

Bounded: FUZZ_EXAMPLES examples per operation and role (default 8), so the suite stays quick; raise it
locally (FUZZ_EXAMPLES=200) for a deeper run.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
ROLES = ("admin", "gp1", "res_a1")


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


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_never_errors_and_matches_its_schema(case, world):
    for role in ROLES:  # the same generated request from each role
        case.call_and_validate(headers=world.headers(role),
                               checks=[not_a_server_error, response_schema_conformance, content_type_conformance])
