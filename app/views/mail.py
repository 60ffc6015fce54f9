from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _

from app.models import MailTemplate, ReplyTemplate
from app.models.choices import CATEGORIES, LANGUAGES
from app.views.base import DomainModelView, vocabulary_label
from app.views.fields import choice_field


class MailTemplateView(DomainModelView):
    """What customers are told on registration and resolution (admins only)."""

    datamodel = SQLAInterface(MailTemplate)
    show_title = _("Mail template")
    edit_title = _("Edit mail template")
    class_permission_name = "MailTemplate"
    list_title = _("Mail templates")
    list_columns = ["key", "subject"]
    edit_columns = ["subject", "body"]
    show_columns = ["key", "subject", "body"]
    include_route_methods = {"list", "show", "edit"}
    label_columns = {"key": _("Key"), "subject": _("Subject"), "body": _("Body")}
    description_columns = {"body": _(
        "Placeholders: {number}, {customer}, {waybill_no}, {first_response}, "
        "{resolution_due}; on resolution also {resolution} and {survey_url}.")}


class ReplyTemplateView(DomainModelView):
    """Canned replies to customers, per category and language (admins edit them)."""

    datamodel = SQLAInterface(ReplyTemplate)
    class_permission_name = "ReplyTemplate"
    list_title = _("Reply templates")
    show_title = _("Reply template")
    add_title = _("Add reply template")
    edit_title = _("Edit reply template")
    list_columns = ["title", "category", "language", "active"]
    add_columns = edit_columns = show_columns = ["title", "category", "language", "body", "active"]
    search_columns = ["title", "category", "language", "active"]
    add_form_extra_fields = edit_form_extra_fields = {
        "category": choice_field(_("Category"), CATEGORIES, blank=_("Every category")),
        "language": choice_field(_("Language"), LANGUAGES, default="zh"),
    }
    label_columns = {**DomainModelView.label_columns, "title": _("Title"), "body": _("Text"),
                     "language": _("Language")}
    formatters_columns = {**DomainModelView.formatters_columns,
                          "category": lambda c: str(CATEGORIES.get(c, _("Every category")))
                          if c else str(_("Every category")),
                          "language": vocabulary_label(LANGUAGES)}
    description_columns = {"body": _(
        "Placeholders: {customer}, {number}, {waybill_no}, {due} (the resolution due time), "
        "{agent} (who replies).")}
