"""What every page of ours shares: permission names and labels."""

from flask_appbuilder import ModelView

from app.security import MODEL_VIEW_METHODS
from app.views.labels import LABELS


class DomainModelView(ModelView):
    method_permission_name = MODEL_VIEW_METHODS
    label_columns = LABELS
    page_size = 25
