"""National facts written as literals must agree with `content/facts.yaml`.

Pages should say `{{ fact:NAME }}` for a time limit or an age the law sets. Where a page
writes one out instead, the rules here find it and compare it with the named fact, so two
pages can never give families different deadlines. A few wordings are wrong whatever the
number (a young person is not "16 to 25"), and are reported with the fact to use instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .loader import Problem

NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
}
_N = r"\**(?P<v>\d+|" + "|".join(NUMBER_WORDS) + r")\**"


@dataclass(frozen=True)
class FactRule:
    """A wording that states the fact `fact`; the number it captures must equal the fact's value."""

    fact: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class WrongWording:
    """A wording that misstates the law whatever the number, and the fact to write instead."""

    fact: str
    pattern: re.Pattern[str]
    reason: str


def _rule(fact: str, pattern: str) -> FactRule:
    return FactRule(fact, re.compile(pattern.replace("{N}", _N), re.IGNORECASE))


FACT_RULES = (
    _rule("draft-plan-comment-days", r"at least {N} days\**[^.]{0,40}?\b(?:to comment|to reply|to say)"),
    _rule("draft-plan-comment-days", r"\b{N} days to (?:comment|reply|respond)"),
    _rule("assessment-decision-weeks", r"\bby \**week {N}[^.]{0,60}?\bif (?:it|we) will carry out"),
    _rule("assessment-decision-weeks", r"\b{N} weeks\** to tell you if"),
    _rule("ehc-plan-weeks", r"no more than {N} weeks"),
    _rule("ehc-plan-weeks", r"\bby \**week {N}[^.]{0,40}?\bfinal (?:EHC )?plan"),
    _rule("ehc-plan-weeks", r"final (?:EHC )?plan\**[^.]{0,20}?\bby \**week {N}"),
    _rule("advice-weeks", r"advice[^.]{0,40}?within {N} weeks"),
    _rule("advice-weeks", r"(?:send|give) (?:it|their advice|advice) within {N} weeks"),
    _rule("appeal-months", r"appeal within {N} months?\** of"),
    _rule(
        "appeal-months",
        r"\b{N} months?\** (?:of|from) the (?:date (?:of|on) )?(?:our |your |the )?(?:council's )?decision",
    ),
    _rule("mediation-certificate-working-days", r"certificate\**[^.]{0,30}?within {N} working days"),
    _rule("discrimination-claim-months", r"discrimination[^.]{0,80}?within {N} months"),
    _rule("discrimination-claim-months", r"\bclaim within {N} months"),
    _rule("annual-review-months", r"\breview\** must happen\** \**within {N} months"),
    _rule("annual-review-months", r"(?:plan|EHC plan) must be reviewed[^.]{0,30}?every {N} months"),
    _rule("annual-review-months", r"\ba review \**at least every {N} months"),
    _rule("post-16-move-months", r"at least {N} months before"),
    _rule("plan-upper-age", r"\bplan\b[^.]{0,80}?year in which (?:you|they|the young person) turns? {N}"),
    FactRule("school-transfer-date", re.compile(r"\bby \**(?P<v>\d{1,2} February)\b")),
    FactRule("post-16-transfer-date", re.compile(r"\bby \**(?P<v>\d{1,2} March)\**,? (?:of|in) the year")),
)

WRONG_WORDINGS = (
    WrongWording(
        "young-person",
        re.compile(
            r"\ba young person (?:aged|between) 16\b|young (?:person|people)\b[^.]{0,40}?\b16 to 25\b"
            r"[^.]{0,60}?\b(?:own right|for themselves|can ask|can appeal)",
            re.IGNORECASE,
        ),
        "in law a young person is over compulsory school age and under 25, not 16 to 25",
    ),
    WrongWording(
        "plan-end",
        re.compile(r"\bplans?\b[^.\n]{0,60}?\buntil (?:you are|they are|the age of|age) 25\b", re.IGNORECASE),
        "a plan can last until the end of the academic year in which the young person turns 25",
    ),
    WrongWording(
        "pip-ages",
        re.compile(r"(?:\bPIP\b|Personal Independence Payment)[^.]{0,120}?\b16 or over\b", re.IGNORECASE),
        "Personal Independence Payment is for people from 16 up to State Pension age",
    ),
    WrongWording(
        "advice-weeks",
        re.compile(
            r"\b(?:usually have|aim to send (?:it|advice|their advice) within) \**(?:6|six) weeks", re.IGNORECASE
        ),
        "advice within 6 weeks is a legal duty with narrow exceptions, not an aim",
    ),
)


def _number(value: str) -> str:
    return NUMBER_WORDS.get(value.lower(), value)


def check_facts(sources: Iterable[tuple[str, str]], fact: Callable[[str], str | None]) -> list[Problem]:
    """Every literal in English content that disagrees with a named fact, or misstates one.

    `sources` are (path to report, file text) pairs: the English pages and the glossary.
    """
    problems: dict[tuple[str, int, str], Problem] = {}
    for rel, text in sources:
        for rule in FACT_RULES:
            expected = fact(rule.fact)
            if expected is None:
                continue
            for match in rule.pattern.finditer(text):
                written = _number(match["v"])
                if written.lower() != str(expected).lower():
                    line = _line(text, match.start())
                    problems[(rel, line, f"{rule.fact}={written}")] = Problem(
                        rel,
                        line,
                        f"says {match['v']!r} where the fact {rule.fact!r} is {expected!r}: "
                        f"write {{{{ fact:{rule.fact} }}}}",
                    )
        for wrong in WRONG_WORDINGS:
            for match in wrong.pattern.finditer(text):
                line = _line(text, match.start())
                problems[(rel, line, wrong.fact)] = Problem(
                    rel, line, f"{wrong.reason}: write {{{{ fact:{wrong.fact} }}}} ({match.group(0)[:50]!r})"
                )
    return list(problems.values())


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
