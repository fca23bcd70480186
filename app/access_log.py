"""A gunicorn logger whose access log never records a live token.

Invitation links (`/s/<token>`), "no reminders" links (`/no-reminders/<token>`), set-password
links (`/set-password/<token>`) and review links (`/review/<token>`) carry their secret in the
path, which gunicorn's access log would otherwise keep (in the request line, the path and the
referrer). Run gunicorn with

    --logger-class app.access_log.TokenRedactingLogger

and every such token is written as `[token]`, whatever `--access-logformat` says.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

#: Paths whose last segment is a secret.
TOKEN_PATH = re.compile(r"(/(?:s|set-password|review|no-reminders)/)[^/?#\s\"]+")
REDACTED = r"\1[token]"


def redact(text: str) -> str:
    """`text` with the token of every invitation or set-password path replaced by `[token]`."""
    return TOKEN_PATH.sub(REDACTED, text)


class TokenRedactingLogger(Logger):
    """gunicorn's logger, with tokens taken out of every access-log field."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        values = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in values.items()}
