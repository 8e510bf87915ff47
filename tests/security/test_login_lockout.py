"""Lock-out without denial of service: failures lock the (username, address) pair; a
stranger elsewhere cannot lock the admin out; a spread-out guess only meets a short backoff."""
from __future__ import annotations

from tests.factories import PASSWORD


def _login(client, username, password, addr):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_a_stranger_failing_five_times_does_not_lock_the_admin_out(client, world):
    for _ in range(5):
        assert _login(client, "admin", "wrong-password", "203.0.113.7").status_code == 401
    assert _login(client, "admin", PASSWORD, "203.0.113.7").status_code == 429  # the stranger is locked
    assert _login(client, "admin", PASSWORD, "10.0.0.5").status_code == 200  # the admin at their desk is not


def test_a_guess_spread_over_many_addresses_meets_a_short_backoff(client, world, app):
    app.config["LOGIN_BACKOFF_FAILURES"] = 6
    try:
        for i in range(6):
            assert _login(client, "gp1", "wrong-password", f"198.51.100.{i}").status_code == 401
        locked = _login(client, "gp1", PASSWORD, "10.0.0.5")
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) <= 61
    finally:
        app.config["LOGIN_BACKOFF_FAILURES"] = 50
