"""Invitations: the CSV, hashed single-use tokens, uploads, letters, reissue, marking sent, rates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import unquote

import pytest
from flask import g
from sqlalchemy import select

from app.extensions import db
from app.models.staff import AuditEvent
from app.models.surveys import InvitationStatus, InvitationUpload, SurveyInvitation
from app.surveys import invitations, upload_results
from app.surveys.stats import response_rates

from ..factories import create_invitation, create_user
from ..helpers import act_as, csrf_from, invitation_row
from ..pages import check_page_structure

TODAY = dt.date(2026, 6, 1)
GOOD_AND_BAD = """plan_reference,finalised_date,language,email
KB-2026-00100,2026-03-02,en,parent@example.com
Jane Smith,2026-03-02,en,
KB-2026-00101,2026-02-30,pl,
KB-2026-00102,2027-01-01,,
KB-2026-00103,2026-03-02,klingon,
KB-2026-00104,2026-03-02,en,not-an-email
,2026-03-02,en,
KB-2026-00105,,en,
KB-2026-00100,2026-03-03,en,
KB-2026-00106,04/03/2026,Polish,

KB-2026-00107,2026-03-05,ur,carer@example.org
"""


@pytest.fixture(autouse=True)
def _context(app):
    with app.app_context():
        yield


def test_bad_rows_are_reported_by_line_and_good_rows_kept(app):
    with app.test_request_context():
        rows, problems = invitations.parse_csv(GOOD_AND_BAD, TODAY)
        messages = {p.line: p.message for p in problems}
    assert [r.plan_reference for r in rows] == ["KB-2026-00100", "KB-2026-00106", "KB-2026-00107"]
    assert rows[1].finalised_on == dt.date(2026, 3, 4) and rows[1].language == "pl"
    assert sorted(messages) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "never a name" in messages[3]
    assert "real date" in messages[4]
    assert "today or in the past" in messages[5]
    assert "not offered in “klingon”" in messages[6] and "pl (Polski)" in messages[6]
    assert "email address" in messages[7]
    assert messages[8] == "Enter a plan reference."
    assert messages[9] == "Enter the date the plan was finalised."
    assert messages[10] == "This plan reference is also on line 2."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("reference,date\nKB-1,2026-01-01\n", "Missing: plan_reference, finalised_date"),
    ],
)
def test_files_without_the_right_columns_are_refused(app, text, message):
    with app.test_request_context():
        rows, problems = invitations.parse_csv(text, TODAY)
    assert rows == [] and message in problems[0].message and problems[0].line == 1


def test_tokens_and_codes_are_stored_only_as_hashes():
    invitation_id, token, code = create_invitation("KB-2026-00200")
    assert len(token) >= 22, "at least 128 bits"
    assert len(code) == 10 and set(code) <= set(invitations.CODE_ALPHABET)
    row = invitation_row(invitation_id)
    stored = " ".join(str(v) for v in vars(row).values())
    assert token not in stored and code not in stored
    assert row.token_hash == invitations.digest(token) and row.code_hash == invitations.digest(code)
    assert (row.expires_at - row.created_at).days == 90
    assert invitations.find_by_token(token).id == invitation_id
    assert invitations.find_by_code(invitations.format_code(code).lower()).id == invitation_id


def test_uploading_the_same_plans_again_does_not_duplicate():
    rows = [invitations.InvitationRow(2, "KB-2026-00300", TODAY, "en", None)]
    first = invitations.create_invitations("ehcp-finalisation", rows)
    db.session.commit()
    again = invitations.create_invitations("ehcp-finalisation", rows)
    assert len(first.created) == 1 and again.created == []
    assert [line for line, _inv in again.already_invited] == [2]
    other_survey = invitations.create_invitations("young-person", rows)
    db.session.commit()
    assert len(other_survey.created) == 1, "the young person's survey is separate"
    assert len(db.session.scalars(select(SurveyInvitation)).all()) == 2


def test_expired_is_worked_out_from_the_expiry():
    invitation_id, _token, _code = create_invitation("KB-2026-00400", now=dt.datetime(2026, 1, 1), days=90)
    row = invitation_row(invitation_id)
    assert row.status == InvitationStatus.CREATED
    assert row.effective_status(dt.datetime(2026, 3, 31)) == InvitationStatus.CREATED
    assert row.effective_status(dt.datetime(2026, 4, 2)) == InvitationStatus.EXPIRED
    row.status = InvitationStatus.COMPLETED.value
    assert row.effective_status(dt.datetime(2027, 1, 1)) == InvitationStatus.COMPLETED


def test_mail_merge_file_has_the_columns_and_defuses_formulas(app):
    row = invitations.InvitationRow(2, "KB-2026-00500", TODAY, "pl", "=cmd@example.com")
    result = invitations.create_invitations("ehcp-finalisation", [row])
    db.session.commit()
    text = invitations.mail_merge_csv(result.created, lambda token: f"https://portal.example/s/{token}")
    [record] = list(csv.DictReader(io.StringIO(text)))
    assert list(record) == ["reference", "link", "code", "expiry", "language", "email"]
    assert record["link"] == f"https://portal.example/s/{result.created[0].token}"
    assert record["code"] == invitations.format_code(result.created[0].code)
    assert record["language"] == "pl" and record["email"] == "'=cmd@example.com"


def test_flask_surveys_invite(app, runner, tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text(GOOD_AND_BAD, encoding="utf-8")
    out = tmp_path / "merge.csv"
    args = ["surveys", "invite", str(path), "--base-url", "https://portal.example", "--out", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 1, "problems give a non-zero exit"
    assert "Line 3:" in result.output and "3 invited" in result.output
    records = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["reference"] for r in records] == ["KB-2026-00100", "KB-2026-00106", "KB-2026-00107"]
    assert all(r["link"].startswith("https://portal.example/s/") for r in records)
    again = runner.invoke(args=args)
    assert "0 invited, 3 already invited" in again.output
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey_invitations_uploaded")).all()
    assert [e.detail["count"] for e in events] == [3, 0]


# Officers' pages -----------------------------------------------------------------------


@pytest.fixture()
def officer_client(app, client):
    act_as(client, create_user("officer"))
    return client


def upload(client, text: str, survey: str = "ehcp-finalisation"):
    token = csrf_from(client.get("/staff/surveys/upload").get_data(as_text=True))
    data = {"csrf_token": token, "survey": survey, "file": (io.BytesIO(text.encode()), "plans.csv")}
    return client.post("/staff/surveys/upload", data=data, content_type="multipart/form-data")


def test_officer_uploads_and_gets_letters_and_mail_merge_after_a_redirect(app, officer_client):
    posted = upload(officer_client, GOOD_AND_BAD.replace("2027-01-01", "2099-01-01"))
    assert posted.status_code == 303 and posted.headers["Location"].startswith("/staff/surveys/uploads/")
    response = officer_client.get(posted.headers["Location"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = check_page_structure(response)
    assert page.h1 == "Invitations made"
    problems = [li.get_text(" ", strip=True) for li in page.select(".council-row-problems li")]
    assert len(problems) == 8 and problems[0].startswith("Line 3:")
    letters = page.select(".council-letter")
    assert len(letters) == 3
    assert "Dear parent or carer" in letters[0].get_text()
    links = {a["href"] for a in page.select("a[download]")}
    [merge] = links
    rows = list(csv.DictReader(io.StringIO(unquote(merge.split(",", 1)[1]))))
    assert len(rows) == 3
    token = rows[0]["link"].rsplit("/", 1)[1]
    assert token in letters[0].get_text() and rows[0]["code"] in letters[0].get_text()
    assert invitations.find_by_token(token).plan_reference == rows[0]["reference"]
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey_invitations_uploaded"))
    assert event.detail == {"survey": "ehcp-finalisation", "rows": 11, "count": 3}

    reloaded = check_page_structure(officer_client.get(posted.headers["Location"]))
    assert [a["href"] for a in reloaded.select("a[download]")] == [merge], "a reload shows the same links"
    assert len(db.session.scalars(select(SurveyInvitation)).all()) == 3, "and never uploads again"
    stored = db.session.scalar(select(InvitationUpload))
    assert token not in stored.sealed and rows[0]["code"] not in stored.sealed, "never kept in clear"

    again = check_page_structure(officer_client.get(upload(officer_client, GOOD_AND_BAD).headers["Location"]))
    assert not again.select(".council-letter")
    assert "Already invited" in again.text()


def _switch_to(client, user) -> None:
    """Act as another member of staff (the module's app context would keep the first one signed in)."""
    act_as(client, user)
    g.pop("_login_user", None)


def test_upload_links_are_for_the_officer_who_made_them_and_only_for_a_day(app, officer_client, client):
    location = upload(officer_client, "plan_reference,finalised_date\nKB-2026-00900,2026-05-01\n").headers["Location"]
    _switch_to(client, create_user("officer", email="another-officer@kelderbridge.example"))
    assert client.get(location).status_code == 404, "another officer cannot see them"
    _switch_to(client, create_user("admin", email="admin-upload@kelderbridge.example"))
    assert client.get(location).status_code == 200, "an administrator can"

    kept = db.session.scalar(select(InvitationUpload))
    assert kept.expires_at - kept.created_at == dt.timedelta(hours=24)
    kept.expires_at = dt.datetime(2026, 1, 1)  # a day has gone by
    db.session.commit()
    gone = client.get(location)
    assert gone.status_code == 410 and gone.headers["Cache-Control"] == "no-store"
    assert check_page_structure(gone).h1 == "These links and codes are no longer available"
    assert db.session.scalar(select(InvitationUpload)) is None, "deleted once expired"


def test_expired_upload_results_are_deleted_by_the_daily_run(app):
    row = invitations.InvitationRow(2, "KB-1", TODAY, "en", None)
    issued = invitations.create_invitations("ehcp-finalisation", [row])
    now = dt.datetime(2026, 6, 1, 9, 0)
    kept = upload_results.keep(issued, "ehcp-finalisation", None, 99, now)
    assert kept.expires_at == now + dt.timedelta(hours=24), "never longer than a day"
    assert upload_results.read(kept, now).created[0].token == issued.created[0].token
    assert upload_results.purge(now + dt.timedelta(hours=23)) == 0
    assert upload_results.read(kept, now + dt.timedelta(hours=24)) is None
    assert upload_results.purge(now + dt.timedelta(hours=24)) == 1


def test_upload_needs_a_file_and_a_survey(officer_client):
    token = csrf_from(officer_client.get("/staff/surveys/upload").get_data(as_text=True))
    response = officer_client.post("/staff/surveys/upload", data={"csrf_token": token})
    page = check_page_structure(response)
    errors = [a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")]
    assert errors == ["Select which survey to invite families to", "Select a CSV file of finalised plans"]
    assert page.title.startswith("Error: ")


def test_mark_sent_and_overview_rates(app, officer_client):
    ids = [create_invitation(f"KB-2026-0070{i}")[0] for i in range(4)]
    page = check_page_structure(officer_client.get("/staff/surveys/invitations?status=created"))
    token = csrf_from(page.response.get_data(as_text=True))
    response = officer_client.post(
        "/staff/surveys/invitations?status=created",
        data={"csrf_token": token, "invitation": [str(ids[0]), str(ids[1]), str(ids[2])]},
    )
    assert response.status_code == 302
    assert [invitation_row(i).status for i in ids] == ["sent", "sent", "sent", "created"]
    invitations.mark_opened(invitation_row(ids[0]), TODAY)
    db.session.commit()
    [march] = response_rates(dt.datetime(2026, 6, 1))["ehcp-finalisation"]
    assert (march.invited, march.sent, march.opened, march.completed) == (4, 3, 1, 0)
    assert march.sent_percent == 75 and march.completed_percent == 0
    overview = check_page_structure(officer_client.get("/staff/surveys/"))
    assert "Target: 100% of families are sent a survey" in overview.text()
    cells = [td.get_text(" ", strip=True) for td in overview.select("table.council-rates tbody td")]
    assert cells[:3] == ["4", "3", "75% Below target"]
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey_invitations_sent"))
    assert event.detail["count"] == 3


def test_reissue_replaces_the_link_and_code(app, officer_client, client):
    invitation_id, old_token, old_code = create_invitation("KB-2026-00800")
    page = check_page_structure(officer_client.get(f"/staff/surveys/invitations/{invitation_id}"))
    token = csrf_from(page.response.get_data(as_text=True))
    response = officer_client.post(f"/staff/surveys/invitations/{invitation_id}/reissue", data={"csrf_token": token})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    letter = check_page_structure(response).soup.select_one(".council-letter").get_text(" ", strip=True)
    assert old_token not in letter
    assert invitations.find_by_token(old_token) is None and invitations.find_by_code(old_code) is None
    new_token = next(word for word in letter.split() if "/s/" in word).rsplit("/", 1)[1]
    assert invitations.find_by_token(new_token).id == invitation_id
    assert invitation_row(invitation_id).issue_count == 2

    row = invitation_row(invitation_id)
    row.status = InvitationStatus.COMPLETED.value
    db.session.commit()
    refused = officer_client.post(f"/staff/surveys/invitations/{invitation_id}/reissue", data={"csrf_token": token})
    assert refused.status_code == 302
    assert invitations.find_by_token(new_token).id == invitation_id, "a completed invitation keeps its link"


def test_sendiass_staff_cannot_see_invitations(app, client):
    act_as(client, create_user("sendiass"))
    assert client.get("/staff/surveys/").status_code == 403
    assert client.get("/staff/surveys/upload").status_code == 403


def test_a_plan_reference_is_normalised_on_the_way_in(app):
    text = (
        "plan_reference,finalised_date\nkb-2026-00123,2026-05-01\nKB-2026-00123 ,2026-05-01\nkb 2026-00124,2026-05-02\n"
    )
    with app.test_request_context():
        rows, problems = invitations.parse_csv(text, TODAY)
    assert [r.plan_reference for r in rows] == ["KB-2026-00123", "KB2026-00124"]
    assert [p.line for p in problems] == [3]  # the same plan, spelt differently, on line 2


def test_the_same_plan_in_another_case_is_not_invited_twice():
    lower = [invitations.InvitationRow(2, "kb-2026-00123", TODAY, "en", None)]
    upper = [invitations.InvitationRow(2, "KB-2026-00123", TODAY, "en", None)]
    first = invitations.create_invitations("ehcp-finalisation", lower)
    again = invitations.create_invitations("ehcp-finalisation", upper)
    assert len(first.created) == 1 and again.created == []
    assert [inv.plan_reference for inv in db.session.scalars(select(SurveyInvitation))] == ["KB-2026-00123"]


def test_staff_pages_name_surveys_by_audience(app, officer_client):
    create_invitation("KB-2026-00950")
    listed = check_page_structure(officer_client.get("/staff/surveys/invitations"))
    cells = [td.get_text(strip=True) for td in listed.select("tbody td")]
    assert "Parents and carers: EHC plan" in cells and "ehcp-finalisation" not in cells
    options = [o.get_text(strip=True) for o in listed.select("select option")]
    assert "Young person (easy read)" in options
    form = check_page_structure(officer_client.get("/staff/surveys/upload"))
    labels = [label.get_text(strip=True) for label in form.select("label.govuk-radios__label")]
    assert labels == ["Parents and carers: EHC plan", "Young person (easy read)"]
    g.pop("language", None)  # the module's app context would keep the first request's language
    polish = check_page_structure(officer_client.get("/staff/surveys/invitations?lang=pl"))
    assert "Rodzice i opiekunowie: plan EHC" in [td.get_text(strip=True) for td in polish.select("tbody td")]
