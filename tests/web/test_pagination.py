"""One reading of ?page= for every list and for search."""

from __future__ import annotations

import pytest

from app.web.pagination import page_number


@pytest.mark.parametrize(
    ("raw", "last", "expected"),
    [
        (None, 99_999, 1),
        ("", 99_999, 1),
        ("3", 99_999, 3),
        (" 4 ", 99_999, 4),
        ("0", 99_999, 1),
        ("-2", 99_999, 1),
        ("zz", 99_999, 1),
        ("²", 99_999, 1),
        ("2000", 1000, 1000),
    ],
)
def test_page_number(app, raw, last, expected):
    query = {} if raw is None else {"page": raw}
    with app.test_request_context("/", query_string=query):
        assert page_number(last=last) == expected


@pytest.mark.parametrize("path", ["/you-said-we-did?page=²", "/updates?page=٣", "/search?q=school&page=²"])
def test_a_page_number_in_other_digits_is_the_first_page_not_an_error(client, path):
    """A superscript or Arabic-Indic digit passed isdigit() but not int(): a 500 before."""
    assert client.get(path).status_code == 200
