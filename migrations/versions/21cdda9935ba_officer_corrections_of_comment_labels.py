"""Officers' corrections of a comment's sentiment and themes

Revision ID: 21cdda9935ba
Revises: 6e90cbe24450
Create Date: 2026-12-04 07:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '21cdda9935ba'
down_revision = '6e90cbe24450'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('moderation_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrected_sentiment', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('corrected_themes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('corrected_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('corrected_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_moderation_comment_corrected_by_id_staff_user'),
            'staff_user', ['corrected_by_id'], ['id'], ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('moderation_comment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_moderation_comment_corrected_by_id_staff_user'), type_='foreignkey')
        batch_op.drop_column('corrected_at')
        batch_op.drop_column('corrected_by_id')
        batch_op.drop_column('corrected_themes')
        batch_op.drop_column('corrected_sentiment')
