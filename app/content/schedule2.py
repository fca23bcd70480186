"""What a Local Offer must contain (SEND Regulations 2014, reg 53 and Schedule 2), as keys.

Each content page may say which items it covers with `schedule2: [KEY, ...]` in its front
matter; `coverage()` lists every item with the pages that cover it, so gaps show up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from .store import ContentStore, Document

#: Every item the Local Offer must cover, in the order families meet them, with a label.
SCHEDULE2 = {
    "early-years": _l("Early years providers and settings"),
    "schools": _l("Mainstream schools, academies and their units"),
    "special-schools": _l("Special schools and non-maintained special schools"),
    "post-16": _l("Post-16 colleges and section 41 institutions"),
    "alternative-provision": _l("Pupil referral units and alternative provision"),
    "identifying-sen": _l("How special educational needs are identified and assessed"),
    "ehc-assessment": _l("Asking for an EHC needs assessment"),
    "provider-approach": _l("How each school, college and setting supports children and checks it is working"),
    "sen-funding": _l("How schools and colleges are funded for SEN"),
    "outside-area": _l("Provision outside the area that children and young people are expected to use"),
    "health": _l("Health provision"),
    "social-care": _l("Social care provision"),
    "short-breaks": _l("Short breaks and the short breaks statement"),
    "training": _l("Training: apprenticeships, supported internships and study programmes"),
    "higher-education": _l("Support in higher education, including Disabled Students' Allowance"),
    "childcare": _l("Childcare"),
    "leisure": _l("Leisure activities"),
    "travel": _l("Travel to school or college and help with its cost"),
    "transition": _l("Moving between phases of education"),
    "preparing-for-adulthood": _l("Preparing for adulthood and independent living"),
    "information-advice": _l("Information, advice and support, including SENDIASS"),
    "disagreements": _l("Complaints, mediation, disagreement resolution and appeals"),
    "eligibility": _l("Eligibility criteria for services"),
    "comments": _l("Comments on the Local Offer and the council's response"),
    "offline-access": _l("How to get the Local Offer without the internet"),
}


@dataclass(frozen=True)
class CoverageRow:
    """One Schedule 2 item and the English pages that say they cover it."""

    key: str
    label: object
    documents: tuple[Document, ...]

    @property
    def missing(self) -> bool:
        return not self.documents


def coverage(store: ContentStore) -> list[CoverageRow]:
    """Every Schedule 2 item, in order, with the services, guidance and pages covering it."""
    found: dict[str, list[Document]] = {key: [] for key in SCHEDULE2}
    for doc in store.documents():
        for key in getattr(doc.meta, "schedule2", ()):
            found[key].append(doc)
    return [CoverageRow(key, label, tuple(found[key])) for key, label in SCHEDULE2.items()]
