"""Every request gets an id and one log line; every 5xx is logged with its traceback.

The id comes from a sane incoming `X-Request-ID` header or is generated, is returned in
the response's `X-Request-ID`, and is set as `request_id` on every log record made while
the request runs (Flask-AppBuilder's own "Fatal error" log included), so a 500 seen by a
client can be found in the server log.
"""

import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request

log = logging.getLogger("parceldesk.requests")
HEADER = "X-Request-ID"
SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def _install_record_factory() -> None:
    """Give every log record a `request_id` attribute ("-" outside requests)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_parceldesk", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = request_id() or "-"
        return record

    factory._parceldesk = True
    logging.setLogRecordFactory(factory)


def _user_name() -> str:
    # the name kept when the user was loaded: after a commit, reading it would reload the user
    cached = request.environ.get("parceldesk.username") if has_request_context() else None
    if cached:
        return cached
    user = g.get("user")
    return getattr(user, "username", None) or "-"


def configure_logging() -> None:
    """For `python run.py`: warnings and our request lines to stderr, each with its request
    id (a WSGI server that configures logging itself only needs the `parceldesk` loggers)."""
    _install_record_factory()
    logging.basicConfig(level=logging.WARNING, force=True,
                        format="%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


def init_request_log(app: Flask) -> None:
    _install_record_factory()
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)  # the root logger may be at WARNING (alembic.ini)

    @app.before_request
    def start():
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if SANE_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish(response):
        rid = g.get("request_id") or uuid.uuid4().hex
        response.headers[HEADER] = rid
        started = g.get("request_started")
        duration = (time.perf_counter() - started) * 1000 if started else 0.0
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        log.log(level, "%s %s %s %.1fms user=%s", request.method, request.path,
                response.status_code, duration, _user_name(),
                extra={"status": response.status_code, "duration_ms": round(duration, 1)})
        return response
