"""Each package item's required frequency: admin-editable through the packages API; migration 0012's defaults."""
from __future__ import annotations

import tempfile
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import TEST_KEYS


def post_package(client, world, items, who="admin", code="visits"):
    return client.post("/api/v1/packages", json={"code": code, "name": "随访包", "target_group": "hypertension",
                                                 "price_fen": 0, "items": items}, headers=world.headers(who))


def test_items_take_the_frequency_given_or_their_code_default(client, world):
    r = post_package(client, world, [
        {"code": "followup", "name": "随访", "yearly_quantity": 4},
        {"code": "home_bp_guidance", "name": "血压监测查看", "yearly_quantity": 12},
        {"code": "talks", "name": "讲座", "yearly_quantity": 4, "service_kind": "education", "period": "quarter"},
        {"code": "custom", "name": "自定义", "yearly_quantity": 1}])
    assert r.status_code == 201, r.get_json()
    items = {i["code"]: i for i in r.get_json()["items"]}
    assert (items["followup"]["service_kind"], items["followup"]["period"]) == ("followup", "quarter")
    assert (items["home_bp_guidance"]["service_kind"], items["home_bp_guidance"]["period"]) == ("reading_review",
                                                                                               "month")
    assert (items["talks"]["service_kind"], items["talks"]["period"]) == ("education", "quarter")
    assert (items["custom"]["service_kind"], items["custom"]["period"]) == (None, "year")


def test_a_quantity_the_period_does_not_divide_is_refused(client, world):
    r = post_package(client, world, [{"code": "followup", "name": "随访", "yearly_quantity": 6, "period": "quarter",
                                      "service_kind": "followup"}])
    assert r.status_code == 422
    assert "items.0" in str(r.get_json())
    r = post_package(client, world, [{"code": "x", "name": "x", "yearly_quantity": 1, "service_kind": "massage"}])
    assert r.status_code == 422


def test_admin_edits_a_frequency_and_contracts_keep_their_version(client, world):
    pid = world.ids["pkg_htn"]  # in use by the world's contracts
    r = client.patch(f"/api/v1/packages/{pid}", json={"items": [
        {"code": "followup", "name": "随访", "yearly_quantity": 12, "service_kind": "followup", "period": "month"}]},
        headers=world.headers("admin"))
    assert r.status_code == 200
    new = r.get_json()
    assert new["id"] != pid and new["items"][0]["period"] == "month" and new["items"][0]["yearly_quantity"] == 12
    old = client.get(f"/api/v1/packages/{pid}", headers=world.headers("admin")).get_json()
    assert old["items"][0]["period"] == "quarter" and old["items"][0]["yearly_quantity"] == 4


def test_a_new_version_copies_the_frequencies(client, world):
    pid = world.ids["pkg_htn"]
    r = client.patch(f"/api/v1/packages/{pid}", json={"price_fen": 13000}, headers=world.headers("admin"))
    assert r.get_json()["items"][0]["service_kind"] == "followup"
    assert r.get_json()["items"][0]["period"] == "quarter"


def test_only_admins_edit_frequencies(client, world):
    r = client.patch(f"/api/v1/packages/{world.ids['pkg_htn']}", json={"items": [
        {"code": "followup", "name": "随访", "yearly_quantity": 0}]}, headers=world.headers("gp1"))
    assert r.status_code == 403


def test_migration_0012_gives_existing_items_their_defaults():
    """Upgrade a fresh SQLite database to 0008, add items the old way, then upgrade to 0012."""
    from flask_migrate import upgrade

    from app import create_app

    path = Path(tempfile.mkdtemp(prefix="jiayi-0012-")) / "m.db"
    app = create_app({**TEST_KEYS, "DEMO_MODE": True, "TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(revision="0008")
        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO consortia (id, code, name, created_at, updated_at) "
                                 "VALUES (1, 'c', 'c', '2026-01-01', '2026-01-01')"))
            conn.execute(sa.text(
                "INSERT INTO service_packages (id, consortium_id, code, version, name, target_group, price_fen, "
                "subsidy_fen, active, is_current, created_at, updated_at) "
                "VALUES (1, 1, 'p', 1, 'p', 'all', 0, 0, 1, 1, '2026-01-01', '2026-01-01')"))
            for i, (code, quantity) in enumerate([("followup", 4), ("home_bp_guidance", 1), ("annual_check", 1),
                                                  ("followup", 6), ("massage", 2)]):
                conn.execute(sa.text("INSERT INTO package_items (id, package_id, code, name, yearly_quantity) "
                                     "VALUES (:id, 1, :code, :code, :q)"), {"id": i + 1, "code": code, "q": quantity})
        upgrade(revision="0012")
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, service_kind, period, yearly_quantity FROM package_items "
                                        "ORDER BY id")).all()
        engine.dispose()
    assert [tuple(r) for r in rows] == [
        (1, "followup", "quarter", 4),
        (2, "reading_review", "month", 12),  # BP monitoring reviewed monthly
        (3, "health_check", "year", 1),
        (4, "followup", "year", 6),  # 6 cannot be spread over 4 quarters: over the year instead
        (5, None, "year", 2),  # an unknown item is not tracked
    ]
