"""Families' journeys in a real browser, by mouse and by keyboard, on desktop, at 320 px and at 200% zoom.

Each journey is a function of a Journey; every journey runs in every mode, and every page it
reaches is checked (heading, script errors and CSP, reflow, axe-core). To add a journey, write
the function and add it to JOURNEYS.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from app.content import CATEGORIES
from app.extensions import db
from app.models.surveys import SurveyInvitation
from app.services import content_store
from app.surveys import messaging
from app.surveys.invitations import IssuedInvitation
from app.tokens import derived_token

from ..factories import PASSWORD, create_invitation, create_listing_review, create_user
from .journey import MODES, PHONE_MODES, Journey, Mode

pytestmark = pytest.mark.browser

#: Plan references for invitations made by the survey journey, one per run.
REFERENCES = itertools.count(90001)


def home_category_service(j: Journey) -> None:
    """From the home page to a category of services, then to one service."""
    store = content_store(j.app)
    service = store.services_in("health")[0]
    j.start("/", "home", h1="Find SEND help and services in Kelderbridge")
    j.follow(
        j.main.get_by_role("link", name=str(CATEGORIES["health"]), exact=True), "category", h1="Health and therapies"
    )
    j.follow(j.main.get_by_role("link", name=service.title, exact=True), "service", h1=service.title)
    back = j.page.locator(".govuk-breadcrumbs").get_by_role("link", name="Health and therapies")
    j.follow(back, "category", h1="Health and therapies")


def guidance_previous_next(j: Journey) -> None:
    """From the menu to the guidance list, into the first guide, Next twice, then Previous."""
    store = content_store(j.app)
    first = next(iter(store.guidance.values()))
    _, second = store.neighbours(first.slug)
    _, third = store.neighbours(second.slug)
    j.start("/", "home")
    j.open_menu()
    j.follow(j.page.locator(".govuk-service-navigation").get_by_role("link", name="Guidance"), "guidance list")
    j.follow(j.main.get_by_role("link", name=first.title, exact=True), "guidance", h1=first.title)
    j.follow(j.page.locator(".govuk-pagination__next a"), "guidance", h1=second.title)
    j.follow(j.page.locator(".govuk-pagination__next a"), "guidance", h1=third.title)
    j.follow(j.page.locator(".govuk-pagination__prev a"), "guidance", h1=second.title)


def lost_then_services(j: Journey) -> None:
    """A mistyped address, the friendly page-not-found, then every service, then a type of service."""
    j.start("/servces", "page not found", h1="Page not found", status=404)
    j.follow(j.main.get_by_role("link", name="browse all services"), "services list", h1="All services")
    j.follow(j.main.get_by_role("link", name=str(CATEGORIES["travel"]), exact=True), "category")


def abbreviation_to_glossary(j: Journey) -> None:
    """An abbreviation in guidance explained in the glossary, then the accessibility statement from the footer."""
    j.start("/guidance/asking-for-an-ehc-needs-assessment", "guidance")
    j.follow(j.main.locator('a[href="/glossary#ehc"]'), "glossary", h1="Glossary: SEND words explained")
    footer_link = j.page.locator("footer").get_by_role("link", name="Accessibility statement")
    j.follow(footer_link, "content page", h1="Accessibility statement")


def search_with_a_misspelling_and_a_facet(j: Journey) -> None:
    """A misspelt search from the home page, the suggested spelling, then only free services."""
    j.start("/", "home")
    j.fill(j.main.get_by_label("Search the Local Offer"), "speach therapy")
    j.submit(j.main.get_by_role("button", name="Search"), "search results")
    j.follow(j.page.locator("#suggestion a"), "search results", h1="Search results for “speech therapy”")
    before = j.page.locator("#results > li").count()
    open_filters(j)
    j.check(j.page.get_by_label("Free services only"))
    j.submit(j.page.get_by_role("button", name="Apply filters"), "search results")
    costs = j.page.locator("#results .council-result-facts").all_inner_texts()
    assert costs and all("Free" in text for text in costs), costs
    assert j.page.get_by_label("Free services only").is_checked()
    assert j.page.locator("#results > li").count() <= before


def open_filters(j: Journey) -> None:
    """On a phone the filters are folded into a "Filter" control at the top: open it."""
    summary = j.page.locator("#filters > summary")
    if summary.is_visible() and not j.page.locator("#filters").evaluate("el => el.open"):
        j.press_button(summary)
        assert j.page.locator("#filters").evaluate("el => el.open"), "the Filter control did not open"


def filters_on_a_phone(j: Journey) -> None:
    """All services, filtered from the Filter control at the top; one filter removed, then all of them."""
    j.start("/services", "services list", h1="All services")
    filters = j.page.locator("#filters")
    if j.mode.narrow:
        box = filters.bounding_box()
        # Within a screen and a half of the top: of a phone's screen, or of 600 CSS px where the
        # window is zoomed so far that a screen holds only the heading and the search box.
        assert box and box["y"] < max(j.mode.height, 600) * 1.5, "the Filter control is near the top on a phone"
        assert not filters.evaluate("el => el.open"), "the filters start folded away on a phone"
    open_filters(j)
    j.fill(j.page.get_by_label("Age of the child or young person"), "9")
    j.check(j.page.get_by_label("Free services only"))
    j.submit(j.page.get_by_role("button", name="Apply filters"), "services filtered", h1="All services")
    chosen = j.page.locator("#selected-filters li a")
    assert chosen.count() == 2, chosen.all_inner_texts()
    assert j.page.locator("#filters > summary").inner_text().strip() == "Filter (2 selected)"
    facts = j.page.locator("#results .council-result-facts").all_inner_texts()
    assert facts and all("Free" in text for text in facts), facts
    j.follow(j.page.locator("#selected-filters li a", has_text="Aged 9"), "services filtered", h1="All services")
    assert j.page.locator("#selected-filters li a").count() == 1
    assert "age=" not in j.page.url
    j.follow(j.page.locator("#clear-filters"), "services list", h1="All services")
    assert not j.page.locator("#selected-filters").count()


def survey_from_an_invitation(j: Journey) -> None:
    """The plan-finalisation survey from a letter's link: a missed answer, its correction, then every page."""
    with j.app.app_context():
        _id, token, _code = create_invitation(f"KB-2026-{next(REFERENCES):05d}")
    j.start(f"/s/{token}", "survey start")
    j.follow(j.main.locator("a.govuk-button--start"), "survey question")
    first_question = j.page.locator("h1").inner_text()
    j.submit(j.main.get_by_role("button", name="Continue"), "survey question with an error")
    assert j.page.title().startswith("Error:")
    summary = j.page.locator(".govuk-error-summary")
    assert summary.is_visible() and summary.locator("a").count() >= 1
    assert j.page.locator("h1").inner_text() == first_question
    for _ in range(20):
        if j.page.locator("h1").inner_text() == "Check your answers before sending them":
            break
        answer_the_page(j)
        j.submit(j.main.get_by_role("button", name="Continue"), "survey question")
    else:
        raise AssertionError("the survey never reached its check page")
    j.submit(j.main.get_by_role("button", name="Send answers"), "survey sent")


def answer_the_page(j: Journey) -> None:
    """Choose the first option of every question on the page and write a line in every text box."""
    form = j.main.locator("form").first
    seen: set[str] = set()
    for radio in form.locator('input[type="radio"]').all():
        name = radio.get_attribute("name") or ""
        if name not in seen:
            seen.add(name)
            j.check(radio)
    for box in form.locator("textarea").all():
        j.fill(box, "The caseworker kept us informed.")


def staff_publish_you_said_we_did(j: Journey) -> None:
    """A SENDIASS officer signs in (a missed password first), writes an entry, publishes it; families see it."""
    with j.app.app_context():
        user = create_user("sendiass")
    title = f"Quiet rooms for annual review meetings {next(REFERENCES)}"
    j.start("/sign-in", "sign in")
    j.fill(j.main.get_by_label("Email address"), user.email)
    j.submit(j.main.get_by_role("button", name="Sign in"), "sign in with an error")
    assert "Enter your password" in j.page.locator(".govuk-error-summary").inner_text()
    j.fill(j.main.get_by_label("Password", exact=True), PASSWORD)
    j.submit(j.main.get_by_role("button", name="Sign in"), "staff area", h1="Staff area")
    j.follow(j.main.get_by_role("link", name="You said, we did", exact=True), "staff entries")
    j.follow(j.main.get_by_role("button", name="Write a new entry"), "entry form", h1="Write a new entry")
    j.fill(j.main.get_by_label("Title"), title)
    j.select(j.main.get_by_label("Theme"), str(CATEGORIES["advice"]))
    j.fill(j.main.get_by_label("We asked", exact=True), "The Local Offer survey, spring 2026.")
    j.fill(j.main.get_by_label("You said", exact=True), "Meetings in busy offices made it hard to talk.")
    j.fill(j.main.get_by_label("We did", exact=True), "Every family can now book a quiet room.")
    j.check(j.main.get_by_label("Done", exact=True))
    j.submit(j.main.get_by_role("button", name="Save"), "staff entry", h1=title)
    j.check(j.main.get_by_label("Now", exact=True))
    j.submit(j.main.get_by_role("button", name="Publish"), "staff entry", h1=title)
    j.start("/you-said-we-did", "you said we did", h1="You said, we did")
    j.follow(j.main.get_by_role("link", name=title), "entry", h1=title)


def admin_reads_accounts_audit_and_invitations(j: Journey) -> None:
    """An administrator reads the wide staff tables: accounts, audit log, invitations, feedback dashboard."""
    with j.app.app_context():
        user = create_user("admin")
        create_invitation(f"KB-2026-{next(REFERENCES)}")
    j.start("/sign-in", "sign in")
    j.fill(j.main.get_by_label("Email address"), user.email)
    j.fill(j.main.get_by_label("Password", exact=True), PASSWORD)
    j.submit(j.main.get_by_role("button", name="Sign in"), "staff area", h1="Staff area")
    staff_area = j.page.get_by_role("link", name="Staff area", exact=True)
    j.follow(j.main.get_by_role("link", name="Staff accounts", exact=True), "staff accounts")
    j.follow(staff_area, "staff area", h1="Staff area")
    j.follow(j.main.get_by_role("link", name="Audit log", exact=True), "audit log")
    j.follow(staff_area, "staff area", h1="Staff area")
    j.follow(j.main.get_by_role("link", name="Surveys and invitations", exact=True), "surveys overview")
    j.follow(j.main.get_by_role("link", name="See all invitations"), "invitations")
    j.follow(staff_area, "staff area", h1="Staff area")
    j.follow(j.main.get_by_role("link", name="Feedback dashboard", exact=True), "feedback dashboard")
    j.follow(staff_area, "staff area", h1="Staff area")
    j.follow(j.main.get_by_role("link", name="Survey response rate", exact=True), "response rate")
    j.follow(staff_area, "staff area", h1="Staff area")
    j.follow(j.main.get_by_role("link", name="Messages that were not sent", exact=True), "messages")


def family_stops_the_reminders(j: Journey) -> None:
    """The "please don't remind me" link in an invitation email: a button, then the reminders stop."""
    with j.app.test_request_context():
        invitation_id, token, code = create_invitation(f"KB-2026-{next(REFERENCES):05d}", email="p@example.com")
        invitation = db.session.get(SurveyInvitation, invitation_id)
        messaging.keep_link(IssuedInvitation(invitation, token, code))
        db.session.commit()
        stop = derived_token(messaging._STOP, invitation.link_seed)
    j.start(f"/no-reminders/{stop}", "stop reminders", h1="Stop reminders about the survey")
    j.submit(
        j.main.get_by_role("button", name="Stop the reminders"),
        "reminders stopped",
        h1="You will not get any more reminders",
    )


def my_list_near_print_and_share(j: Journey) -> None:
    """Services near a postcode, two added to My list, the list printed, shared and cleared."""
    from ..factories import load_demo_gazetteer

    with j.app.app_context():
        load_demo_gazetteer()
    j.start("/services", "services list", h1="All services")
    j.fill(j.main.get_by_label("Your postcode (optional)"), "KB4 1AB")
    j.submit(j.main.get_by_role("button", name="Search", exact=True), "services near a postcode")
    first = j.main.locator("#results h2 a").first.inner_text()
    j.submit(j.main.locator("#results button").first, "services near a postcode after adding one")
    j.follow(j.main.locator("#results h2 a").nth(1), "service")
    j.submit(j.main.get_by_role("button", name="Add to my list"), "service after adding it")
    j.open_menu()
    j.follow(j.page.locator(".govuk-service-navigation").get_by_role("link", name="My list (2)"), "my list")
    assert j.main.locator("#my-list h2 a").first.inner_text() == first
    j.follow(j.main.get_by_role("link", name="Your list ready to print"), "my list to print", h1="My list of services")
    j.follow(j.page.locator(".govuk-breadcrumbs").get_by_role("link", name="My list"), "my list", h1="My list")
    j.follow(j.main.locator("#share-link"), "a shared list", h1="A list of services shared with you")
    j.submit(j.main.get_by_role("button", name="Use this as my list"), "my list", h1="My list")
    j.submit(j.main.get_by_role("button", name="Clear all"), "my list, empty", h1="My list")
    assert j.main.locator("#my-list-empty").count() == 1


def report_a_problem(j: Journey) -> None:
    """From a service, "Report a problem with this page": a missed choice, its correction, then back to the page."""
    service = content_store(j.app).services_in("leisure")[0]
    j.start(service.url, "service", h1=service.title)
    j.follow(j.main.get_by_role("link", name="Report a problem with this page"), "report a problem")
    j.submit(j.main.get_by_role("button", name="Send report"), "report a problem with an error")
    assert "Select what is wrong with the page" in j.page.locator(".govuk-error-summary").inner_text()
    j.check(j.main.get_by_label("The opening times are wrong"))
    j.fill(j.main.get_by_label("Tell us more (optional)"), "They now open at 9am on Saturdays.")
    j.submit(j.main.get_by_role("button", name="Send report"), "report sent", h1="Thank you for telling us")
    j.follow(j.main.get_by_role("link", name=f"Go back to {service.title}"), "service", h1=service.title)


def provider_corrects_a_listing(j: Journey) -> None:
    """A provider's "please check your listing" link: something has changed, so they correct it and explain."""
    with j.app.app_context():
        _id, token = create_listing_review()
    j.start(f"/review/{token}", "check your listing", h1="Check your listing")
    j.check(j.main.get_by_label("No, something has changed"))
    j.submit(j.main.get_by_role("button", name="Continue"), "listing changes", h1="What needs to change?")
    j.fill(j.main.get_by_label("Opening times"), "Sundays, 10am to 1pm, all year")
    j.submit(j.main.get_by_role("button", name="Send changes"), "listing changes with an error")
    assert "Tell us what has changed" in j.page.locator(".govuk-error-summary").inner_text()
    j.fill(j.main.get_by_label("What has changed?"), "We open an hour longer on Sundays.")
    j.submit(j.main.get_by_role("button", name="Send changes"), "changes sent", h1="Thank you for sending your changes")


JOURNEYS: list[Callable[[Journey], None]] = [
    home_category_service,
    guidance_previous_next,
    lost_then_services,
    abbreviation_to_glossary,
    search_with_a_misspelling_and_a_facet,
    filters_on_a_phone,
    survey_from_an_invitation,
    staff_publish_you_said_we_did,
    admin_reads_accounts_audit_and_invitations,
    my_list_near_print_and_share,
    report_a_problem,
    provider_corrects_a_listing,
    family_stops_the_reminders,
]


@pytest.mark.parametrize("mode", MODES, ids=[mode.name for mode in MODES])
@pytest.mark.parametrize("walk", JOURNEYS, ids=[walk.__name__ for walk in JOURNEYS])
def test_journey(journey, walk: Callable[[Journey], None], mode: Mode):
    j = journey(mode)
    walk(j)
    assert j.visited, "the journey reached no page"


@pytest.mark.parametrize("mode", PHONE_MODES, ids=[mode.name for mode in PHONE_MODES])
def test_filters_on_a_390_px_phone(journey, mode: Mode):
    j = journey(mode)
    filters_on_a_phone(j)
    search_with_a_misspelling_and_a_facet(j)
