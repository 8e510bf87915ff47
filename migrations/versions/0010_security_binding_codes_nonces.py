"""security: resident binding codes, the WeChat callback nonce cache, "code required" per consortium

Revision ID: 0010
Revises: 0011
Create Date: 2026-12-05 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import models.base


revision = '0010'
down_revision = '0011'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('consortia', schema=None) as batch_op:
        batch_op.add_column(sa.Column('binding_code_required', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table('wechat_resident_codes',
    sa.Column('resident_id', BIG_ID, nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_by', BIG_ID, nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'],
                            name=op.f('fk_wechat_resident_codes_resident_id_residents')),
    sa.ForeignKeyConstraint(['issued_by'], ['staff.id'], name=op.f('fk_wechat_resident_codes_issued_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wechat_resident_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_wechat_resident_codes_code_hash'))
    )
    with op.batch_alter_table('wechat_resident_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wechat_resident_codes_resident_id'), ['resident_id'], unique=False)
    op.create_table('wechat_nonces',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('body_digest', sa.String(length=64), nullable=False),
    sa.Column('seen_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_wechat_nonces'))
    )
    with op.batch_alter_table('wechat_nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wechat_nonces_seen_at'), ['seen_at'], unique=False)


def downgrade():
    with op.batch_alter_table('wechat_nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wechat_nonces_seen_at'))
    op.drop_table('wechat_nonces')
    with op.batch_alter_table('wechat_resident_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wechat_resident_codes_resident_id'))
    op.drop_table('wechat_resident_codes')
    with op.batch_alter_table('consortia', schema=None) as batch_op:
        batch_op.drop_column('binding_code_required')
