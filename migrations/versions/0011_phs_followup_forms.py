"""基本公卫 follow-up forms: the complete 随访服务记录表, provenance, 健康档案编号, export memory

Follow-ups gain the form's program (htn / dm), 下一步管理措施, 转归, the other boxes as JSON, who entered the
record when and how, and a version that a correction bumps; visit method gains `video`. Residents gain the
county's 健康档案编号. `phs_exports` and `phs_export_cursors` remember what went to which destination.
Existing follow-ups: program from the resident's conditions (hypertension first; glucose-only visits of a
diabetic are dm), next step from the stored classification and referral suggestion, 转归 继续随访,
entered by the visiting doctor at creation through the app, version 1.

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-05 09:30:00

"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0011'
down_revision = '0012'
branch_labels = None
depends_on = None

OLD_METHODS = ('face_to_face', 'phone', 'wechat', 'home')
NEW_METHODS = OLD_METHODS + ('video',)


def _method(values):
    return sa.Enum(*values, name='visit_method', native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('program', sa.String(length=8), nullable=False, server_default='htn'))
        batch_op.add_column(sa.Column('next_step', sa.String(length=24), nullable=False, server_default='routine'))
        batch_op.add_column(sa.Column('outcome', sa.String(length=24), nullable=False, server_default='continue'))
        batch_op.add_column(sa.Column('form', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('entered_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      nullable=True))
        batch_op.add_column(sa.Column('entered_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('entry_channel', sa.String(length=8), nullable=False, server_default='app'))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_followups_entered_by_staff'), 'staff', ['entered_by'], ['id'])
        batch_op.alter_column('method', existing_type=_method(OLD_METHODS), type_=_method(NEW_METHODS),
                              existing_nullable=False)

    followups = sa.table('followups', sa.column('id'), sa.column('resident_id'), sa.column('staff_id'),
                         sa.column('created_at'), sa.column('systolic'), sa.column('glucose_mmol'),
                         sa.column('classification'), sa.column('referral_suggested'), sa.column('program'),
                         sa.column('next_step'), sa.column('form'), sa.column('entered_by'),
                         sa.column('entered_at'), sa.column('updated_at'))
    conditions = sa.table('resident_conditions', sa.column('resident_id'), sa.column('code'))
    has = lambda code: sa.exists().where(conditions.c.resident_id == followups.c.resident_id,  # noqa: E731
                                         conditions.c.code == code)
    op.execute(followups.update().values(
        program=sa.case((sa.and_(has('diabetes'), sa.or_(~has('hypertension'),
                                                         sa.and_(followups.c.systolic.is_(None),
                                                                 followups.c.glucose_mmol.isnot(None)))), 'dm'),
                        else_='htn'),
        next_step=sa.case((sa.and_(followups.c.referral_suggested == sa.true()), 'referral'),
                          (followups.c.classification.in_(('uncontrolled', 'adverse_reaction', 'complication')),
                           'two_weeks'), else_='routine'),
        entered_by=followups.c.staff_id, entered_at=followups.c.created_at, updated_at=followups.c.created_at))
    op.execute("UPDATE followups SET form = '{}'")  # an untyped literal: text on SQLite, json on PostgreSQL

    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.alter_column('form', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('entered_at', existing_type=models.base.UTCDateTime(timezone=True), nullable=False)
        batch_op.alter_column('updated_at', existing_type=models.base.UTCDateTime(timezone=True), nullable=False)
        batch_op.alter_column('program', server_default=None)
        batch_op.alter_column('next_step', server_default=None)
        batch_op.alter_column('outcome', server_default=None)
        batch_op.alter_column('entry_channel', server_default=None)
        batch_op.alter_column('version', server_default=None)
        batch_op.create_index(batch_op.f('ix_followups_updated_at'), ['updated_at'], unique=False)

    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phs_record_no', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_residents_consortium_id_phs_record_no'),
                                          ['consortium_id', 'phs_record_no'])

    op.create_table(
        'phs_exports',
        sa.Column('destination', sa.String(length=64), nullable=False),
        sa.Column('followup_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('exported_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], name=op.f('fk_phs_exports_followup_id_followups')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phs_exports')),
        sa.UniqueConstraint('destination', 'followup_id', 'version',
                            name=op.f('uq_phs_exports_destination_followup_id_version')),
    )
    with op.batch_alter_table('phs_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phs_exports_followup_id'), ['followup_id'], unique=False)
    op.create_table(
        'phs_export_cursors',
        sa.Column('destination', sa.String(length=64), nullable=False),
        sa.Column('cursor_at', models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('destination', name=op.f('pk_phs_export_cursors')),
    )


def downgrade():
    op.drop_table('phs_export_cursors')
    with op.batch_alter_table('phs_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phs_exports_followup_id'))
    op.drop_table('phs_exports')
    with op.batch_alter_table('residents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_residents_consortium_id_phs_record_no'), type_='unique')
        batch_op.drop_column('phs_record_no')
    op.execute("DELETE FROM followups WHERE method = 'video'")
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followups_updated_at'))
        batch_op.alter_column('method', existing_type=_method(NEW_METHODS), type_=_method(OLD_METHODS),
                              existing_nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_followups_entered_by_staff'), type_='foreignkey')
        for column in ('updated_at', 'version', 'entry_channel', 'entered_at', 'entered_by', 'form', 'outcome',
                       'next_step', 'program'):
            batch_op.drop_column(column)
