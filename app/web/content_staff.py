"""Officers' view of the content: which Schedule 2 items the Local Offer covers, and where."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from ..content.schedule2 import coverage
from ..models.staff import Role
from ..services import content_store
from .auth import role_required
from .staff import add_tool

bp = Blueprint("content_staff", __name__, url_prefix="/staff/content")

add_tool(
    "content_staff.coverage_table",
    _l("Schedule 2 coverage"),
    _l("Which of the things a Local Offer must contain each page covers, and any gaps."),
    Role.OFFICER,
)


@bp.route("/coverage")
@role_required(Role.OFFICER)
def coverage_table():
    """Every Schedule 2 item with the pages covering it; gaps are marked as missing."""
    rows = coverage(content_store())
    return render_template("staff/coverage.html", rows=rows, missing=sum(row.missing for row in rows))
