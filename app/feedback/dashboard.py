"""The dashboard builder: from a choice of filters to every figure a view shows, built once.

It holds no form and reads no request: the web layer turns the officer's filters into a
`Choice`, and describes the surveys as a `Catalogue` of plain data. `load()` reads the stored
feedback once; `options()` lists what can be chosen; `build_view()` analyses the chosen feedback
into a `View` whose KPI table, summary and tables feed the page, every chart, every export and
the co-production report alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import _, format_date

from ..languages import KNOWN_LANGUAGES, own_name
from ..models.feedback import targets as kpi_targets
from . import records
from .analysis import CommentRecord, FeedbackFilters, FeedbackSummary, analyse_cached, summarise
from .annual import KpiQuestion
from .kpis import HEADLINE_KPIS, TIMELINESS, InvitationRecord, KpiTable, Period, ResponseRecord, kpi_table, period_of
from .records import QuestionText
from .tables import Table, dashboard_tables

#: The filter value meaning "no filter".
ALL = "all"
#: The default period: the twelve months to today.
LAST_12_MONTHS = "12m"
GRANULARITIES = ("month", "quarter")


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """One survey question, as the figures need it."""

    survey_id: str
    id: str
    wording: str | None
    kind: str | None = None
    kpi: str | None = None
    free_text: bool = False
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """The surveys as plain data: source names (survey id -> title) and every question in order."""

    sources: dict[str, str]
    questions: tuple[QuestionInfo, ...] = ()
    #: Surveys families are invited to once a plan is final: their figures include the 20-week one.
    invitation_surveys: frozenset[str] = frozenset()

    def texts(self) -> dict[tuple[str, str], QuestionText]:
        return {(q.survey_id, q.id): QuestionText(q.wording, q.kind) for q in self.questions}

    def kpi_questions(self) -> dict[tuple[str, str], KpiQuestion]:
        return {(q.survey_id, q.id): KpiQuestion(q.kpi, q.options) for q in self.questions if q.kpi}

    def kpi_keys(self, survey_id: str | None) -> tuple[str, ...]:
        """The headline KPIs, or every KPI a chosen survey measures, in the order it asks them; then the
        share of plans finalised within 20 weeks, beside the families' view (not for open surveys)."""
        keys = [q.kpi for q in self.questions if q.kpi and q.survey_id == survey_id]
        chosen = tuple(dict.fromkeys(keys)) if survey_id and keys else HEADLINE_KPIS
        if survey_id is None or survey_id in self.invitation_surveys:
            return (*chosen, TIMELINESS)
        return chosen

    def raw_columns(self) -> list[tuple[str, str, bool]]:
        """(survey id, question id, free text?) for every question, in survey order."""
        return [(q.survey_id, q.id, q.free_text) for q in self.questions]


@dataclass(frozen=True)
class Choice:
    """What the officer chose to look at; `headline` is a period key, or empty for the last complete one."""

    survey: str = ALL
    period: str = LAST_12_MONTHS
    language: str = ALL
    by: str = "month"
    headline: str = ""

    def query(self) -> dict[str, str]:
        """The choice as query-string arguments, for chart, export and report links."""
        args = {"survey": self.survey, "period": self.period, "language": self.language, "by": self.by}
        return {**args, "headline": self.headline} if self.headline else args


@dataclass(frozen=True)
class Data:
    """The stored feedback, read once per request."""

    responses: list[ResponseRecord]
    invitations: list[InvitationRecord]
    comments: list[CommentRecord]


@dataclass(frozen=True)
class Options:
    """What can be chosen, as (value, label) pairs."""

    surveys: list[tuple[str, str]]
    periods: list[tuple[str, str]]
    languages: list[tuple[str, str]]
    headlines: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class View:
    """Everything a dashboard, chart, export or report shows for one choice of filters."""

    choice: Choice
    filters: FeedbackFilters
    kpis: KpiTable
    summary: FeedbackSummary
    tables: dict[str, Table]
    description: str
    today: dt.date

    @property
    def granularity(self) -> str:
        return self.choice.by

    def query(self) -> dict[str, str]:
        return self.choice.query()


def load(catalogue: Catalogue) -> Data:
    """Read every response, invitation and comment once."""
    return Data(records.response_records(), records.invitation_records(), records.comment_records(catalogue.texts()))


def language_name(code: str, languages: Mapping[str, str]) -> str:
    """A locale's name in itself ("Polski"), from the portal's languages or the common ones; else the code."""
    base = code.split("_")[0].split("-")[0]
    return languages.get(code) or languages.get(base) or (own_name(base) if base in KNOWN_LANGUAGES else code)


def period_label(period: Period) -> str:
    """ "Mar 2026" for a month, "Jan to Mar 2026" for a quarter."""
    if period.granularity == "month":
        return format_date(period.start, "MMM yyyy")
    return _("%(first)s to %(last)s", first=format_date(period.start, "MMM"), last=format_date(period.end, "MMM yyyy"))


def period_range(key: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day a period choice covers (None: the data decides)."""
    if key == LAST_12_MONTHS:
        first = today.replace(day=1)
        for _month in range(11):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first, today
    if key.isdigit() and len(key) == 4:
        return dt.date(int(key), 1, 1), dt.date(int(key), 12, 31)
    if len(key) == 7 and key[4:6] == "-Q" and key[:4].isdigit() and key[6] in "1234":
        period = period_of(dt.date(int(key[:4]), 3 * int(key[6]) - 2, 1), "quarter")
        return period.start, period.end
    return None, None


def options(data: Data, catalogue: Catalogue, languages: Mapping[str, str], choice: Choice, today: dt.date) -> Options:
    """Surveys and sources; the last 12 months, all time, then each year and quarter with feedback; languages;
    and the periods the headline can come from (for the chosen period and granularity)."""
    days = [r.submitted_on for r in data.responses] + [c.submitted_on for c in data.comments]
    locales = sorted({r.locale for r in data.responses} | {c.locale for c in data.comments} | {"en"})
    surveys = [(ALL, str(_("All surveys and sources"))), *catalogue.sources.items()]
    periods = [(LAST_12_MONTHS, str(_("Last 12 months"))), (ALL, str(_("All time")))]
    periods += [(str(year), str(year)) for year in sorted({d.year for d in days}, reverse=True)]
    quarters = sorted({period_of(d, "quarter") for d in days}, key=lambda p: p.start, reverse=True)
    periods += [(p.key, period_label(p)) for p in quarters]
    language_choices = [(ALL, str(_("All languages")))] + [(c, language_name(c, languages)) for c in locales]
    headlines = [("", str(_("The last complete period")))]
    start, end = period_range(choice.period, today)
    granularity = choice.by if choice.by in GRANULARITIES else "month"
    shown = sorted(
        {period_of(d, granularity) for d in days if (start is None or d >= start) and (end is None or d <= end)},
        key=lambda p: p.start,
        reverse=True,
    )
    headlines += [(p.key, period_label(p)) for p in shown]
    return Options(surveys, periods, language_choices, headlines)


def build_view(data: Data, catalogue: Catalogue, choice: Choice, labels: Options, today: dt.date) -> View:
    """Analyse the feedback the choice selects: the KPI table, the comments' summary and every table."""
    survey_id = None if choice.survey == ALL else choice.survey
    locale = None if choice.language == ALL else choice.language
    start, end = period_range(choice.period, today)
    filters = FeedbackFilters(survey_id=survey_id, start=start, end=end, locale=locale)
    kpis = kpi_table(
        filters.responses(data.responses),
        filters.invitations(data.invitations),
        granularity=choice.by,
        keys=catalogue.kpi_keys(survey_id),
        targets=kpi_targets(),
        start=start,
        end=end,
        today=today,
    )
    analysed = [analyse_cached(c) for c in filters.comments(data.comments)]
    summary = summarise(analysed, granularity=choice.by, start=start, end=end)
    tables = dashboard_tables(kpis, summary, period_label, today=today, headline=choice.headline or None)
    description = _(
        "%(survey)s · %(period)s · %(language)s",
        survey=dict(labels.surveys).get(choice.survey, choice.survey),
        period=dict(labels.periods).get(choice.period, choice.period),
        language=dict(labels.languages).get(choice.language, choice.language),
    )
    return View(choice, filters, kpis, summary, tables, description, today)
