"""Migration 0011 fills the new 随访表 columns of follow-ups recorded before it (on a scratch SQLite file;
the PostgreSQL run of the suite builds its schema through the same migration)."""
import json
import tempfile
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import TEST_KEYS


def _foreign_keys_off(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def test_existing_followups_get_program_next_step_and_provenance():
    from flask_migrate import upgrade

    from app import create_app

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='jiayi-mig-')) / 'm.db'}"
    app = create_app({**TEST_KEYS, "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "DEMO_MODE": True})
    with app.app_context():
        upgrade(revision="0012")  # the revision before 0011
    engine = sa.create_engine(url)
    sa.event.listen(engine, "connect", _foreign_keys_off)  # old rows without their org rows: keys unchecked
    rows = [  # id, resident, systolic, glucose, classification, referral_suggested
        (1, 10, 150, None, "uncontrolled", 0), (2, 10, 152, None, "uncontrolled", 1),
        (3, 20, None, 6.1, "controlled", 0), (4, 30, 128, 6.0, "controlled", 0)]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO resident_conditions (resident_id, code) VALUES "
                             "(10, 'hypertension'), (20, 'diabetes'), (20, 'hypertension'), (30, 'diabetes')"))
        for id_, resident, sys_, glucose, cls, suggested in rows:
            conn.execute(sa.text(
                "INSERT INTO followups (id, consortium_id, resident_id, team_id, staff_id, visited_at, method, "
                "systolic, diastolic, glucose_mmol, classification, next_due_on, referral_suggested, created_at) "
                "VALUES (:id, 1, :r, 1, 7, '2026-03-01 02:00:00', 'home', :s, :d, :g, :c, '2026-03-15', :sug, "
                "'2026-03-01 03:00:00')"),
                {"id": id_, "r": resident, "s": sys_, "d": 90 if sys_ else None, "g": glucose, "c": cls,
                 "sug": suggested})
    with app.app_context():
        from app.extensions import db

        sa.event.listen(db.engine, "connect", _foreign_keys_off)
        db.engine.dispose()
        upgrade(revision="0011")
    with engine.connect() as conn:
        got = {r.id: r for r in conn.execute(sa.text(
            "SELECT id, program, next_step, outcome, form, entered_by, entered_at, entry_channel, version, "
            "updated_at FROM followups ORDER BY id"))}
    assert [got[i].program for i in (1, 2, 3, 4)] == ["htn", "htn", "dm", "dm"]
    assert [got[i].next_step for i in (1, 2, 3, 4)] == ["two_weeks", "referral", "routine", "routine"]
    assert all(r.outcome == "continue" and r.entered_by == 7 and r.entry_channel == "app" and r.version == 1
               and json.loads(r.form) == {} and str(r.entered_at).startswith("2026-03-01 03:00")
               and str(r.updated_at).startswith("2026-03-01 03:00") for r in got.values())
    engine.dispose()
