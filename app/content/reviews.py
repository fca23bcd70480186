"""Asking providers to check their own listings: review requests, one reminder, and answers.

`request_reviews()` (run daily by `flask content remind`) asks the maintainer of every
listing due for review within a few days to check it, reminds them once, and says which
listings are overdue. Each request's link is single-use and expires; only its keyed digest
is stored (`app/tokens.py`). Running it twice on the same day, or twice at once, asks
nobody twice: a request is one row per listing and review date (a unique constraint), and
a reminder is claimed by a conditional UPDATE.

Domain functions flush; the command or view that called them records the audit event and commits.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from pydantic import ValidationError
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..clock import reporting_day, utcnow
from ..extensions import db
from ..models.content import Revision
from ..models.upkeep import ListingReview, ReviewOutcome
from ..tokens import digest, digests
from . import editing
from .schema import ServiceMeta
from .store import ContentStore, Document

#: Random bytes in a review link's token (at least 128 bits).
TOKEN_BYTES = 24


def page_key(doc: Document) -> str:
    """How a page is named in reviews, reports and the audit log: "services/<slug>"."""
    return f"{doc.kind}/{doc.slug}"


def listing_for(store: ContentStore, page: str) -> Document | None:
    """The service a page key names, if it is still in the Local Offer."""
    kind, _, slug = page.partition("/")
    return store.services.get(slug) if kind == "services" else None


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved on by whole months (the 31st becomes the last day of a shorter month)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def confirmed_dates(today: dt.date, months: int) -> dict[str, dt.date]:
    """The front matter a provider's "Yes, still correct" publishes: checked today, next check in `months`."""
    return {"last_reviewed": today, "review_due": add_months(today, months)}


@dataclass(frozen=True)
class ReviewRequest:
    """A request (or its reminder) to send, with its raw link token: only ever held in memory."""

    review: ListingReview
    doc: Document
    token: str
    reminder: bool = False


@dataclass
class RemindResult:
    """What one run of `request_reviews` did and found."""

    requests: list[ReviewRequest] = field(default_factory=list)
    overdue: list[Document] = field(default_factory=list)
    no_maintainer: list[Document] = field(default_factory=list)


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _end_of_link(now: dt.datetime, link_days: int) -> dt.datetime:
    return now + dt.timedelta(days=link_days)


def request_reviews(
    store: ContentStore,
    today: dt.date,
    *,
    notice_days: int,
    reminder_days: int,
    link_days: int,
    now: dt.datetime | None = None,
) -> RemindResult:
    """Create the review requests and reminders due today (flushing); the caller commits, then sends.

    A listing is asked once per review date, when that date is within `notice_days`; an
    unanswered request is reminded once, `reminder_days` after it was sent, with a new link
    (the first keeps working). A listing without a maintainer cannot be asked and is listed
    in `no_maintainer`; listings whose review date has passed are listed in `overdue`.
    """
    now = now or utcnow()
    result = RemindResult()
    horizon = today + dt.timedelta(days=notice_days)
    for doc in store.services.values():
        meta = doc.meta
        if meta.review_due < today:
            result.overdue.append(doc)
        if meta.review_due > horizon:
            continue
        if meta.maintainer is None:
            result.no_maintainer.append(doc)
            continue
        request = _new_request(doc, today, now, link_days)
        if request is not None:
            result.requests.append(request)
    result.requests += _reminders(store, today, now, reminder_days, link_days)
    return result


def _new_request(doc: Document, today: dt.date, now: dt.datetime, link_days: int) -> ReviewRequest | None:
    """A request for the listing's current review date, unless one exists (made by this run or another)."""
    page = page_key(doc)
    exists = select(ListingReview.id).where(ListingReview.page == page, ListingReview.review_due == doc.meta.review_due)
    if db.session.scalar(exists) is not None:
        return None
    token = _new_token()
    review = ListingReview(
        page=page,
        review_due=doc.meta.review_due,
        token_hash=digest(token),
        requested_on=today,
        expires_at=_end_of_link(now, link_days),
    )
    try:
        with db.session.begin_nested():
            # One working link per listing: earlier unanswered requests stop working.
            db.session.execute(
                update(ListingReview)
                .where(ListingReview.page == page, ListingReview.outcome.is_(None), ListingReview.expires_at > now)
                .values(expires_at=now)
                .execution_options(synchronize_session=False)
            )
            db.session.add(review)
    except IntegrityError:  # another run asked at the same moment: it sends, this one does not
        return None
    return ReviewRequest(review, doc, token)


def _reminders(
    store: ContentStore, today: dt.date, now: dt.datetime, reminder_days: int, link_days: int
) -> list[ReviewRequest]:
    """One reminder for each unanswered request sent `reminder_days` ago, each claimed by a conditional UPDATE."""
    waiting = db.session.scalars(
        select(ListingReview).where(
            ListingReview.outcome.is_(None),
            ListingReview.reminded_on.is_(None),
            ListingReview.expires_at > now,
            ListingReview.requested_on <= today - dt.timedelta(days=reminder_days),
        )
    ).all()
    reminders = []
    for review in waiting:
        doc = listing_for(store, review.page)
        if doc is None or doc.meta.maintainer is None or doc.meta.review_due != review.review_due:
            continue  # gone, nobody to ask, or already checked another way
        token = _new_token()
        claimed = db.session.execute(
            update(ListingReview)
            .where(ListingReview.id == review.id, ListingReview.reminded_on.is_(None), ListingReview.outcome.is_(None))
            .values(
                reminded_on=today,
                earlier_token_hash=ListingReview.token_hash,
                token_hash=digest(token),
                expires_at=_end_of_link(now, link_days),
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            db.session.refresh(review)
            reminders.append(ReviewRequest(review, doc, token, reminder=True))
    return reminders


class LinkProblem(enum.StrEnum):
    """Why a review link cannot be used."""

    NOT_FOUND = "not-found"
    USED = "used"
    EXPIRED = "expired"


def find_by_token(token: str) -> ListingReview | None:
    """The request a link's token belongs to (the reminder's link or the first one)."""
    if not token or len(token) > 64:
        return None
    hashes = digests(token)
    return db.session.scalar(
        select(ListingReview).where(
            or_(ListingReview.token_hash.in_(hashes), ListingReview.earlier_token_hash.in_(hashes))
        )
    )


def link_problem(
    review: ListingReview | None, store: ContentStore, now: dt.datetime | None = None
) -> LinkProblem | None:
    """Why `review`'s link cannot be used now, or None when it can."""
    if review is None or listing_for(store, review.page) is None:
        return LinkProblem.NOT_FOUND
    if review.outcome is not None:
        return LinkProblem.USED
    if review.is_expired(now):
        return LinkProblem.EXPIRED
    return None


def claim_answer(review: ListingReview, outcome: ReviewOutcome, now: dt.datetime | None = None) -> bool:
    """Record the provider's answer once: False when the link was used (or expired) meanwhile."""
    now = now or utcnow()
    claimed = db.session.execute(
        update(ListingReview)
        .where(ListingReview.id == review.id, ListingReview.outcome.is_(None), ListingReview.expires_at > now)
        .values(outcome=outcome.value, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    db.session.refresh(review)
    return True


def checked_pages() -> set[str]:
    """Listings whose provider has answered a review request at least once."""
    return set(db.session.scalars(select(ListingReview.page).where(ListingReview.outcome.is_not(None)).distinct()))


#: The fields a provider corrects from the review link, each with where it sits in the front matter.
EDITABLE_FIELDS = {
    "summary": ("summary",),
    "phone": ("contact", "phone"),
    "email": ("contact", "email"),
    "website": ("contact", "website"),
    "address": ("address",),
    "opening_times": ("opening_times",),
    "accessibility": ("accessibility",),
    "cost_detail": ("cost", "detail"),
    "languages": ("languages",),
}

#: What to tell a provider when a corrected field breaks the schema, by field.
FIELD_MESSAGES = {
    "summary": _l("Enter a summary of 300 characters or fewer"),
    "phone": _l("Give at least one of a phone number, an email address or a website"),
    "email": _l("Enter an email address in the correct format, like name@example.org"),
    "website": _l("Enter a web address starting with https://"),
}
_OTHER_FIELD_MESSAGE = _l("Check this answer")


def editable_fields(doc: Document) -> dict[str, str]:
    """The listing's current values of EDITABLE_FIELDS, as a provider's form shows them."""
    meta = doc.meta
    return {
        "summary": meta.summary,
        "phone": meta.contact.phone or "",
        "email": meta.contact.email or "",
        "website": meta.contact.website or "",
        "address": meta.address or "",
        "opening_times": meta.opening_times or "",
        "accessibility": meta.accessibility or "",
        "cost_detail": meta.cost.detail or "",
        "languages": ", ".join(meta.languages),
    }


def proposed_fields(doc: Document, changes: dict[str, str | None]) -> dict[str, Any]:
    """The listing's whole front matter with a provider's corrections applied (blank removes a field)."""
    fields = doc.meta.model_dump(mode="json", exclude_none=True)
    for name, value in changes.items():
        path = EDITABLE_FIELDS[name]
        text = (value or "").strip()
        parsed: Any = tuple(part.strip() for part in text.split(",") if part.strip()) if name == "languages" else text
        target = fields
        for key in path[:-1]:
            target = target.setdefault(key, {})
        if parsed:
            target[path[-1]] = list(parsed) if isinstance(parsed, tuple) else parsed
        else:
            target.pop(path[-1], None)
    return fields


def proposal_problems(doc: Document, changes: dict[str, str | None], areas: tuple[str, ...]) -> dict[str, str]:
    """Field name -> a message for each correction the front-matter schema refuses (empty when all is well)."""
    try:
        ServiceMeta.model_validate(proposed_fields(doc, changes), context={"areas": areas})
    except ValidationError as error:
        problems: dict[str, str] = {}
        for item in error.errors():
            name = _field_at(tuple(str(part) for part in item["loc"]))
            problems.setdefault(name, str(FIELD_MESSAGES.get(name, _OTHER_FIELD_MESSAGE)))
        return problems
    return {}


def _field_at(location: tuple[str, ...]) -> str:
    """The provider's field a schema error's location points to (a whole-contact error: the phone box)."""
    for name, path in EDITABLE_FIELDS.items():
        if location[: len(path)] == path:
            return name
    return "phone" if location[:1] == ("contact",) else "summary"


#: The change notes staff see in a listing's history.
CONFIRMED_NOTE = "Confirmed as still correct by the provider"


def publish_confirmation(doc: Document, dates: dict[str, dt.date]) -> Revision:
    """Publish the provider's "Yes, still correct": the new last-checked and review dates (flushes)."""
    return editing.publish_change(page_key(doc), dates, None, note=CONFIRMED_NOTE, source="provider")


def propose_listing_changes(doc: Document, changes: dict[str, str | None], note: str) -> Revision:
    """Send a provider's corrections to the approval queue, with their explanation (flushes).

    Raises ContentInvalid when the corrected page would not pass the content check. A
    rejection's reason goes back to the listing's maintainer (`reply_to`).
    """
    before = doc.meta.model_dump(mode="json", exclude_none=True)
    after = proposed_fields(doc, changes)
    fields = {key: after.get(key) for key in dict.fromkeys(path[0] for path in EDITABLE_FIELDS.values())}
    changed = {key: value for key, value in fields.items() if value != before.get(key)}
    maintainer = doc.meta.maintainer
    return editing.propose_change(
        page_key(doc),
        changed,
        None,
        source="provider",
        note=note,
        reply_to=maintainer.email if maintainer else None,
    )


def review_personalisation(request: ReviewRequest, link: str) -> dict[str, object]:
    """What the "please check your listing" email (or its reminder) says to the maintainer."""
    maintainer = request.doc.meta.maintainer
    assert maintainer is not None
    return {
        "name": maintainer.name,
        "listing": request.doc.title,
        "link": link,
        "expires": reporting_day(request.review.expires_at).isoformat(),
        "reminder": request.reminder,
    }
