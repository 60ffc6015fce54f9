from flask_appbuilder import IndexView, expose
from sqlalchemy import func, select

from app.api.visibility import current_actor
from app.extensions import db
from app.models import Complaint
from app.models.choices import STATUSES


class HomeView(IndexView):
    """Landing page: the complaints the signed-in user may see, by status, each count a
    link to that list."""

    index_template = "home.html"

    @expose("/")
    def index(self):
        counts = {}
        if self.appbuilder.sm.current_user:
            query = select(Complaint.status, func.count()).group_by(Complaint.status)
            condition = current_actor().visible()
            if condition is not None:
                query = query.where(condition)
            counts = dict(db.session.execute(query).all())
        return self.render_template(self.index_template, counts=counts, statuses=STATUSES,
                                    signed_in=bool(self.appbuilder.sm.current_user))
