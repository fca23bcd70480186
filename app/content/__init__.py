"""The Local Offer's content: markdown pages with validated front matter, loaded once.

`load_store()` reads `content/`, validates every file and renders the markdown; the
result is an immutable `ContentStore` shared by the public pages and the search index.
"""

from .council import Council
from .loader import ContentError, Problem, load_store
from .schema import ACCESS_ROUTES, AUDIENCES, CATEGORIES, NEED_AREAS, SECTIONS, WHOLE_AREA
from .store import ContentStore, Document, GlossaryTerm

__all__ = [
    "ACCESS_ROUTES",
    "AUDIENCES",
    "CATEGORIES",
    "NEED_AREAS",
    "SECTIONS",
    "WHOLE_AREA",
    "ContentError",
    "ContentStore",
    "Council",
    "Document",
    "GlossaryTerm",
    "Problem",
    "load_store",
]
