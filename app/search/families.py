"""What families search for: counted by UK day and language, redacted before it is stored.

`SearchTally` counts searches in each process and `write_counts()` stores them every few
seconds (`record_search()` stores one at once). A search's text is redacted as comments are
and lower-cased, with nothing about who searched or when within the day. `search_report()` gives officers the
searches per week and language, the most common searches and those that found nothing,
with small numbers suppressed: a search made fewer than 5 times is never listed, and a
weekly count of 1 to 4 reads "not shown".

Staff add synonyms and spellings per language (`add_word()`); they are stored here and
every process picks them up within seconds through `live` (`LiveWords`).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .. import clock, live
from ..extensions import db
from ..feedback.redaction import redact
from ..feedback.suppression import Figure, count, is_small
from ..models.search import PHRASE_CHARS, QUERY_CHARS, SearchCount, SearchWord
from .analysis import clean_text, words
from .planning import StaffWords

#: The live stamp that moves when staff add a search word.
LIVE_NAME = "synonyms"
#: Kinds of word staff can add.
KINDS = ("synonym", "spelling")
#: How many weeks the report looks back, and how many searches each list shows.
REPORT_WEEKS = 12
REPORT_ROWS = 20


def normalise(text: str, limit: int = QUERY_CHARS) -> str:
    """Search text as stored and compared: personal details and names redacted (as before a comment
    is quoted: officers read searches as they were typed), lower case, single spaces."""
    return " ".join(redact(clean_text(text, limit * 2)).lower().split())[:limit]


def record_search(text: str, lang: str, found: bool) -> None:
    """Count one search on today's UK day (flushes; the caller commits). Empty searches are not counted."""
    query = normalise(text)
    if query:
        write_counts({(clock.today(), lang[:8], query, found): 1})


def write_counts(counts: Mapping[tuple[dt.date, str, str, bool], int]) -> None:
    """Add each (day, language, search, found) -> searches to the stored counts (flushes; the caller commits)."""
    for (day, lang, query, found), searches in counts.items():
        match = (SearchCount.day == day, SearchCount.lang == lang, SearchCount.query == query)
        bump = update(SearchCount).where(*match, SearchCount.found == found)
        bump = bump.values(searches=SearchCount.searches + searches).execution_options(synchronize_session=False)
        if db.session.execute(bump).rowcount:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(SearchCount(day=day, lang=lang, query=query, found=found, searches=searches))
        except IntegrityError:  # the same search was counted at the same moment elsewhere
            db.session.execute(bump)


class SearchTally:
    """Searches counted in this process, written to the database together every few seconds.

    Writing a count for every search made each one wait for a database commit; a process
    now adds searches up in memory and one request writes them all once `seconds` have
    passed (`due()` / `take()`), and the rest as the process stops. A process that is
    killed loses at most those few seconds of counts; the counts stay anonymous either way.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[dt.date, str, str, bool]] = Counter()
        self._taken = time.monotonic()

    def add(self, text: str, lang: str, found: bool) -> None:
        query = normalise(text)
        if query:
            with self._lock:
                self._counts[(clock.today(), lang[:8], query, found)] += 1

    def due(self, seconds: float) -> bool:
        """Whether counts are waiting and `seconds` have passed since they were last taken."""
        return bool(self._counts) and time.monotonic() - self._taken >= seconds

    def take(self) -> Counter[tuple[dt.date, str, str, bool]]:
        """The counts waiting to be written, leaving none."""
        with self._lock:
            counts, self._counts, self._taken = self._counts, Counter(), time.monotonic()
        return counts

    def give_back(self, counts: Mapping[tuple[dt.date, str, str, bool], int]) -> None:
        """Counts that could not be written, to be written with the next ones."""
        with self._lock:
            self._counts.update(counts)


@dataclass(frozen=True)
class CommonSearch:
    query: str
    lang: str
    searches: int


@dataclass(frozen=True)
class SearchReport:
    """Searches per week (Monday) and language, the most common ones and those that found nothing."""

    weeks: list[dt.date]
    languages: list[str]
    per_week: dict[tuple[dt.date, str], Figure]
    common: list[CommonSearch]
    not_found: list[CommonSearch]


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week."""
    return day - dt.timedelta(days=day.weekday())


def search_report(today: dt.date | None = None, weeks: int = REPORT_WEEKS) -> SearchReport:
    """The last `weeks` weeks of searches, small numbers suppressed."""
    today = today or clock.today()
    first = week_of(today) - dt.timedelta(weeks=weeks - 1)
    rows = db.session.execute(
        select(SearchCount.day, SearchCount.lang, SearchCount.query, SearchCount.found, SearchCount.searches).where(
            SearchCount.day >= first
        )
    ).all()
    per_week: dict[tuple[dt.date, str], int] = defaultdict(int)
    totals: dict[tuple[str, str], int] = defaultdict(int)
    missing: dict[tuple[str, str], int] = defaultdict(int)
    for day, lang, query, found, searches in rows:
        per_week[(week_of(day), lang)] += searches
        totals[(query, lang)] += searches
        if not found:
            missing[(query, lang)] += searches
    languages = sorted({lang for _, lang in per_week})
    week_list = [first + dt.timedelta(weeks=n) for n in range(weeks)]

    def listed(counts: dict[tuple[str, str], int]) -> list[CommonSearch]:
        shown = [CommonSearch(q, lang, n) for (q, lang), n in counts.items() if not is_small(n)]
        return sorted(shown, key=lambda s: (-s.searches, s.query))[:REPORT_ROWS]

    return SearchReport(
        weeks=week_list,
        languages=languages,
        per_week={(week, lang): count(per_week.get((week, lang), 0)) for week in week_list for lang in languages},
        common=listed(totals),
        not_found=listed(missing),
    )


# Words staff add -------------------------------------------------------------------------


def add_word(lang: str, kind: str, phrase: str, means: str) -> SearchWord:
    """Add (or replace) a synonym or spelling for `lang`; every process uses it within seconds.

    Flushes and moves the live stamp; the caller records the audit event and commits.
    """
    phrase = " ".join(words(phrase))[:PHRASE_CHARS]
    means = clean_text(means, PHRASE_CHARS)
    word = db.session.scalar(
        select(SearchWord).where(SearchWord.lang == lang, SearchWord.kind == kind, SearchWord.phrase == phrase)
    )
    if word is None:
        word = SearchWord(lang=lang, kind=kind, phrase=phrase, means=means, created_at=clock.utcnow())
        db.session.add(word)
    else:
        word.means = means
    db.session.flush()
    live.bump(LIVE_NAME)
    return word


def added_words() -> list[SearchWord]:
    """Every word staff added, by language, kind and phrase."""
    return list(db.session.scalars(select(SearchWord).order_by(SearchWord.lang, SearchWord.kind, SearchWord.phrase)))


def staff_words() -> StaffWords:
    """The words staff added, as searches use them."""
    spellings: dict[str, dict[str, str]] = defaultdict(dict)
    synonyms: dict[str, dict[tuple[str, ...], str]] = defaultdict(dict)
    for word in added_words():
        if word.kind == "spelling" and " " not in word.phrase:
            spellings[word.lang][word.phrase] = " ".join(words(word.means)) or word.phrase
        elif word.kind == "synonym" and word.phrase:
            synonyms[word.lang][tuple(word.phrase.split())] = word.means
    return StaffWords(dict(spellings), dict(synonyms))


class LiveWords:
    """One process's copy of the staff's words, reloaded when the live stamp moves."""

    def __init__(self, poll_seconds: float = live.DEFAULT_POLL_SECONDS) -> None:
        self.watch = live.Watch(LIVE_NAME, poll_seconds)
        self._words = StaffWords()
        self._lock = threading.Lock()

    def current(self) -> StaffWords:
        """The words as of the latest version (read from the database only when it moved).

        If the database cannot be read, searches go on with the words this process has.
        """
        try:
            moved = self.watch.changed()
            if moved is not None:
                with self._lock:
                    self._words = staff_words()
                    self.watch.mark_seen(moved)
        except SQLAlchemyError:
            db.session.rollback()
        return self._words


def searches_in_total() -> int:
    """Every search counted (for tests and the report's header)."""
    return int(db.session.scalar(select(func.coalesce(func.sum(SearchCount.searches), 0))) or 0)
