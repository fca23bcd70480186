"""Logging that never carries personal data or free text.

An exception's message can quote what someone typed: a database error lists a statement's
parameters (the engine is created with `hide_parameters=True`, but a driver's own message can
still quote a value, such as a duplicate key), and openpyxl quotes the cell it refused. So
errors are logged as the exception's type, where it was raised and the route's pattern
(never the URL, which can hold a token), and never with the message or the request's data.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from flask import Flask, has_request_context, request

#: How many of the innermost frames of each exception are named.
FRAMES = 8


def describe(error: BaseException) -> str:
    """The exception's type and where it was raised, with its causes: never its message."""
    parts = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)[-FRAMES:]
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in reversed(frames))
        kind = type(current)
        parts.append(f"{kind.__module__}.{kind.__qualname__}" + (f" at {where}" if where else ""))
        current = current.__cause__ or current.__context__
    return "; caused by ".join(parts)


def _request_summary() -> str:
    if not has_request_context():
        return ""
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    return f" on {request.method} {rule}"


def log_error(logger: logging.Logger, message: str, error: BaseException) -> None:
    """Log an error safely: its type and place, the route's pattern, nothing anyone typed."""
    logger.error("%s%s: %s", message, _request_summary(), describe(error))


class WithoutExceptionText(logging.Filter):
    """Turns any record carrying an exception into its safe description (for third-party code too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()}: {describe(record.exc_info[1])}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class WithoutSecrets(logging.Filter):
    """Takes tokens and typed postcodes out of a request log line (the development server's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from .access_log import redact

        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def init_logging(app: Flask) -> None:
    """Safe error logging for the app's logger and Flask's own unhandled-exception path."""
    app.logger.addFilter(WithoutExceptionText())
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, WithoutSecrets) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(WithoutSecrets())

    def log_exception(exc_info) -> None:
        log_error(app.logger, "Unhandled error", exc_info[1])

    app.log_exception = log_exception  # type: ignore[method-assign]
