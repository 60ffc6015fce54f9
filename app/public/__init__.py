"""Pages for customers, without login: the satisfaction survey."""

from flask import Blueprint, render_template, request

from app.extensions import db
from app.services import survey
from app.services.errors import DomainError

bp = Blueprint("public", __name__)


@bp.route("/survey/<token>", methods=["GET", "POST"])
def survey_page(token):
    try:
        row = survey.find_token(db.session, token)
        if request.method == "POST":
            survey.answer(db.session, token, {"score": request.form.get("score"),
                                              "comment": request.form.get("comment")})
            return render_template("survey.html", done=True, number=row.complaint.number)
    except DomainError as exc:
        db.session.rollback()
        status = exc.status
        if request.method == "POST" and status == 400:
            return render_template("survey.html", error=exc.message, token=token,
                                   number=row.complaint.number), 400
        return render_template("survey.html", error=exc.message), status
    return render_template("survey.html", token=token, number=row.complaint.number)
