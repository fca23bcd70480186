"""Unlinkable survey responses: random ids, the month only, sealed drafts and invitation claims

Responses, their answers and moderation comments get random (UUID) ids, and are rewritten
in random order; a response keeps only the month it was sent. Drafts gain the reference and
rows to store once sent; invitations the digest of the claim that completed them.

Revision ID: a15a06ecb263
Revises: e5d4511985ab
Create Date: 2026-12-04 06:00:00.000000

"""
import datetime as dt
import random
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a15a06ecb263'
down_revision = 'e5d4511985ab'
branch_labels = None
depends_on = None


def _rows(table: str) -> list[dict]:
    bind = op.get_bind()
    reflected = sa.Table(table, sa.MetaData(), autoload_with=bind)
    return [dict(row._mapping) for row in bind.execute(sa.select(reflected))]


def _drop_all() -> None:
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answer_response_id'))
    op.drop_table('survey_answer')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_survey_id'))
        batch_op.drop_index(batch_op.f('ix_survey_response_submitted_on'))
    op.drop_table('survey_response')
    with op.batch_alter_table('moderation_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_comment_status'))
        batch_op.drop_index(batch_op.f('ix_moderation_comment_source_ref'))
        batch_op.drop_index(batch_op.f('ix_moderation_comment_created_at'))
    op.drop_table('moderation_comment')


def _create_all(id_type) -> tuple[sa.Table, sa.Table, sa.Table]:
    responses = op.create_table('survey_response',
    sa.Column('id', id_type, nullable=False),
    sa.Column('reference', sa.String(length=8), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('survey_id', sa.String(length=40), nullable=False),
    sa.Column('survey_version', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
    sa.UniqueConstraint('reference', name=op.f('uq_survey_response_reference')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_survey_response_submission_key'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_submitted_on'), ['submitted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_response_survey_id'), ['survey_id'], unique=False)
    answers = op.create_table('survey_answer',
    sa.Column('id', id_type, nullable=False),
    sa.Column('response_id', id_type, nullable=False),
    sa.Column('question_id', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('multiple', sa.Boolean(), nullable=False),
    sa.Column('kpi', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    *([sa.Column('position', sa.Integer(), nullable=False)] if id_type.__class__ is sa.Uuid else []),
    sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'], name=op.f('fk_survey_answer_response_id_survey_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer'))
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_response_id'), ['response_id'], unique=False)
    comments = op.create_table('moderation_comment',
    sa.Column('id', id_type, nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=64), nullable=True),
    sa.Column('question_id', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('own_case', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('corrected_sentiment', sa.String(length=10), nullable=True),
    sa.Column('corrected_themes', sa.Text(), nullable=True),
    sa.Column('corrected_by_id', sa.Integer(), nullable=True),
    sa.Column('corrected_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("NOT (own_case AND status = 'approved')", name=op.f('ck_moderation_comment_own_case_never_approved')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_moderation_comment_decided_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['corrected_by_id'], ['staff_user.id'], name=op.f('fk_moderation_comment_corrected_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_comment'))
    )
    with op.batch_alter_table('moderation_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_comment_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_comment_source_ref'), ['source_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_comment_status'), ['status'], unique=False)
    return responses, answers, comments


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def upgrade():
    with op.batch_alter_table('survey_invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('survey_draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_survey_draft_reference'), ['reference'])

    old_responses, old_answers, old_comments = _rows('survey_response'), _rows('survey_answer'), _rows('moderation_comment')
    _drop_all()
    responses, answers, comments = _create_all(sa.Uuid())

    shuffle = random.SystemRandom().shuffle
    new_ids = {row['id']: uuid.uuid4() for row in old_responses}
    for row in old_responses:
        row['id'] = new_ids[row['id']]
        day = _day(row['submitted_on'])
        row['submitted_on'] = dt.date(day.year, day.month, 1)
    positions: dict[tuple, int] = {}
    for row in sorted(old_answers, key=lambda answer: answer['id']):
        row['id'] = uuid.uuid4()
        row['response_id'] = new_ids[row['response_id']]
        place = (row['response_id'], row['question_id'])
        row['position'] = positions[place] = positions.get(place, -1) + 1
    for row in old_comments:
        row['id'] = uuid.uuid4()
    for rows, table in ((old_responses, responses), (old_answers, answers), (old_comments, comments)):
        shuffle(rows)
        if rows:
            op.bulk_insert(table, rows)


def downgrade():
    old_responses, old_answers, old_comments = _rows('survey_response'), _rows('survey_answer'), _rows('moderation_comment')
    _drop_all()
    responses, answers, comments = _create_all(sa.Integer())
    new_ids = {}
    for number, row in enumerate(old_responses, start=1):
        new_ids[row['id']] = number
        row['id'] = number
    for number, row in enumerate(sorted(old_answers, key=lambda a: (str(a['response_id']), a['question_id'], a['position'])), start=1):
        del row['position']
        row['id'] = number
        row['response_id'] = new_ids[row['response_id']]
    for number, row in enumerate(old_comments, start=1):
        row['id'] = number
    for rows, table, name in (
        (old_responses, responses, 'survey_response'),
        (old_answers, answers, 'survey_answer'),
        (old_comments, comments, 'moderation_comment'),
    ):
        if rows:
            op.bulk_insert(table, rows)
            if op.get_bind().dialect.name == 'postgresql':
                op.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {len(rows)})")

    with op.batch_alter_table('survey_draft', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_survey_draft_reference'), type_='unique')
        batch_op.drop_column('payload')
        batch_op.drop_column('reference')
    with op.batch_alter_table('survey_invitation', schema=None) as batch_op:
        batch_op.drop_column('claim_hash')
