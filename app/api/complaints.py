from flask import current_app, request
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from sqlalchemy import select

from app.api.base import DomainRestApi, current_user_id
from app.api.errors import domain_errors
from app.api.visibility import VISIBLE, current_actor
from app.extensions import db
from app.models import Complaint, Customer
from app.security import REST_API_METHODS
from app.services.allowed import allowed_actions
from app.services.attachments import attach_evidence
from app.services.complaints import (
    CORRECTABLE,
    complaint_json,
    decision_json,
    decisions_of,
    event_json,
    get_complaint,
    update_complaint,
)
from app.services.errors import Forbidden, InvalidInput
from app.services.intake import register_complaint
from app.services.lifecycle import perform
from app.services.privacy.masking import mask_name, mask_text

REF_COLUMNS = ["customer.id", "customer.name", "team.id", "team.name",
               "assignee.id", "assignee.username", "outlet.id", "outlet.code",
               "duplicate_of.id"]
PLAIN_COLUMNS = [
    "id", "number", "channel", "received_at", "waybill_no", "service_type", "origin_region",
    "destination_region", "region", "declared_value", "category", "description", "expected_outcome", "impact",
    "urgency", "level", "status", "first_response_due_at", "resolution_due_at",
    "callback_due_at", "first_responded_at", "resolved_at", "closed_at", "satisfaction",
    "is_repeat", "tags", "anonymous", "late_registration", "completeness", "version",
]


def mask_rows(session, rows: list[dict]) -> None:
    """Personal data in complaint rows masked: the customer's name, and phone and ID
    numbers in the texts."""
    ids = {(r.get("customer") or {}).get("id") for r in rows} - {None}
    kinds = dict(session.execute(select(Customer.id, Customer.kind).where(Customer.id.in_(ids)))
                 .all()) if ids else {}
    for row in rows:
        customer = row.get("customer")
        if isinstance(customer, dict) and "name" in customer:
            customer["name"] = mask_name(customer["name"], kinds.get(customer.get("id")))
        for name in ("description", "expected_outcome"):
            if isinstance(row.get(name), str):
                row[name] = mask_text(row[name])


def json_body() -> dict:
    if not request.is_json:
        raise InvalidInput(gettext("the request body must be JSON (Content-Type: application/json)"))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput(gettext("the request body must be a JSON object"))
    return body


def check_intake_fields(actor, body: dict) -> None:
    """Level and team are the rules' to decide: setting them at registration (which would
    skip the approval a level needs) is for team leads and admins, who triage by hand."""
    given = sorted({"level", "team"} & set(body))
    if given and not (actor.is_admin or actor.lead_team_ids):
        raise Forbidden(
            gettext("%(fields)s of a new complaint are decided by the rules; only a team lead "
                    "or an admin may set them", fields=", ".join(given)),
            field=given[0], details={name: gettext("not editable") for name in given})


class ComplaintApi(DomainRestApi):
    resource_name = "complaints"
    class_permission_name = "Complaint"
    method_permission_name = {
        **REST_API_METHODS, "events": "read", "attach": "write", "decisions": "read",
        "action": "write",
    }
    base_filters = VISIBLE
    related_by_code = ("outlet",)  # given as a code or an id
    datamodel = SQLAInterface(Complaint)
    list_columns = PLAIN_COLUMNS + REF_COLUMNS
    show_columns = list_columns + ["duplicates.id", "duplicates.number"]
    # add/edit go through the services below; these only describe the schema.
    add_columns = ["customer", "channel", "category", "description"]
    edit_columns = list(CORRECTABLE)  # per role: services.complaints.editable_fields
    search_columns = [
        "number", "channel", "category", "level", "status", "team", "customer", "region",
        "waybill_no", "received_at", "assignee", "service_type", "outlet", "anonymous",
        "late_registration",
    ]
    order_columns = ["id", "number", "received_at", "level", "status", "resolution_due_at"]
    base_order = ("received_at", "desc")

    def pre_get(self, data: dict) -> None:
        """What the caller may do now, by action name (the page shows the same list)."""
        complaint = db.session.get(Complaint, int(data["id"])) if str(data.get("id")).isdigit() else None
        if complaint is not None:
            data["result"]["allowed_actions"] = allowed_actions(complaint, current_actor())
        mask_rows(db.session, [data["result"]])

    def pre_get_list(self, data: dict) -> None:
        mask_rows(db.session, data["result"])

    @domain_errors
    def post_headless(self):
        body = json_body()
        check_intake_fields(current_actor(), body)
        complaint = register_complaint(db.session, body, actor_id=current_user_id())
        return self.response(201, id=complaint.id, result=complaint_json(complaint))

    @domain_errors
    def put_headless(self, pk):
        complaint = update_complaint(db.session, pk, json_body(), actor=current_actor())
        return self.response(200, result=complaint_json(complaint))

    @expose("/<pk>/events", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def events(self, pk):
        """The complaint's timeline, oldest first."""
        complaint = get_complaint(db.session, pk, viewer=current_actor())
        return self.response(200, result=[event_json(e) for e in complaint.events])

    @expose("/<pk>/actions/<name>", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def action(self, pk, name):
        """Apply a lifecycle action; the body names the version it applies to."""
        actor = current_actor()
        if name == "attach":
            return self._attach_action(pk, actor)
        complaint = perform(db.session, pk, name, json_body(), actor)
        return self.response(200, result=complaint_json(complaint))

    def _attach_action(self, pk, actor):
        attach_evidence(
            db.session, pk, actor, request.form.get("version"), request.files.get("file"),
            missing_file=gettext("send the evidence as multipart form field 'file'"),
            instance_path=current_app.instance_path,
            max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"])
        return self.response(200, result=complaint_json(get_complaint(db.session, pk)))

    @expose("/<pk>/decisions", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def decisions(self, pk):
        """What the rules decided for this complaint, with versions and traces."""
        complaint = get_complaint(db.session, pk, viewer=current_actor())
        return self.response(200, result=[decision_json(d) for d in decisions_of(complaint)])

    @expose("/<pk>/attachments", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def attach(self, pk):
        """Upload one evidence file (multipart `file` and `version`): the `attach` action."""
        attachment = attach_evidence(
            db.session, pk, current_actor(), request.form.get("version"),
            request.files.get("file"),
            missing_file=gettext("send the evidence as multipart form field 'file'"),
            instance_path=current_app.instance_path,
            max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"])
        return self.response(201, id=attachment.id, result={
            "filename": attachment.filename, "kind": attachment.kind, "size": attachment.size,
        })
