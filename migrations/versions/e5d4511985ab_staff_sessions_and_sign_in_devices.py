"""Staff session generations, lock back-off and remembered sign-in browsers

Revision ID: e5d4511985ab
Revises: 21cdda9935ba
Create Date: 2026-12-04 05:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5d4511985ab'
down_revision = '21cdda9935ba'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('lockouts', sa.Integer(), server_default='0', nullable=False))

    op.create_table('staff_sign_in_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('lockouts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_staff_sign_in_device_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sign_in_device')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_sign_in_device_token_hash'))
    )
    with op.batch_alter_table('staff_sign_in_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sign_in_device_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_sign_in_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sign_in_device_user_id'))

    op.drop_table('staff_sign_in_device')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('lockouts')
        batch_op.drop_column('session_generation')
