"""Shared singletons. AppBuilder is built per app in create_app (one per app, see FAB-NOTES)."""

from flask_appbuilder import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate

# Bind to Flask-AppBuilder's metadata so that Alembic sees the ab_* tables too.
db = get_sqla_class()(metadata=Model.metadata)
migrate = Migrate()
