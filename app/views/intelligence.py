"""Knowledge base, reply templates and the text model's page."""

from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import DataRequired

from app.extensions import db
from app.intelligence.hotspots import rising_terms
from app.intelligence.training import history
from app.models import KnowledgeArticle
from app.models.choices import CATEGORIES
from app.timeutil import utcnow
from app.views.base import DomainModelView, office_time, vocabulary_label

LANGUAGES = {"zh": _("Chinese"), "en": _("English")}
MODEL_STATUSES = {"active": _("In use"), "retired": _("Retired"), "rejected": _("Not used")}


def category_list(codes) -> str:
    return ", ".join(str(CATEGORIES.get(c, c)) for c in codes or ())


def language_field() -> SelectField:
    return SelectField(_("Language"), choices=list(LANGUAGES.items()), default="zh",
                       validators=[DataRequired()])


class KnowledgeArticleView(DomainModelView):
    """Articles agents read and the desk suggests; admins and leads edit them."""

    datamodel = SQLAInterface(KnowledgeArticle)
    class_permission_name = "KnowledgeArticle"
    list_title = _("Knowledge base")
    show_title = _("Knowledge-base article")
    add_title = _("Add article")
    edit_title = _("Edit article")
    list_columns = ["title", "language", "categories", "tags", "updated_at"]
    search_columns = ["title", "body", "tags", "language"]
    add_columns = edit_columns = ["title", "language", "categories", "tags", "body"]
    show_columns = ["title", "language", "categories", "tags", "body", "updated_at"]
    add_form_extra_fields = edit_form_extra_fields = {
        "language": language_field(),
        "categories": SelectMultipleField(_("Categories"), choices=list(CATEGORIES.items()),
                                          widget=Select2ManyWidget()),
    }
    label_columns = {"title": _("Title"), "body": _("Text"), "language": _("Language"),
                     "categories": _("Categories"), "tags": _("Tags"),
                     "updated_at": _("Updated at")}
    description_columns = {"tags": _("Comma-separated words that help finding the article")}
    formatters_columns = {**DomainModelView.formatters_columns, "categories": category_list,
                          "language": vocabulary_label(LANGUAGES), "updated_at": office_time}
    base_order = ("updated_at", "desc")


class TextModelView(BaseView):
    """The model versions, their figures, and this week's rising terms."""

    route_base = "/intelligence"
    class_permission_name = "Intelligence"
    method_permission_name = {"model": "read"}
    default_view = "model"

    @expose("/model")
    @has_access
    def model(self):
        versions = history(db.session)
        active = next((m for m in versions if m.status == "active"), None)
        return self.render_template(
            "text_model.html", title=_("Text model"), versions=versions, active=active,
            statuses=MODEL_STATUSES, categories=CATEGORIES, office_time=office_time,
            hotspots=rising_terms(db.session, utcnow(), limit=3)[:20],
            can_train=self.appbuilder.sm.has_access("can_train", "Intelligence"))
