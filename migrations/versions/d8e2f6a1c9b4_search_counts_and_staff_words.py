"""What families search for (counts by day and language) and the search words staff add

Revision ID: d8e2f6a1c9b4
Revises: b7e3c2d91f04
Create Date: 2026-12-04 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8e2f6a1c9b4'
down_revision = 'b7e3c2d91f04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_count',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('lang', sa.String(length=8), nullable=False),
        sa.Column('query', sa.String(length=200), nullable=False),
        sa.Column('found', sa.Boolean(), nullable=False),
        sa.Column('searches', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_count')),
        sa.UniqueConstraint('day', 'lang', 'query', 'found', name='uq_search_count'),
    )
    op.create_index(op.f('ix_search_count_day'), 'search_count', ['day'], unique=False)
    op.create_table(
        'search_word',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lang', sa.String(length=8), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('phrase', sa.String(length=100), nullable=False),
        sa.Column('means', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_word')),
        sa.UniqueConstraint('lang', 'kind', 'phrase', name='uq_search_word'),
    )


def downgrade():
    op.drop_table('search_word')
    op.drop_index(op.f('ix_search_count_day'), table_name='search_count')
    op.drop_table('search_count')
