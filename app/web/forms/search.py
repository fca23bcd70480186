"""The form staff use to add a search synonym or spelling for one language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from ...languages import KNOWN_LANGUAGES
from ...models.search import PHRASE_CHARS
from ...search.analysis import words
from ...search.families import KINDS
from .kit import choice_field, strip

KIND_LABELS = {
    "synonym": _l("A synonym: searches for these words also find pages about the other words"),
    "spelling": _l("A spelling: this word is searched for as the other word"),
}


class SearchWordForm(FlaskForm):
    lang = SelectField(_l("Language"), widget=GovSelect(), validators=[InputRequired(message=_l("Select a language"))])
    kind = choice_field(
        _l("What are you adding?"),
        {key: KIND_LABELS[key] for key in KINDS},
        required=_l("Select a synonym or a spelling"),
    )
    phrase = StringField(
        _l("What families type"),
        description=_l("For a spelling, one word, as families type it"),
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message=_l("Enter what families type")),
            Length(max=PHRASE_CHARS, message=_l("Enter %(max)d characters or fewer", max=PHRASE_CHARS)),
        ],
    )
    means = StringField(
        _l("What it should find"),
        description=_l("Words used on the pages, in this language or in English"),
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message=_l("Enter what it should find")),
            Length(max=PHRASE_CHARS, message=_l("Enter %(max)d characters or fewer", max=PHRASE_CHARS)),
        ],
    )
    submit = SubmitField(_l("Add"), widget=GovSubmitInput())

    def __init__(self, languages: tuple[str, ...], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lang.choices = [SelectChoice(code, KNOWN_LANGUAGES[code].own_name) for code in languages]

    def validate_phrase(self, field: StringField) -> None:
        found = words(field.data or "")
        if not found:
            raise ValidationError(_l("Enter words with letters or numbers"))
        if self.kind.data == "spelling" and len(found) != 1:
            raise ValidationError(_l("For a spelling, enter one word"))
