"""The password policy for staff accounts.

A password must be at least 12 characters, must not be (or be built from) a common
password, and must not contain the person's email address or its name part. Each rule
gives a specific, translated message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 256
DENY_LIST = Path(__file__).with_name("common_passwords.txt")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The deny-list, read once."""
    lines = DENY_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str, local_words: Iterable[str] = ()) -> bool:
    """True when the password, or its letters without leading/trailing digits and symbols, is common.

    `local_words` (such as the council's place name) count as common too.
    """
    lowered = password.strip().lower()
    root = _EDGES.sub("", lowered)
    if not root:
        return True  # only digits and symbols
    if len(set(lowered)) <= 2:
        return True  # "aaaaaaaaaaaa", "abababababab"
    deny = common_passwords() | {word.strip().lower() for word in local_words if word.strip()}
    return lowered in deny or root in deny


def password_problems(password: str, email: str = "", local_words: Iterable[str] = ()) -> list[str]:
    """Every rule the password breaks, as messages to show (empty when it is acceptable)."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(str(_l("Password must be %(min)d characters or more", min=MIN_LENGTH)))
    elif len(password) > MAX_LENGTH:
        problems.append(str(_l("Password must be %(max)d characters or fewer", max=MAX_LENGTH)))
    elif is_common(password, local_words):
        problems.append(str(_l("Password is too common. Choose one that would be hard to guess")))
    email = (email or "").strip().lower()
    if email:
        local = email.split("@", 1)[0]
        lowered = password.lower()
        if email in lowered or (len(local) >= 4 and local in lowered):
            problems.append(str(_l("Password must not contain your email address")))
    return problems
