from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _

from app.models import MailTemplate
from app.views.base import DomainModelView


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
