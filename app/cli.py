"""`flask --app run …` commands: init, seed."""

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

seed_cli = AppGroup("seed", help="Demo data.")


def needs_database(command):
    """Check the connection first: an unreachable database is one clear line, exit 1."""
    import functools

    @functools.wraps(command)
    def checked(*args, **kwargs):
        from app.database import DatabaseUnavailable, check_connection

        try:
            check_connection(db.engine)
        except DatabaseUnavailable as exc:
            click.echo(f"ParcelDesk: {exc}", err=True)
            raise SystemExit(1) from None
        return command(*args, **kwargs)

    return checked


@seed_cli.command("demo")
@click.option("--complaints", default=2000, show_default=True, type=click.IntRange(1, 5_000_000))
@click.option("--days", default=60, show_default=True, type=click.IntRange(1, 3650))
@click.option("--seed", "rng_seed", default=7, show_default=True, help="random seed")
@needs_database
def seed_demo(complaints: int, days: int, rng_seed: int) -> None:
    """Add demo users, customers and COMPLAINTS complaints over the last DAYS days."""
    import time

    from flask import current_app
    from sqlalchemy import inspect

    from app.services.teams import ensure_default_teams
    from seed.demo import ensure_demo_users, generate_demo

    if not inspect(db.engine).has_table("complaint"):
        raise click.ClickException(
            "The database is not initialised: run `flask --app run init` (or `parceldesk init`) first.")
    ensure_default_teams(db.session)
    ensure_demo_users(db.session, current_app.config["DEMO_PASSWORD"])
    started = time.perf_counter()
    count = generate_demo(db.session, complaints=complaints, days=days, seed=rng_seed)
    click.echo(f"Inserted {count} complaints in {time.perf_counter() - started:.1f} s")


@click.command("init")
@click.option("--demo/--no-demo", default=None, help="load demo data into an empty database")
@needs_database
def init_command(demo) -> None:
    """Apply migrations, sync permissions and roles, create the admin and default data."""
    from app.services.bootstrap import bootstrap

    bootstrap(demo=demo, echo=click.echo)
    click.echo("ParcelDesk is initialised.")


rules_cli = AppGroup("rules", help="Rule sets as JSON files.")


def _documents(path: str):
    from pathlib import Path

    from app.policy.store import load_file

    target = Path(path)
    files = sorted(target.glob("*.json")) if target.is_dir() else [target]
    for file in files:
        if file.name == "teams.json":
            continue
        yield file, load_file(file)


def _print_problems(file, problems) -> None:
    click.echo(f"{file}: {len(problems)} problem(s)", err=True)
    for p in problems:
        rule = f"rule '{p['rule']}' " if p["rule"] else ""
        click.echo(f"  {rule}at {p['path']}: {p['message']}", err=True)


@rules_cli.command("validate")
@click.argument("path", type=click.Path(exists=True))
@needs_database
def rules_validate(path: str) -> None:
    """Check rule-set files (a file or a folder of them); exit 1 on any problem."""
    from app.policy import store
    from app.services.errors import InvalidInput

    failed = False
    try:
        for file, doc in _documents(path):
            problems = store.validate(db.session, doc["kind"], doc.get("rules"),
                                      doc.get("parameters"))
            if problems:
                failed = True
                _print_problems(file, problems)
            else:
                click.echo(f"{file}: {doc['kind']}, {len(doc['rules'])} rules, valid")
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc
    if failed:
        raise SystemExit(1)


@rules_cli.command("import")
@click.argument("path", type=click.Path(exists=True))
@click.option("--comment", default=None, help="why (default: the file's comment)")
@needs_database
def rules_import(path: str, comment: str | None) -> None:
    """Validate and publish rule-set files as new versions; nothing is saved if one is invalid."""
    from app.policy import store
    from app.services.errors import InvalidInput

    try:
        documents = list(_documents(path))
        broken = [(f, store.validate(db.session, d["kind"], d.get("rules"), d.get("parameters")))
                  for f, d in documents]
        broken = [(f, p) for f, p in broken if p]
        for file, problems in broken:
            _print_problems(file, problems)
        if broken:
            raise SystemExit(1)
        for file, doc in documents:
            row = store.publish(db.session, doc["kind"], doc["rules"],
                                parameters=doc.get("parameters"),
                                comment=comment or doc.get("comment") or f"imported from {file.name}")
            click.echo(f"{file}: published {row.kind} version {row.version}")
    except InvalidInput as exc:
        raise click.ClickException(exc.message) from exc


@rules_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
@needs_database
def rules_export(directory: str) -> None:
    """Write the current version of every rule set to DIRECTORY/<kind>.json."""
    import json
    from pathlib import Path

    from app.policy import store
    from app.policy.catalog import KINDS

    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    latest = store.latest_versions(db.session)
    for kind in KINDS:
        if kind not in latest:
            continue
        doc = store.export_document(store.get_version(db.session, kind))
        (target / f"{kind}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")
        click.echo(f"{target / (kind + '.json')}: {kind} version {doc['version']}")


jobs_cli = AppGroup("jobs", help="Scheduled jobs, one pass at a time.")
scheduler_cli = AppGroup("scheduler", help="The job scheduler.")


@jobs_cli.command("run")
@click.argument("job", type=click.Choice(["escalation", "warnings", "outbox", "reports",
                                                "kpi_rollup", "intelligence", "retention"]))
@needs_database
def jobs_run(job: str) -> None:
    """Run one pass of JOB now and print what it did."""
    import json

    from app.jobs.runs import run_job

    run = run_job(job, holder="cli")
    click.echo(f"{job}: {run.status} in "
               f"{(run.finished_at - run.started_at).total_seconds():.2f} s")
    click.echo(json.dumps(run.details or {}, indent=2, default=str))
    if run.status != "ok":
        click.echo(run.error, err=True)
        raise SystemExit(1)


@scheduler_cli.command("run")
@needs_database
def scheduler_run() -> None:
    """Run the scheduler in this process (standby while another one leads)."""
    import signal

    from flask import current_app

    from app.jobs.scheduler import JobScheduler

    scheduler = JobScheduler(current_app._get_current_object())
    signal.signal(signal.SIGTERM, lambda *_: scheduler.stop())
    click.echo(f"scheduler {scheduler.holder}: starting")
    try:
        scheduler.run_forever(echo=lambda m: click.echo(m))
    except KeyboardInterrupt:
        scheduler.stop()


reports_cli = AppGroup("reports", help="The monthly KPI report.")


@reports_cli.command("send")
@click.option("--month", required=True, help="The month to report, as YYYY-MM.")
def reports_send(month: str) -> None:
    """Mail MONTH's KPI report to the managers and the team leads now (again if it was
    already sent), then deliver the outbox."""
    from flask import current_app

    from app.services.errors import InvalidInput
    from app.services.mail import deliver_due
    from app.services.reporting.kpis import month_period
    from app.services.reporting.monthly import queue_reports
    from app.timeutil import utcnow

    try:
        period = month_period(month)
    except InvalidInput as exc:
        raise click.BadParameter(exc.message, param_hint="--month") from exc
    queued = queue_reports(db.session, period, utcnow(), again=True)
    sent = deliver_due(db.session, current_app.config, limit=max(100, queued))
    click.echo(f"{month}: {queued} report(s) queued; outbox: {sent['sent']} sent, "
               f"{sent['retrying']} to retry, {sent['failed']} failed")



intelligence_cli = AppGroup("intelligence", help="The text model learned from complaints.")


@intelligence_cli.command("train")
@click.option("--min-examples", type=click.IntRange(2), default=None,
              help="override INTELLIGENCE_MIN_EXAMPLES")
def intelligence_train(min_examples) -> None:
    """Train a model version from person-categorised complaints and print its figures."""
    from flask import current_app

    from app.intelligence.training import NotEnoughExamples, train_model

    try:
        version = train_model(db.session, min_examples=min_examples
                              or current_app.config["INTELLIGENCE_MIN_EXAMPLES"])
    except NotEnoughExamples as exc:
        click.echo(f"No model trained: {exc.message}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"model {version.id}: {version.status}; {version.examples} examples, "
               f"held-out accuracy {version.accuracy:.1%}, top-3 {version.top3_accuracy:.1%}, "
               f"{version.seconds:.1f} s")
    for category, m in sorted(version.metrics.items()):
        click.echo(f"  {category:16} precision {m['precision']:.2f}  recall {m['recall']:.2f}"
                   f"  ({m['support']} held out)")
    if version.status == "rejected":
        click.echo(f"Not used: {version.reason}", err=True)
        raise SystemExit(2)


pii_cli = AppGroup("pii", help="Customers' personal data: keys, their rotation, retention.")


@pii_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="only list who would be erased")
@needs_database
def pii_retention(dry_run: bool) -> None:
    """Erase the personal data of customers whose last complaint was closed more than the
    retention period ago (the sla rule set's retention_days); each erasure is recorded in
    the access log as done by "system"."""
    from app.services.privacy.rights import due_for_erasure, retention_days, run_retention
    from app.timeutil import utcnow

    now, days = utcnow(), retention_days(db.session)
    due = due_for_erasure(db.session, now, days)
    for customer in due:
        click.echo(f"customer {customer.id}: created {customer.created_at:%Y-%m-%d}")
    if dry_run:
        click.echo(f"{len(due)} customers would be erased (retention {days} days); "
                   "nothing changed")
        return
    result = run_retention(db.session, now, days=days)
    click.echo(f"{result['actions']} customers erased (retention {days} days)")


@pii_cli.command("rotate-key")
@click.option("--batch", type=click.IntRange(1, 100_000), default=None,
              help="rows per commit (default PII_ROTATE_BATCH)")
@needs_database
def pii_rotate_key(batch) -> None:
    """Re-seal every personal-data value under the first key of PII_KEYS, in batches that
    commit one by one; values under the other keys stay readable throughout."""
    from flask import current_app

    from app.services.privacy.crypto import SealError, keyring
    from app.services.privacy.rotation import rotate

    ring = keyring()
    try:
        report = rotate(db.engine, ring, batch or current_app.config["PII_ROTATE_BATCH"],
                        echo=click.echo)
    except SealError as exc:
        raise click.ClickException(str(exc)) from exc
    for name, count in sorted(report.values.items()):
        click.echo(f"  {name}: {count} values re-sealed")
    click.echo(f"Key {report.key_id}: {report.rows} rows re-sealed; "
               f"{report.changed_meanwhile} changed while rotating (taken again in a "
               "further pass; run the command again to check)")


def register_cli(app: Flask) -> None:
    app.cli.add_command(pii_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(intelligence_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(rules_cli)
    app.cli.add_command(init_command)
