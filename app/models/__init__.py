"""Database models, one module per area; importing this package registers them all."""

from __future__ import annotations

from . import (  # noqa: F401
    content,
    feedback,
    live,
    moderation,
    notifications,
    places,
    search,
    staff,
    surveys,
    upkeep,
    yswd,
)
