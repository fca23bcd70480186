"""What the tests of "You said, we did" entries and of updates share: a new draft and Publish
through the staff forms, and reading an Atom feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from flask.testing import FlaskClient

from ..helpers import post_form
from ..pages import check_page_structure

ATOM = "{http://www.w3.org/2005/Atom}"


def create_draft(client: FlaskClient, staff_list: str, data: dict) -> int:
    """Save a new draft through the form at `{staff_list}/new`; returns its id (from where it goes next)."""
    response = post_form(client, f"{staff_list}/new", data)
    assert response.status_code == 302, check_page_structure(response).text()
    return int(re.search(rf"{re.escape(staff_list)}/(\d+)$", response.headers["Location"]).group(1))


def press_publish(client: FlaskClient, page: str, **data):
    """Press Publish on the item's staff page (now, unless `data` chooses a date and time)."""
    return post_form(client, f"{page}/publish", {"when": "now", **data}, token_from=page)


def read_feed(client: FlaskClient, path: str) -> ET.Element:
    """The Atom feed at `path`, parsed, once it has answered as one."""
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)
