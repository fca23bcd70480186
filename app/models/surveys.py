"""Survey invitations, answers in progress, stored responses and page feedback.

Answers are anonymous: a response is never linked to the invitation it came from. It has
a random id (as have its answers), keeps only the month it was sent, and is written in a
shuffled batch with others, never in the transaction that completed its invitation (see
"Anonymity of survey answers" in README.md). Tokens and codes are stored only as keyed
digests.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import reporting_month, utcnow
from ..extensions import db


class InvitationStatus(enum.StrEnum):
    """Where an invitation has got to. `expired` is worked out from the expiry, never stored."""

    CREATED = "created"
    SENT = "sent"
    OPENED = "opened"
    COMPLETED = "completed"
    EXPIRED = "expired"


INVITATION_STATUS_LABELS = {
    InvitationStatus.CREATED: _l("Not sent yet"),
    InvitationStatus.SENT: _l("Sent"),
    InvitationStatus.OPENED: _l("Opened"),
    InvitationStatus.COMPLETED: _l("Completed"),
    InvitationStatus.EXPIRED: _l("Expired"),
}
#: The GOV.UK tag colour of each status.
INVITATION_STATUS_TAGS = {
    InvitationStatus.CREATED: "govuk-tag--grey",
    InvitationStatus.SENT: "govuk-tag--blue",
    InvitationStatus.OPENED: "govuk-tag--yellow",
    InvitationStatus.COMPLETED: "govuk-tag--green",
    InvitationStatus.EXPIRED: "govuk-tag--red",
}


class SurveyInvitation(db.Model):
    """A single-use invitation to answer a survey about one finalised plan."""

    __tablename__ = "survey_invitation"
    __table_args__ = (UniqueConstraint("survey_id", "plan_reference", name="uq_survey_invitation_plan"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(40))
    #: The council's pseudonymous case number, never a name.
    plan_reference: Mapped[str] = mapped_column(String(40))
    finalised_on: Mapped[dt.date] = mapped_column(Date, index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    email: Mapped[str | None] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=InvitationStatus.CREATED.value)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    opened_on: Mapped[dt.date | None] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    #: Digest of the claim made by the browser that completed it (from that browser's draft key,
    #: but not the draft's own digest): a retry from the same browser carries on, another cannot.
    claim_hash: Mapped[str | None] = mapped_column(String(64))
    #: Bumped each time the link and code are reissued.
    issue_count: Mapped[int] = mapped_column(Integer, default=1)
    #: For the 20-week figure only: the day the EHC needs assessment was asked for, and whether a
    #: documented exception (SEND Regulations 2014, reg 13(3)) applies. Dates, never reasons.
    assessment_requested_on: Mapped[dt.date | None] = mapped_column(Date)
    timescale_exception: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<SurveyInvitation {self.id} {self.survey_id} {self.status}>"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.status != InvitationStatus.COMPLETED and (now or utcnow()) >= self.expires_at

    def effective_status(self, now: dt.datetime | None = None) -> InvitationStatus:
        """The stored status, or `expired` once the expiry has passed (unless completed)."""
        return InvitationStatus.EXPIRED if self.is_expired(now) else InvitationStatus(self.status)


class SurveyDraft(db.Model):
    """Answers in progress, held between pages; deleted when the response is stored.

    The browser's session holds a random key; only the key's digest is stored as `key_hash`.
    An invitation's draft also names its invitation and keeps the key encrypted (`resume_key`),
    so the same link on any device carries on with the same answers. Sending clears both, the
    answers and the pages seen, and replaces `key_hash` with another digest of the key: a sealed
    draft (its confirmation `reference` and the rows to store, `payload`) and the response it
    becomes are never linked to an invitation, nor to the in-progress draft they came from.
    """

    __tablename__ = "survey_draft"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    survey_id: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    seen: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    #: Set when sent: the reference shown to the family, and what will be stored.
    reference: Mapped[str | None] = mapped_column(String(8), unique=True)
    payload: Mapped[dict | None] = mapped_column(JSON)
    #: While answering an invitation: which one, and the draft key encrypted with a server key.
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_invitation.id", ondelete="CASCADE"), unique=True
    )
    resume_key: Mapped[str | None] = mapped_column(Text)


class InvitationUpload(db.Model):
    """The links and codes an upload made, encrypted, for the officer who made them, for a few hours.

    The upload's result page is reached by a redirect, so reloading it never uploads again; the
    `sealed` text can be read only with the server's key and only until `expires_at`, and
    `flask surveys daily` deletes it after that.
    """

    __tablename__ = "survey_invitation_upload"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    survey_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    sealed: Mapped[str] = mapped_column(Text)


class SurveyResponse(db.Model):
    """One submitted, anonymous response: a random id, and the month (not the day) it was sent."""

    __tablename__ = "survey_response"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    #: The 8-character reference shown on the confirmation page.
    reference: Mapped[str] = mapped_column(String(8), unique=True)
    #: Digest of the draft key: the same answers can never be stored twice.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    survey_id: Mapped[str] = mapped_column(String(40), index=True)
    survey_version: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(8))
    #: "invitation" or "open".
    channel: Mapped[str] = mapped_column(String(12))
    #: The first day of the month it was sent: the reporting period, nothing finer.
    submitted_on: Mapped[dt.date] = mapped_column(Date, index=True)

    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="response",
        cascade="all, delete-orphan",
        order_by="[SurveyAnswer.question_id, SurveyAnswer.position]",
    )

    def as_dict(self) -> dict[str, str | list[str]]:
        """Question id -> answer (a list for multiple choice)."""
        found: dict[str, str | list[str]] = {}
        for answer in self.answers:
            if answer.multiple:
                chosen = found.setdefault(answer.question_id, [])
                assert isinstance(chosen, list)
                chosen.append(answer.value)
            else:
                found[answer.question_id] = answer.value
        return found


class SurveyAnswer(db.Model):
    """One answer in a response; a multiple-choice question gives one row per option chosen."""

    __tablename__ = "survey_answer"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    response_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    #: For multiple choice, the place of the chosen option in the order they are shown.
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The question's KPI key and kind when answered, so analysis needs no definition file.
    kpi: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str | None] = mapped_column(String(20))

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")


class PageFeedback(db.Model):
    """'Was this page helpful?': no personal data, not even the time of day."""

    __tablename__ = "page_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(300), index=True)
    locale: Mapped[str] = mapped_column(String(8))
    helpful: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str | None] = mapped_column(Text)
    submitted_on: Mapped[dt.date] = mapped_column(Date, index=True)


def month_of(moment: dt.date | dt.datetime) -> dt.date:
    """The first day of the UK reporting month: how a response records when it was sent.

    A timestamp (naive UTC) counts towards the month it was in the UK, so a response sent at
    00:30 BST on 1 April is an April response; a date is taken as a UK date already.
    """
    year, month = reporting_month(moment)
    return dt.date(year, month, 1)
