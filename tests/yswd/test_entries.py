""" "You said, we did": writing, publishing, scheduling and archiving entries, and what the public sees."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from app import clock
from app.extensions import db
from app.models.staff import utcnow
from app.models.surveys import SurveyAnswer, SurveyResponse
from app.models.yswd import Entry
from app.yswd.report import figure_rows

from ..factories import create_entry
from ..helpers import audit_actions, post_form
from ..pages import check_page_structure
from .workflow import ATOM, create_draft, press_publish, read_feed

ENTRY = {
    "title": "Clearer information about school transport",
    "theme": "travel",
    "we_asked": "Our 2025 Local Offer survey asked what was hard to find.",
    "we_asked_url": "https://kelderbridge.example/consultations/local-offer-2025",
    "you_said": "38% of families said the **transport pages** were hard to follow, like [EHCP](/glossary#ehcp) ones.",
    "we_did": "We rewrote the pages with families and added a step-by-step guide.",
    "status": "in-progress",
    "progress": "60",
    "evidence_url": "",
}


def write_entry(client, **changes) -> int:
    return create_draft(client, "/staff/you-said-we-did", {**ENTRY, **changes})


def publish(client, entry_id: int, **data):
    return press_publish(client, f"/staff/you-said-we-did/{entry_id}", **data)


def feed_entries(client) -> list[dict]:
    root = read_feed(client, "/you-said-we-did/feed.atom")
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/you-said-we-did/feed.atom")
    assert root.find(f"{ATOM}updated").text
    return [
        {
            "title": item.find(f"{ATOM}title").text,
            "id": item.find(f"{ATOM}id").text,
            "link": item.find(f"{ATOM}link").get("href"),
            "content": item.find(f"{ATOM}content").text,
            "updated": item.find(f"{ATOM}updated").text,
            "category": item.find(f"{ATOM}category").get("term"),
        }
        for item in root.findall(f"{ATOM}entry")
    ]


def public_titles(get_page, query: str = "") -> list[str]:
    page = get_page(f"/you-said-we-did{query}")
    return [a.get_text(strip=True) for a in page.select(".council-results h3 a")]


def test_a_draft_is_not_public_until_published(app, client, staff, get_page):
    entry_id = write_entry(client)
    staff_page = get_page(f"/staff/you-said-we-did/{entry_id}")
    assert "Draft" in staff_page.select(".govuk-summary-list")[0].get_text()
    get_page(f"/you-said-we-did/{entry_id}", status=404)
    assert public_titles(get_page) == []
    assert feed_entries(client) == []

    response = publish(client, entry_id)
    assert response.status_code == 302
    page = get_page(f"/you-said-we-did/{entry_id}")
    assert page.h1 == ENTRY["title"]
    assert "Travel and transport" in page.text() and "60% complete" in page.text()
    assert page.soup.find("a", href=ENTRY["we_asked_url"])
    assert public_titles(get_page) == [ENTRY["title"]]
    (item,) = feed_entries(client)
    assert item["title"] == ENTRY["title"]
    assert item["link"] == item["id"] == f"http://localhost/you-said-we-did/{entry_id}"
    assert item["category"] == "Travel and transport"
    assert "<strong>transport pages</strong>" in item["content"]
    assert 'href="/' not in item["content"]  # links are absolute in feeds
    with app.app_context():
        assert [e.action for e in audit_actions()] == ["entry_created", "entry_published"]
        assert all(e.user_id == staff.id and e.target_id == str(entry_id) for e in audit_actions())


def test_scheduled_entries_appear_when_their_time_comes(app, client, staff, get_page):
    entry_id = write_entry(client)
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    response = publish(
        client,
        entry_id,
        when="later",
        publish_on=[str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)],
        publish_time="09:30",
    )
    assert response.status_code == 302
    staff_page = get_page(f"/staff/you-said-we-did/{entry_id}")
    assert "Scheduled" in staff_page.select(".govuk-summary-list")[0].get_text()
    get_page(f"/you-said-we-did/{entry_id}", status=404)
    assert public_titles(get_page) == [] and feed_entries(client) == []
    with app.app_context():
        (event,) = audit_actions("entry_scheduled")
        entry = db.session.get(Entry, entry_id)
        assert event.detail["publish_at"] == entry.publish_at.isoformat(timespec="minutes")
        assert entry.publish_at.date() in (tomorrow, tomorrow - dt.timedelta(days=1))  # 09:30 UK time in UTC
        # The time comes.
        entry.publish_at = utcnow() - dt.timedelta(minutes=1)
        db.session.commit()
    get_page(f"/you-said-we-did/{entry_id}")
    assert public_titles(get_page) == [ENTRY["title"]]
    assert [item["title"] for item in feed_entries(client)] == [ENTRY["title"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"when": ""}, "Select when to publish"),
        ({"when": "later"}, "Enter the date to publish"),
        ({"when": "later", "publish_on": ["31", "2", "2030"]}, "Publication date must be a real date"),
        ({"when": "later", "publish_on": ["1", "1", "2020"], "publish_time": "09:00"}, "must be in the future"),
        ({"when": "later", "publish_on": ["1", "1", "2030"], "publish_time": "25:00"}, "Enter a time like 09:00"),
    ],
)
def test_publish_form_errors(app, client, staff, data, message):
    entry_id = write_entry(client)
    response = publish(client, entry_id, **data)
    assert response.status_code == 200
    page = check_page_structure(response)
    assert page.title.startswith("Error: ")
    assert message in page.select(".govuk-error-summary")[0].get_text()
    with app.app_context():
        assert db.session.get(Entry, entry_id).state == "draft"
        assert audit_actions("entry_published") == [] and audit_actions("entry_scheduled") == []


def test_archiving_takes_an_entry_off_the_public_pages_and_feed(app, client, staff, get_page):
    entry_id = write_entry(client)
    publish(client, entry_id)
    assert feed_entries(client)
    path = f"/staff/you-said-we-did/{entry_id}"
    assert post_form(client, f"{path}/archive", token_from=path).status_code == 302
    get_page(f"/you-said-we-did/{entry_id}", status=404)
    assert public_titles(get_page) == [] and feed_entries(client) == []
    assert "Archived" in get_page(path).select(".govuk-summary-list")[0].get_text()
    post_form(client, f"{path}/draft", token_from=path)
    with app.app_context():
        assert db.session.get(Entry, entry_id).state == "draft"
        assert [e.action for e in audit_actions()][-2:] == ["entry_archived", "entry_withdrawn"]


def test_markdown_is_sanitised_when_saved(app, client, staff, get_page):
    entry_id = write_entry(
        client,
        you_said='<script>alert("x")</script> Families said [this](javascript:alert(1)) <img src=x onerror=alert(1)>.',
        we_did="We **listened**. <a href='https://evil.example' onclick='steal()'>link</a>",
    )
    with app.app_context():
        entry = db.session.get(Entry, entry_id)
        for html in (entry.you_said_html, entry.we_did_html):
            tags = BeautifulSoup(html, "html.parser").find_all(True)
            assert {tag.name for tag in tags} <= {"p", "strong", "a"}
            assert not [name for tag in tags for name in tag.attrs if name.startswith("on")]
            assert not [tag for tag in tags if tag.get("href", "").startswith("javascript")]
        assert "&lt;script&gt;" in entry.you_said_html
        assert "<strong>listened</strong>" in entry.we_did_html
    publish(client, entry_id)
    page = get_page(f"/you-said-we-did/{entry_id}")
    assert not page.select("main script") and not page.select("main img")
    assert page.select(".council-prose strong")[0].get_text() == "listened"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"theme": ""}, "Select a theme"),
        ({"theme": "nonsense"}, "Not a valid choice"),
        ({"you_said": ""}, "Enter what families told us"),
        ({"we_did": "  "}, "Enter what we did or will do"),
        ({"status": ""}, "Select a status"),
        ({"progress": "150"}, "Progress must be a whole number between 0 and 100"),
        ({"progress": "lots"}, "Progress must be a whole number between 0 and 100"),
        ({"we_asked_url": "javascript:alert(1)"}, "Enter a link that starts with https://"),
        ({"evidence_url": "kelderbridge.example"}, "Enter a link that starts with https://"),
        ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
    ],
)
def test_entry_form_errors(app, client, staff, changes, message):
    response = post_form(client, "/staff/you-said-we-did/new", {**ENTRY, **changes})
    page = check_page_structure(response)
    assert response.status_code == 200 and page.title.startswith("Error: Write a new entry")
    assert message in page.select(".govuk-error-summary")[0].get_text()
    with app.app_context():
        assert db.session.query(Entry).count() == 0 and audit_actions() == []


def test_edits_keep_a_history_and_are_audited(app, client, staff, get_page):
    entry_id = write_entry(client)
    path = f"/staff/you-said-we-did/{entry_id}"
    form = get_page(f"{path}/edit")
    assert form.soup.find("input", attrs={"name": "title"})["value"] == ENTRY["title"]
    response = post_form(
        client, f"{path}/edit", {**ENTRY, "title": "Transport information rewritten", "status": "done"}
    )
    assert response.status_code == 302
    publish(client, entry_id)
    history = get_page(f"{path}/history")
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in history.select("tbody tr")]
    assert [row[2] for row in rows] == ["published", "edited", "created"]
    assert "title" in rows[1][3] and "status" in rows[1][3]
    assert rows[0][1] == "sendiass@kelderbridge.example"
    with app.app_context():
        entry = db.session.get(Entry, entry_id)
        assert [r.snapshot["title"] for r in sorted(entry.revisions, key=lambda r: r.id)] == [
            ENTRY["title"],
            "Transport information rewritten",
            "Transport information rewritten",
        ]
        assert [e.action for e in audit_actions()] == ["entry_created", "entry_edited", "entry_published"]


def test_progress_updates_show_on_the_entry_and_refresh_the_feed(app, client, staff, get_page):
    entry_id = write_entry(client)
    publish(client, entry_id)
    before = feed_entries(client)[0]["updated"]
    with app.app_context():
        entry = db.session.get(Entry, entry_id)
        entry.publish_at = entry.updated_at = utcnow() - dt.timedelta(days=3)
        db.session.commit()
    path = f"/staff/you-said-we-did/{entry_id}"
    today = dt.date.today()
    response = post_form(
        client,
        f"{path}/updates",
        {"happened_on": [str(today.day), str(today.month), str(today.year)], "text": "The new guide is **live**."},
        token_from=path,
    )
    assert response.status_code == 302
    page = get_page(f"/you-said-we-did/{entry_id}")
    assert "Progress updates" in page.text() and "The new guide is live" in page.text()
    item = feed_entries(client)[0]
    assert item["updated"] >= before and "The new guide is <strong>live</strong>." in item["content"]
    with app.app_context():
        assert len(audit_actions("entry_update_added")) == 1
    missing = post_form(client, f"{path}/updates", {"text": ""}, token_from=path)
    assert "Enter the date of the update" in check_page_structure(missing).text()


def test_public_list_filters_and_pages(app, client, staff, get_page):
    with app.app_context():
        now = utcnow()
        for number in range(12):
            create_entry(
                f"Entry {number:02d}",
                "health" if number % 2 else "schools",
                "Said",
                "Did",
                status="done" if number < 3 else "planned",
                we_asked="Survey",
                state="published",
                publish_at=now - dt.timedelta(days=number),
            )
        create_entry(
            "Last year",
            "health",
            "Said",
            "Did",
            status="done",
            we_asked="Survey",
            state="published",
            publish_at=dt.datetime(now.year - 1, 6, 1),
        )
    first = get_page("/you-said-we-did")
    assert "13 entries" in first.text()
    assert len(first.select(".council-results li")) == 10
    assert "/you-said-we-did?page=2" in first.links()
    assert len(get_page("/you-said-we-did?page=2").select(".council-results li")) == 3
    health = public_titles(get_page, "?theme=health")
    assert len(health) == 7 and "Entry 01" in health and "Entry 00" not in health
    assert public_titles(get_page, "?status=done&theme=schools") == ["Entry 00", "Entry 02"]
    assert public_titles(get_page, f"?year={dt.date.today().year - 1}") == ["Last year"]
    assert len(public_titles(get_page, "?theme=<script>&status=zzz&year=abc&page=-1")) == 10
    paged = get_page("/you-said-we-did?theme=health&page=1")
    assert "/you-said-we-did?theme=health&page=2" not in paged.links()  # 7 fit on one page


def test_annual_report_groups_the_years_responses_by_topic(app, client, staff, get_page):
    year = dt.date.today().year - 1
    with app.app_context():
        for title, theme, status in [("Short breaks", "social-care", "done"), ("Website", "local-offer", "planned")]:
            create_entry(
                title,
                theme,
                f"About {title}",
                "Did",
                status=status,
                we_asked="Survey",
                you_said_html=f"<p>About {title}</p>",
                we_did_html="<p>Did</p>",
                state="published",
                publish_at=dt.datetime(year, 3, 1),
            )
        create_entry("Draft idea", "health", "x", "y", status="planned", we_asked="", state="draft")
    page = get_page(f"/you-said-we-did/report/{year}")
    assert page.h1 == f"Local Offer feedback report {year}"
    headings = [h.get_text(strip=True) for h in page.select("h3")]
    assert headings == ["Social care and short breaks", "The Local Offer website and information"]
    assert "We published 2 responses this year. 1 of them is done." in page.text()
    assert "Draft idea" not in page.text()
    assert f"/you-said-we-did/report/{year}" in get_page("/you-said-we-did").links()
    get_page(f"/you-said-we-did/report/{year - 5}", status=404)


def test_report_shows_survey_figures_with_small_numbers_suppressed(app, get_page):
    year = clock.today().year
    answers = [("listened", "yes")] * 40 + [("listened", "not-sure")] * 9 + [("listened", "no")] * 3
    answers += [("seen_plan", "yes")] * 20 + [("seen_plan", "no")] * 6
    with app.app_context():
        for number, (kpi, value) in enumerate(answers):
            response = SurveyResponse(
                reference=f"Y{number:07d}",
                submission_key=f"y-{number}",
                survey_id="ehcp-finalisation",
                survey_version="2026.1",
                locale="en",
                channel="invitation",
                submitted_on=dt.date(year, 1, 1),
            )
            response.answers.append(SurveyAnswer(question_id=kpi, value=value, kpi=kpi))
            db.session.add(response)
        db.session.commit()
    page = get_page(f"/you-said-we-did/report/{year}")
    tables = {}
    for table in page.select("table"):
        if table.caption:
            rows = table.select("tbody tr")
            tables[table.caption.get_text(strip=True)] = [
                [c.get_text(strip=True) for c in r.select("th, td")] for r in rows
            ]
    assert tables["Felt listened to"] == [
        ["Yes", "40", "77%"],
        ["No", "not shown", "–"],  # 3, and the 9 "not sure" hide with it so it cannot be worked out
        ["Not sure", "not shown", "–"],
        ["Everyone who answered", "52", ""],
    ]
    # "Have you seen the final plan?" has no "not sure": the report does not invent one.
    assert [row[0] for row in tables["Have seen the final plan"]] == ["Yes", "No", "Everyone who answered"]
    assert "families could skip a question" in page.text()


def test_figure_rows_suppress_small_and_derivable_counts():
    rows = figure_rows(
        [
            {"question": "Q1", "answer": "A", "count": 20, "total": 30},
            {"question": "Q1", "answer": "B", "count": 10, "total": 30},
            {"question": "Q2", "answer": "Yes", "count": 3, "total": 4},
            {"question": "Q2", "answer": "No", "count": 1, "total": 4},
            {"question": "Q3", "answer": "Yes", "count": 30, "total": 36},
            {"question": "Q3", "answer": "No", "count": 2, "total": 36},
            {"question": "Q3", "answer": "Unsure", "count": 4, "total": 36},
        ]
    )
    shown = {(r.question, r.answer): (r.count, r.percent) for r in rows}
    assert shown[("Q1", "A")] == (20, 67) and shown[("Q1", "B")] == (10, 33)
    assert shown[("Q2", "Yes")] == (None, None) and shown[("Q2", "No")] == (None, None)
    assert shown[("Q3", "Yes")] == (30, 83)
    assert shown[("Q3", "No")] == (None, None) and shown[("Q3", "Unsure")] == (None, None)
    # Exactly one small count in a question: the next smallest is hidden too.
    single = figure_rows(
        [
            {"question": "Q", "answer": "Yes", "count": 30, "total": 42},
            {"question": "Q", "answer": "Partly", "count": 8, "total": 42},
            {"question": "Q", "answer": "No", "count": 4, "total": 42},
        ]
    )
    assert [r.count for r in single] == [30, None, None]


def test_the_date_and_time_are_revealed_only_when_scheduling(client, staff, get_page):
    entry_id = write_entry(client)
    page = get_page(f"/staff/you-said-we-did/{entry_id}")
    later = page.soup.select_one("input[name=when][value=later]")
    revealed = page.soup.find(id=later["data-aria-controls"])
    assert "govuk-radios__conditional" in revealed["class"], "GOV.UK's conditional reveal"
    assert revealed.select("input[name=publish_on]") and revealed.select_one("input[name=publish_time]")
    now_option = page.soup.select_one("input[name=when][value=now]")
    assert not now_option.has_attr("data-aria-controls"), "publishing now asks for nothing more"


@pytest.mark.parametrize("lang", ["pl", "ur", "ro", "pa"])
def test_entries_read_in_another_language_say_they_are_in_english(app, get_page, lang):
    with app.app_context():
        entry = create_entry(
            "Quiet rooms",
            "health",
            "Said",
            "Did",
            status="done",
            we_asked="Survey",
            state="published",
            publish_at=utcnow() - dt.timedelta(days=1),
        )
        entry_id = entry.id
    listing = get_page(f"/you-said-we-did?lang={lang}")
    notice = listing.soup.select_one("#untranslated-notice")
    assert notice is not None and notice["lang"] == lang
    assert listing.soup.select_one(".council-results h3")["lang"] == "en"
    page = get_page(f"/you-said-we-did/{entry_id}")
    assert page.soup.select_one("#untranslated-notice")["lang"] == lang
    assert page.soup.find("h1")["lang"] == "en"
    assert {div["lang"] for div in page.select(".council-prose")} == {"en"}


def test_entries_in_english_have_no_notice(app, get_page):
    with app.app_context():
        create_entry("Quiet rooms", state="published", publish_at=utcnow() - dt.timedelta(days=1))
    assert not get_page("/you-said-we-did?lang=en").select("#untranslated-notice")
