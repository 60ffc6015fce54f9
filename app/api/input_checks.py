"""Input limits checked before any view runs: what the database or a parser cannot take.

Every request to the API, and the list arguments of the pages, pass here first:
path ids are 1 .. 2^31-1, pages and page sizes are bounded, `q` (Rison) is an object of
bounded values typed like the columns it filters, JSON bodies are at most MAX_DEPTH deep
with no NaN/Infinity, no lone surrogates and bounded numbers, and a body over
MAX_CONTENT_LENGTH is refused with 413. Each refusal names the field and changes nothing;
the services still check the meaning of every field.
"""

import json
import math
import re
from datetime import datetime

import prison
from flask import Flask, current_app, jsonify, request
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from app.models.types import MAX_ID
from app.services.validation import MAX_INT, MIN_INT, parse_moment, whole_number

MAX_DEPTH = 20
MAX_PAGE = 10_000
MAX_QUERY_TEXT = 1_000
MAX_JSON_INT = 2**53  # larger integers lose precision in JavaScript clients
ID_KEY = re.compile(r"(^|_)(id|ids|pk)$")
PATH_IDS = {"pk", "number", "role_id"}
BODY_ENDPOINTS = {"post", "put", "add_role_permissions", "update_role_users", "update_role_groups"}
PAGE_ARG = re.compile(r"^(page|psize)_\w+$")
FILTER_ARG = re.compile(r"^_flt_\d+_(\w+)$")


class Refused(Exception):
    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _view():
    """The API or view instance that will answer this request, when there is one."""
    function = current_app.view_functions.get(request.endpoint or "")
    return getattr(function, "__self__", None)


# --- values -------------------------------------------------------------------

def _check_tree(value, field: str, depth: int = 0) -> None:
    """Depth, text and numbers of a decoded JSON or Rison value; `field` is its path
    ("" for a body, whose top-level keys are the fields)."""
    if depth > MAX_DEPTH:
        field = re.split(r"[.\[]", field)[0] or "body"
        raise Refused(400, gettext("%(field)s is nested more than %(max)s levels deep",
                                   field=field, max=MAX_DEPTH), field)
    if isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, field or "body")
            _check_tree(item, f"{field}.{key}" if field else key, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_tree(item, f"{field}[{i}]", depth + 1)
    elif isinstance(value, str):
        _check_text(value, field or "body")
    elif isinstance(value, bool) or value is None:
        return
    field = field or "body"
    if isinstance(value, NotANumber):
        raise Refused(400, gettext("%(field)s must be a finite number, not %(value)s",
                                   field=field, value=value.name), field)
    if isinstance(value, int):
        last = re.sub(r"\[\d+\]$", "", field.rsplit(".", 1)[-1])
        if ID_KEY.search(last) and not 1 <= value <= MAX_ID:
            raise Refused(400, gettext("%(field)s must be an id from 1 to %(max)s",
                                       field=field, max=MAX_ID), field)
        if abs(value) > MAX_JSON_INT:
            raise Refused(400, gettext("%(field)s is a number too large", field=field), field)
    if isinstance(value, float) and (not math.isfinite(value) or abs(value) > MAX_JSON_INT):
        raise Refused(400, gettext("%(field)s must be a finite number", field=field), field)


def _check_text(value: str, field: str) -> None:
    if "\x00" in value:  # PostgreSQL text cannot hold NUL
        raise Refused(400, gettext("%(field)s contains a NUL character", field=field), field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Refused(400, gettext("%(field)s contains a character that is not valid text "
                                   "(a lone surrogate)", field=field), field) from exc


def _column_value(datamodel, column: str, value, field: str) -> None:
    """A filter value must suit the column it compares with (the database says so too late)."""
    if isinstance(value, list):
        for item in value:
            _column_value(datamodel, column, item, field)
        return
    if value is None:
        return
    if datamodel.is_relation(column) or datamodel.is_integer(column):
        number = whole_number(value)
        if number is None or not MIN_INT <= number <= MAX_INT:
            raise Refused(400, gettext("%(field)s: the value for %(column)s must be a whole number "
                                       "from %(low)s to %(high)s", field=field, column=column,
                                       low=MIN_INT, high=MAX_INT), field)
    elif datamodel.is_date(column) or datamodel.is_datetime(column):
        if parse_moment(value) is None and not isinstance(value, datetime):
            raise Refused(400, gettext("%(field)s: the value for %(column)s must be an ISO 8601 "
                                       "date between 2000-01-01 and 2099-12-31",
                                       field=field, column=column), field)
    elif datamodel.is_boolean(column):
        if not isinstance(value, bool):
            raise Refused(400, gettext("%(field)s: the value for %(column)s must be true or false",
                                       field=field, column=column), field)
    elif datamodel.is_numeric(column) or datamodel.is_float(column):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Refused(400, gettext("%(field)s: the value for %(column)s must be a number",
                                       field=field, column=column), field)
    elif not isinstance(value, str) or len(value) > MAX_QUERY_TEXT:
        raise Refused(400, gettext("%(field)s: the value for %(column)s must be text of at most "
                                   "%(max)s characters", field=field, column=column,
                                   max=MAX_QUERY_TEXT), field)


# --- parts of a request ---------------------------------------------------------

def _check_path_ids(view) -> None:
    for name, value in (request.view_args or {}).items():
        if name in PATH_IDS or name.endswith("_id"):
            number = whole_number(value) if isinstance(value, str | int) else None
            missing = number is None or not 1 <= number <= MAX_ID
            # FAB's user and group edits read the row without checking it exists
            if (not missing and request.path.startswith("/api/v1/security/")
                    and getattr(view, "datamodel", None) is not None):
                missing = view.datamodel.get(number) is None
            if missing:
                raise Refused(404, gettext("%(field)s: no record with id %(value)s",
                                           field=name, value=str(value)[:30]), name)


def _parse_rison(raw: str):
    try:
        return prison.loads(raw)
    except Exception:  # noqa: BLE001 - FAB also accepts JSON here
        try:
            return json.loads(raw, parse_constant=NotANumber)
        except (ValueError, RecursionError) as exc:
            raise Refused(400, gettext("q is not valid Rison or JSON"), "q") from exc


def _check_rison(view) -> None:
    raw = request.args.get("q")
    if raw is None:
        return
    if len(raw) > 10_000:
        raise Refused(400, gettext("q is longer than %(max)s characters", max=10_000), "q")
    try:
        args = _parse_rison(raw)
    except RecursionError as exc:
        raise Refused(400, gettext("q is nested more than %(max)s levels deep",
                                   max=MAX_DEPTH), "q") from exc
    if not isinstance(args, dict):
        raise Refused(400, gettext("q must be a Rison object, e.g. (page:0,page_size:25)"), "q")
    _check_tree(args, "q")
    max_size = current_app.config.get("FAB_API_MAX_PAGE_SIZE", 100)
    bounds = {"page": (0, MAX_PAGE), "page_size": (1, max_size)}
    for key, (low, high) in bounds.items():
        if key in args:
            value = args[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise Refused(400, gettext("q.%(key)s must be a whole number from %(low)s to "
                                           "%(high)s", key=key, low=low, high=high), f"q.{key}")
    filters = args.get("filters", [])
    if not isinstance(filters, list):
        raise Refused(400, gettext("q.filters must be a list"), "q.filters")
    datamodel = getattr(view, "datamodel", None)
    for i, item in enumerate(filters):
        field = f"q.filters[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("col"), str):
            raise Refused(400, gettext("%(field)s must be an object with col, opr and value",
                                       field=field), field)
        column = item["col"]
        if datamodel is not None and column in datamodel.list_properties:
            _column_value(datamodel, column, item.get("value"), f"{field}.value")


class NotANumber:
    """NaN or Infinity in a JSON body: kept as this marker so the refusal names its field."""

    def __init__(self, name: str):
        self.name = name


def _check_json_body(view) -> None:
    # A model API's create and edit take a JSON object (FAB's own handlers crash without one).
    needs_body = (getattr(view, "datamodel", None) is not None
                  and (request.endpoint or "").rsplit(".", 1)[-1] in BODY_ENDPOINTS)
    raw = request.get_data(cache=True) if request.is_json else b""
    if not raw:
        if needs_body:
            raise Refused(400, gettext("the request body must be a JSON object "
                                       "(Content-Type: application/json)"), "body")
        return
    try:
        body = json.loads(raw, parse_constant=NotANumber)
    except RecursionError as exc:
        raise Refused(400, gettext("body is nested more than %(max)s levels deep",
                                   max=MAX_DEPTH), "body") from exc
    except ValueError as exc:  # bad JSON or bad UTF-8
        raise Refused(400, gettext("body is not valid JSON: %(error)s", error=str(exc)[:120]),
                      "body") from exc
    _check_tree(body, "")
    request._cached_json = (body, body)  # parsed once; Flask's get_json returns this
    if needs_body and not isinstance(body, dict):
        raise Refused(400, gettext("the request body must be a JSON object"), "body")
    datamodel = getattr(view, "datamodel", None)
    if isinstance(body, dict) and datamodel is not None and request.method in ("POST", "PUT"):
        by_code = getattr(view, "related_by_code", ())  # e.g. an outlet named by its code
        for column, value in body.items():
            if column in by_code and isinstance(value, str):
                continue  # the service looks the code up and refuses unknown ones
            if column in datamodel.list_properties and (
                    datamodel.is_relation(column) or datamodel.is_integer(column)):
                many = (datamodel.is_relation_many_to_many(column)
                        or datamodel.is_relation_one_to_many(column))
                _id_value(column, value, many)


def _id_value(column: str, value, many: bool) -> None:
    """An integer column or a relation's id(s), as FAB's schema would take them."""
    if many and not isinstance(value, list):
        raise Refused(400, gettext("%(field)s must be a list of ids", field=column), column)
    for i, item in enumerate(value if many else [value]):
        field = f"{column}[{i}]" if many else column
        if item is None and not many:
            continue
        if isinstance(item, bool) or not isinstance(item, int) or not MIN_INT <= item <= MAX_INT:
            raise Refused(400, gettext("%(field)s must be a whole number from %(low)s to %(high)s",
                                       field=field, low=MIN_INT, high=MAX_INT), field)


def _check_size() -> None:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        raise Refused(413, gettext("the request is larger than the limit of %(max)s bytes",
                                   max=limit), "body")
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        try:
            request.files  # noqa: B018 - parse now, where a too-large body is answered
        except RequestEntityTooLarge as exc:
            raise Refused(413, gettext("the request is larger than the limit of %(max)s bytes",
                                       max=limit), "body") from exc


def _check_page_args(view) -> None:
    """The list pages' own arguments: page_<view>, psize_<view> and _flt_<n>_<column>."""
    for name, value in request.args.items():
        if PAGE_ARG.match(name):
            number = whole_number(value)
            low, high = ((1, current_app.config.get("FAB_API_MAX_PAGE_SIZE", 100))
                         if name.startswith("psize_") else (0, MAX_PAGE))
            if number is None or not low <= number <= high:
                raise Refused(400, gettext("%(field)s must be a whole number from %(low)s to "
                                           "%(high)s", field=name, low=low, high=high), name)
        match = FILTER_ARG.match(name)
        datamodel = getattr(view, "datamodel", None)
        column = match.group(1) if match else None
        if column and datamodel is not None and column in datamodel.list_properties and (
                datamodel.is_relation(column) or datamodel.is_integer(column)):
            _column_value(datamodel, column, value, name)


def _check_action_rows(view) -> None:
    """A list action names rows that exist (FAB hands the action None for a missing one)."""
    if not (request.endpoint or "").endswith(".action_post") or view is None:
        return
    for value in request.form.getlist("rowid"):
        number = whole_number(value)
        if number is None or not 1 <= number <= MAX_ID or view.datamodel.get(number) is None:
            raise Refused(404, gettext("rowid: no record with id %(value)s", value=value[:30]),
                          "rowid")


def init_input_checks(app: Flask) -> None:
    @app.before_request
    def check_input():
        view = _view()
        try:
            if request.path.startswith("/api/"):
                _check_size()
                _check_path_ids(view)
                _check_rison(view)
                _check_json_body(view)
            else:
                _check_page_args(view)
                _check_action_rows(view)
        except Refused as exc:
            body = {"message": exc.message}
            if exc.field:  # the services' shape: the field, and its problem by name
                body["field"] = exc.field
                body["details"] = {exc.field: exc.message}
            if request.path.startswith("/api/"):
                return jsonify(body), exc.status
            return body["message"], exc.status, {"Content-Type": "text/plain; charset=utf-8"}
        return None
