"""The local gazetteer: postcodes of the council's own area and its neighbours, with where they are.

Loaded from the ONS Postcode Directory by `flask places import`. Only open data lives here:
postcodes that families type into the portal are looked up, never stored.
"""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Postcode(db.Model):
    """One postcode from the ONS Postcode Directory, and the local authority it is in."""

    __tablename__ = "gazetteer_postcode"

    #: Written as the ONS writes it (`pcds`): capitals, one space before the last three characters.
    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    #: The ONS code of the local authority (e.g. E06000001).
    authority: Mapped[str] = mapped_column(String(9))
