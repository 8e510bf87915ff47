"""Sessions end when the account changes: a password reset, deactivation (and
reactivation) or a change of role revokes the staff member's existing bearer tokens."""
from __future__ import annotations

import pytest


def _me(client, world, who):
    return client.get("/api/v1/auth/me", headers=world.headers(who)).status_code


def _patch(client, world, who, **changes):
    response = client.patch(f"/api/v1/staff/{world.ids[who]}", json=changes, headers=world.headers("admin"))
    assert response.status_code == 200, response.get_json()
    return response


@pytest.fixture
def signed_in(client, world):
    assert _me(client, world, "gp1") == 200
    return world


def test_password_reset_revokes_existing_tokens(client, signed_in):
    _patch(client, signed_in, "gp1", password="a-brand-new-password")
    assert _me(client, signed_in, "gp1") == 401
    assert _me(client, signed_in, "vdoc_a") == 200  # nobody else's


def test_deactivating_and_reactivating_does_not_revive_old_tokens(client, signed_in):
    _patch(client, signed_in, "gp1", active=False)
    _patch(client, signed_in, "gp1", active=True)
    assert _me(client, signed_in, "gp1") == 401


def test_role_change_revokes_existing_tokens(client, signed_in):
    _patch(client, signed_in, "gp1", role="admin")
    assert _me(client, signed_in, "gp1") == 401


def test_harmless_changes_keep_the_session(client, signed_in):
    _patch(client, signed_in, "gp1", on_duty=True, phone="13900000009")
    assert _me(client, signed_in, "gp1") == 200
