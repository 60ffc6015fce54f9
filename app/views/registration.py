"""Registering a complaint on a page of our own: find the customer as you type (phone,
waybill or name) or add one inline; choose from the vocabularies; level and team are left
to the rules and shown after saving."""

from datetime import datetime

from flask import g, jsonify, redirect, request, url_for
from flask_babel import gettext
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, Outlet
from app.models.choices import CATEGORIES, CHANNELS, CUSTOMER_KINDS, IMPACTS, SERVICE_TYPES
from app.reference.regions import REGION_LABELS
from app.services.access import actor_for
from app.services.customers import customer_choice, find_customers, new_customer
from app.services.errors import DomainError
from app.services.intake import register_complaint
from app.timeutil import office_zone
from app.views.timeline_text import team_label

COMPLAINT_FIELDS = ("channel", "received_at", "waybill_no", "service_type", "origin_region",
                    "destination_region", "region", "category", "description",
                    "expected_outcome", "impact", "urgency", "declared_value", "outlet")
NEW_CUSTOMER_FIELDS = ("name", "phone", "email", "kind")


def form_to_intake(form) -> tuple[dict, dict, dict]:
    """The page's fields as intake takes them, problems found on the way, and the inline
    new customer's fields."""
    data, problems = {}, {}
    for key in COMPLAINT_FIELDS:
        value = (form.get(key) or "").strip()
        if not value:
            continue
        if key == "received_at":
            try:
                value = datetime.fromisoformat(value).replace(tzinfo=office_zone())
            except ValueError:
                problems[key] = gettext("must be a date and time, e.g. 2026-05-01 14:30")
                continue
        elif key == "urgency":
            value = int(value) if value.isascii() and value.isdigit() else value
        data[key] = value
    customer = (form.get("customer") or "").strip()
    if customer:
        data["customer"] = int(customer) if customer.isascii() and customer.isdigit() else customer
    if form.get("anonymous"):
        data["anonymous"] = True
    new = {k: (form.get(f"new_{k}") or "").strip() for k in NEW_CUSTOMER_FIELDS}
    return data, problems, {k: v for k, v in new.items() if v}


def register_from_form(view):
    """GET shows the form; POST registers through intake, then opens the new complaint."""
    values, problems = dict(request.form), {}
    chosen = None
    if request.method == "POST":
        data, problems, new = form_to_intake(request.form)
        if not problems:
            try:
                if "customer" not in data and new and not data.get("anonymous"):
                    data["customer"] = new_customer(db.session, new).id
                complaint = register_complaint(db.session, data, actor_id=g.user.id)
            except DomainError as exc:
                db.session.rollback()
                details = exc.details if isinstance(exc.details, dict) else {}
                if "customer" not in data and new:  # the inline customer's problems
                    problems.update({f"new_{k}": m for k, m in details.items()})
                else:
                    problems.update(details or {exc.field or "form": exc.message})
            else:
                actor = actor_for(db.session, g.user)
                if actor.can_see(complaint):
                    return redirect(url_for("ComplaintView.show", pk=complaint.id))
                return view.render_template(
                    "complaint_registered.html", complaint=complaint,
                    team=team_label(complaint.team) if complaint.team else "—",
                    title=gettext("Complaint registered"))
        if str(values.get("customer", "")).isdigit():
            chosen = db.session.get(Customer, int(values["customer"]))
    return view.render_template(
        "complaint_register.html", values=values, problems=problems,
        chosen=customer_choice(chosen) if chosen else None, channels=CHANNELS,
        categories=CATEGORIES, service_types=SERVICE_TYPES, impacts=IMPACTS,
        customer_kinds=CUSTOMER_KINDS, regions=REGION_LABELS, outlets=active_outlets(),
        csrf=generate_csrf(), title=gettext("New complaint"))


def active_outlets():
    return list(db.session.execute(select(Outlet).where(Outlet.active.is_(True))
                                   .order_by(Outlet.code)).scalars())


def customer_search():
    return jsonify(result=[customer_choice(c) for c in
                           find_customers(db.session, request.args.get("q", "")[:60])])
