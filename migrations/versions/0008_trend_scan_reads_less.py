"""trend scan reads less: covering reading indexes, scan marks, room for updates

The resident-and-time indexes of the reading tables carry the columns the trend scan reads (INCLUDE, on
PostgreSQL), so a resident's window comes from the index alone; `scan_marks` keeps the highest reading ids
the last scan queued, so the next one starts there; the alerts and scan states, rewritten by every scan,
keep a fifth of each page free for the new row versions (fillfactor 80: HOT updates).
On a large live database build the new reading indexes with CREATE INDEX CONCURRENTLY by hand first.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

READING_INDEXES = (
    ('bp_readings', 'ix_bp_readings_resident_measured', ['id', 'systolic', 'diastolic']),
    ('glucose_readings', 'ix_glucose_readings_resident_measured', ['id', 'value_mmol', 'meter_flag', 'context']),
)
UPDATED_TABLES = ('alerts', 'resident_scan_states')


def upgrade():
    op.create_table('scan_marks',
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('high_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.PrimaryKeyConstraint('table_name', name=op.f('pk_scan_marks'))
    )
    # An existing deployment's scans start where the cursors are (the floor used before this revision).
    for table, column in (('bp_readings', 'last_bp_id'), ('glucose_readings', 'last_glucose_id')):
        op.execute(f"INSERT INTO scan_marks (table_name, high_id) SELECT '{table}', top FROM "
                   f"(SELECT max({column}) AS top FROM resident_scan_states) AS m WHERE top IS NOT NULL")
    if op.get_bind().dialect.name != 'postgresql':  # INCLUDE and fillfactor are PostgreSQL's
        return
    for table, name, include in READING_INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, ['resident_id', 'measured_at'], unique=False, postgresql_include=include)
    for table in UPDATED_TABLES:
        op.execute(f'ALTER TABLE {table} SET (fillfactor = 80)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in UPDATED_TABLES:
            op.execute(f'ALTER TABLE {table} RESET (fillfactor)')
        for table, name, _ in READING_INDEXES:
            op.drop_index(name, table_name=table)
            op.create_index(name, table, ['resident_id', 'measured_at'], unique=False)
    op.drop_table('scan_marks')
