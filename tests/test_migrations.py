"""Alembic owns the schema: after `upgrade head` the models and the database agree."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import Base


def test_models_and_migrations_agree(app, db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrations_have_a_single_head(app):
    from alembic.script import ScriptDirectory

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
