"""Gazetteer: the council's and its neighbours' postcodes, from the ONS Postcode Directory

Revision ID: b7d3e5f1a2c4
Revises: 6a2ed4a8af02
Create Date: 2026-12-04 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d3e5f1a2c4'
down_revision = '6a2ed4a8af02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'gazetteer_postcode',
        sa.Column('postcode', sa.String(length=8), nullable=False),
        sa.Column('latitude', sa.Float(), nullable=False),
        sa.Column('longitude', sa.Float(), nullable=False),
        sa.Column('authority', sa.String(length=9), nullable=False),
        sa.PrimaryKeyConstraint('postcode', name=op.f('pk_gazetteer_postcode')),
    )


def downgrade():
    op.drop_table('gazetteer_postcode')
