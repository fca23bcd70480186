"""The fixed lists an entry is described with: themes, delivery statuses, news kinds.

Themes follow the Local Offer's categories (what families comment on) plus the SEND
improvement themes councils report against, so a year's comments can be grouped by
topic in the annual report.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..content import CATEGORIES

#: Improvement themes that cut across the Local Offer's categories.
IMPROVEMENT_THEMES = {
    "local-offer": _l("The Local Offer website and information"),
    "ehc-process": _l("EHC needs assessments and plans"),
    "sen-support": _l("SEN support in schools and settings"),
    "communication": _l("Communication with families"),
    "co-production": _l("Working with families (co-production)"),
    "waiting-times": _l("Waiting times"),
}

#: Every theme an entry can have: the Local Offer categories, then the improvement themes.
ENTRY_THEMES = {**CATEGORIES, **IMPROVEMENT_THEMES}

STATUSES = {
    "planned": _l("Planned"),
    "in-progress": _l("In progress"),
    "done": _l("Done"),
}
STATUS_TAG_CLASSES = {"planned": "govuk-tag--grey", "in-progress": "govuk-tag--blue", "done": "govuk-tag--green"}

NEWS_KINDS = {
    "news": _l("News"),
    "event": _l("Event"),
    "service-change": _l("Service change"),
    "consultation": _l("Consultation"),
}

#: What staff see for each stage of the publishing workflow.
STAGES = {
    "draft": _l("Draft"),
    "scheduled": _l("Scheduled"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}
STAGE_TAG_CLASSES = {
    "draft": "govuk-tag--grey",
    "scheduled": "govuk-tag--yellow",
    "published": "govuk-tag--green",
    "archived": "govuk-tag--red",
}
