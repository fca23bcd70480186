"""Fixtures for the tests of "You said, we did" entries and of updates."""

from __future__ import annotations

import pytest

from app.models.staff import User

from ..helpers import signed_in_as


@pytest.fixture()
def staff(app, client) -> User:
    """A signed-in SENDIASS member of staff."""
    return signed_in_as(app, client, "sendiass", email="sendiass@kelderbridge.example")
