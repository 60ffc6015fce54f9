"""/api/v1/rulesets: read, validate and publish the policy."""

import json
import logging
import queue
import threading

from flask import Response, current_app, request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from app.api.base import current_user_id
from app.api.complaints import json_body
from app.api.errors import domain_errors
from app.api.visibility import current_actor
from app.extensions import db
from app.policy import store
from app.policy.catalog import KINDS, export_metadata
from app.policy.conflicts import find_conflicts
from app.policy.describe import diff_rules
from app.services import simulation
from app.services.errors import DomainError, InvalidInput
from app.services.privacy.masking import mask_nested
from app.services.rule_testing import try_rules
from app.services.validation import as_id
from app.timeutil import utcnow

log = logging.getLogger(__name__)


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
        "one_version": "read", "publish": "write", "check": "read", "diff": "read",
        "hits": "read", "simulate": "simulate", "try_rules": "simulate", "rollback": "write",
        "get_draft": "write", "put_draft": "write", "delete_draft": "write",
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
        outlets = store.outlet_names(db.session)
        kinds = [request.args["kind"]] if request.args.get("kind") else KINDS
        for kind in kinds:
            if kind not in KINDS:
                return self.response(404, message=f"unknown rule-set kind '{kind}'")
        return self.response(200, result={k: export_metadata(k, teams, outlets) for k in kinds})

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
        rules = body.get("rules")
        problems = store.validate(db.session, kind, rules, body.get("parameters"))
        warnings = find_conflicts(kind, rules) if not problems else []
        return self.response(200, valid=not problems, problems=problems, warnings=warnings)

    @expose("/<kind>/diff", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def diff(self, kind):
        """Rules added, removed, changed and moved between versions `from` and `to`."""
        numbers = {}
        for arg in ("from", "to"):
            numbers[arg] = as_id(request.args.get(arg, ""))
            if numbers[arg] is None:
                raise InvalidInput(gettext("'%(arg)s' must be a version number", arg=arg), field=arg)
        before = store.get_version(db.session, kind, numbers["from"])
        after = store.get_version(db.session, kind, numbers["to"])
        return self.response(200, kind=kind, **{"from": before.version, "to": after.version},
                             **diff_rules(kind, before.rules, after.rules))

    @expose("/<kind>/hits", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def hits(self, kind):
        """Per rule of the current version: times fired in 24 h / 7 d / 30 d."""
        current = store.get_version(db.session, kind)
        counts = store.hit_counts(db.session, kind, utcnow())
        zero = {"24h": 0, "7d": 0, "30d": 0}
        return self.response(200, result=[
            {"rule": r["name"], **counts.get(r["name"], zero),
             "never_fired_30d": counts.get(r["name"], zero)["30d"] == 0}
            for r in current.rules])

    @expose("/<kind>/simulate", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def simulate(self, kind):
        """Run draft rules over past complaints; `?stream=1` sends progress lines first."""
        store.check_kind(kind)
        body = json_body()
        args = dict(rules=body.get("rules"), parameters=body.get("parameters"),
                    since=body.get("since"), days=body.get("days"))
        # bad rules or a bad period are answered (400) before any work or stream starts
        plan = simulation.plan(db.session, kind, **args)
        if request.args.get("stream") != "1":
            return self.response(200, **simulation.run(db.session, plan))
        return Response(_stream(current_app._get_current_object(), plan),
                        mimetype="application/x-ndjson")

    @expose("/<kind>/test", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def try_rules(self, kind):
        """Decisions and trace for one complaint (`complaint` id or `fields`)."""
        body = json_body()
        # the facts and trace quote the description: phone and ID numbers masked
        return self.response(200, **mask_nested(try_rules(
            db.session, kind, rules=body.get("rules"), parameters=body.get("parameters"),
            complaint_id=body.get("complaint"), fields=body.get("fields"),
            viewer=current_actor())))

    @expose("/<kind>/rollback", methods=["POST"])
    @protect()
    @safe
    @domain_errors
    def rollback(self, kind):
        """Publish an old version's rules as a new version: `{"version": n, "comment"}`."""
        body = json_body()
        row = store.rollback(db.session, kind, body.get("version"), comment=body.get("comment"),
                             author_id=current_user_id())
        return self.response(201, **version_json(row))

    @expose("/<kind>/draft", methods=["GET"])
    @protect()
    @safe
    @domain_errors
    def get_draft(self, kind):
        """My draft of this kind, or the current version when I have none."""
        draft = store.get_draft(db.session, kind, current_user_id())
        if draft is None:
            current = store.get_version(db.session, kind)
            return self.response(200, kind=kind, draft=False, based_on=current.version,
                                 rules=current.rules, parameters=current.parameters or {})
        return self.response(200, kind=kind, draft=True, based_on=draft.based_on,
                             rules=draft.rules, parameters=draft.parameters or {},
                             updated_at=draft.updated_at.isoformat())

    @expose("/<kind>/draft", methods=["PUT"])
    @protect()
    @safe
    @domain_errors
    def put_draft(self, kind):
        """Save my draft (valid or not) and answer with its problems and warnings."""
        body = json_body()
        rules, parameters = body.get("rules"), body.get("parameters")
        store.save_draft(db.session, kind, current_user_id(), rules, parameters,
                         body.get("based_on"))
        problems = store.validate(db.session, kind, rules, parameters)
        warnings = find_conflicts(kind, rules) if not problems else []
        return self.response(200, saved=True, valid=not problems, problems=problems,
                             warnings=warnings)

    @expose("/<kind>/draft", methods=["DELETE"])
    @protect()
    @safe
    @domain_errors
    def delete_draft(self, kind):
        store.discard_draft(db.session, kind, current_user_id())
        return self.response(200, discarded=True)


def _stream(app, plan):
    """NDJSON while it runs: {"progress": n, "total": t} lines, then {"result": {...}}."""
    lines: queue.Queue = queue.Queue()

    def work():
        with app.app_context():
            try:
                result = simulation.run(db.session, plan, progress=lambda done, total:
                                        lines.put({"progress": done, "total": total}))
                lines.put({"result": result})
            except DomainError as exc:
                lines.put({"error": exc.as_dict()})
            except Exception:  # noqa: BLE001 - reported to the client, logged here
                log.exception("simulation failed")
                lines.put({"error": {"message": "the simulation failed; see the server log"}})
            finally:
                db.session.remove()
                lines.put(None)

    threading.Thread(target=work, daemon=True).start()
    while (item := lines.get()) is not None:
        yield json.dumps(item, default=str) + "\n"
