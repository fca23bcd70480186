"""A problem found in a content file, and the error that stops the portal serving broken content."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in a content file, with where to find it."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" stops the site starting; "warning" does not

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


class ContentError(Exception):
    """The content cannot be served; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("content has problems:\n" + "\n".join(f"  {p}" for p in problems))
