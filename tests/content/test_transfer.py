"""`flask content export` and `flask content import`: markdown stays the format."""

from __future__ import annotations

import datetime as dt
import filecmp
import shutil
from pathlib import Path

import pytest

from app.content import editing
from app.content.check import check_content
from app.extensions import db
from app.web import site_paths

from ..helpers import audit_actions

PAGE = "services/all-wheels-adapted-cycling"


def _same_tree(left: Path, right: Path) -> list[str]:
    """Files that differ, or exist on one side only."""
    comparison = filecmp.dircmp(left, right)
    found = [*comparison.left_only, *comparison.right_only, *comparison.diff_files]
    for name in comparison.common_files:
        if (left / name).read_bytes() != (right / name).read_bytes():
            found.append(name)
    for sub in comparison.common_dirs:
        found += [f"{sub}/{name}" for name in _same_tree(left / sub, right / sub)]
    return sorted(set(found))


def test_export_writes_untouched_pages_byte_for_byte_and_edits_that_pass_the_check(app, runner, tmp_path):
    with app.app_context():
        editing.publish_change(PAGE, {"opening_times": "Saturdays, 9am to 11am"}, None, note="Hours")
        editing.retire("services/ashby-vale-holiday-club", note="Closed", author_id=None)
        db.session.commit()
    target = tmp_path / "export"
    result = runner.invoke(args=["content", "export", str(target)])
    assert result.exit_code == 0, result.output
    content_dir = Path(app.config["CONTENT_DIR"])
    differ = _same_tree(content_dir, target)
    assert differ == [
        ".published.json",
        "services/all-wheels-adapted-cycling.md",
        "services/ashby-vale-holiday-club.md",
    ]
    assert "opening_times: Saturdays, 9am to 11am" in (target / f"{PAGE}.md").read_text()
    assert not (target / "services/ashby-vale-holiday-club.md").exists()
    with app.app_context():
        errors = [p for p in check_content(target, dt.date(2026, 12, 4), site_paths(app)) if p.severity == "error"]
    assert errors == []


def test_import_publishes_changed_pages_and_reports_pages_edited_in_the_browser(app, runner, tmp_path):
    folder = tmp_path / "git"
    shutil.copytree(app.config["CONTENT_DIR"], folder)
    edited = folder / f"{PAGE}.md"
    edited.write_text(edited.read_text().replace("Riverside Park Pavilion", "Riverside Park Café"))
    other = folder / "services/ashby-vale-holiday-club.md"
    other.write_text(other.read_text().replace("summary: ", "summary: New. ", 1))
    with app.app_context():
        browser = editing.publish_change(
            "services/ashby-vale-holiday-club", {"opening_times": "Weekdays"}, None, note="Browser"
        ).id
        db.session.commit()
    result = runner.invoke(args=["content", "import", str(folder)])
    assert result.exit_code == 1
    assert f"{PAGE}: published" in result.output
    assert "services/ashby-vale-holiday-club: CONFLICT: changed in the browser" in result.output
    with app.app_context():
        assert "Riverside Park Café" in editing.current_text(PAGE)
        assert editing.published_revision("services/ashby-vale-holiday-club").id == browser
        assert [e.target_id for e in audit_actions("content_imported")] == [PAGE]


@pytest.mark.parametrize("broken", ["category: sweets", "title: ''"])
def test_import_publishes_nothing_when_a_page_fails_the_check(app, runner, tmp_path, broken):
    folder = tmp_path / "git"
    shutil.copytree(app.config["CONTENT_DIR"], folder)
    good = folder / f"{PAGE}.md"
    good.write_text(good.read_text().replace("Riverside Park Pavilion", "Riverside Park Café"))
    bad = folder / "services/ashby-vale-holiday-club.md"
    key = broken.split(":")[0]
    bad.write_text(
        "\n".join(broken if line.startswith(f"{key}:") else line for line in bad.read_text().splitlines()) + "\n"
    )
    result = runner.invoke(args=["content", "import", str(folder)])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    with app.app_context():
        assert editing.published_revision(PAGE) is None
