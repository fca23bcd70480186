"""The web layer: one blueprint per audience, error pages and GOV.UK asset serving."""

from __future__ import annotations

import math
import time
from pathlib import Path

from flask import Flask, render_template, send_from_directory
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import limiter
from ..logs import log_error

ERROR_TEMPLATES = {400, 403, 404, 405, 413, 429, 500}


def register_web(app: Flask) -> None:
    """Register every blueprint, the /assets route and the error pages."""
    from . import (
        auth,
        content_editing,
        content_staff,
        feedback,
        messages,
        my_list,
        openreferral,
        public,
        search,
        search_staff,
        staff,
        survey_rates,
        survey_reminders,
        survey_staff,
        surveys,
        updates,
        upkeep,
        yswd,
    )
    from .council import register_council
    from .ids import register_id_converter
    from .security import register_security
    from .template_helpers import register_template_helpers

    register_id_converter(app)  # before the first route, so every <int:...> is bounded
    register_council(app)
    register_security(app)
    register_template_helpers(app)
    for blueprint in (
        public.bp,
        search.bp,
        auth.bp,
        staff.bp,
        yswd.bp,
        yswd.staff_bp,
        updates.bp,
        updates.staff_bp,
        surveys.bp,
        survey_staff.bp,
        survey_reminders.bp,
        survey_rates.bp,
        feedback.bp,
        content_staff.bp,
        search_staff.bp,
        content_editing.bp,
        messages.bp,
        openreferral.bp,
        my_list.bp,
        upkeep.bp,
    ):
        app.register_blueprint(blueprint)
    messages.register_send_soon(app)
    search.register_search_counts(app)

    assets_dir = Path(app.static_folder or "") / "govuk"

    @app.route("/assets/<path:filename>")
    def govuk_assets(filename: str):
        """GOV.UK Frontend's compiled assets (copied in at install time)."""
        return send_from_directory(assets_dir, filename, max_age=7 * 24 * 3600)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        template = f"errors/{code}.html" if code in ERROR_TEMPLATES else "errors/generic.html"
        response = app.make_response((render_template(template, error=error, code=code), code))
        if code == 429:
            retry_after = seconds_until_limit_resets()
            if retry_after is not None:
                response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log_error(app.logger, "Unhandled error", error)
        return render_template("errors/500.html", error=None, code=500), 500


def seconds_until_limit_resets() -> int | None:
    """Whole seconds until the rate limit this request broke lets it through again.

    Read only when a limit is broken: the X-RateLimit headers are not sent on every
    response, since each costs the rate-limit store a round trip.
    """
    try:
        current = limiter.current_limit
        return max(1, math.ceil(current.window[0] - time.time())) if current is not None else None
    except Exception:  # the store is unreachable: leave the header out rather than fail the page
        return None


def site_paths(app: Flask) -> set[str]:
    """Every GET path without arguments, for checking internal links in content."""
    return {
        rule.rule.rstrip("/") or "/"
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set()) and not rule.arguments
    }
