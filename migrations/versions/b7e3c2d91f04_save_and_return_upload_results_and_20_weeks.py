"""Save and return, upload results kept for the officer, and the 20-week figure

Revision ID: b7e3c2d91f04
Revises: b64bcc7717cd
Create Date: 2026-12-04 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3c2d91f04'
down_revision = 'b64bcc7717cd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessment_requested_on', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column('timescale_exception', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('survey_invitation', schema=None) as batch_op:
        batch_op.alter_column('timescale_exception', server_default=None)

    with op.batch_alter_table('survey_draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resume_key', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_survey_draft_invitation_id'), ['invitation_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_survey_draft_invitation_id_survey_invitation'),
            'survey_invitation',
            ['invitation_id'],
            ['id'],
            ondelete='CASCADE',
        )

    op.create_table(
        'survey_invitation_upload',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('survey_id', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('sealed', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['staff_user.id'],
            name=op.f('fk_survey_invitation_upload_user_id_staff_user'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitation_upload')),
    )
    with op.batch_alter_table('survey_invitation_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_invitation_upload_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_invitation_upload_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_invitation_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_invitation_upload_user_id'))
        batch_op.drop_index(batch_op.f('ix_survey_invitation_upload_expires_at'))
    op.drop_table('survey_invitation_upload')

    with op.batch_alter_table('survey_draft', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_survey_draft_invitation_id_survey_invitation'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_survey_draft_invitation_id'), type_='unique')
        batch_op.drop_column('resume_key')
        batch_op.drop_column('invitation_id')

    with op.batch_alter_table('survey_invitation', schema=None) as batch_op:
        batch_op.drop_column('timescale_exception')
        batch_op.drop_column('assessment_requested_on')
