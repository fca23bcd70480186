"""A council's SEND Local Offer and feedback portal (the council is set in content/council.yaml)."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, g
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader, StrictUndefined, Template, Undefined
from jinja2.utils import missing

from .cleaning import CleanRequest
from .config import Config, config_from_env
from .extensions import babel, csrf, db, limiter
from .i18n import select_locale
from .logs import init_logging
from .migrations import MigrationCommands
from .services import init_services

log = logging.getLogger(__name__)


class NameStrictUndefined(StrictUndefined):
    """Undefined template variables are errors; a missing key of a dict is not.

    GOV.UK Frontend's macros read optional keys such as `params.classes` and test
    `caller`, so only other top-level names are strict.
    """

    def __new__(cls, hint=None, obj=missing, name=None, exc=None, **kwargs):
        if obj is not missing or name == "caller":  # macros test `caller` when called without a block
            return Undefined(hint=hint, obj=obj, name=name)
        return super().__new__(cls)


class ImportingTemplate(Template):
    """A template whose `{% from ... import %}` reuses the imported template's module.

    Jinja checks, on every import, whether the importing context has globals the imported
    template lacks (then it must render a fresh module); it does so key by key through a
    ChainMap, about 50 look-ups per import and 45 imports per page (GOV.UK Frontend's macros
    import one another). A set difference gives the same answer at a fraction of the cost.
    """

    def _get_default_module(self, ctx=None):
        if ctx is not None and not ctx.globals_keys.difference(self.globals):
            ctx = None  # nothing new to pass on: the cached module is the same
        return super()._get_default_module(ctx)


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the portal: config, extensions, content store, blueprints, errors, CLI.

    Refuses to start (raising ContentError or SurveyError) when any content or survey file is broken, and
    (RuntimeError) when a production instance has no SECRET_KEY.
    """
    config_class = config_class or config_from_env()
    app = Flask(__name__, instance_relative_config=True, static_url_path="/static")
    app.request_class = CleanRequest  # no control characters in any form field or query parameter
    app.config.from_object(config_class)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY must be set in the environment outside development and tests")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.jinja_options = {**app.jinja_options, "undefined": NameStrictUndefined}
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("app"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.template_class = ImportingTemplate
    app.jinja_env.add_extension("jinja2.ext.do")
    # GOV.UK Frontend's macros compare values with `undefined` and `null` (JavaScript's names).
    app.jinja_env.globals.update(undefined=Undefined(name="undefined"), null=Undefined(name="null"))

    # Statements' parameters (answers, emails, references) never go into an error message or log.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        "hide_parameters": True,
    }
    init_logging(app)
    db.init_app(app)
    app.cli.add_command(MigrationCommands(app))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    if app.config["ENV_NAME"] == "production" and str(app.config["RATELIMIT_STORAGE_URI"]).startswith("memory://"):
        app.logger.warning(
            "Rate-limit counters are kept in each process (RATELIMIT_STORAGE_URI=memory://): with several "
            "gunicorn workers every limit is multiplied by their number. Set RATELIMIT_STORAGE_URI to redis://..."
        )

    from .web.auth import init_login

    init_login(app)

    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)

    init_services(app)  # content, surveys and the search index; a broken file stops the start

    from . import models  # noqa: F401  (register models with SQLAlchemy)
    from .cli import register_cli
    from .web import register_web

    register_web(app)
    register_cli(app)

    @app.after_request
    def _remember_language(response):
        chosen = g.get("chosen_language")
        if chosen:
            response.set_cookie(
                app.config["LANGUAGE_COOKIE"],
                chosen,
                max_age=365 * 24 * 3600,
                secure=app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
        return response

    return app
