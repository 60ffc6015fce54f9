"""Knowledge base, reply templates and the text model's page."""

from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fieldwidgets import (
    BS3TextAreaFieldWidget,
    BS3TextFieldWidget,
    Select2ManyWidget,
)
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import get_locale
from flask_babel import lazy_gettext as _
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.extensions import db
from app.intelligence.hotspots import rising_terms
from app.intelligence.training import history
from app.models import KnowledgeArticle
from app.models.choices import CATEGORIES
from app.timeutil import utcnow
from app.views.base import DomainModelView, office_time

MODEL_STATUSES = {"active": _("In use"), "retired": _("Retired"), "rejected": _("Not used")}


def category_list(codes) -> str:
    return ", ".join(str(CATEGORIES.get(c, c)) for c in codes or ())


def page_language() -> str:
    locale = get_locale()
    return "zh" if locale is not None and locale.language == "zh" else "en"


def _written(form, language: str) -> bool:
    return bool((form[f"title_{language}"].data or "").strip())


def article_title(form, field):
    """An article needs a title in at least one language."""
    if not _written(form, "zh") and not _written(form, "en"):
        raise ValidationError(_("Give the title in Chinese, in English or in both."))


def article_body(form, field):
    """A title needs its text, and a text its title, in the same language."""
    language = field.name.rsplit("_", 1)[1]
    has_body = bool((field.data or "").strip())
    if _written(form, language) and not has_body:
        raise ValidationError(_("Write the text for this title."))
    if has_body and not _written(form, language):
        raise ValidationError(_("Give this text a title in the same language."))


class KnowledgeArticleView(DomainModelView):
    """Articles agents read and the desk suggests; admins and leads edit them.

    Written in Chinese, English or both; suggestions show the user's language, else the
    other one. The article's page shows every language it is written in.
    """

    datamodel = SQLAInterface(KnowledgeArticle)
    class_permission_name = "KnowledgeArticle"
    list_title = _("Knowledge base")
    show_title = _("Knowledge-base article")
    add_title = _("Add article")
    edit_title = _("Edit article")
    list_columns = ["title_zh", "title_en", "categories", "tags", "updated_at"]
    search_columns = ["title_zh", "title_en", "body_zh", "body_en", "tags"]
    add_columns = edit_columns = ["title_zh", "body_zh", "title_en", "body_en", "categories",
                                  "tags"]
    show_columns = ["title_zh", "title_en", "categories", "tags", "body_zh", "body_en",
                    "updated_at"]
    # Declared here: the generated fields start with Optional(), which would skip the
    # checks that look at the other language when a field is empty.
    add_form_extra_fields = edit_form_extra_fields = {
        "title_zh": StringField(_("Title (Chinese)"), widget=BS3TextFieldWidget(),
                                validators=[Length(max=200), article_title]),
        "body_zh": TextAreaField(_("Text (Chinese)"), widget=BS3TextAreaFieldWidget(),
                                 validators=[article_body]),
        "title_en": StringField(_("Title (English)"), widget=BS3TextFieldWidget(),
                                validators=[Length(max=200), article_title]),
        "body_en": TextAreaField(_("Text (English)"), widget=BS3TextAreaFieldWidget(),
                                 validators=[article_body]),
        "categories": SelectMultipleField(_("Categories"), choices=list(CATEGORIES.items()),
                                          widget=Select2ManyWidget()),
    }
    label_columns = {"title_zh": _("Title (Chinese)"), "body_zh": _("Text (Chinese)"),
                     "title_en": _("Title (English)"), "body_en": _("Text (English)"),
                     "categories": _("Categories"), "tags": _("Tags"),
                     "updated_at": _("Updated at")}
    description_columns = {
        "tags": _("Comma-separated words that help finding the article"),
        "title_en": _("Readers see the article in their language, else in the other one."),
    }
    formatters_columns = {**DomainModelView.formatters_columns, "categories": category_list,
                          "updated_at": office_time}
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
