"""Database models. Each area adds its tables here (or in a package when it grows)."""

from __future__ import annotations
