"""/api/v1/rulesets: read, validate and publish the policy."""

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe

from app.api.base import current_user_id
from app.api.complaints import json_body
from app.api.errors import domain_errors
from app.extensions import db
from app.policy import store
from app.policy.catalog import KINDS, export_metadata


def version_json(row, *, with_rules: bool = True) -> dict:
    body = {
        "kind": row.kind, "version": row.version, "comment": row.comment,
        "author": row.author.username if row.author else None,
        "created_at": row.created_at.isoformat(),
    }
    if with_rules:
        body["rules"] = row.rules
        body["parameters"] = row.parameters or {}
    return body


class RuleSetApi(BaseApi):
    resource_name = "rulesets"
    class_permission_name = "RuleSet"
    method_permission_name = {
        "kinds": "read", "metadata": "read", "current": "read", "versions": "read",
        "one_version": "read", "publish": "write", "check": "read",
    }
    allow_browser_login = True
    openapi_spec_tag = "Rule sets"

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def kinds(self):
        """The rule-set kinds with their current version numbers."""
        latest = store.latest_versions(db.session)
        return self.response(200, result=[{"kind": k, "version": latest.get(k)} for k in KINDS])

    @expose("/metadata", methods=["GET"])
    @protect()
    @safe
    def metadata(self):
        """Variables, operators and actions per kind, for the rule editor."""
        teams = store.team_names(db.session)
        kinds = [request.args["kind"]] if request.args.get("kind") else KINDS
        for kind in kinds:
            if kind not in KINDS:
                return self.response(404, message=f"unknown rule-set kind '{kind}'")
        return self.response(200, result={k: export_metadata(k, teams) for k in kinds})

    @expose("/<kind>", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def current(self, kind):
        """The version in force."""
        return self.response(200, **version_json(store.get_version(db.session, kind)))

    @expose("/<kind>/versions", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def versions(self, kind):
        """Every version, newest first (without their rules)."""
        rows = store.list_versions(db.session, kind)
        return self.response(200, result=[version_json(r, with_rules=False) for r in rows])

    @expose("/<kind>/versions/<int:number>", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def one_version(self, kind, number):
        return self.response(200, **version_json(store.get_version(db.session, kind, number)))

    @expose("/<kind>/versions", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def publish(self, kind):
        """Validate and publish `{"rules": [...], "comment": "..."}` as the next version."""
        store.check_kind(kind)
        body = json_body()
        row = store.publish(db.session, kind, body.get("rules"), comment=body.get("comment"),
                            parameters=body.get("parameters"), author_id=current_user_id())
        return self.response(201, **version_json(row))

    @expose("/<kind>/validate", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def check(self, kind):
        """Check `{"rules": [...]}` without publishing."""
        store.check_kind(kind)
        body = json_body()
        problems = store.validate(db.session, kind, body.get("rules"), body.get("parameters"))
        return self.response(200, valid=not problems, problems=problems)
