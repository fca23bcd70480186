"""Control characters out of every piece of text the portal takes in or writes out.

C0 control characters (other than tab and newline) come in with text pasted from Word
(vertical tab, form feed) or typed on purpose (NUL). PostgreSQL refuses NUL in text, and
XML (the Atom feeds) and XLSX refuse most of the others. Every form field and query
parameter is cleaned once, as the request is read (`CleanRequest`); text already stored is
cleaned again when it is written into a feed or a spreadsheet.
"""

from __future__ import annotations

import re

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property

#: C0 control characters except tab (\x09) and newline (\x0a); carriage returns are made newlines first.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f]")


def clean_text(value: str) -> str:
    """`value` without control characters; Windows and old Mac line ends become newlines."""
    if not value:
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", value)


def clean_multidict(values: MultiDict) -> ImmutableMultiDict:
    """A copy of form or query values with every value cleaned (keys too)."""
    return ImmutableMultiDict(
        [
            (clean_text(key), clean_text(value) if isinstance(value, str) else value)
            for key, value in values.items(multi=True)
        ]
    )


class CleanRequest(Request):
    """A request whose form fields and query parameters never hold control characters."""

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        return clean_multidict(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if "form" in self.__dict__:
            self.__dict__["form"] = clean_multidict(self.__dict__["form"])
