"""Comments analysed and summarised: the sentiment split and its trend, themes, and quotes per theme.

`analyse()` scores one comment (sentiment, themes, and the sentiment of each theme from the
clauses that mention it, so "staff were lovely but the wait was awful" is positive about staff
and negative about timeliness). `summarise()` turns analysed comments into the tables shown on
the dashboard, exported and printed in the report, every figure through the suppression rule.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .kpis import Granularity, InvitationRecord, Period, ResponseRecord, period_of, periods_between
from .redaction import PLACEHOLDERS, Redacted, redactor
from .sentiment import LABELS, Label, Sentiment, analyser, label_for, question_kind
from .suppression import Figure, Line, count, protect, protect_group, share
from .themes import FEEDBACK_THEMES, tagger

#: Quotes longer than this are not chosen as representative (they are hard to read aloud).
QUOTE_MAX_CHARS = 400
#: Quotes shorter than this say too little to represent a theme.
QUOTE_MIN_CHARS = 25
#: The length of quote preferred when choosing between equally representative comments.
QUOTE_IDEAL_CHARS = 140


@dataclass(frozen=True, slots=True)
class CommentRecord:
    """One free-text comment and what is known about it; `quotable` when approved in moderation."""

    id: int | str
    text: str
    submitted_on: dt.date
    survey_id: str | None = None
    locale: str = "en"
    question: str | None = None
    kind: str | None = None
    quotable: bool = False
    #: An officer's corrections: a sentiment label and the themes (None where not corrected).
    corrected_sentiment: str | None = None
    corrected_themes: tuple[str, ...] | None = None

    @property
    def corrected(self) -> bool:
        return self.corrected_sentiment is not None or self.corrected_themes is not None


@dataclass(frozen=True, slots=True)
class AnalysedComment:
    """A comment with its sentiment, themes, and the polarity of each theme within it."""

    comment: CommentRecord
    sentiment: Sentiment
    themes: tuple[str, ...]
    theme_polarity: dict[str, float] = field(default_factory=dict)

    def theme_label(self, theme: str) -> Label:
        if self.comment.corrected_sentiment is not None:
            return self.sentiment.label
        return label_for(self.theme_polarity.get(theme, self.sentiment.polarity))


@dataclass(frozen=True, slots=True)
class FeedbackFilters:
    """What the officer chose to look at: one survey, a date range and one language (None: all)."""

    survey_id: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    locale: str | None = None

    def _keeps(self, day: dt.date, survey_id: str | None, locale: str | None) -> bool:
        return (
            (self.survey_id is None or survey_id == self.survey_id)
            and (self.start is None or day >= self.start)
            and (self.end is None or day <= self.end)
            and (self.locale is None or locale == self.locale)
        )

    def comments(self, comments: Iterable[CommentRecord]) -> list[CommentRecord]:
        return [c for c in comments if self._keeps(c.submitted_on, c.survey_id, c.locale)]

    def responses(self, responses: Iterable[ResponseRecord]) -> list[ResponseRecord]:
        return [r for r in responses if self._keeps(r.submitted_on, r.survey_id, r.locale)]

    def invitations(self, invitations: Iterable[InvitationRecord]) -> list[InvitationRecord]:
        return [i for i in invitations if self._keeps(i.invited_on, i.survey_id, i.language)]


#: The polarity given to a comment whose sentiment an officer set (the middle of each label's range).
CORRECTED_POLARITY = {"positive": 0.5, "neutral": 0.0, "negative": -0.5}


def analyse(comment: CommentRecord) -> AnalysedComment:
    """Score one comment, then apply an officer's corrections: their sentiment and themes win.

    A corrected sentiment applies to every theme of the comment (an officer reads it whole).
    """
    machine = _machine_reading(comment)
    if not comment.corrected:
        return machine
    sentiment, themes, polarity = machine.sentiment, machine.themes, dict(machine.theme_polarity)
    if comment.corrected_themes is not None:
        themes = tuple(key for key in FEEDBACK_THEMES if key in comment.corrected_themes)
        polarity = {key: polarity.get(key, sentiment.polarity) for key in themes}
    if comment.corrected_sentiment in CORRECTED_POLARITY:
        value = CORRECTED_POLARITY[comment.corrected_sentiment]
        sentiment = Sentiment(value, sentiment.subjectivity, comment.corrected_sentiment, mixed=False)
        polarity = dict.fromkeys(themes, value)
    return AnalysedComment(comment, sentiment, themes, polarity)


def _machine_reading(comment: CommentRecord) -> AnalysedComment:
    """Score one comment: sentiment (question-aware), themes, and each theme's sentiment from its clauses."""
    kind = question_kind(comment.question, comment.kind)
    sentiment, clause_scores = analyser().score_clauses(comment.text, kind=kind)
    themes_tagger = tagger()
    if not clause_scores:
        themes = themes_tagger.tag(comment.text) if not sentiment.content else []
        return AnalysedComment(comment, sentiment, tuple(themes), dict.fromkeys(themes, sentiment.polarity))
    weighted: dict[str, list[float]] = {}
    for score in clause_scores:
        for theme in themes_tagger.tag(score.clause.text):
            sums = weighted.setdefault(theme, [0.0, 0.0])
            if score.scored:
                sums[0] += score.polarity * score.clause.weight
                sums[1] += score.clause.weight
    polarity = {theme: (s / w if w else sentiment.polarity) for theme, (s, w) in weighted.items()}
    ordered = tuple(key for key in FEEDBACK_THEMES if key in weighted)
    return AnalysedComment(comment, sentiment, ordered, polarity)


def analyse_all(comments: Iterable[CommentRecord]) -> list[AnalysedComment]:
    """Analyse every comment."""
    return [analyse(comment) for comment in comments]


#: `analyse` remembered per comment: a comment's record changes (and is analysed again) when its
#: text or moderation status does, so a long-running web process never shows a stale result.
analyse_cached = lru_cache(maxsize=50_000)(analyse)


@dataclass(frozen=True, slots=True)
class SentimentSplit:
    """How many comments were positive, neutral and negative, as counts and shares."""

    total: Figure
    counts: dict[str, Figure]
    shares: dict[str, Figure]

    @classmethod
    def of(cls, labels: Counter[str], hidden: frozenset[str] | None = None) -> SentimentSplit:
        """The split of `labels`; `hidden` names the labels (and "total") to suppress.

        When `hidden` is None the split is protected on its own: its parts add up to its total.
        """
        total = sum(labels.values())
        if hidden is None:
            parts, total_hidden = protect_group([labels[label] for label in LABELS], total)
            hidden = frozenset(
                {label for label, h in zip(LABELS, parts, strict=True) if h} | ({TOTAL} if total_hidden else set())
            )
        return cls(
            count(total, TOTAL in hidden),
            {label: count(labels[label], label in hidden) for label in LABELS},
            {label: share(labels[label], total, label in hidden or TOTAL in hidden) for label in LABELS},
        )

    @property
    def hidden_share(self) -> float:
        """The share (0 to 100) of comments in suppressed parts: what a stacked bar shows as "not shown"."""
        total = self.total.base
        if not total or self.total.suppressed:
            return 100.0 if total else 0.0
        return round(100 * sum(self.counts[label].base for label in LABELS if self.counts[label].suppressed) / total, 1)


#: The key of a split's total in the protected figures.
TOTAL = "total"


def _protected_trend(
    overall: Counter[str], per_period: Sequence[tuple[Period, Counter[str]]]
) -> tuple[SentimentSplit, list[tuple[Period, SentimentSplit]]]:
    """The overall split and the split per period, protected together.

    The periods' counts add up along each row (to the period's total) and down each column (to
    the overall count of that sentiment), so they are protected as one table with both totals.
    """
    rows = [*(p.key for p, _c in per_period), "all"]
    counters = {**{p.key: c for p, c in per_period}, "all": overall}
    columns = [*LABELS, TOTAL]
    values = {}
    for row in rows:
        counter = counters[row]
        for label in LABELS:
            values[(row, label)] = counter[label]
        values[(row, TOTAL)] = sum(counter.values())
    lines = [Line(tuple((row, label) for label in LABELS), (row, TOTAL)) for row in rows]
    lines += [Line(tuple((p.key, column) for p, _c in per_period), ("all", column)) for column in columns]
    hidden = protect(values, lines)

    def split(row: str) -> SentimentSplit:
        return SentimentSplit.of(counters[row], frozenset(c for c in columns if (row, c) in hidden))

    return split("all"), [(p, split(p.key)) for p, _c in per_period]


@dataclass(frozen=True, slots=True)
class Quote:
    """A redacted quote from an approved comment."""

    text: str
    label: Label
    submitted_on: dt.date
    comment_id: int | str


@dataclass(frozen=True, slots=True)
class ThemeRow:
    """One theme: how many comments mention it, their sentiment, and representative quotes."""

    key: str
    comments: Figure
    share: Figure
    split: SentimentSplit
    mean_polarity: float | None
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class FeedbackSummary:
    """Everything the dashboard, exports and report show about comments."""

    comments: Figure
    split: SentimentSplit
    mixed: Figure
    trend: tuple[tuple[Period, SentimentSplit], ...]
    themes: tuple[ThemeRow, ...]
    #: How many comments an officer corrected (their labels are the ones counted), in all and by label.
    corrected: int = 0
    corrected_labels: dict[str, int] = field(default_factory=dict)


def summarise(
    analysed: Sequence[AnalysedComment],
    *,
    granularity: Granularity = "month",
    quotes_per_theme: int = 3,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> FeedbackSummary:
    """The sentiment split, its trend per period, and per theme the counts, sentiment and quotes.

    Themes are listed by how many comments mention them (then in the lexicon's order). Quotes
    come only from comments approved in moderation, are redacted, and are not shown for a theme
    mentioned by fewer than 5 comments.
    """
    labels = Counter(a.sentiment.label for a in analysed)
    mixed = sum(1 for a in analysed if a.sentiment.mixed)

    per_period: list[tuple[Period, Counter[str]]] = []
    dates = [a.comment.submitted_on for a in analysed]
    if dates or (start and end):
        periods = periods_between(start or min(dates), end or max(dates), granularity)
        counters: dict[str, Counter[str]] = {p.key: Counter() for p in periods}
        for item in analysed:
            key = period_of(item.comment.submitted_on, granularity).key
            if key in counters:
                counters[key][item.sentiment.label] += 1
        per_period = [(p, counters[p.key]) for p in periods]
    split, trend = _protected_trend(labels, per_period)

    by_theme: dict[str, list[AnalysedComment]] = {key: [] for key in FEEDBACK_THEMES}
    for item in analysed:
        for theme in item.themes:
            by_theme[theme].append(item)
    rows = []
    for key, items in by_theme.items():
        theme_split = SentimentSplit.of(Counter(item.theme_label(key) for item in items))
        polarities = [item.theme_polarity.get(key, item.sentiment.polarity) for item in items]
        hidden = theme_split.total.suppressed
        mean = None if hidden or not polarities else round(sum(polarities) / len(polarities), 3)
        quotes = () if hidden else choose_quotes(key, items, quotes_per_theme)
        rows.append(
            ThemeRow(key, theme_split.total, share(len(items), len(analysed), hidden), theme_split, mean, quotes)
        )
    order = {key: index for index, key in enumerate(FEEDBACK_THEMES)}
    rows.sort(key=lambda row: (-row.comments.base, order[row.key]))
    corrected = Counter(a.sentiment.label for a in analysed if a.comment.corrected)
    return FeedbackSummary(
        split.total, split, count(mixed), tuple(trend), tuple(rows), sum(corrected.values()), dict(corrected)
    )


def has_redaction(redacted: Redacted) -> bool:
    """Whether anything was removed from a comment, or it already shows a redaction marker."""
    return bool(sum(redacted.found.values())) or any(marker in redacted.text for marker in PLACEHOLDERS.values())


def choose_quotes(theme: str, items: Sequence[AnalysedComment], limit: int) -> tuple[Quote, ...]:
    """Up to `limit` representative, redacted quotes for a theme.

    Quotes are taken from each sentiment in turn, the most common first, so the quotes show the
    balance of what families said; within a sentiment the comment closest to its typical polarity
    (then to a readable length) is chosen. Only approved comments of a readable length are used,
    and never one that needed anything redacted (a quote never shows "[name]").
    """
    candidates: dict[str, list[AnalysedComment]] = {label: [] for label in LABELS}
    for item in items:
        length = len(item.comment.text.strip())
        if item.comment.quotable and QUOTE_MIN_CHARS <= length <= QUOTE_MAX_CHARS:
            candidates[item.theme_label(theme)].append(item)
    for label, group in candidates.items():
        if not group:
            continue
        polarities = sorted(item.theme_polarity.get(theme, item.sentiment.polarity) for item in group)
        typical = polarities[len(polarities) // 2]
        group.sort(
            key=lambda item, typical=typical: (
                round(abs(item.theme_polarity.get(theme, item.sentiment.polarity) - typical), 2),
                abs(len(item.comment.text) - QUOTE_IDEAL_CHARS),
                str(item.comment.id),
            )
        )
        candidates[label] = group
    order = sorted(LABELS, key=lambda label: (-len(candidates[label]), LABELS.index(label)))
    chosen: list[Quote] = []
    seen: set[str] = set()
    positions = dict.fromkeys(LABELS, 0)
    while len(chosen) < limit and any(positions[label] < len(candidates[label]) for label in order):
        for label in order:
            if len(chosen) >= limit:
                break
            group = candidates[label]
            while positions[label] < len(group):
                item = group[positions[label]]
                positions[label] += 1
                redacted = redactor().redact(item.comment.text.strip())
                if has_redaction(redacted):
                    continue  # a quote read out with "[name]" in it says more about the redaction than the theme
                text = redacted.text
                if text.lower() not in seen:
                    seen.add(text.lower())
                    chosen.append(Quote(text, label, item.comment.submitted_on, item.comment.id))
                    break
    return tuple(chosen)
