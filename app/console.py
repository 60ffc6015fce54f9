"""The `parceldesk` command: the same commands as `flask --app run …` (init, scheduler,
jobs, rules, seed, db), plus `serve` for the production layout. It works from an
installed wheel; the instance folder defaults to ./instance in the current directory."""

import os
from pathlib import Path

import click
from flask.cli import FlaskGroup


def _create_app():
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             load_dotenv=False)
def cli():
    """ParcelDesk: complaint back-office."""


@cli.command("serve")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="web worker processes [default: WEB_CONCURRENCY, or 2]")
@click.option("--no-scheduler", is_flag=True, help="serve only; run the scheduler elsewhere")
def serve_command(workers, no_scheduler):
    """Initialise, then run gunicorn web workers and one scheduler process."""
    from flask import current_app

    from app.serve import run
    from app.services.bootstrap import bootstrap

    bootstrap(echo=click.echo)
    workers = workers or int(os.environ.get("WEB_CONCURRENCY") or 2)
    bind = f"{current_app.config['HOST']}:{current_app.config['PORT']}"
    from app.extensions import db

    db.engine.dispose()  # no connection is shared with the children
    raise SystemExit(run(workers, bind, scheduler=not no_scheduler, echo=click.echo))


def main():
    from app.shipped import INSTALLED

    if INSTALLED:  # outside a checkout: keep the data beside the operator, not in site-packages
        os.environ.setdefault("INSTANCE_PATH", str(Path.cwd() / "instance"))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # prometheus-client needs it to exist
        Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
    cli(prog_name="parceldesk")


if __name__ == "__main__":
    main()
