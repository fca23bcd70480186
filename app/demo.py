"""`flask demo seed`: a believable year of survey invitations, responses and comments for demonstrations.

Run by `make run` (never by the tests). Running it again changes nothing: demo invitations
carry plan references starting "DEMO-", and their presence means the year is already there.
Families' answers improve slowly over the year, as they would after changes, so every chart
has a trend to show. Comments are moderated much as an officer would: most approved, some
waiting, a few vexatious; every comment about one family's own case is marked so and never approved.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from . import clock
from .extensions import db
from .models.feedback import KpiTarget
from .models.moderation import Comment
from .models.places import Postcode
from .models.surveys import (
    InvitationStatus,
    PageFeedback,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    month_of,
)
from .models.yswd import Entry
from .places.commands import load
from .places.gazetteer import GAZETTEER_FILE
from .services import survey_definitions
from .surveys.definitions import FreeTextQuestion, MultipleChoiceQuestion, SatisfactionQuestion, Survey, YesNoQuestion
from .surveys.responses import REFERENCE_ALPHABET, REFERENCE_LENGTH
from .tokens import digest
from .yswd.publishing import render_markdown

DEMO_PREFIX = "DEMO-"
#: Invitations over the year, and the share that families answer.
INVITATIONS = 320
ANSWER_RATE = 0.55
OPEN_RESPONSES = 60
DEMO_TARGETS = {"listened": 80, "seen_plan": 95, "satisfied": 75, "response_rate": 60}

WENT_WELL = [
    "Our caseworker was brilliant, she rang me back every time and explained each step.",
    "I felt listened to at every meeting and the plan really describes my son.",
    "The school SENCO was fantastic and pushed for the right support.",
    "The educational psychologist took time to get to know our daughter.",
    "SENDIASS helped me understand the process, I could not have done it without them.",
    "The draft plan arrived on time and the outcomes are clear.",
    "Speech and language therapy advice was included in full.",
    "Everyone was friendly and supportive, it was a good experience overall.",
    "The annual review was well organised and everyone had read the reports.",
    "Having the meeting at home made my daughter more comfortable.",
    "Our caseworker Sarah kept us informed throughout, which made a real difference.",
    "The plan was finished within 20 weeks and reflects our child.",
    "The interpreter at the meeting made a real difference to my husband.",
    "Respite and short breaks have been a lifeline for us this year.",
    "Travel training has given him so much confidence.",
    "The occupational therapist's report was thorough and it is all in the plan.",
    "Nothing really, it was a battle from start to finish.",
    "Not much. Every deadline was missed.",
    "The preparing for adulthood section is really clear and helpful.",
    "We were involved in writing section A and it sounds like our son.",
]
DO_BETTER = [
    "nothing",
    "Nothing really, it was fine",
    "All good, thank you",
    "n/a",
    "Answer emails. I had to chase for weeks to get any reply.",
    "Stop copying and pasting reports into the plan, it does not describe my child.",
    "Better communication between school and the SEN team.",
    "More information about what happens after the draft plan.",
    "Stick to the 20 week deadline. Ours took 31 weeks.",
    "Send letters in Polish as well as English.",
    "Explain the jargon, I had no idea what section F meant.",
    "Have one named person instead of a different officer every time.",
    "Reply to phone messages. Nobody called back.",
    "The health advice came far too late and CAMHS never got back to us.",
    "The taxi to school has been late nearly every day this term.",
    "Please ring me on 07700 900123, nobody has replied about our plan AB-2026-00123.",
    "Mrs Patel at the school was great but the council kept us in the dark.",
    "Social care never contributed to the plan, we had to fight for short breaks.",
    "Listen to parents, we know our children best.",
    "Keep doing what you're doing",
    "Offer evening meetings for working parents.",
    "We had to go to mediation to get speech therapy written in.",
    "Our son's plan still names the wrong school, please phone me about it.",
]
#: Comments about one family's own case: an officer marks them so, and they are never approved or quoted.
OWN_CASE = frozenset(
    {
        "Please ring me on 07700 900123, nobody has replied about our plan AB-2026-00123.",
        "Our son's plan still names the wrong school, please phone me about it.",
    }
)
LISTENED_HELP = [
    "Someone calling us back when they said they would.",
    "Being asked what we thought before the draft was written.",
    "Meetings where the officer had read our views.",
    "I felt ignored and dismissed at every meeting.",
    "A named caseworker who knew our son.",
]
LOCAL_OFFER_TEXT = [
    "I could not find anything about short breaks on the website.",
    "The Local Offer website was easy to find information on.",
    "The information on transport is out of date and confusing.",
    "Clear guidance about the 20 week process, thank you.",
    "More about preparing for adulthood and supported internships please.",
    "Nothing, it was all fine",
    "Easy read versions would help my son use it.",
    "The search found what I needed quickly.",
]
PAGE_FEEDBACK_TEXT = [
    "I was looking for the phone number for SENDIASS.",
    "Information about transport to college.",
    "How to ask for an EHC needs assessment myself.",
    "Whether my child can get short breaks.",
]
LOCALES = ["en"] * 12 + ["pl", "pl", "ur", "pa", "ro"]
#: "You said, we did" entries answering the year's feedback: (days ago published, theme, status, title, said, did).
ENTRIES = [
    (
        300,
        "communication",
        "done",
        "Replies to families within five working days",
        "Many of you told us you had to **chase the SEN team** for replies to emails and phone messages.",
        "Every family now has a named caseworker, and we reply to emails and messages within five working days. "
        "We check how we are doing each month.",
    ),
    (
        200,
        "waiting-times",
        "in-progress",
        "Health advice in time for the draft plan",
        "You said health advice often arrived late, so draft plans were delayed or missed it out.",
        "We agreed with the health services a date for each piece of advice and we chase it at week 5. "
        "Most advice now arrives by week 6.",
    ),
    (
        120,
        "ehc-process",
        "in-progress",
        "Plans that describe your child",
        "Some of you said plans felt **copied and pasted** from reports and did not describe your child.",
        "Caseworkers now write section A with you at a meeting, and a senior officer reads every draft plan "
        "before it is sent.",
    ),
    (
        60,
        "travel",
        "done",
        "Clear information about school transport",
        "You said information about transport on the Local Offer was out of date and confusing.",
        "We rewrote the transport guidance with parents from the forum and added who to call when a taxi is late.",
    ),
]


def _reference(rng: random.Random, taken: set[str]) -> str:
    while True:
        reference = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if reference not in taken:
            taken.add(reference)
            return reference


def _text_for(question: FreeTextQuestion, rng: random.Random) -> str | None:
    """An answer for a free-text question, or None (it was left blank) about a third of the time."""
    if rng.random() < 0.35:
        return None
    if question.kind == "went_well":
        return rng.choice(WENT_WELL)
    if question.kind == "improvement" and question.id == "listened_help":
        return rng.choice(LISTENED_HELP)
    if question.kind == "improvement":
        return rng.choice(DO_BETTER)
    return rng.choice(LOCAL_OFFER_TEXT)


def _answers(survey: Survey, progress: float, rng: random.Random) -> dict[str, str | list[str]]:
    """Answers to every question shown, better the later in the year (`progress` from 0 to 1)."""
    good = 0.5 + 0.3 * progress
    answers: dict[str, str | list[str]] = {}
    for question in survey.questions():
        if not survey.is_shown(question, answers):
            continue
        values = question.option_values() if hasattr(question, "option_values") else []
        if isinstance(question, FreeTextQuestion):
            text = _text_for(question, rng)
            if text:
                answers[question.id] = text
        elif isinstance(question, SatisfactionQuestion):
            answers[question.id] = rng.choice(["4", "5"]) if rng.random() < good - 0.05 else rng.choice(["1", "2", "3"])
        elif isinstance(question, YesNoQuestion):
            answers[question.id] = "yes" if rng.random() < good + 0.1 else rng.choice(["no", "not-sure"][: len(values)])
        elif isinstance(question, MultipleChoiceQuestion):
            if values and (question.required or rng.random() < 0.4):
                answers[question.id] = rng.sample(values, k=min(len(values), rng.randint(1, 2)))
        elif values:
            answers[question.id] = values[0] if rng.random() < good else rng.choice(values)
    return answers


def _store_response(
    survey: Survey, answers: dict, day: dt.date, locale: str, channel: str, reference: str, rng: random.Random
) -> None:
    response = SurveyResponse(
        reference=reference,
        submission_key=digest(f"demo-submission-{reference}"),
        survey_id=survey.id,
        survey_version=survey.version,
        locale=locale,
        channel=channel,
        submitted_on=month_of(day),
    )
    for question in survey.questions():
        value = answers.get(question.id)
        for item in value if isinstance(value, list) else [value] if value else []:
            response.answers.append(
                SurveyAnswer(
                    question_id=question.id,
                    value=item,
                    multiple=isinstance(question, MultipleChoiceQuestion),
                    kpi=question.kpi,
                    kind=question.kind,
                )
            )
            if isinstance(question, FreeTextQuestion):
                db.session.add(
                    Comment(
                        source="survey",
                        source_ref=reference,
                        question_id=question.id,
                        text=item,
                        locale=locale,
                        created_at=dt.datetime.combine(day, dt.time(12)),
                        status="individual_case"
                        if item in OWN_CASE
                        else rng.choices(["approved", "pending", "vexatious"], weights=[78, 19, 3])[0],
                    )
                )
    db.session.add(response)


def seed(today: dt.date, seed_value: int = 2026) -> bool:
    """Create the demo year ending `today`; False (and nothing written) when it is already there."""
    exists = db.session.scalar(
        select(func.count())
        .select_from(SurveyInvitation)
        .where(SurveyInvitation.plan_reference.like(f"{DEMO_PREFIX}%"))
    )
    if exists:
        return False
    rng = random.Random(seed_value)
    surveys: dict[str, Survey] = survey_definitions()
    taken = set(db.session.scalars(select(SurveyResponse.reference)))
    start = today - dt.timedelta(days=364)
    invited_surveys = [s for s in surveys.values() if not s.open]
    open_surveys = [s for s in surveys.values() if s.open]
    now = dt.datetime.combine(today, dt.time(9))

    for number in range(1, INVITATIONS + 1):
        survey = invited_surveys[0] if rng.random() < 0.85 or len(invited_surveys) == 1 else invited_surveys[1]
        finalised = start + dt.timedelta(days=rng.randrange(365))
        progress = (finalised - start).days / 365
        locale = rng.choice(LOCALES)
        answered = rng.random() < ANSWER_RATE + 0.15 * progress and finalised < today - dt.timedelta(days=3)
        answered_on = min(today, finalised + dt.timedelta(days=rng.randint(2, 30)))
        status = InvitationStatus.COMPLETED if answered else rng.choice(list(InvitationStatus)[:3])
        db.session.add(
            SurveyInvitation(
                survey_id=survey.id,
                plan_reference=f"{DEMO_PREFIX}{today.year}-{number:05d}",
                finalised_on=finalised,
                language=locale,
                token_hash=digest(f"demo-token-{number}"),
                code_hash=digest(f"demo-code-{number}"),
                status=status.value,
                expires_at=dt.datetime.combine(finalised, dt.time(9)) + dt.timedelta(days=90),
                created_at=dt.datetime.combine(finalised, dt.time(9)),
                sent_at=None if status == InvitationStatus.CREATED else dt.datetime.combine(finalised, dt.time(10)),
                opened_on=answered_on if status in (InvitationStatus.OPENED, InvitationStatus.COMPLETED) else None,
                completed_on=answered_on if answered else None,
            )
        )
        if answered:
            answers = _answers(survey, progress, rng)
            _store_response(survey, answers, answered_on, locale, "invitation", _reference(rng, taken), rng)

    for _number in range(OPEN_RESPONSES if open_surveys else 0):
        survey = rng.choice(open_surveys)
        day = start + dt.timedelta(days=rng.randrange(365))
        answers = _answers(survey, (day - start).days / 365, rng)
        _store_response(survey, answers, day, rng.choice(LOCALES), "open", _reference(rng, taken), rng)

    for index in range(40):
        day = start + dt.timedelta(days=rng.randrange(365))
        helpful = rng.random() < 0.7
        text = None if helpful or rng.random() < 0.5 else rng.choice(PAGE_FEEDBACK_TEXT)
        db.session.add(
            PageFeedback(
                path="/guidance/asking-for-an-ehc-needs-assessment",
                locale="en",
                helpful=helpful,
                text=text,
                submitted_on=day,
            )
        )
        if text:
            db.session.add(
                Comment(
                    source="page_feedback",
                    source_ref=f"/guidance/page-{index % 4}",
                    text=text,
                    locale="en",
                    created_at=dt.datetime.combine(day, dt.time(12)),
                    status="approved",
                )
            )

    for days_ago, theme, status, title, said, did in ENTRIES:
        published = now - dt.timedelta(days=days_ago)
        db.session.add(
            Entry(
                title=title,
                theme=theme,
                we_asked="We asked families about their EHC plan after it was finalised.",
                you_said=said,
                you_said_html=render_markdown(said),
                we_did=did,
                we_did_html=render_markdown(did),
                status=status,
                state="published",
                publish_at=published,
                created_at=published,
                updated_at=published,
            )
        )

    existing = set(db.session.scalars(select(KpiTarget.kpi)))
    for kpi, percent in DEMO_TARGETS.items():
        if kpi not in existing:
            db.session.add(KpiTarget(kpi=kpi, percent=percent, updated_at=now))
    db.session.commit()
    return True


@click.group("demo", cls=AppGroup, help="Demonstration data.")
def demo_group() -> None:
    pass


@demo_group.command("seed")
def seed_command() -> None:
    """Create a believable year of invitations, responses and comments (once; running again does nothing).

    Also loads the content folder's demo gazetteer, when there is one, so postcode search works offline.
    """
    gazetteer = Path(current_app.config["CONTENT_DIR"]) / GAZETTEER_FILE
    if gazetteer.is_file() and db.session.scalar(select(func.count()).select_from(Postcode)) == 0:
        click.echo(load(gazetteer))
    if seed(clock.today()):
        click.echo(f"Created {INVITATIONS} demo invitations with their responses and comments.")
    else:
        click.echo("Demo data is already there; nothing changed.")
