"""Schemathesis over every operation of /api/v1/_openapi, as an admin and as an agent:
no answer is a 5xx, and every answer matches the spec (status documented, content type,
body schema). Examples per operation are bounded and derandomised so the test is
repeatable and fits the suite's time."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.extensions import db
from app.models import Customer
from app.services.intake import register_complaint

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
USERS = ("admin", "agent")

# Operations that would take the admin's own access away are sent to rows made for the
# purpose (a role, a user, a resource and a permission no one holds) instead of
# generated ids; the body is still generated.
SACRIFICED = {
    ("PUT", "/api/v1/security/users/{pk}"): "user",
    ("DELETE", "/api/v1/security/users/{pk}"): "user",
    ("PUT", "/api/v1/security/roles/{pk}"): "role",
    ("DELETE", "/api/v1/security/roles/{pk}"): "role",
    ("POST", "/api/v1/security/roles/{role_id}/permissions"): "role",
    ("PUT", "/api/v1/security/roles/{role_id}/users"): "role",
    ("PUT", "/api/v1/security/roles/{role_id}/groups"): "role",
    ("PUT", "/api/v1/security/resources/{pk}"): "resource",
    ("DELETE", "/api/v1/security/resources/{pk}"): "resource",
    ("PUT", "/api/v1/security/permissions-resources/{pk}"): "permission",
    ("DELETE", "/api/v1/security/permissions-resources/{pk}"): "permission",
}
# Not sent at all, with the reason.
EXCLUDED = {
    # A new token per example would only fuzz the password hashing (slow by design).
    ("POST", "/api/v1/security/login"): "password hashing dominates; covered by test_security",
    # Needs a refresh token, not the access token every other operation uses.
    ("POST", "/api/v1/security/refresh"): "takes a refresh token; covered by FAB",
}
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


def _sacrificial_rows(app, session):
    sm = app.appbuilder.sm
    role = sm.add_role("Fuzz Role")
    user = sm.add_user("fuzz", "Fuzz", "User", "fuzz@example.cn", [role], password="x" * 12)
    pvm = sm.add_permission_view_menu("can_fuzz", "Fuzz Resource")
    session.commit()
    return {"role": role.id, "user": user.id, "resource": pvm.view_menu_id, "permission": pvm.id}


def _seed(session):
    customer = Customer(name="李娜", kind="person", phone="13900000000", province="Zhejiang",
                        city="Hangzhou")
    session.add(customer)
    session.commit()
    for category in ("delay", "damage", "loss"):
        register_complaint(session, {"customer": customer.id, "channel": "web",
                                     "category": category, "description": "fuzz seed"})


def _summary(exc) -> str:
    """The first lines of each failure Schemathesis or the 5xx assertion reported."""
    parts = getattr(exc, "exceptions", None) or [exc]
    return " | ".join(" ".join(str(part).split())[:400] for part in parts)


def _run_operation(app, operation, headers, path_parameters):
    failures = []

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(path_parameters=path_parameters))
    def run(case):
        response = case.call(app=app, headers=headers)
        db.session.remove()  # each request has its own session in production too
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} {case.query} {str(case.body)[:300]} -> "
            f"{response.status_code}: {response.text[:300]}")
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - hypothesis raises exception groups
        failures.append(f"{operation.method.upper()} {operation.path}: {_summary(exc)}")
    return failures


@pytest.mark.fuzz
def test_every_operation_answers_without_5xx_and_as_documented(app, client, as_user, session):
    _seed(session)
    sacrificed = _sacrificial_rows(app, session)
    spec = client.get("/api/v1/_openapi", headers=as_user("agent"))
    assert spec.status_code == 200, "agents read the spec too"
    schema = schemathesis.openapi.from_dict(spec.get_json())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60
    failures = []
    for who in USERS:
        headers = as_user(who)
        for operation in operations:
            key = (operation.method.upper(), operation.path)
            if key in EXCLUDED:
                continue
            fixed = None
            if key in SACRIFICED:
                name = "role_id" if "{role_id}" in operation.path else "pk"
                fixed = {name: sacrificed[SACRIFICED[key]]}
            failures += _run_operation(app, operation, headers, fixed)
    assert not failures, "\n\n".join(failures)
