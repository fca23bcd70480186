"""Every form of the web layer, built from one field kit (`kit`).

`kit` holds the pieces forms share: `ConfirmForm`, the `strip` filter, `WholeNumberField`
(also for percentages), `GovDateField` with `date_items`, the honeypot and `web_link`.
The other modules hold the forms of one area each: `auth`, `staff`, `publishing`,
`surveys` and `feedback`. Views import forms from here; domain packages never do.
"""

from .kit import (
    HONEYPOT,
    MARKDOWN_HINT,
    ConfirmForm,
    GovDateField,
    HoneypotMixin,
    WholeNumberField,
    date_items,
    strip,
    web_link,
)

__all__ = [
    "HONEYPOT",
    "MARKDOWN_HINT",
    "ConfirmForm",
    "GovDateField",
    "HoneypotMixin",
    "WholeNumberField",
    "date_items",
    "strip",
    "web_link",
]
