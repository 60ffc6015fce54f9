"""Flask-AppBuilder's own words that its Chinese catalogue lacks, marked here so that ours
carries them (Flask-Babel merges both catalogues)."""

from flask_babel import lazy_gettext as _

FAB_WORDS = (
    _("Add"), _("Show"), _("Edit"), _("Delete"), _("Cancel"), _("OK"), _("Groups"),
    _("List Groups"), _("Description"), _("Label"), _("Name"), _("Roles"), _("Users"),
    _("User confirmation needed"),
)
