"""Single-use survey invitations: reading the officers' CSV, issuing links and codes.

Each invitation gets a random token (144 bits, for the link) and a short code (for
typing in from a letter). Only their keyed digests are stored (`app/tokens.py`), so the raw link and
code exist only in the response that created them: the mail-merge file and letters are
made straight away, and "reissue" makes a new link and code when a letter is lost.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, or_, select, update

from ..clock import reporting_day
from ..csvfile import decode_text, neutralise
from ..extensions import db
from ..languages import INTERFACE_LANGUAGES, KNOWN_LANGUAGES, own_name
from ..models.surveys import InvitationStatus, SurveyInvitation, utcnow
from ..tokens import ALPHABET, digest, digests, random_code

#: Random bytes in a link token (at least 128 bits).
TOKEN_BYTES = 18
#: Letters and digits that cannot be mistaken for one another.
CODE_ALPHABET = ALPHABET
CODE_LENGTH = 10
DEFAULT_EXPIRY_DAYS = 90
MAX_ROWS = 5000
#: Languages families can ask for (the most common in England after English), by code or English name.
LANGUAGES = tuple(KNOWN_LANGUAGES)
_LANGUAGE_NAMES = {language.english_name.lower(): code for code, language in KNOWN_LANGUAGES.items()} | {
    "punjabi": "pa"
}
#: A case number: letters, digits, "-", "/" or "_", with at least one digit (so never a name).
PLAN_REFERENCE_RE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9/_-]{2,39}$")
COLUMNS = ("plan_reference", "finalised_date", "language", "email")
#: Optional, for the 20-week figure: when the EHC needs assessment was asked for, and whether a
#: documented exception to the time limit applies (SEND Regulations 2014, reg 13(3)).
TIMELINESS_COLUMNS = ("assessment_requested_date", "timescale_exception")
REQUIRED_COLUMNS = ("plan_reference", "finalised_date")
_YES = frozenset({"yes", "y", "true", "1", "x"})
_NO = frozenset({"", "no", "n", "false", "0"})
MAIL_MERGE_COLUMNS = ("reference", "link", "code", "expiry", "language", "email")


def normalise_plan_reference(text: str) -> str:
    """A plan reference as it is stored and compared: upper case, with no spaces ("ab 2026-00123" -> "AB2026-00123").

    Applied once, as a reference comes in, so the same plan cannot be invited twice under two spellings.
    """
    return "".join(text.split()).upper()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_code() -> str:
    """A 10-character code, shown as two groups of five."""
    return random_code(CODE_LENGTH)


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalise_code(typed: str) -> str | None:
    """The code as stored, from what someone typed (spaces, dashes and case ignored), or None."""
    code = re.sub(r"[\s\-]", "", typed or "").upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


@dataclass(frozen=True)
class InvitationRow:
    """One good row of an uploaded CSV."""

    line: int
    plan_reference: str
    finalised_on: dt.date
    language: str
    email: str | None
    assessment_requested_on: dt.date | None = None
    timescale_exception: bool = False


@dataclass(frozen=True)
class RowProblem:
    """A row that could not be used, by line number in the file."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d: %(message)s", line=self.line, message=self.message)


@dataclass
class IssuedInvitation:
    """An invitation with its raw link token and code: only ever held in memory."""

    invitation: SurveyInvitation
    token: str
    code: str


@dataclass
class UploadResult:
    """What happened to each row of an upload."""

    created: list[IssuedInvitation] = field(default_factory=list)
    already_invited: list[tuple[int, SurveyInvitation]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _parse_date(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def decode_upload(data: bytes) -> str | None:
    """The text of an uploaded file: UTF-8 (with or without BOM), or Windows-1252 as Excel saves it."""
    decoded = decode_text(data)
    return decoded.text if decoded else None


def parse_csv(
    text: str, today: dt.date, reference_example: str = "AB-2026-00123"
) -> tuple[list[InvitationRow], list[RowProblem]]:
    """Good rows and problems (by line number); a bad row never stops the good ones."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], [RowProblem(1, _("The file is empty. The first line must name the columns."))]
    names = [h.strip().lower().replace(" ", "_") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        return [], [
            RowProblem(
                1,
                _(
                    "The first line must name the columns %(columns)s. Missing: %(missing)s.",
                    columns=", ".join(COLUMNS),
                    missing=", ".join(missing),
                ),
            )
        ]
    rows: list[InvitationRow] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append(RowProblem(line, _("Only %(max)d rows can be uploaded at once.", max=MAX_ROWS)))
                break
            values = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(names)}
            row, problem = _parse_row(line, values, today, reference_example)
            if problem:
                problems.append(problem)
                continue
            assert row is not None
            key = row.plan_reference
            if key in first_line:
                problems.append(
                    RowProblem(line, _("This plan reference is also on line %(line)d.", line=first_line[key]))
                )
                continue
            first_line[key] = line
            rows.append(row)
    except csv.Error:
        problems.append(RowProblem(reader.line_num, _("This line could not be read as CSV.")))
    return rows, problems


def _parse_row(
    line: int, values: dict[str, str], today: dt.date, reference_example: str
) -> tuple[InvitationRow | None, RowProblem | None]:
    reference = normalise_plan_reference(values.get("plan_reference", ""))
    if not reference:
        return None, RowProblem(line, _("Enter a plan reference."))
    if not PLAN_REFERENCE_RE.match(reference):
        return None, RowProblem(
            line,
            _(
                "The plan reference must be a case number such as %(example)s "
                "(letters, numbers and dashes, with at least one number), never a name.",
                example=reference_example,
            ),
        )
    raw_date = values.get("finalised_date", "")
    finalised = _parse_date(raw_date)
    if not raw_date:
        return None, RowProblem(line, _("Enter the date the plan was finalised."))
    if finalised is None:
        return None, RowProblem(line, _("The finalised date must be a real date, like 2026-03-31 or 31/03/2026."))
    if finalised > today:
        return None, RowProblem(line, _("The finalised date must be today or in the past."))
    raw_language = values.get("language", "").strip()
    language = raw_language.lower() if raw_language.lower() in LANGUAGES else _LANGUAGE_NAMES.get(raw_language.lower())
    offered = offered_languages()
    if raw_language and language not in offered:
        return None, RowProblem(
            line,
            _(
                "The survey is not offered in “%(language)s”. The language must be one of %(codes)s "
                "(or left blank for English).",
                language=raw_language,
                codes=", ".join(f"{code} ({own_name(code)})" for code in offered),
            ),
        )
    requested, exception, problem = _timeliness(line, values, finalised)
    if problem:
        return None, problem
    email = values.get("email", "") or None
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            return None, RowProblem(line, _("The email address must be a real address, like name@example.com."))
    return InvitationRow(line, reference, finalised, language or "en", email, requested, exception), None


def offered_languages() -> tuple[str, ...]:
    """The languages a survey can be sent in: the interface's (a family is never sent English instead)."""
    configured = current_app.config.get("LANGUAGES") or INTERFACE_LANGUAGES
    return tuple(code for code in configured if code in KNOWN_LANGUAGES)


def _timeliness(
    line: int, values: dict[str, str], finalised: dt.date
) -> tuple[dt.date | None, bool, RowProblem | None]:
    """The optional request date and exception of a row, for the 20-week figure."""
    raw_requested = values.get("assessment_requested_date", "")
    requested = _parse_date(raw_requested) if raw_requested else None
    if raw_requested and requested is None:
        return (
            None,
            False,
            RowProblem(line, _("The assessment request date must be a real date, like 2026-03-31 or 31/03/2026.")),
        )
    if requested is not None and requested > finalised:
        return None, False, RowProblem(line, _("The assessment request date must be on or before the finalised date."))
    raw_exception = values.get("timescale_exception", "").strip().lower()
    if raw_exception not in _YES | _NO:
        return None, False, RowProblem(line, _("The timescale exception must be yes or no (or left blank for no)."))
    return requested, raw_exception in _YES, None


def _issue(invitation: SurveyInvitation) -> IssuedInvitation:
    token, code = new_token(), new_code()
    invitation.token_hash = digest(token)
    invitation.code_hash = digest(code)
    return IssuedInvitation(invitation, token, code)


def create_invitations(
    survey_id: str,
    rows: Iterable[InvitationRow],
    now: dt.datetime | None = None,
    days: int = DEFAULT_EXPIRY_DAYS,
) -> UploadResult:
    """Invite every row not already invited to this survey, and flush; the caller commits.

    A plan reference invited before is reported, never duplicated. When a simultaneous
    upload invites the same plan first, the flush (or the commit) raises IntegrityError:
    roll back and call again (`app.transaction.commit_with_retry` does).
    """
    now = now or utcnow()
    rows = list(rows)
    result = UploadResult()
    references = [normalise_plan_reference(row.plan_reference) for row in rows]
    existing = {
        normalise_plan_reference(inv.plan_reference): inv
        for inv in db.session.scalars(
            select(SurveyInvitation).where(
                SurveyInvitation.survey_id == survey_id, SurveyInvitation.plan_reference.in_(references)
            )
        )
    }
    for row, reference in zip(rows, references, strict=True):
        found = existing.get(reference)
        if found:
            result.already_invited.append((row.line, found))
            continue
        invitation = SurveyInvitation(
            survey_id=survey_id,
            plan_reference=reference,
            finalised_on=row.finalised_on,
            language=row.language,
            email=row.email,
            assessment_requested_on=row.assessment_requested_on,
            timescale_exception=row.timescale_exception,
            status=InvitationStatus.CREATED.value,
            expires_at=now + dt.timedelta(days=days),
            created_at=now,
        )
        result.created.append(_issue(invitation))
        db.session.add(invitation)
    db.session.flush()
    return result


def upload_event(survey_id: str, rows: int, result: UploadResult) -> dict[str, Any]:
    """The audit event of an upload, for the caller to record: `record_event(**upload_event(...))`."""
    return {
        "action": "survey_invitations_uploaded",
        "target_type": "survey",
        "target_id": survey_id,
        "survey": survey_id,
        "rows": rows,
        "count": len(result.created),
    }


def reissue(invitation: SurveyInvitation, now: dt.datetime | None = None, days: int = DEFAULT_EXPIRY_DAYS):
    """A new link and code (the old ones stop working) and a fresh expiry; the caller commits."""
    if invitation.status == InvitationStatus.COMPLETED:
        raise ValueError("a completed invitation cannot be reissued")
    issued = _issue(invitation)
    invitation.expires_at = (now or utcnow()) + dt.timedelta(days=days)
    invitation.issue_count = (invitation.issue_count or 1) + 1
    db.session.flush()
    return issued


def find_by_digest(column: Any, secret: str | None) -> SurveyInvitation | None:
    """The invitation whose `column` (a digest column) holds a digest of `secret`; None when
    there is none, and for no secret or one longer than any issued."""
    if not secret or len(secret) > 64:
        return None
    return db.session.scalar(select(SurveyInvitation).where(column.in_(digests(secret))))


def find_by_token(token: str) -> SurveyInvitation | None:
    return find_by_digest(SurveyInvitation.token_hash, token)


def find_by_code(typed: str) -> SurveyInvitation | None:
    return find_by_digest(SurveyInvitation.code_hash, normalise_code(typed))


def mark_opened(invitation: SurveyInvitation, today: dt.date) -> None:
    """Record the first time the link or code was used; the caller commits."""
    db.session.execute(
        update(SurveyInvitation)
        .where(
            SurveyInvitation.id == invitation.id,
            SurveyInvitation.status.in_([InvitationStatus.CREATED.value, InvitationStatus.SENT.value]),
        )
        .values(status=InvitationStatus.OPENED.value, opened_on=today)
    )


def mark_sent(ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Mark invitations that have not yet gone out as sent; returns how many changed. The caller commits."""
    ids = list(ids)
    if not ids:
        return 0
    result = db.session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.id.in_(ids), SurveyInvitation.status == InvitationStatus.CREATED.value)
        .values(status=InvitationStatus.SENT.value, sent_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def finished_before(cutoff: dt.datetime) -> ColumnElement[bool]:
    """Invitations completed before `cutoff`'s day, or not completed and expired before `cutoff`."""
    return or_(
        and_(
            SurveyInvitation.status == InvitationStatus.COMPLETED.value,
            SurveyInvitation.completed_on < cutoff.date(),
        ),
        and_(SurveyInvitation.status != InvitationStatus.COMPLETED.value, SurveyInvitation.expires_at < cutoff),
    )


def forget_emails(days: int, now: dt.datetime | None = None) -> int:
    """Delete invitees' email addresses `days` after their invitation was completed or expired.

    The address is needed only to send (or resend) the invitation; returns how many were
    deleted. The caller commits.
    """
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    result = db.session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.email.is_not(None), finished_before(cutoff))
        .values(email=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def mail_merge_csv(issued: Iterable[IssuedInvitation], link_for: Callable[[str], str]) -> str:
    """The mail-merge file: reference, link, code, expiry, language, email."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MAIL_MERGE_COLUMNS)
    for item in issued:
        inv = item.invitation
        writer.writerow(
            [
                neutralise(inv.plan_reference),
                link_for(item.token),
                format_code(item.code),
                reporting_day(inv.expires_at).isoformat(),
                inv.language,
                neutralise(inv.email or ""),
            ]
        )
    return out.getvalue()
