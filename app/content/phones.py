"""Phone numbers as `tel:` links, so a family on a phone can call with one tap.

Content authors write numbers as they would on paper ("0113 496 0100", "+44 20 7946 0860",
"call 999", "NHS 111"); the renderer links every one, and the interface links the numbers it
fills into sentences. Years, ages, "20 weeks", postcodes, dates and reference codes are not
phone numbers and stay as they are.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

#: UK numbers: 0 and 9 or 10 more digits, or +44 (0) and 9 or 10, spaced or hyphenated in any
#: groups; the emergency numbers 999 and 112; NHS 111 and Samaritans' 116 123 where the text
#: says so. Never part of a longer run of digits, letters, or a code joined by - / or .
PHONE_NUMBER = re.compile(
    r"(?<![\w+/.\-£$€])"
    r"(?:"
    r"(?:\+44[ \-]?(?:\(0\)[ \-]?)?|\(?0)\d{1,4}\)?(?:[ \-]?\d){6,9}"
    r"|999|112"
    r"|(?:(?<=NHS )|(?<=NHS\xa0))111"
    r"|116[ \-]?123"
    r")"
    r"(?![\w/\-]|\.\d)"
)
#: Digits a UK number has after its leading 0.
UK_DIGITS = (9, 10)


def tel_href(number: str) -> str | None:
    """The `tel:` address of a number as written ("tel:+441134960100", "tel:999"), or None."""
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+44"):
        digits = digits[2:]
        digits = digits[1:] if digits.startswith("0") and len(digits) - 1 in UK_DIGITS else digits
        return f"tel:+44{digits}" if len(digits) in UK_DIGITS else None
    if digits.startswith("0"):
        return f"tel:+44{digits[1:]}" if len(digits) - 1 in UK_DIGITS else None
    return f"tel:{digits}" if digits in {"999", "112", "111", "116123"} else None


def phone_link(number: str) -> Markup:
    """One number as a link (escaped text as it is when it is not a phone number)."""
    href = tel_href(number)
    text = html.escape(number, quote=False)
    if href is None:
        return Markup(text)
    return Markup(f'<a class="govuk-link" href="{href}">{text}</a>')


def link_phone_numbers(markup: str) -> str:
    """Safe HTML with every phone number outside a link made a `tel:` link."""
    parts = re.split(r"(<[^>]*>)", markup)
    in_link = 0
    for index, part in enumerate(parts):
        if part.startswith("<"):
            tag = part[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if tag == "a":
                in_link += -1 if part.startswith("</") else 1
            continue
        if in_link <= 0 and part:
            parts[index] = PHONE_NUMBER.sub(lambda match: _linked(match.group(0)), part)
    return "".join(parts)


def _linked(number: str) -> str:
    href = tel_href(html.unescape(number))
    return f'<a class="govuk-link" href="{href}">{number}</a>' if href else number
