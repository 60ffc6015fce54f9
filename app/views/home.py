from flask_appbuilder import IndexView, expose
from sqlalchemy import func, select

from app.extensions import db
from app.models import Complaint
from app.models.choices import STATUSES


class HomeView(IndexView):
    """Landing page: what is open, by status."""

    index_template = "home.html"

    @expose("/")
    def index(self):
        counts = dict(
            db.session.execute(
                select(Complaint.status, func.count()).group_by(Complaint.status)
            ).all()
        ) if self.appbuilder.sm.current_user else {}
        return self.render_template(self.index_template, counts=counts, statuses=STATUSES)
