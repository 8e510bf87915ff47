"""confirmation before critical: reading_confirmations, readings.confirmation, alert kind unconfirmed_reading

A dangerous home value (BP >=180/110; glucose <3.0, >=16.7 mmol/L, HI/LO) waits for a repeat that
agrees, or a red-flag symptom, before it opens an alert (docs/clinical_rules.md 1.3a). `reading_confirmations` tracks each
wait; `confirmation` on the reading tables tells the trend features which readings they may use; the
new alert kind `unconfirmed_reading` is the village doctor's "please call the resident" task.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
OLD_KINDS = ('acute_bp', 'low_bp', 'acute_glucose', 'hypoglycaemia', 'hypoglycaemia_recurrent', 'trend_bp',
             'trend_glucose', 'triage_red_flag', 'missed_monitoring')
NEW_KINDS = OLD_KINDS + ('unconfirmed_reading',)
ACTIVE = "status IN ('open', 'acknowledged', 'escalated')"


def _kinds(kinds):
    # The CHECK that str_enum(AlertKind, "alert_kind") creates: ck_alerts_alert_kind.
    listed = ", ".join(f"'{k}'" for k in kinds)
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot alter a CHECK: batch mode copies the table. The partial unique index is dropped and
        # made again by hand, so that its WHERE clause survives the copy.
        op.drop_index('uq_alerts_active_kind', table_name='alerts')
        with op.batch_alter_table('alerts', recreate='always') as batch:
            batch.drop_constraint(op.f('ck_alerts_alert_kind'), type_='check')
            batch.create_check_constraint('alert_kind', sa.text(f"kind IN ({listed})"))
        op.create_index('uq_alerts_active_kind', 'alerts', ['resident_id', 'kind'], unique=True,
                        sqlite_where=sa.text(ACTIVE))
    else:
        op.drop_constraint(op.f('ck_alerts_alert_kind'), 'alerts', type_='check')
        op.create_check_constraint('alert_kind', 'alerts', sa.text(f"kind IN ({listed})"))


# The trend scan leaves out readings stored as typed: the covering indexes carry `confirmation` too (PostgreSQL).
READING_INDEXES = (
    ('bp_readings', 'ix_bp_readings_resident_measured', ['id', 'systolic', 'diastolic']),
    ('glucose_readings', 'ix_glucose_readings_resident_measured', ['id', 'value_mmol', 'meter_flag', 'context']),
)


def _covering(with_confirmation):
    if op.get_bind().dialect.name != 'postgresql':  # INCLUDE is PostgreSQL's
        return
    for table, name, include in READING_INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, ['resident_id', 'measured_at'], unique=False,
                        postgresql_include=include + (['confirmation'] if with_confirmation else []))


def upgrade():
    op.create_table('reading_confirmations',
    sa.Column('consortium_id', BigId, nullable=False),
    sa.Column('resident_id', BigId, nullable=False),
    sa.Column('reading_type', sa.String(length=8), nullable=False),
    sa.Column('reading_id', BigId, nullable=False),
    sa.Column('rule', sa.String(length=8), nullable=False),
    sa.Column('state', sa.Enum('awaiting_confirmation', 'confirmed', 'dismissed_by_normal_repeat', 'unconfirmed',
                               name='confirmation_state', native_enum=False, create_constraint=True, length=32),
              nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=True),
    sa.Column('measured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolving_reading_id', BigId, nullable=True),
    sa.Column('alert_id', BigId, nullable=True),
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_reading_confirmations_alert_id_alerts')),
    sa.ForeignKeyConstraint(['consortium_id'], ['consortia.id'],
                            name=op.f('fk_reading_confirmations_consortium_id_consortia')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'],
                            name=op.f('fk_reading_confirmations_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reading_confirmations')),
    sa.UniqueConstraint('reading_type', 'reading_id', name=op.f('uq_reading_confirmations_reading_type_reading_id'))
    )
    op.create_index(op.f('ix_reading_confirmations_resident_id'), 'reading_confirmations', ['resident_id'],
                    unique=False)
    op.create_index('ix_reading_confirmations_state_measured', 'reading_confirmations', ['state', 'measured_at'],
                    unique=False)
    op.add_column('bp_readings', sa.Column('confirmation', sa.String(length=16), nullable=True))
    op.add_column('glucose_readings', sa.Column('confirmation', sa.String(length=16), nullable=True))
    _kinds(NEW_KINDS)
    _covering(True)


def downgrade():
    op.execute("DELETE FROM alert_events WHERE alert_id IN (SELECT id FROM alerts WHERE kind = 'unconfirmed_reading')")
    op.execute("UPDATE reading_confirmations SET alert_id = NULL")
    op.execute("DELETE FROM alerts WHERE kind = 'unconfirmed_reading'")
    _kinds(OLD_KINDS)
    _covering(False)
    op.drop_column('glucose_readings', 'confirmation')
    op.drop_column('bp_readings', 'confirmation')
    op.drop_index('ix_reading_confirmations_state_measured', table_name='reading_confirmations')
    op.drop_index(op.f('ix_reading_confirmations_resident_id'), table_name='reading_confirmations')
    op.drop_table('reading_confirmations')
