"""The OpenAPI description at /api/v1/_openapi, completed where Flask-AppBuilder leaves gaps.

FAB documents its generated CRUD endpoints (with ids typed as strings, `_info` columns as
objects and no 403) and leaves custom endpoints without parameters, bodies or answers.
`complete_spec` fills that in once, for every API: every path parameter is declared, ids
are integers, relations may be null, every operation lists the error answers it can give
(400, 401, 403, 404, 409, 413, 422, 429 with one error body), and our own endpoints get
their bodies and answers from OPERATIONS below. Schemathesis checks answers against it
(tests/test_api_fuzz.py).
"""

import copy
import re

from flask import current_app
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_appbuilder.api.manager import OpenApi

from app.policy.catalog import KINDS
from app.services.lifecycle import ACTIONS

ERROR = {"type": "object", "properties": {
    "message": {"description": "What is wrong, in the user's language",
                "anyOf": [{"type": "string"}, {"type": "object"}]},
    "field": {"type": "string", "description": "The field, parameter or header at fault"},
    "details": {"description": "Per-field problems, when there are several"},
}}
ERROR_TEXT = {
    "400": "The input is not valid (the field is named)",
    "401": "Not signed in",
    "403": "The role may not do this, or may not change the fields named",
    "404": "No such record, or not visible to the caller",
    "409": "Conflicts with the current state or version, or a unique value",
    "413": "The request body is larger than the limit",
    "422": "The request could not be processed",
    "429": "Too many attempts; wait and try again",
    "500": "Unexpected server error (logged with the request id)",
}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
NULLABLE_REF = {"type": "object", "nullable": True}
TEXT = {"type": "string"}
WHEN = {"type": "string", "format": "date-time"}
WHEN_OR_NULL = {"type": "string", "format": "date-time", "nullable": True}

COMPLAINT = {"type": "object", "properties": {
    "id": ID, "number": TEXT, "version": ID, "status": TEXT, "level": {"type": "integer"},
    "customer": NULLABLE_REF, "team": NULLABLE_REF, "assignee": NULLABLE_REF,
    "received_at": WHEN, "resolution": NULLABLE_REF, "tags": {"type": "array"},
}}
EVENT = {"type": "object", "properties": {
    "id": ID, "at": WHEN, "kind": TEXT, "actor": {"type": "string", "nullable": True},
}}
DECISION = {"type": "object", "properties": {
    "id": ID, "at": WHEN, "stage": TEXT, "error": {"type": "string", "nullable": True},
}}
ALERT = {"type": "object", "properties": {
    "id": ID, "rule": TEXT, "severity": TEXT, "state": TEXT, "count": {"type": "integer"},
    "acknowledged_at": WHEN_OR_NULL, "resolved_at": WHEN_OR_NULL,
}}
VERSION = {"type": "object", "properties": {
    "kind": TEXT, "version": ID, "comment": {"type": "string", "nullable": True},
    "author": {"type": "string", "nullable": True}, "created_at": WHEN,
    "rules": {"type": "array"}, "parameters": {"type": "object"},
}}
RULES_BODY = {"type": "object", "properties": {
    "rules": {"type": "array", "items": {"type": "object"}},
    "parameters": {"type": "object"},
}}
CHECKED = {"type": "object", "required": ["valid", "problems"], "properties": {
    "valid": {"type": "boolean"}, "problems": {"type": "array"}, "warnings": {"type": "array"},
}}


def result(schema, **extra) -> dict:
    return {"type": "object", "properties": {"result": schema, **extra}}


def many(schema) -> dict:
    return {"type": "array", "items": schema}


def answer(status: str, schema: dict, text: str = "Done") -> dict:
    return {status: {"description": text, "content": {"application/json": {"schema": schema}}}}


def body(schema: dict, media: str = "application/json") -> dict:
    return {"requestBody": {"required": True, "content": {media: {"schema": schema}}}}


ACTION_BODY = {"type": "object", "required": ["version"], "properties": {
    "version": ID, "message": TEXT, "text": TEXT, "reason": TEXT, "comment": TEXT,
    "user": ID, "kind": TEXT, "amount": {"anyOf": [{"type": "string"}, {"type": "number"}]},
    "reached": {"type": "boolean"}, "satisfaction": {"type": "integer"},
}}
REASON_BODY = {"type": "object", "required": ["reason"], "properties": {"reason": TEXT}}
PERSON = {"type": "object", "properties": {
    "id": ID, "name": TEXT, "phone": TEXT, "email": TEXT, "address": TEXT}}
UPLOAD = {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary"}, "version": {"type": "integer"},
}}

# (method, path) -> what FAB cannot know about our own endpoints.
OBJECT = {"type": "object"}
KPI_QUERY = [
    {"in": "query", "name": "from", "required": True, "schema": {"type": "string", "format": "date"}},
    {"in": "query", "name": "to", "required": True, "schema": {"type": "string", "format": "date"}},
    {"in": "query", "name": "team", "schema": ID},
    {"in": "query", "name": "agent", "schema": ID},
    {"in": "query", "name": "group_by", "schema": {"type": "string", "enum": [
        "team", "agent", "category", "channel", "region", "outlet", "level", "day", "week",
        "month"]}},
    {"in": "query", "name": "format", "schema": {"type": "string", "enum": ["json", "csv", "xlsx"]}},
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NULLABLE_TEXT = {"type": "string", "nullable": True}
CUSTOMER = {"type": "object", "properties": {
    "id": ID, "name": TEXT, "kind": TEXT, "tier": TEXT,
    **{f: NULLABLE_TEXT for f in ("phone", "email", "address", "province", "city")}}}
OPERATIONS = {
    ("get", "/api/v1/customers/lookup"): {
        "parameters": [{"in": "query", "name": "phone", "schema": TEXT,
                        "description": "digits count; a +86 prefix is dropped"},
                       {"in": "query", "name": "email", "schema": TEXT}],
        "responses": answer("200", result(many(CUSTOMER), count={"type": "integer"},
                                          ids=many(ID)))},
    ("get", "/api/v1/reports/kpis"): {"parameters": KPI_QUERY, "responses": {"200": {
        "description": "The figures, targets, previous period and groups (or a CSV/XLSX file)",
        "content": {"application/json": {"schema": {"type": "object", "properties": {
            "from": TEXT, "to": TEXT, "kpis": OBJECT, "targets": OBJECT, "previous": OBJECT,
            "groups": {"type": "array"}}}},
            "text/csv": {"schema": TEXT}, XLSX: {"schema": {"type": "string", "format": "binary"}}}}}},
    ("post", "/api/v1/intelligence/suggest"): {
        **body({"type": "object", "required": ["description"],
                "properties": {"description": TEXT}}),
        "responses": answer("200", {"type": "object", "properties": {
            "category": {"type": "object", "nullable": True},
            "urgency": {"type": "object", "nullable": True},
            "similar": {"type": "array"}, "articles": {"type": "array"}}})},
    ("post", "/api/v1/intelligence/train"): {
        **body({"type": "object"}),
        "responses": {**answer("201", {"type": "object", "properties": {"model": OBJECT}}),
                      "409": {"description": "The new model was not used, and why",
                              "content": {"application/json": {"schema": {
                                  "type": "object", "properties": {"message": TEXT,
                                                                   "model": OBJECT}}}}}}},
    ("get", "/api/v1/intelligence/model"): answer("200", {"type": "object", "properties": {
        "model": {"type": "object", "nullable": True}}}),
    ("get", "/api/v1/intelligence/hotspots"): {
        "parameters": [{"in": "query", "name": "region", "schema": TEXT},
                       {"in": "query", "name": "category", "schema": TEXT},
                       {"in": "query", "name": "limit", "schema": {
                           "type": "integer", "minimum": 1, "maximum": 50}}],
        "responses": answer("200", result({"type": "array"}))},
    ("post", "/api/v1/alerts/{pk}/acknowledge"): answer("200", result(ALERT)),
    ("post", "/api/v1/alerts/{pk}/resolve"): answer("200", result(ALERT)),
    ("post", "/api/v1/customers/{pk}/reveal"): {
        **body(REASON_BODY), "responses": answer("200", result(PERSON), "The full values")},
    ("get", "/api/v1/customers/{pk}/export"): {
        "parameters": [{"in": "query", "name": "reason", "schema": TEXT},
                       {"in": "header", "name": "X-Reason", "schema": TEXT}],
        "responses": answer("200", result({"type": "object", "properties": {
            "customer": PERSON, "complaints": {"type": "array"}, "exported_at": WHEN}}),
            "Everything held about the person")},
    ("post", "/api/v1/customers/{pk}/erase"): {
        **body(REASON_BODY), "responses": answer("200", result({"type": "object", "properties": {
            "id": ID, "erased": {"type": "boolean"}}}))},
    ("get", "/api/v1/complaints/{pk}/events"): answer("200", result(many(EVENT))),
    ("get", "/api/v1/complaints/{pk}/decisions"): answer("200", result(many(DECISION))),
    ("post", "/api/v1/complaints/{pk}/actions/{name}"): {
        **body(ACTION_BODY), "responses": answer("200", result(COMPLAINT))},
    ("post", "/api/v1/complaints/{pk}/attachments"): {
        **body(UPLOAD, "multipart/form-data"), "responses": answer("201", {
            "type": "object", "properties": {"id": ID, "result": {"type": "object"}}})},
    ("get", "/api/v1/queue/"): {
        "parameters": [
            {"in": "query", "name": "view", "schema": {
                "type": "string", "enum": ["mine", "team", "unassigned", "at_risk", "overdue"]}},
            {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 0}},
            {"in": "query", "name": "level", "schema": {"type": "integer"}},
            {"in": "query", "name": "category", "schema": TEXT},
            {"in": "query", "name": "channel", "schema": TEXT},
            {"in": "query", "name": "region", "schema": TEXT},
        ],
        "responses": answer("200", result(many(COMPLAINT), view=TEXT,
                                          page={"type": "integer"}))},
    ("get", "/api/v1/queue/counts"): answer("200", result({"type": "object"},
                                                          labels={"type": "object"})),
    ("get", "/api/v1/queue/load"): answer("200", result(many({"type": "object"}))),
    ("get", "/api/v1/rulesets/"): answer("200", result(many({"type": "object", "properties": {
        "kind": TEXT, "version": {"type": "integer", "nullable": True}}}))),
    ("get", "/api/v1/rulesets/metadata"): {
        "parameters": [{"in": "query", "name": "kind", "schema": TEXT}],
        "responses": answer("200", result({"type": "object"}))},
    ("get", "/api/v1/rulesets/{kind}"): answer("200", VERSION),
    ("get", "/api/v1/rulesets/{kind}/versions"): answer("200", result(many(VERSION))),
    ("post", "/api/v1/rulesets/{kind}/versions"): {
        **body({**RULES_BODY, "required": ["rules", "comment"], "properties": {
            **RULES_BODY["properties"], "comment": TEXT}}),
        "responses": answer("201", VERSION)},
    ("get", "/api/v1/rulesets/{kind}/versions/{number}"): answer("200", VERSION),
    ("post", "/api/v1/rulesets/{kind}/validate"): {**body(RULES_BODY),
                                                   "responses": answer("200", CHECKED)},
    ("get", "/api/v1/rulesets/{kind}/diff"): {
        "parameters": [{"in": "query", "name": arg, "required": True, "schema": ID}
                       for arg in ("from", "to")],
        "responses": answer("200", {"type": "object", "properties": {
            "kind": TEXT, "from": ID, "to": ID}})},
    ("get", "/api/v1/rulesets/{kind}/hits"): answer("200", result(many({"type": "object"}))),
    ("post", "/api/v1/rulesets/{kind}/simulate"): {
        "parameters": [{"in": "query", "name": "stream", "schema": {"type": "string",
                                                                    "enum": ["0", "1"]}}],
        **body({**RULES_BODY, "properties": {
            **RULES_BODY["properties"], "since": WHEN,
            "days": {"type": "integer", "minimum": 1, "maximum": 366}}}),
        "responses": {**answer("200", {"type": "object"}),
                      "200": {"description": "The comparison, or NDJSON progress lines",
                              "content": {"application/json": {"schema": {"type": "object"}},
                                          "application/x-ndjson": {"schema": TEXT}}}}},
    ("post", "/api/v1/rulesets/{kind}/test"): {
        **body({**RULES_BODY, "properties": {**RULES_BODY["properties"], "complaint": ID,
                                             "fields": {"type": "object"}}}),
        "responses": answer("200", {"type": "object"})},
    ("post", "/api/v1/rulesets/{kind}/rollback"): {
        **body({"type": "object", "required": ["version", "comment"], "properties": {
            "version": ID, "comment": TEXT}}),
        "responses": answer("201", VERSION)},
    ("get", "/api/v1/rulesets/{kind}/draft"): answer("200", {"type": "object", "properties": {
        "kind": TEXT, "draft": {"type": "boolean"}, "based_on": {"type": "integer",
                                                                 "nullable": True}}}),
    ("put", "/api/v1/rulesets/{kind}/draft"): {
        **body({**RULES_BODY, "properties": {**RULES_BODY["properties"], "based_on": ID}}),
        "responses": answer("200", {**CHECKED, "properties": {
            **CHECKED["properties"], "saved": {"type": "boolean"}}})},
    ("delete", "/api/v1/rulesets/{kind}/draft"): answer("200", {
        "type": "object", "properties": {"discarded": {"type": "boolean"}}}),
}
AUDIT_QUERY = [
    {"in": "query", "name": "actor", "schema": {"type": "string", "maxLength": 256}},
    {"in": "query", "name": "from", "schema": {"type": "string", "format": "date"}},
    {"in": "query", "name": "to", "schema": {"type": "string", "format": "date"}},
    {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1}},
    {"in": "query", "name": "page_size", "schema": {"type": "integer", "minimum": 1,
                                                     "maximum": 500}},
    {"in": "query", "name": "format", "schema": {"type": "string", "enum": ["json", "csv"]}},
]
AUDIT_RECORD = {"type": "object", "properties": {
    "id": ID, "at": WHEN, "actor": TEXT, "actor_id": {"type": "integer", "nullable": True},
    "address": {"type": "string", "nullable": True}, "entity": TEXT, "entity_id": TEXT,
    "action": {"type": "string", "enum": ["create", "update", "delete"]},
    "changes": {"type": "object", "description": "field -> [before, after], or for a "
                "collection {added: [...], removed: [...]}; personal data masked"}}}
ACCESS_RECORD = {"type": "object", "properties": {
    "id": ID, "at": WHEN, "actor": TEXT, "actor_id": {"type": "integer", "nullable": True},
    "address": {"type": "string", "nullable": True}, "action": TEXT, "customer": ID,
    "fields": {"type": "array", "items": TEXT}, "reason": TEXT}}


def _listing(schema: dict, text: str) -> dict:
    return {"200": {"description": text, "content": {
        "application/json": {"schema": result(many(schema), count={"type": "integer"},
                                              page={"type": "integer"})},
        "text/csv": {"schema": TEXT}}}}


OPERATIONS[("get", "/api/v1/audit/")] = {
    "parameters": [{"in": "query", "name": "entity", "schema": {"type": "string"}},
                   {"in": "query", "name": "entity_id", "schema": {"type": "string",
                                                                   "maxLength": 64}},
                   *AUDIT_QUERY],
    "responses": _listing(AUDIT_RECORD, "Audit records, newest first (or a CSV file)")}
OPERATIONS[("get", "/api/v1/audit/access/")] = {
    "parameters": [{"in": "query", "name": "customer", "schema": ID},
                   {"in": "query", "name": "action", "schema": {
                       "type": "string", "enum": ["reveal", "export", "erase"]}},
                   *AUDIT_QUERY],
    "responses": _listing(ACCESS_RECORD, "Access records, newest first (or a CSV file)")}
PATH_PARAMETERS = {
    "pk": ID, "role_id": ID, "number": ID,
    "kind": {"type": "string", "enum": list(KINDS)},
    "name": {"type": "string", "enum": list(ACTIONS) + ["attach"]},
    "version": {"type": "string"},
}
METHODS = {"get", "post", "put", "delete", "patch"}


def _fix_schema(schema, key: str | None = None):
    """FAB's own schemas, corrected: ids are integers, `_info` columns are lists, menu
    children may be separators, nested relations may be null."""
    if isinstance(schema, list):
        for item in schema:
            _fix_schema(item)
        return
    if not isinstance(schema, dict):
        return
    if key == "id" and schema.get("type") == "string":
        schema["type"] = "integer"
    if key == "ids" and schema.get("items", {}).get("type") == "string":
        schema["items"]["type"] = "integer"
    if key in ("add_columns", "edit_columns") and schema.get("type") == "object":
        schema.clear()
        schema.update({"type": "array", "items": {"type": "object"}})
    if key == "childs":
        schema["items"] = {}
    if "$ref" in schema and key not in (None, "schema", "items"):
        ref = schema.pop("$ref")
        schema.update({"allOf": [{"$ref": ref}], "nullable": True})
    if schema.get("format") == "date-time":
        schema.pop("format")  # FAB's own tables store naive times (no offset)
    for name, value in list(schema.get("properties", {}).items()):
        _fix_schema(value, name)
    for part in ("items", "allOf", "anyOf", "oneOf", "additionalProperties"):
        if part in schema:
            _fix_schema(schema[part], part)
    if "content" in schema:
        for media in schema["content"].values():
            _fix_schema(media.get("schema"), "schema")


def _parameters(path: str, operation: dict) -> None:
    declared = {(p.get("in"), p.get("name")) for p in operation.get("parameters", [])
                if "$ref" not in p}
    for name in re.findall(r"{(\w+)}", path):
        if ("path", name) not in declared:
            operation.setdefault("parameters", []).append({
                "in": "path", "name": name, "required": True,
                "schema": copy.deepcopy(PATH_PARAMETERS.get(name, {"type": "string"}))})
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "path" and parameter.get("name") in ("pk", "role_id", "number"):
            parameter["schema"] = copy.deepcopy(ID)


def _responses(method: str, path: str, operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    codes = ["400", "401", "403", "404", "422", "500"]
    if method in ("post", "put", "delete"):
        codes += ["409", "413"]
    if path.endswith("/security/login"):
        codes.append("429")
    for code in codes:
        responses.setdefault(code, {"$ref": f"#/components/responses/{code}"})


def _relations(schemas: dict, datamodels: dict) -> None:
    """A to-many relation is a list of its schema; a to-one relation may be null."""
    for name, schema in schemas.items():
        datamodel = datamodels.get(name.split(".")[0])
        if datamodel is None or name.count(".") != 1:
            continue
        for column, prop in schema.get("properties", {}).items():
            if not datamodel.is_relation(column) or "allOf" not in prop:
                continue
            if datamodel.is_relation_many_to_many(column) or datamodel.is_relation_one_to_many(
                    column):
                item = prop["allOf"][0]
                prop.clear()
                prop.update({"type": "array", "items": item})


MASKED = {"type": "string", "nullable": True,
          "description": "Masked (e.g. 138****5678); POST …/reveal gives the full value"}


def _masked(schemas: dict) -> None:
    """A customer's personal fields are answered masked: not in the input's format."""
    for name in ("CustomerApi.get", "CustomerApi.get_list"):
        properties = schemas.get(name, {}).get("properties", {})
        for column in ("name", "phone", "email", "address"):
            if column in properties:
                properties[column] = dict(MASKED)


def complete_spec(spec: dict, datamodels: dict | None = None) -> dict:
    components = spec.setdefault("components", {})
    for schema in components.get("schemas", {}).values():
        _fix_schema(schema)
    _relations(components.get("schemas", {}), datamodels or {})
    _masked(components.get("schemas", {}))
    components["schemas"]["Error"] = ERROR
    components["responses"] = {
        code: {"description": text, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
        for code, text in ERROR_TEXT.items()}
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            extra = copy.deepcopy(OPERATIONS.get((method, path)))
            if extra is not None:
                if "responses" not in extra:
                    extra = {"responses": extra}
                for key, value in extra.items():
                    if key == "parameters":
                        operation.setdefault("parameters", []).extend(value)
                    else:
                        operation[key] = value
            for code, response in operation.get("responses", {}).items():
                if code[0] in "45" and "$ref" not in response and "headers" not in response:
                    operation["responses"][code] = {"$ref": f"#/components/responses/{code}"}
                else:
                    _fix_schema(response, "response")
            if "requestBody" in operation:
                _fix_schema(operation["requestBody"], "requestBody")
            _parameters(path, operation)
            _responses(method, path, operation)
    return spec


class ParcelDeskOpenApi(OpenApi):
    """FAB's /api/<version>/_openapi, answering the completed description."""

    class_permission_name = "OpenApi"

    @expose("/<version>/_openapi")
    @protect()
    @safe
    def get(self, version):
        """The OpenAPI description of one API version
        ---
        get:
          parameters:
          - in: path
            schema:
              type: string
            name: version
          responses:
            200:
              description: The OpenAPI spec
              content:
                application/json:
                  schema:
                    type: object
        """
        api_spec = self._create_api_spec(version)
        apis = [view for view in current_app.appbuilder.baseviews
                if isinstance(view, BaseApi) and view.version == version]
        if not apis:
            return self.response_404()
        for api in apis:
            api.add_api_spec(api_spec)
        datamodels = {type(api).__name__: api.datamodel for api in apis
                      if getattr(api, "datamodel", None) is not None}
        return self.response(200, **complete_spec(api_spec.to_dict(), datamodels))
