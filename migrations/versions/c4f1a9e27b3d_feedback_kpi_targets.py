"""Feedback KPI targets

Revision ID: c4f1a9e27b3d
Revises: 35ef77f709e9
Create Date: 2026-11-22 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1a9e27b3d'
down_revision = '35ef77f709e9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_kpi_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi', sa.String(length=40), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_user.id'], name=op.f('fk_feedback_kpi_target_updated_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_kpi_target')),
    sa.UniqueConstraint('kpi', name=op.f('uq_feedback_kpi_target_kpi'))
    )


def downgrade():
    op.drop_table('feedback_kpi_target')
