"""Database models, one module per area; importing this package registers them all."""

from __future__ import annotations

from . import content, feedback, live, moderation, notifications, places, staff, surveys, upkeep, yswd  # noqa: F401
