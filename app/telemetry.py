"""Prometheus metrics. Counters and histograms live in the process that observes them
(prometheus-client's multiprocess mode sums them over gunicorn workers and the scheduler
when PROMETHEUS_MULTIPROC_DIR is set); figures the database knows (outbox backlog, open
alerts, the scheduler's leader) are read from it when /metrics is scraped."""

import os
import time

from flask import Flask, g, request
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event
from sqlalchemy.orm import Session

# prometheus-client opens its files in this folder as soon as a metric is defined, and the
# app may be imported (e.g. by `serve`'s own start-up) before the folder is made
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

REQUEST_SECONDS = Histogram(
    "parceldesk_http_request_duration_seconds", "Time to answer a request, per URL rule",
    ["method", "endpoint", "status"])
COMPLAINTS_REGISTERED = Counter(
    "parceldesk_complaints_registered", "Complaints registered (committed), per channel",
    ["channel"])
RULE_EVALUATION_SECONDS = Histogram(
    "parceldesk_rule_evaluation_seconds", "Time to evaluate one rule set over one set of facts",
    ["kind"], buckets=(1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0))
JOB_SECONDS = Histogram(
    "parceldesk_job_duration_seconds", "Time of one job run, per job and outcome",
    ["job", "status"], buckets=(0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300))
JOB_RUNS = Counter("parceldesk_job_runs", "Job runs, per job and outcome", ["job", "status"])
SCHEDULER_LEADING = Gauge(
    "parceldesk_scheduler_leading", "1 in the scheduler process that holds the lock",
    multiprocess_mode="livesum")


_by_kind: dict = {}


def observe_rule_evaluation(kind: str, seconds: float) -> None:
    """Called once per evaluation (the sweep's inner loop): the labelled child is kept."""
    child = _by_kind.get(kind)
    if child is None:
        child = _by_kind[kind] = RULE_EVALUATION_SECONDS.labels(kind)
    child.observe(seconds)


# Complaints registered: counted when the session that added them commits.
@event.listens_for(Session, "after_flush")
def _note_new_complaints(session, flush_context):
    from app.models import Complaint

    channels = [o.channel for o in session.new if isinstance(o, Complaint)]
    if channels:
        session.info.setdefault("new_complaints", []).extend(channels)


@event.listens_for(Session, "after_commit")
def _count_new_complaints(session):
    for channel in session.info.pop("new_complaints", ()):
        COMPLAINTS_REGISTERED.labels(channel or "unknown").inc()


@event.listens_for(Session, "after_rollback")
def _forget_new_complaints(session):
    session.info.pop("new_complaints", None)


def init_app(app: Flask) -> None:
    """Time every request, labelled by its URL rule (not the raw path: ids stay out)."""

    @app.before_request
    def _start_timer():
        g._metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        started = g.pop("_metrics_started", None)
        if started is not None:
            rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
            REQUEST_SECONDS.labels(request.method, rule, str(response.status_code)).observe(
                time.perf_counter() - started)
        return response


class DatabaseFigures:
    """Gauges read from the database at scrape time (the same in every process)."""

    def __init__(self, session, now):
        self.session, self.now = session, now

    def collect(self):
        from sqlalchemy import func, select

        from app.jobs.lock import current_leader
        from app.models import Alert
        from app.services.health import outbox_backlog

        count, age = outbox_backlog(self.session, self.now)
        backlog = GaugeMetricFamily("parceldesk_outbox_backlog", "Messages due to be sent now")
        backlog.add_metric([], count)
        yield backlog
        oldest = GaugeMetricFamily("parceldesk_outbox_oldest_due_seconds",
                                   "How long the oldest due message has waited")
        oldest.add_metric([], age or 0)
        yield oldest
        alerts = GaugeMetricFamily("parceldesk_open_alerts", "Open alerts, per severity",
                                   labels=["severity"])
        for severity, n in self.session.execute(
                select(Alert.severity, func.count()).where(Alert.state == "open")
                .group_by(Alert.severity)):
            alerts.add_metric([severity], n)
        yield alerts
        leader = current_leader(self.session, self.now)
        live = GaugeMetricFamily("parceldesk_scheduler_leader",
                                 "1 while a scheduler holds a live lease, per holder",
                                 labels=["holder"])
        beat = GaugeMetricFamily("parceldesk_scheduler_heartbeat_age_seconds",
                                 "Seconds since the leading scheduler last renewed its lock")
        if leader is not None:
            live.add_metric([leader["holder"]], 1 if leader["live"] else 0)
            beat.add_metric([], leader["heartbeat_age"])
        yield live
        yield beat


def render(session, now) -> bytes:
    """The text exposition: this process's (or all processes') metrics, then the database's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    figures = CollectorRegistry()
    figures.register(DatabaseFigures(session, now))
    return generate_latest(registry) + generate_latest(figures)
