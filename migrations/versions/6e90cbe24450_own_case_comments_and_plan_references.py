"""Comments about one person's own case stay marked; plan references stored in one form

Revision ID: 6e90cbe24450
Revises: c4f1a9e27b3d
Create Date: 2026-12-04 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6e90cbe24450'
down_revision = 'c4f1a9e27b3d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('moderation_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('own_case', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE moderation_comment SET own_case = true WHERE status = 'individual_case'")
    with op.batch_alter_table('moderation_comment', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_moderation_comment_own_case_never_approved'), "NOT (own_case AND status = 'approved')"
        )
    # Plan references are compared upper case and without spaces; store the ones already there the
    # same way, unless that would make two invitations to one survey share a reference.
    op.execute(
        """
        UPDATE survey_invitation
        SET plan_reference = UPPER(REPLACE(plan_reference, ' ', ''))
        WHERE plan_reference <> UPPER(REPLACE(plan_reference, ' ', ''))
          AND NOT EXISTS (
            SELECT 1 FROM survey_invitation AS other
            WHERE other.survey_id = survey_invitation.survey_id
              AND other.id <> survey_invitation.id
              AND UPPER(REPLACE(other.plan_reference, ' ', '')) = UPPER(REPLACE(survey_invitation.plan_reference, ' ', ''))
          )
        """
    )


def downgrade():
    with op.batch_alter_table('moderation_comment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_moderation_comment_own_case_never_approved'), type_='check')
        batch_op.drop_column('own_case')
