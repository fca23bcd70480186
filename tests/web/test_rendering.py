"""The faster rendering paths give exactly the HTML Jinja's own would."""

from __future__ import annotations

import itertools

import pytest
from jinja2 import DictLoader
from jinja2.filters import do_indent
from markupsafe import Markup

from app import ImportingTemplate
from app.web.template_helpers import indent

TEXTS = ["", "a", "a\nb", "a\n\nb\n", "\n", "x\r\ny\n  z", "<b>\n&amp;\n", "line\n\n\n"]


@pytest.mark.parametrize("text", [*TEXTS, *(Markup(t) for t in TEXTS)])
def test_indent_is_jinjas_indent(text):
    for width, first, blank in itertools.product([0, 2, "<>"], [False, True], [False, True]):
        ours, jinjas = indent(text, width, first, blank), do_indent(text, width, first, blank)
        assert ours == jinjas
        assert type(ours) is type(jinjas)


def test_an_imported_template_still_sees_globals_its_importer_was_given(app):
    """Only an import that brings nothing new reuses the imported template's module."""
    env = app.jinja_env.overlay(
        loader=DictLoader(
            {
                "macros.html": "{% macro who() %}{{ visitor | default('nobody') }}{% endmacro %}",
                "page.html": '{% from "macros.html" import who %}{{ who() }}',
            }
        )
    )
    assert env.template_class is ImportingTemplate
    assert env.get_template("page.html").render() == "nobody"
    assert env.get_template("page.html", globals={"visitor": "a parent"}).render() == "a parent"
