"""Form fields that read better than the generated ones."""

from flask_appbuilder.fieldwidgets import DateTimePickerWidget, Select2Widget
from wtforms import DateTimeField, SelectField
from wtforms.validators import DataRequired, Optional

from app.reference.regions import REGION_LABELS


def choice_field(label, choices: dict, default=None, blank=None) -> SelectField:
    """A select showing the vocabulary's (translated) labels, storing its codes; with
    `blank`, an empty first choice (stored as NULL) under that label."""
    if blank is None:
        return SelectField(label, choices=list(choices.items()), default=default,
                           validators=[DataRequired()], widget=Select2Widget())
    return SelectField(label, choices=[("", blank), *choices.items()], default=default,
                       validators=[Optional()], widget=Select2Widget(),
                       filters=[lambda v: v or None])


def optional_datetime_field(label) -> DateTimeField:
    return DateTimeField(label, format="%Y-%m-%d %H:%M:%S", validators=[Optional()],
                         widget=DateTimePickerWidget())


def region_field(label, required=False) -> SelectField:
    """A select of China's regions, named in the user's language, storing the code."""
    choices = ([] if required else [("", "—")]) + list(REGION_LABELS.items())
    return SelectField(label, choices=choices, default="",
                       validators=[DataRequired() if required else Optional()],
                       widget=Select2Widget())
