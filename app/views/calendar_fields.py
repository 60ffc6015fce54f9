"""The team form's working-calendar fields, and the calendar shown on the team page.

The calendar itself is one JSON value (services/calendar.py); the form splits it into
working days, hours and holidays so that a lead can edit it without writing JSON.
No working days means 24/7.
"""

import re
from datetime import date, time

from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget, BS3TextFieldWidget
from flask_babel import lazy_gettext as _
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import ValidationError

from app.services.calendar import check_calendar

WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
            (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]
FIELDS = ("work_days", "work_start", "work_end", "national_holidays", "holidays")


class InlineCheckboxes(widgets.ListWidget):
    """The days side by side (the class goes on the list, not on every box)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("class", "list-inline")
        return super().__call__(field, **kwargs)


def _clock(text: str | None) -> time | None:
    """"9:00" or "09:00" as a time of day; None when it is not one."""
    text = (text or "").strip()
    if not re.fullmatch(r"\d{1,2}:\d{2}", text):
        return None
    try:
        return time.fromisoformat(text.zfill(5))
    except ValueError:
        return None


def _hhmm(form, field):
    if field.data and _clock(field.data) is None:
        raise ValidationError(_("Write the time as HH:MM, e.g. 09:00."))


def _hours_need_days(form, field):
    days, start, end = form.work_days.data, form.work_start.data, form.work_end.data
    if not days:
        if start or end:
            raise ValidationError(_("Choose the working days, or clear the hours for 24/7."))
        return
    if not start or not end:
        raise ValidationError(_("Give the start and the end of the working day."))
    start_t, end_t = _clock(start), _clock(end)
    if start_t is None or end_t is None:
        return  # the fields' own check reports the format
    if end_t <= start_t:
        raise ValidationError(_("The working day must end after it starts."))


def holiday_dates(text: str | None) -> list[str]:
    """Dates written one per line or separated by commas or spaces."""
    return [d for d in re.split(r"[\s,;]+", text or "") if d]


def _dates(form, field):
    for word in holiday_dates(field.data):
        try:
            date.fromisoformat(word)
        except ValueError as exc:
            raise ValidationError(
                _("%(word)s is not a date; write YYYY-MM-DD.", word=word)) from exc


CALENDAR_FIELDS = {
    "work_days": SelectMultipleField(
        _("Working days"), choices=WEEKDAYS, coerce=int,
        description=_("None ticked: the team works 24/7 and deadlines count every hour."),
        widget=InlineCheckboxes(prefix_label=False),
        option_widget=widgets.CheckboxInput()),
    "work_start": StringField(_("Working day starts"), validators=[_hhmm],
                              description=_("HH:MM, office time"),
                              widget=BS3TextFieldWidget()),
    "work_end": StringField(_("Working day ends"), validators=[_hhmm, _hours_need_days],
                            description=_("HH:MM, office time"), widget=BS3TextFieldWidget()),
    "national_holidays": BooleanField(
        _("Follow China's public holidays"),
        description=_("Public holidays are days off and make-up working days (调休) are "
                      "working days, as the State Council publishes them; the holidays "
                      "typed below stay on top.")),
    "holidays": TextAreaField(_("Holidays"), validators=[_dates],
                              description=_("One date per line, YYYY-MM-DD"),
                              widget=BS3TextAreaFieldWidget()),
}


def calendar_from(item) -> dict | None:
    """The calendar the form's fields (set on the item by populate_obj) describe."""
    days = getattr(item, "work_days", None)
    if not days:
        return None
    return check_calendar({
        "days": sorted(days), "start": _clock(item.work_start).isoformat("minutes"),
        "end": _clock(item.work_end).isoformat("minutes"),
        "holidays": sorted(set(holiday_dates(item.holidays))),
        "national_holidays": bool(getattr(item, "national_holidays", False))})


def fill(form, calendar: dict | None) -> None:
    """Show a stored calendar in the form's fields."""
    calendar = calendar or {}
    form.work_days.data = calendar.get("days", [])
    form.work_start.data = calendar.get("start", "")
    form.work_end.data = calendar.get("end", "")
    form.holidays.data = "\n".join(calendar.get("holidays", []))
    form.national_holidays.data = bool(calendar.get("national_holidays"))


def describe(calendar: dict | None) -> str:
    """"Monday, Tuesday … 09:00–18:00; holidays: …", or 24/7."""
    if not calendar:
        return str(_("24/7 (no working calendar)"))
    names = dict(WEEKDAYS)
    text = "{} {}–{}".format(", ".join(str(names[d]) for d in calendar["days"]),
                             calendar["start"], calendar["end"])
    if calendar.get("national_holidays"):
        text += "; {}".format(_("China's public holidays and make-up working days"))
    if calendar.get("holidays"):
        text += "; {} {}".format(_("holidays:"), ", ".join(calendar["holidays"]))
    return text
