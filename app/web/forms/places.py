"""The postcode box ("near where you live") and the buttons of "My list"."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import HiddenField, StringField
from wtforms.validators import ValidationError

from ...places import normalise_postcode
from ...places.gazetteer import Found, locate
from ..council import council
from .kit import strip

#: Longest postcode box value read (a full postcode with spaces is at most 8 characters).
POSTCODE_MAX = 12


class PostcodeMixin:
    """A postcode box, found in the gazetteer when the form is validated (`found`). Never stored."""

    found: Found | None = None

    postcode = StringField(
        _l("Your postcode (optional)"),
        description=_l("To see the nearest services first. We do not keep it."),
        filters=[strip],
        widget=GovTextInput(),
    )

    def validate_postcode(self, field: StringField) -> None:
        self.found = None
        if not field.data:
            return
        settings = council().settings
        example = f"{settings.postcode_area or 'AB'}1 2CD"
        postcode = normalise_postcode(field.data[:POSTCODE_MAX])
        if postcode is None:
            raise ValidationError(_("Enter a full postcode, like %(example)s", example=example))
        self.found = locate(postcode, settings.local_authority)
        if self.found is None:
            raise ValidationError(
                _(
                    "We cannot find the postcode %(postcode)s. Check it is right: we know the postcodes in and"
                    " near %(place)s.",
                    postcode=postcode,
                    place=council().place,
                )
            )


class ListForm(FlaskForm):
    """Add a service to "My list", or take it off: which service, and the page to go back to."""

    slug = HiddenField()
    next = HiddenField()
