"""Flask extensions, created here and bound to the app in create_app()."""

from functools import cached_property

from babel.support import NullTranslations, Translations
from flask import g
from flask_babel import Babel, Domain, get_locale
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

#: Named constraints, so migrations can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RequestDomain(Domain):
    """Flask-Babel's message domain, finding the request's translations once per locale.

    Every `_()` (a page makes about a hundred) otherwise looks the catalogue up afresh: three
    request-context lookups and the locale's name built again, a quarter of the time spent
    in templates. Within a request the catalogue is kept beside the locale it is for, so a
    `force_locale` (another language for a letter, say) still gets its own.
    """

    def get_translations(self) -> Translations | NullTranslations:
        locale = get_locale()
        if locale is None:
            return super().get_translations()
        kept = g.get("_request_translations")
        if kept is not None and kept[0] is locale and kept[1] is self:
            return kept[2]
        translations = super().get_translations()
        g._request_translations = (locale, self, translations)
        return translations


class PortalBabel(Babel):
    """Flask-Babel with `RequestDomain` as its message domain."""

    @cached_property
    def domain_instance(self) -> Domain:
        return RequestDomain(domain=self.domain)


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
babel = PortalBabel()

limiter = Limiter(key_func=get_remote_address)
login_manager = LoginManager()
