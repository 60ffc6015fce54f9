"""The text intelligence API: suggestions, training, the model in use, hotspot terms."""

from flask import current_app, request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from app.api.complaints import json_body
from app.api.errors import domain_errors
from app.extensions import db
from app.intelligence.hotspots import rising_terms
from app.intelligence.suggest import suggest
from app.intelligence.training import history, model_json, train_model
from app.models.choices import CATEGORIES
from app.services import validation as v
from app.services.errors import InvalidInput
from app.timeutil import utcnow
from app.views.intelligence import page_language

TRAIN = "can_train"


class IntelligenceApi(BaseApi):
    resource_name = "intelligence"
    class_permission_name = "Intelligence"
    method_permission_name = {"suggest": "read", "model": "read", "hotspots": "read",
                              "train": "train"}
    allow_browser_login = True
    openapi_spec_tag = "Intelligence"

    @expose("/suggest", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def suggest(self):
        body = json_body()
        p = v.Problems()
        v.no_unknown(p, body, {"description"})
        description = v.text(p, body, "description", required=True, max_len=10000)
        p.raise_if_any(gettext("No suggestion; please correct"))
        return self.response(200, **suggest(db.session, description, page_language()))

    @expose("/train", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def train(self):
        # a JSON body (may be {}): a cross-site form cannot send one with the admin's cookie
        v.no_unknown(p := v.Problems(), json_body(), set())
        p.raise_if_any(gettext("No model trained; please correct"))
        version = train_model(db.session,
                              min_examples=current_app.config["INTELLIGENCE_MIN_EXAMPLES"])
        if version.status == "rejected":
            return self.response(409, message=version.reason, model=model_json(version))
        return self.response(201, model=model_json(version))

    @expose("/model", methods=["GET"])
    @protect()
    @safe
    def model(self):
        versions = history(db.session)
        active = next((m for m in versions if m.status == "active"), None)
        return self.response(200, model=model_json(active) if active else None,
                             history=[model_json(m) for m in versions])

    @expose("/hotspots", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def hotspots(self):
        category = request.args.get("category") or None
        if category is not None and category not in CATEGORIES:
            raise InvalidInput(gettext("must be one of: %(values)s",
                                       values=", ".join(CATEGORIES)), field="category")
        limit = request.args.get("limit", "5")
        if not limit.isdigit() or not 1 <= int(limit) <= 50:
            raise InvalidInput(gettext("must be a whole number from 1 to 50"), field="limit")
        return self.response(200, result=rising_terms(
            db.session, utcnow(), region=request.args.get("region") or None,
            category=category, limit=int(limit)))
