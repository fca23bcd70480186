"""WSGI entry point: `gunicorn wsgi:app`, and FLASK_APP for the flask command."""

import sys

from app import create_app
from app.content import ContentError

try:
    app = create_app()
except ContentError as error:
    print(f"The portal cannot start because {error}", file=sys.stderr)
    raise SystemExit(1) from None
