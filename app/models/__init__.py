"""Database models, one module per area; importing this package registers them all."""

from __future__ import annotations

from . import feedback, live, moderation, places, staff, surveys, yswd  # noqa: F401
