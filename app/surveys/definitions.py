"""The survey definition schema (`surveys/*.yaml`) and the logic that walks a survey.

Every piece of text a person reads can be given per locale: `label: "Did we ...?"`
is English; `label: {en: "Did we ...?", pl: "Czy ...?"}` adds Polish. `Survey.text()`
picks the reader's locale and falls back to English.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ..feedback.kpis import KPI_KEYS

#: Answers held for a survey: question id -> a value, or a list of values (multiple choice).
Answers = Mapping[str, "str | list[str]"]

ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
VALUE_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
#: Field names the form factory uses itself; no question may take them.
RESERVED_IDS = frozenset({"csrf_token", "website", "submit", "meta", "data", "errors"})

QUESTION_TYPES = ("yes_no", "single_choice", "multiple_choice", "satisfaction", "free_text")

#: What a free-text (or other) question is for, so analysis can group answers.
COMMENT_KINDS = ("went_well", "improvement", "gaps", "accessibility", "development", "comment")

#: Yes/no answers and their labels.
YES_NO_VALUES = {"yes": _l("Yes"), "no": _l("No"), "not-sure": _l("Not sure")}
#: The 1-5 satisfaction scale, most satisfied first (as the radios are shown).
SATISFACTION_VALUES = {
    "5": _l("Very satisfied"),
    "4": _l("Satisfied"),
    "3": _l("Neither satisfied nor dissatisfied"),
    "2": _l("Dissatisfied"),
    "1": _l("Very dissatisfied"),
}


def _localised(value: Any) -> Any:
    """A plain string is English; a mapping gives text per locale and must include English."""
    if isinstance(value, str):
        value = {"en": value}
    if isinstance(value, Mapping):
        cleaned = {}
        for locale, text in value.items():
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"text for locale {locale!r} must be a non-empty string")
            cleaned[str(locale)] = text.strip()
        if "en" not in cleaned:
            raise ValueError("text must include English (en)")
        return cleaned
    return value


#: Text a person reads: {locale: text}, always with "en".
LocalText = Annotated[dict[str, str], BeforeValidator(_localised)]


def pick(text: Mapping[str, str] | None, locale: str) -> str:
    """The text in `locale` (or its base language), falling back to English."""
    if not text:
        return ""
    return text.get(locale) or text.get(locale.split("_")[0]) or text["en"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Model):
    """One answer a person can choose."""

    value: Annotated[str, Field(pattern=VALUE_PATTERN)]
    label: LocalText
    hint: LocalText | None = None


class Condition(_Model):
    """Show a question only when an earlier answer is `equals`, or one of `any_of`."""

    question: str
    equals: str | None = None
    any_of: list[str] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        if (self.equals is None) == (self.any_of is None):
            raise ValueError("a condition needs exactly one of 'equals' or 'any_of'")
        return self

    @property
    def values(self) -> list[str]:
        return [self.equals] if self.equals is not None else list(self.any_of or [])


class Errors(_Model):
    """Error messages that replace the defaults for one question."""

    required: LocalText | None = None
    too_long: LocalText | None = None

    @field_validator("too_long")
    @classmethod
    def _has_max(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value and any("{max}" not in text for text in value.values()):
            raise ValueError("too_long text must contain {max}, the character limit")
        return value


class QuestionBase(_Model):
    """What every question has."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    label: LocalText
    hint: LocalText | None = None
    required: bool = True
    show_if: Condition | None = None
    kpi: str | None = None
    kind: Literal[COMMENT_KINDS] | None = None  # type: ignore[valid-type]
    errors: Errors | None = None

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_IDS:
            raise ValueError(f"{value!r} is reserved; choose another question id")
        return value

    @field_validator("kpi")
    @classmethod
    def _known_kpi(cls, value: str | None) -> str | None:
        if value is not None and value not in KPI_KEYS:
            raise ValueError(f"unknown kpi {value!r} (expected one of {', '.join(KPI_KEYS)})")
        return value

    def choices(self, locale: str) -> list[tuple[str, str]]:
        """(value, label) pairs in the order they are shown; empty for free text."""
        return []

    def option_values(self) -> list[str]:
        """The values an answer may take, in order; empty for free text."""
        return []

    def display_lines(self, value: str | list[str] | None, locale: str) -> list[str]:
        """How an answer is shown back on the check-your-answers page, a line per option chosen."""
        if value in (None, "", []):
            return []
        values = value if isinstance(value, list) else [value]
        choices = self.choices(locale)
        if not choices:
            return values
        return [label for option, label in choices if option in values]


class YesNoQuestion(QuestionBase):
    """Yes or no, with "Not sure" when `not_sure` is true."""

    type: Literal["yes_no"]
    not_sure: bool = False

    def option_values(self) -> list[str]:
        return ["yes", "no", "not-sure"] if self.not_sure else ["yes", "no"]

    def choices(self, locale: str) -> list[tuple[str, str]]:
        return [(value, str(YES_NO_VALUES[value])) for value in self.option_values()]


class _OptionsQuestion(QuestionBase):
    """A question answered from options of its own, at least two."""

    options: Annotated[list[Option], Field(min_length=2)]

    def option_values(self) -> list[str]:
        return [option.value for option in self.options]

    def choices(self, locale: str) -> list[tuple[str, str]]:
        return [(option.value, pick(option.label, locale)) for option in self.options]


class SingleChoiceQuestion(_OptionsQuestion):
    """Choose one option (radios)."""

    type: Literal["single_choice"]


class MultipleChoiceQuestion(_OptionsQuestion):
    """Choose any number of options (checkboxes)."""

    type: Literal["multiple_choice"]


class SatisfactionQuestion(QuestionBase):
    """A 1-5 satisfaction scale; `scale` gives five labels of its own, most positive first."""

    type: Literal["satisfaction"]
    scale: Annotated[list[LocalText], Field(min_length=5, max_length=5)] | None = None

    def option_values(self) -> list[str]:
        return list(SATISFACTION_VALUES)

    def choices(self, locale: str) -> list[tuple[str, str]]:
        if self.scale:
            return [(value, pick(text, locale)) for value, text in zip(SATISFACTION_VALUES, self.scale, strict=True)]
        return [(value, str(label)) for value, label in SATISFACTION_VALUES.items()]


class FreeTextQuestion(QuestionBase):
    """Free text up to `max_length` characters."""

    type: Literal["free_text"]
    max_length: Annotated[int, Field(ge=1, le=5000)] = 1000
    rows: Annotated[int, Field(ge=2, le=15)] = 5
    required: bool = False


Question = Annotated[
    YesNoQuestion | SingleChoiceQuestion | MultipleChoiceQuestion | SatisfactionQuestion | FreeTextQuestion,
    Field(discriminator="type"),
]


class Page(_Model):
    """One page of the survey: one question, or a few closely related ones under a heading."""

    id: Annotated[str, Field(pattern=ID_PATTERN)]
    heading: LocalText | None = None
    hint: LocalText | None = None
    questions: Annotated[list[Question], Field(min_length=1)]

    @model_validator(mode="after")
    def _heading_for_groups(self) -> Page:
        if len(self.questions) > 1 and not self.heading:
            raise ValueError("a page with more than one question needs a heading")
        return self


class Survey(_Model):
    """A whole survey definition."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
    version: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int | float) else v)]
    title: LocalText
    #: What staff call the survey, by its audience ("Parents and carers: EHC plan"); the title when not given.
    name: LocalText | None = None
    summary: LocalText
    access: Literal["invitation", "open"]
    audience: Literal["parents", "young-people", "anyone"]
    easy_read: bool = False
    minutes: Annotated[int, Field(ge=1, le=60)]
    intro: Annotated[list[LocalText], Field(min_length=1)]
    how_used: LocalText
    pages: Annotated[list[Page], Field(min_length=1)]

    # Reading -------------------------------------------------------------------
    @property
    def open(self) -> bool:
        """Anyone can answer (no invitation needed)."""
        return self.access == "open"

    def text(self, value: Mapping[str, str] | None, locale: str) -> str:
        return pick(value, locale)

    def staff_name(self, locale: str) -> str:
        """The survey's name in staff pages, in `locale`: by its audience, else its title."""
        return pick(self.name or self.title, locale)

    def questions(self) -> Iterator[QuestionBase]:
        for page in self.pages:
            yield from page.questions

    def question(self, question_id: str) -> QuestionBase | None:
        return next((q for q in self.questions() if q.id == question_id), None)

    def page(self, page_id: str) -> Page | None:
        return next((p for p in self.pages if p.id == page_id), None)

    def page_of(self, question_id: str) -> Page | None:
        return next((p for p in self.pages if any(q.id == question_id for q in p.questions)), None)

    # Show-if logic ---------------------------------------------------------------
    def is_shown(self, question: QuestionBase, answers: Answers) -> bool:
        """True when the question's condition holds (and the question it depends on is shown)."""
        condition = question.show_if
        if condition is None:
            return True
        earlier = self.question(condition.question)
        if earlier is None or not self.is_shown(earlier, answers):
            return False
        answer = answers.get(condition.question)
        given = answer if isinstance(answer, list) else [answer] if answer else []
        return any(value in given for value in condition.values)

    def shown_questions(self, page: Page, answers: Answers) -> list[QuestionBase]:
        return [q for q in page.questions if self.is_shown(q, answers)]

    def shown_pages(self, answers: Answers) -> list[Page]:
        """The pages a person sees, given their answers so far."""
        return [p for p in self.pages if self.shown_questions(p, answers)]

    def next_page(self, page_id: str, answers: Answers) -> Page | None:
        """The next page shown after `page_id`, or None at the end."""
        index = [p.id for p in self.pages].index(page_id)
        return next((p for p in self.pages[index + 1 :] if self.shown_questions(p, answers)), None)

    def previous_page(self, page_id: str, answers: Answers) -> Page | None:
        """The page shown before `page_id`, or None at the start."""
        index = [p.id for p in self.pages].index(page_id)
        return next((p for p in reversed(self.pages[:index]) if self.shown_questions(p, answers)), None)

    def progress(self, page_id: str, answers: Answers, seen: set[str] | frozenset[str]) -> tuple[int, int] | None:
        """("Question 3 of 9"): the page's place among the pages a person will see, and how many.

        A page that depends on a question not yet reached counts as still to come, so the total only
        ever goes down as questions are skipped. None when the page is not shown.
        """
        counted = [p.id for p in self.pages if any(self._may_show(q, answers, seen) for q in p.questions)]
        if page_id not in counted:
            return None
        return counted.index(page_id) + 1, len(counted)

    def _may_show(self, question: QuestionBase, answers: Answers, seen: set[str] | frozenset[str]) -> bool:
        """True when the question is shown, or may be once the question it depends on is answered."""
        condition = question.show_if
        if condition is None:
            return True
        earlier = self.question(condition.question)
        if earlier is None or not self._may_show(earlier, answers, seen):
            return False
        earlier_page = self.page_of(earlier.id)
        if answers.get(earlier.id) in (None, "", []) and (earlier_page is None or earlier_page.id not in seen):
            return True
        return self.is_shown(question, answers)

    def clean(self, answers: Answers) -> dict[str, str | list[str]]:
        """Only the answers to questions that are shown and known, blanks dropped."""
        kept: dict[str, str | list[str]] = {}
        for question in self.questions():
            value = answers.get(question.id)
            if value in (None, "", []) or not self.is_shown(question, answers):
                continue
            kept[question.id] = value
        return kept

    def first_unanswered(self, answers: Answers, seen: set[str] | frozenset[str] = frozenset()) -> Page | None:
        """The first shown page with a required question unanswered, or that was never seen."""
        for page in self.shown_pages(answers):
            if page.id not in seen:
                return page
            for question in self.shown_questions(page, answers):
                if question.required and answers.get(question.id) in (None, "", []):
                    return page
        return None


def condition_problems(survey: Survey) -> list[tuple[str, str]]:
    """(question id, message) for duplicate ids, and conditions on unknown or later questions."""
    problems: list[tuple[str, str]] = []
    seen: dict[str, QuestionBase] = {}
    page_ids: set[str] = set()
    kpis: dict[str, str] = {}
    for page in survey.pages:
        on_page = {q.id for q in page.questions}
        if page.id in page_ids:
            problems.append((page.id, f"duplicate page id {page.id!r}"))
        page_ids.add(page.id)
        for question in page.questions:
            if question.id in seen:
                problems.append((question.id, f"duplicate question id {question.id!r}"))
            values = [o.value for o in getattr(question, "options", [])]
            if len(values) != len(set(values)):
                problems.append((question.id, "two options have the same value"))
            if question.kpi:
                if question.kpi in kpis:
                    problems.append((question.id, f"kpi {question.kpi!r} is already fed by {kpis[question.kpi]!r}"))
                kpis[question.kpi] = question.id
            condition = question.show_if
            if condition:
                target = seen.get(condition.question)
                if condition.question in on_page:
                    problems.append((question.id, "show_if must refer to a question on an earlier page"))
                elif target is None:
                    later = survey.question(condition.question)
                    where = "a later question" if later else "an unknown question"
                    problems.append((question.id, f"show_if refers to {where} {condition.question!r}"))
                elif target.type == "free_text":
                    problems.append((question.id, "show_if cannot depend on a free-text answer"))
                else:
                    unknown = [v for v in condition.values if v not in target.option_values()]
                    if unknown:
                        problems.append(
                            (question.id, f"show_if uses values {unknown} that {condition.question!r} does not offer")
                        )
            seen.setdefault(question.id, question)
    return problems
