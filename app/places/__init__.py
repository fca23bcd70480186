"""Where things are: postcodes, the local gazetteer and distances.

`normalise_postcode()` reads a postcode as families type it; `gazetteer.import_gazetteer()`
loads the ONS Postcode Directory's rows for the council's own area and its neighbours;
`gazetteer.locate()` finds a typed postcode in it; `nearest_miles()` says how far the nearest
of a service's places is. Nothing here stores or logs a postcode someone typed.
"""

from __future__ import annotations

from .postcodes import Point, distance_miles, nearest_miles, normalise_postcode

__all__ = ["Point", "distance_miles", "nearest_miles", "normalise_postcode"]
