"""For operators and their tools, without login: GET /health (200 or 503 naming the
failing parts) and GET /metrics (Prometheus text; only for METRICS_ALLOW addresses or a
request carrying METRICS_TOKEN)."""

import hmac
import ipaddress

from flask import Blueprint, Response, abort, current_app, jsonify, request

from app.extensions import db
from app.timeutil import utcnow

bp = Blueprint("ops", __name__)


@bp.route("/health")
def health():
    from app.services.health import check

    report = check(db.session, utcnow())
    return jsonify(report), 200 if report["status"] == "ok" else 503


def metrics_allowed(config: dict, remote_addr: str | None, authorization: str | None) -> bool:
    token = config.get("METRICS_TOKEN")
    if token and authorization and hmac.compare_digest(authorization, f"Bearer {token}"):
        return True
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    for entry in str(config.get("METRICS_ALLOW") or "").split(","):
        entry = entry.strip()
        if entry and address in ipaddress.ip_network(entry, strict=False):
            return True
    return False


@bp.route("/metrics")
def metrics():
    from app.telemetry import render

    if not metrics_allowed(current_app.config, request.remote_addr,
                           request.headers.get("Authorization")):
        abort(403)
    body = render(db.session, utcnow())
    return Response(body, mimetype="text/plain; version=0.0.4; charset=utf-8")
