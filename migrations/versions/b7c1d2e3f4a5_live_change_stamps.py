"""Live change stamps: a version per kind of shared state, polled by every process

Revision ID: b7c1d2e3f4a5
Revises: a15a06ecb263
Create Date: 2026-12-04 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = 'a15a06ecb263'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'live_stamp',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_live_stamp')),
    )


def downgrade():
    op.drop_table('live_stamp')
