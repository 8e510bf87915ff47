"""the 履约 ledger: package item frequencies, delivered-service records, reviews of flagged records

Every package item says which delivered service counts against it (`service_kind`) and the period its yearly
quantity is spread over (`period`: year / quarter / month). Existing items get the defaults of
app.services.packages.DEFAULT_FREQUENCIES (国家基本公共卫生服务规范（第三版）: ≥4 face-to-face follow-ups a
year, quarterly, and one health examination a year; BP monitoring reviewed monthly; docs/kpis.md has the sources).
`service_records` holds the services that have no record of their own (health check, education session,
reading review); `service_reviews` the township's findings on records flagged 需核实.

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-05 09:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

# code -> (service_kind, period, yearly quantity or None to keep); the same table as
# app.services.packages.DEFAULT_FREQUENCIES at the time of this revision (a migration never imports the app).
DEFAULTS = {
    'followup': ('followup', 'quarter', None),
    'annual_check': ('health_check', 'year', None),
    'health_check': ('health_check', 'year', None),
    'health_record': ('health_check', 'year', None),
    'self_care_assessment': ('health_check', 'year', None),
    'health_education': ('education', 'year', None),
    'home_bp_guidance': ('reading_review', 'month', 12),
    'bp_monitoring_review': ('reading_review', 'month', 12),
    'glucose_test': ('glucose_test', 'quarter', None),
    'medication_review': ('medication_review', 'year', None),
    'referral': ('referral', 'year', None),
}
SLOTS = {'year': 1, 'quarter': 4, 'month': 12}


def upgrade():
    with op.batch_alter_table('package_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_kind', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('period', sa.String(length=8), server_default='year', nullable=False))
    items = sa.table('package_items', sa.column('code', sa.String), sa.column('service_kind', sa.String),
                     sa.column('period', sa.String), sa.column('yearly_quantity', sa.Integer))
    for code, (kind, period, quantity) in DEFAULTS.items():
        values = {'service_kind': kind, 'period': period}
        if quantity is not None:
            values['yearly_quantity'] = quantity
        op.execute(items.update().where(items.c.code == code).values(**values))
    # A quantity the period does not divide (6 follow-ups "by quarter") is spread over the year instead.
    for period, slots in SLOTS.items():
        if slots > 1:
            op.execute(items.update().where(items.c.period == period, items.c.yearly_quantity % slots != 0)
                       .values(period='year'))

    op.create_table('service_records',
    sa.Column('consortium_id', BigId, nullable=False),
    sa.Column('resident_id', BigId, nullable=False),
    sa.Column('team_id', BigId, nullable=False),
    sa.Column('staff_id', BigId, nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('group_key', sa.String(length=36), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('entered_by', BigId, nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entry_channel', sa.String(length=8), nullable=False),
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['consortium_id'], ['consortia.id'], name=op.f('fk_service_records_consortium_id_consortia')),
    sa.ForeignKeyConstraint(['entered_by'], ['staff.id'], name=op.f('fk_service_records_entered_by_staff')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_service_records_resident_id_residents')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_service_records_staff_id_staff')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_service_records_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_records'))
    )
    with op.batch_alter_table('service_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_records_consortium_id'), ['consortium_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_records_group_key'), ['group_key'], unique=False)
        batch_op.create_index('ix_service_records_resident_delivered', ['resident_id', 'delivered_at'], unique=False)
        batch_op.create_index('ix_service_records_staff_delivered', ['staff_id', 'delivered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_records_team_id'), ['team_id'], unique=False)

    op.create_table('service_reviews',
    sa.Column('consortium_id', BigId, nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('record_id', BigId, nullable=False),
    sa.Column('flag', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reviewed_by', BigId, nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['consortium_id'], ['consortia.id'], name=op.f('fk_service_reviews_consortium_id_consortia')),
    sa.ForeignKeyConstraint(['reviewed_by'], ['staff.id'], name=op.f('fk_service_reviews_reviewed_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_reviews')),
    sa.UniqueConstraint('source', 'record_id', 'flag', name=op.f('uq_service_reviews_source_record_id_flag'))
    )
    with op.batch_alter_table('service_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_reviews_consortium_id'), ['consortium_id'], unique=False)


def downgrade():
    with op.batch_alter_table('service_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_reviews_consortium_id'))
    op.drop_table('service_reviews')
    with op.batch_alter_table('service_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_records_team_id'))
        batch_op.drop_index('ix_service_records_staff_delivered')
        batch_op.drop_index('ix_service_records_resident_delivered')
        batch_op.drop_index(batch_op.f('ix_service_records_group_key'))
        batch_op.drop_index(batch_op.f('ix_service_records_consortium_id'))
    op.drop_table('service_records')
    with op.batch_alter_table('package_items', schema=None) as batch_op:
        batch_op.drop_column('period')
        batch_op.drop_column('service_kind')
