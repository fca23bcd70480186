"""The staff area: every route needs sign-in and the right role; user management; the audit log."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import unquote

import pytest
from werkzeug.routing import Rule

from app.content import editing
from app.extensions import db
from app.models.staff import AUDIT_ACTION_LABELS, Role, User, record_event

from ..factories import create_comment, create_entry, create_post, create_problem_report, create_user
from ..helpers import act_as, audit_actions, csrf_token, open_link, post_form, sign_in, signed_in_as
from ..pages import check_page_structure

ROLES = [role.value for role in Role]

#: The least role each of these staff pages needs. Routes added by other areas are
#: checked against the role their view declares with @role_required.
EXPECTED_ROLE = {
    "staff.dashboard": "sendiass",
    "staff.moderation": "officer",
    "staff.moderate": "officer",
    "staff.users": "admin",
    "staff.new_user": "admin",
    "staff.user": "admin",
    "staff.deactivate_user": "admin",
    "staff.reactivate_user": "admin",
    "staff.password_link": "admin",
    "staff.unlock_user": "admin",
    "staff.audit": "admin",
    "yswd_staff.entries": "sendiass",
    "yswd_staff.new_entry": "sendiass",
    "yswd_staff.entry": "sendiass",
    "yswd_staff.edit_entry": "sendiass",
    "yswd_staff.publish_entry": "sendiass",
    "yswd_staff.archive_entry": "sendiass",
    "yswd_staff.add_update": "sendiass",
    "yswd_staff.revisions": "sendiass",
    "yswd_staff.draft_entry": "sendiass",
    "updates_staff.posts": "sendiass",
    "updates_staff.new_post": "sendiass",
    "updates_staff.edit_post": "sendiass",
    "updates_staff.publish_post": "sendiass",
    "updates_staff.archive_post": "sendiass",
    "updates_staff.draft_post": "sendiass",
    "search_staff.searches": "officer",
    "search_staff.add_search_word": "officer",
    # Editing the Local Offer: SENDIASS staff draft and propose; officers publish, approve, restore and retire.
    "content_edit.index": "sendiass",
    "content_edit.edit": "sendiass",
    "content_edit.new": "sendiass",
    "content_edit.revision": "sendiass",
    "content_edit.preview": "sendiass",
    "content_edit.submit": "sendiass",
    "content_edit.history": "sendiass",
    "content_edit.glossary": "sendiass",
    "content_edit.glossary_history": "sendiass",
    "content_edit.edit_term": "sendiass",
    "content_edit.new_term": "sendiass",
    "content_edit.restore": "officer",
    "content_edit.restore_file": "officer",
    "content_edit.retire": "officer",
    "content_edit.queue": "officer",
    "content_edit.approve": "officer",
    "content_edit.approve_edited": "officer",
    "content_edit.reject": "officer",
    "content_staff.data_quality": "officer",
    "content_staff.data_quality_csv": "officer",
    "content_staff.problem_reports": "officer",
    "content_staff.close_problem_report": "officer",
    "messages_staff.problems": "officer",
    "messages_staff.retry_message": "officer",
    "survey_staff.upload": "officer",
    "survey_staff.upload_result": "officer",
    "survey_rates.response_rate_page": "officer",
}


def staff_rules(app) -> list[Rule]:
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff/")]
    assert rules, "the staff area has routes"
    return rules


def required_role(app, rule: Rule) -> str:
    declared = getattr(app.view_functions[rule.endpoint], "required_role", None)
    assert declared is not None, f"{rule.rule} is not protected by @role_required"
    expected = EXPECTED_ROLE.get(rule.endpoint)
    if expected is not None:
        assert declared.value == expected, f"{rule.endpoint} needs {expected}, declares {declared.value}"
    return declared.value


def path_for(rule: Rule, ids: dict[str, object]) -> str:
    def value(name: str) -> str:
        return str(ids.get(name, 1))

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: value(m.group(1)), rule.rule)


def methods(rule: Rule) -> list[str]:
    return [m for m in ("GET", "POST") if m in (rule.methods or set())]


@pytest.fixture()
def sample_ids(app) -> dict[str, object]:
    """Rows for the routes that take an id, so each role meets a real page."""
    with app.app_context():
        target = create_user("sendiass", email="target@kelderbridge.example")
        comment = create_comment("The travel page was clear.", source="page_feedback", locale="en")
        entry = create_entry("Sample", "local-offer", "You said", "We did")
        post = create_post("Sample", "Body")
        report = create_problem_report()
        proposal = editing.propose_change(
            "services/all-wheels-adapted-cycling", {"opening_times": "Sundays"}, None, source="provider", note="Sample"
        )
        return {
            "user_id": target.id,
            "comment_id": comment.id,
            "entry_id": entry.id,
            "post_id": post.id,
            "report_id": report.id,
            "revision_id": proposal.id,
            "number": 1,
            "kind": "services",
            "slug": "all-wheels-adapted-cycling",
            "upload_id": uuid.uuid4(),  # no such upload: a 404 for whoever may look
        }


def test_anonymous_visitors_are_sent_to_sign_in_from_every_staff_route(app, client, sample_ids, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    for rule in staff_rules(app):
        required_role(app, rule)
        path = path_for(rule, sample_ids)
        for method in methods(rule):
            response = client.open(path, method=method)
            assert response.status_code == 302, f"{method} {path}: {response.status_code}"
            location = response.headers["Location"]
            expected = f"/sign-in?next={path}" if method == "GET" else "/sign-in"
            assert unquote(location) == expected, f"{method} {path} -> {location}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_what_it_should(app, client, sample_ids, monkeypatch, role):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    with app.app_context():
        user = create_user(role, email=f"matrix-{role}@kelderbridge.example")
    reached, refused = set(), set()
    for rule in staff_rules(app):
        allowed = Role(role).includes(required_role(app, rule))
        path = path_for(rule, sample_ids)
        for method in methods(rule):
            act_as(client, user)
            response = client.open(path, method=method)
            status = response.status_code
            if allowed:
                assert status not in (403, 500), f"{role} {method} {path}: {status}"
                assert not response.headers.get("Location", "").startswith("/sign-in"), f"{role} {method} {path}"
                if method == "GET" and status == 200 and response.mimetype == "text/html":
                    page = check_page_structure(response)
                    for fieldset in page.select("main fieldset"):
                        assert fieldset.find("legend"), f"{path}: a fieldset without a legend"
                reached.add(rule.endpoint)
            else:
                assert status == 403, f"{role} {method} {path} should be refused, got {status}"
                assert check_page_structure(response).h1 == "You do not have permission to see this page"
                refused.add(rule.endpoint)
    assert "staff.dashboard" in reached
    assert ("staff.audit" in reached) == (role == "admin")
    assert ("staff.moderation" in reached) == (role in ("officer", "admin"))
    assert not reached & refused


def test_dashboard_lists_the_tools_each_role_can_use(app, client, get_page):
    with app.app_context():
        users = {role: create_user(role, email=f"dash-{role}@kelderbridge.example") for role in ROLES}
    links = {}
    for role, user in users.items():
        act_as(client, user)
        links[role] = set(get_page("/staff/").links())
    assert "/staff/audit" in links["admin"] and "/staff/users" in links["admin"]
    assert "/staff/moderation" in links["officer"] and "/staff/audit" not in links["officer"]
    assert "/staff/moderation" not in links["sendiass"] and "/staff/users" not in links["sendiass"]


def test_admin_adds_an_account_and_gets_a_one_time_link(app, client, get_page):
    with app.app_context():
        admin = create_user("admin", email="admin@kelderbridge.example")
    sign_in(client, admin.email)
    page = get_page("/staff/users/new")
    assert page.h1 == "Add a staff account"
    response = post_form(client, "/staff/users/new", {"email": "Nia@Kelderbridge.example", "role": "officer"})
    page = check_page_structure(response)
    assert page.h1 == "Account added"
    link = page.select("code")[0].get_text()
    assert "/set-password/" in link
    with app.app_context():
        created = User.by_email("nia@kelderbridge.example")
        assert created.role == "officer" and created.password_hash is None
        (event,) = audit_actions("user_created")
        assert event.user_id == admin.id and event.target_id == str(created.id) and event.detail == {"role": "officer"}
    # The new member of staff uses the link.
    chosen = check_page_structure(open_link(app.test_client(), link.split("localhost", 1)[1]))
    assert chosen.h1 == "Choose your password" and "nia@kelderbridge.example" in chosen.text()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": "officer"}, "Enter an email address"),
        ({"email": "not an email", "role": "officer"}, "Enter an email address in the correct format"),
        ({"email": "nia@kelderbridge.example"}, "Select a role"),
        ({"email": "nia@kelderbridge.example", "role": "boss"}, "Not a valid choice"),
        ({"email": "admin@kelderbridge.example", "role": "officer"}, "There is already an account with this email"),
    ],
)
def test_add_account_errors(app, client, data, message):
    signed_in_as(app, client, "admin", email="admin@kelderbridge.example")
    response = post_form(client, "/staff/users/new", data)
    page = check_page_structure(response)
    assert page.title.startswith("Error: ")
    assert message in page.select(".govuk-error-summary")[0].get_text()
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_admin_changes_a_role_and_deactivates_an_account(app, client, get_page):
    with app.app_context():
        admin = create_user("admin", email="admin@kelderbridge.example")
        staff = create_user("sendiass", email="sal@kelderbridge.example")
    act_as(client, admin)
    response = post_form(client, f"/staff/users/{staff.id}", {"role": "officer"})
    assert response.headers["Location"] == "/staff/users"
    assert "Role changed for sal@kelderbridge.example" in get_page("/staff/users").text()
    response = post_form(client, f"/staff/users/{staff.id}/deactivate", token_from=f"/staff/users/{staff.id}")
    assert response.status_code == 302
    with app.app_context():
        changed = db.session.get(User, staff.id)
        assert changed.role == "officer" and not changed.active
        (role_event,) = audit_actions("user_role_changed")
        assert role_event.detail == {"old_role": "sendiass", "new_role": "officer"}
        assert len(audit_actions("user_deactivated")) == 1
    other = app.test_client()
    assert "Enter a correct email address" in check_page_structure(sign_in(other, "sal@kelderbridge.example")).text()
    post_form(client, f"/staff/users/{staff.id}/reactivate", token_from=f"/staff/users/{staff.id}")
    assert sign_in(other, "sal@kelderbridge.example").status_code == 302


def test_admins_cannot_demote_or_deactivate_themselves(app, client, get_page):
    admin = signed_in_as(app, client, "admin", email="admin@kelderbridge.example")
    response = post_form(client, f"/staff/users/{admin.id}", {"role": "sendiass"})
    assert "You cannot change your own role" in check_page_structure(response).text()
    post_form(client, f"/staff/users/{admin.id}/deactivate", token_from=f"/staff/users/{admin.id}")
    with app.app_context():
        unchanged = db.session.get(User, admin.id)
        assert unchanged.role == "admin" and unchanged.active


def test_staff_forms_need_a_csrf_token(app, client):
    with app.app_context():
        admin = create_user("admin", email="admin@kelderbridge.example")
        staff = create_user("sendiass", email="sal@kelderbridge.example")
    act_as(client, admin)
    assert client.post(f"/staff/users/{staff.id}/deactivate").status_code == 400
    with app.app_context():
        assert db.session.get(User, staff.id).active


def test_audit_log_filters_by_action_and_pages(app, client, get_page):
    with app.app_context():
        admin = create_user("admin", email="admin@kelderbridge.example")
        for number in range(60):
            record_event("entry_published", target_type="entry", target_id=number)
        record_event("export_downloaded", format="csv", rows=12)
        db.session.commit()
    act_as(client, admin)
    page = get_page("/staff/audit?action=export_downloaded")
    rows = page.select("tbody tr")
    assert len(rows) == 1 and "format: csv, rows: 12" in rows[0].get_text()
    first = get_page("/staff/audit?action=entry_published")
    assert len(first.select("tbody tr")) == 50
    assert "/staff/audit?action=entry_published&page=2" in first.links()
    second = get_page("/staff/audit?action=entry_published&page=2")
    assert len(second.select("tbody tr")) == 10
    assert get_page("/staff/audit?action=nonsense&page=zz").select("tbody tr")


def test_audit_detail_refuses_free_text(app):
    with app.app_context(), pytest.raises(ValueError):
        record_event("comment_moderated", text="My son Tom at Riverside School...")
    with app.app_context():
        event = record_event("export_downloaded", format="x" * 500)
        assert len(event.detail["format"]) == 64
        db.session.rollback()


def test_sign_out_button_is_on_every_staff_page(app, client, get_page):
    signed_in_as(app, client, "admin", email="admin@kelderbridge.example")
    page = get_page("/staff/")
    form = page.soup.find("form", action="/sign-out")
    assert form is not None and form.find("input", attrs={"name": "csrf_token"})
    assert csrf_token(client, "/staff/")


def test_audit_log_names_its_events_beside_their_codes(app, client, get_page):
    with app.app_context():
        admin = create_user("admin", email="admin-names@kelderbridge.example")
        record_event("survey_invitations_uploaded", target_type="survey", target_id="ehcp-finalisation")
        db.session.commit()
    act_as(client, admin)
    page = get_page("/staff/audit")
    cell = page.select("tbody tr td")[2].get_text(" ", strip=True)
    assert cell == "Survey invitations uploaded survey_invitations_uploaded"
    options = [o.get_text(strip=True) for o in page.select("select#action option")]
    assert "Survey invitations uploaded (survey_invitations_uploaded)" in options


def test_every_audit_event_the_portal_records_has_a_name():
    """The audit log's one vocabulary names every code recorded anywhere in the code."""
    source = "\n".join(path.read_text() for path in Path("app").rglob("*.py"))
    recorded = set(re.findall(r'record_event\(\s*"([a-z_]+)"', source))
    recorded |= set(re.findall(r'"action": "([a-z_]+)"', source))
    recorded |= {
        f"{kind}_{verb}" for kind in ("entry", "news") for verb in re.findall(r'audit\(\w+, "([a-z_]+)"', source)
    }
    recorded |= {
        f"{kind}_{verb}" for kind in ("entry", "news") for verb in ("created", "edited", "published", "scheduled")
    }
    assert recorded - {"news_update_added"} <= set(AUDIT_ACTION_LABELS), recorded - set(AUDIT_ACTION_LABELS)
