"""`flask content check`: every problem in the content, with file and line."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Iterable
from pathlib import Path

from . import readability
from .consistency import check_facts
from .contact_check import check_contacts
from .council import COUNCIL_FILE
from .loader import GLOSSARY_FILE, Problem, read_content
from .schedule2 import SCHEDULE2, coverage
from .schema import CATEGORIES
from .store import ContentStore, Document

#: Abbreviations that are everyday English or national names, not SEND jargon.
EVERYDAY_ABBREVIATIONS = frozenset(
    [
        "UK",
        "NHS",
        "GP",
        "DWP",
        "DFE",
        "ICO",
        "EASS",
        "WCAG",
        "GDPR",
        "PDF",
        "SMS",
        "BSL",
        "OK",
        "TV",
        "PE",
        "IT",
        "ICT",
        "CV",
        "ID",
        "AM",
        "PM",
        "BST",
        "GCSE",
        "GCSEs",
        "BTEC",
        "BTECs",
        "EHRC",
        "A",
        "AA",
        "I",
        "ESOL",
        "MP",
        "DBS",
        "PA",
        "NI",
        "HM",
        "WIFI",
        "USB",
        "FAQ",
        "PIN",
        "QR",
        "RE",
        "ENT",
        "A&E",
        "NHSE",
        "UCAS",
        "STEM",
        "KS",
        "KS1",
        "KS2",
        "KS3",
        "KS4",
        "YMCA",
        "LGBTQ",
    ]
)
#: Paths the content itself defines, valid even before the web layer is asked.
CONTENT_PATHS = frozenset({"/", "/services", "/guidance", "/glossary"} | {f"/categories/{key}" for key in CATEGORIES})
ACRONYM_RE = re.compile(r"\b[A-Z][A-Za-z]*[A-Z]\b")

#: The heading of the section that says where a guidance page's rules come from, per language.
SOURCES_HEADINGS = {
    "en": "Where this comes from",
    "pl": "Skąd pochodzą te informacje",
    "ro": "De unde provin aceste informații",
    "ur": "یہ معلومات کہاں سے ہیں",
    "pa": "ਇਹ ਜਾਣਕਾਰੀ ਕਿੱਥੋਂ ਆਉਂਦੀ ਹੈ",
}
SOURCE_LINK_RE = re.compile(r"\]\(https://(?:www\.)?(?:legislation\.gov\.uk|gov\.uk)/[^)\s]*\)")
#: Every school, college and early years setting describes its support under this heading.
SETTING_HEADING = "How we support children with SEND"
SETTING_CATEGORIES = frozenset({"early-years", "schools", "post-16", "alternative-provision"})
SETTING_WORDS = (
    "school",
    "academy",
    "college",
    "nursery",
    "pre-school",
    "childminder",
    "sixth form",
    "pupil referral unit",
    "post-16 centre",
    "resource base",
    "skills centre",
    "teaching centre",
)


def check_content(content_dir: Path, today: dt.date, site_paths: Iterable[str] = ()) -> list[Problem]:
    """Problems that stop the site starting, then warnings (links, review dates, jargon)."""
    store, problems = read_content(content_dir)
    if store is None:
        return problems
    return sorted(check_store(store, content_dir, today, set(site_paths)))


def check_store(store: ContentStore, content_dir: Path, today: dt.date, site_paths: set[str]) -> list[Problem]:
    """Every check: links, review dates and jargon, then sources, settings, coverage and reading grade."""
    root = content_dir.parent
    problems = _check_links_and_words(store, content_dir, today, site_paths)
    for locale, doc in _guidance_in_every_language(store):
        problems += _sources_problems(doc, locale, root)
    for doc in store.services.values():
        problems += _setting_problems(doc, root)
        problems += _maintainer_problems(doc, root)
    problems += [
        Problem(
            content_dir.name,
            1,
            f"Schedule 2 item {row.key!r} is MISSING: no page says `schedule2: [{row.key}]`",
            "warning",
        )
        for row in coverage(store)
        if row.missing
    ]
    problems += _readability_problems(store, root)
    sources = [(str(doc.path.relative_to(root)), doc.path.read_text(encoding="utf-8")) for doc in store.documents()]
    glossary = content_dir / GLOSSARY_FILE
    sources.append((str(glossary.relative_to(root)), glossary.read_text(encoding="utf-8")))
    problems += check_facts(sources, store.placeholders.fact)
    return problems


def _check_links_and_words(
    store: ContentStore, content_dir: Path, today: dt.date, site_paths: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    root = content_dir.parent
    known = set(site_paths) | {doc.url for doc in store.documents()} | CONTENT_PATHS
    anchors = {term.anchor for term in store.glossary}
    defined = {name for term in store.glossary for name in term.names}
    translated = [doc for kinds in store.translations.values() for docs in kinds.values() for doc in docs.values()]
    for doc in [*store.documents(), *translated]:
        rel = str(doc.path.relative_to(root))
        text = doc.path.read_text(encoding="utf-8")
        for href, line in _links(text):
            problem = _link_problem(href, known, anchors, store)
            if problem:
                problems.append(Problem(rel, line, problem))
        if doc.is_past_review(today):
            problems.append(
                Problem(
                    rel, _line_of(text, "review_due:"), f"review_due {doc.meta.review_due} is in the past", "warning"
                )
            )
        if doc.kind == "guidance":
            for slug in doc.meta.related:
                if store.lookup(slug) is None:
                    problems.append(Problem(rel, _line_of(text, "related:"), f"related page {slug!r} does not exist"))
        for number, line_text in enumerate(text.splitlines(), start=1):
            for word in ACRONYM_RE.findall(line_text):
                if word not in defined and word not in EVERYDAY_ABBREVIATIONS and not _in_url(line_text, word):
                    problems.append(Problem(rel, number, f"{word!r} looks like jargon but is not in {GLOSSARY_FILE}"))
    problems += check_contacts([*store.documents(), *translated], store.placeholders, root)
    for name, path in store.council.pages.items():
        problem = _link_problem(path, known, anchors, store)
        if problem:
            problems.append(Problem(f"{content_dir.name}/{COUNCIL_FILE}", 1, f"pages.{name}: {problem}"))
    return problems


def _links(text: str) -> list[tuple[str, int]]:
    return [
        (match.group(1), text.count("\n", 0, match.start()) + 1)
        for match in re.finditer(r"\]\((\S+?)(?:\s+\"[^\"]*\")?\)", text)
    ]


def _link_problem(href: str, known: set[str], anchors: set[str], store: ContentStore) -> str | None:
    if not href.startswith("/"):
        return None
    path, _, anchor = href.partition("#")
    path = path.rstrip("/") or "/"
    if path not in known:
        return f"link to {href} goes to a page that does not exist"
    if anchor and path == "/glossary" and anchor not in anchors:
        return f"link to {href}: no glossary term has the anchor {anchor!r}"
    if anchor and path != "/glossary":
        doc = next((d for d in store.documents() if d.url == path), None)
        if doc and anchor not in {h.id for h in doc.headings}:
            return f"link to {href}: that page has no heading with the anchor {anchor!r}"
    return None


def _line_of(text: str, prefix: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(prefix):
            return number
    return 1


def _in_url(line: str, word: str) -> bool:
    return any(word in url for url in re.findall(r"\S*[/@]\S*", line))


def _guidance_in_every_language(store: ContentStore) -> list[tuple[str, Document]]:
    english = [("en", doc) for doc in store.guidance.values()]
    translated = [
        (locale, doc) for locale, kinds in store.translations.items() for doc in kinds.get("guidance", {}).values()
    ]
    return english + translated


def sources_section(text: str, heading: str) -> tuple[int, str] | None:
    """(line, markdown) of the `## heading` section in a page's source, or None without one."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip() == f"## {heading}":
            end = next((i for i in range(index + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
            return index + 1, "\n".join(lines[index + 1 : end])
    return None


def _sources_problems(doc: Document, locale: str, root: Path) -> list[Problem]:
    """A guidance page must say where its rules come from, with official links, and when it was checked."""
    rel = str(doc.path.relative_to(root))
    text = doc.path.read_text(encoding="utf-8")
    heading = SOURCES_HEADINGS.get(locale, SOURCES_HEADINGS["en"])
    problems = []
    if doc.meta.last_reviewed is None:
        problems.append(Problem(rel, 1, "last_reviewed is required on guidance: it shows when the law was checked"))
    section = sources_section(text, heading)
    if section is None:
        problems.append(Problem(rel, 1, f"guidance needs a '## {heading}' section listing the law it rests on"))
    elif not SOURCE_LINK_RE.search(section[1]):
        problems.append(
            Problem(rel, section[0], f"'{heading}' must link to legislation.gov.uk or GOV.UK for each source")
        )
    return problems


def is_setting(doc: Document) -> bool:
    """A school, college or early years setting (rather than a team or service that visits them)."""
    name = f"{doc.title} {doc.slug.replace('-', ' ')}".lower()
    return doc.meta.category in SETTING_CATEGORIES and any(word in name for word in SETTING_WORDS)


def _setting_problems(doc: Document, root: Path) -> list[Problem]:
    if not is_setting(doc) or any(h.text == SETTING_HEADING and h.level == 2 for h in doc.headings):
        return []
    rel = str(doc.path.relative_to(root))
    return [
        Problem(rel, 1, f"a school, college or early years setting needs a '## {SETTING_HEADING}' section", "warning")
    ]


def _maintainer_problems(doc: Document, root: Path) -> list[Problem]:
    if doc.meta.maintainer is not None:
        return []
    rel = str(doc.path.relative_to(root))
    return [
        Problem(
            rel,
            1,
            "no maintainer: nobody will be asked to check this listing (add `maintainer:` with name, "
            "organisation and email)",
            "warning",
        )
    ]


def readable_lines(doc: Document) -> list[str]:
    """The page's text blocks a family reads, without the list of legal sources."""
    lines = doc.text.splitlines()
    if SOURCES_HEADINGS["en"] in lines:
        start = lines.index(SOURCES_HEADINGS["en"])
        later = {h.text for h in doc.headings if h.level <= 2} - {SOURCES_HEADINGS["en"]}
        end = next((i for i in range(start + 1, len(lines)) if lines[i] in later), len(lines))
        lines = lines[:start] + lines[end:]
    return lines


def readings(store: ContentStore) -> list[readability.Reading]:
    """The reading grade of every English page and summary."""
    return [
        readability.Reading(
            doc.url,
            doc.title,
            doc.kind,
            readability.grade(readability.prose(readable_lines(doc))),
            readability.grade(readability.prose([doc.summary])),
        )
        for doc in store.documents()
    ]


def _readability_problems(store: ContentStore, root: Path) -> list[Problem]:
    """Guidance over the grade target is an error; long sentences and hard summaries are warnings."""
    problems: list[Problem] = []
    by_url = {reading.url: reading for reading in readings(store)}
    for doc in store.documents():
        rel = str(doc.path.relative_to(root))
        text = doc.path.read_text(encoding="utf-8")
        reading = by_url[doc.url]
        if doc.kind == "guidance" and reading.page_grade > readability.MAX_GRADE:
            problems.append(
                Problem(
                    rel,
                    1,
                    f"reading grade {reading.page_grade} is above {readability.MAX_GRADE:g}: use shorter sentences",
                )
            )
        if reading.summary_grade > readability.MAX_GRADE:
            severity = "error" if doc.kind == "guidance" else "warning"
            problems.append(
                Problem(
                    rel,
                    _line_of(text, "summary:"),
                    f"summary reading grade {reading.summary_grade} is above {readability.MAX_GRADE:g}",
                    severity,
                )
            )
        blocks = [doc.summary, *readable_lines(doc)]
        for sentence, words in readability.long_sentences(readability.prose(blocks)):
            problems.append(
                Problem(
                    rel,
                    _line_of_words(text, sentence),
                    f"sentence of {words} words (keep to {readability.MAX_SENTENCE_WORDS}): {sentence[:60]}…",
                    "warning",
                )
            )
    guidance = [by_url[doc.url].page_grade for doc in store.guidance.values()]
    middle = readability.median(guidance)
    if middle > readability.GUIDANCE_MEDIAN_GRADE:
        problems.append(
            Problem(
                "content/guidance",
                1,
                f"median reading grade of guidance is {middle}, above {readability.GUIDANCE_MEDIAN_GRADE:g}",
            )
        )
    return problems


def _line_of_words(text: str, sentence: str) -> int:
    """The source line where `sentence` starts (found by its first few words), or 1."""
    words = re.findall(r"\w+", sentence)[:4]
    if not words:
        return 1
    pattern = re.compile(r"\W+".join(map(re.escape, words)))
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(re.sub(r"\]\([^)]*\)|[\[\]*_`]", "", line)):
            return number
    return 1


def content_report(content_dir: Path) -> list[str]:
    """The coverage table and reading grades of the content in `content_dir` (none if it cannot load)."""
    store, _ = read_content(content_dir)
    return report(store) if store else []


def report(store: ContentStore) -> list[str]:
    """The coverage table and the reading grades, as lines for `flask content check`."""
    lines = ["", "Schedule 2 coverage (SEND Regulations 2014, reg 53):"]
    width = max(map(len, SCHEDULE2))
    for row in coverage(store):
        covered = ", ".join(doc.url for doc in row.documents) or "MISSING"
        indent = " " * (width + 4)
        lines += textwrap.wrap(
            f"{row.key:<{width}}  {covered}",
            width=max(100, width + 40),
            initial_indent="  ",
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
    lines += [
        "",
        f"Reading grades (Flesch-Kincaid; target {readability.MAX_GRADE:g} or lower, "
        f"guidance median {readability.GUIDANCE_MEDIAN_GRADE:g} or lower):",
        "   page  summary  address",
    ]
    found = readings(store)
    for reading in found:
        lines.append(f"  {reading.page_grade:5.1f}  {reading.summary_grade:7.1f}  {reading.url}")
    guidance = [r.page_grade for r in found if r.kind == "guidance"]
    summaries = [r.summary_grade for r in found if r.kind == "services"]
    lines.append(
        f"  Guidance median {readability.median(guidance)}; service summary median {readability.median(summaries)}"
    )
    return lines
