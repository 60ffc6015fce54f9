"""`flask --app run …` commands: init, seed."""

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db

seed_cli = AppGroup("seed", help="Demo data.")


@seed_cli.command("demo")
@click.option("--complaints", default=2000, show_default=True, type=click.IntRange(1, 5_000_000))
@click.option("--days", default=60, show_default=True, type=click.IntRange(1, 3650))
@click.option("--seed", "rng_seed", default=7, show_default=True, help="random seed")
def seed_demo(complaints: int, days: int, rng_seed: int) -> None:
    """Add demo users, customers and COMPLAINTS complaints over the last DAYS days."""
    import time

    from flask import current_app

    from app.services.teams import ensure_default_teams
    from seed.demo import ensure_demo_users, generate_demo

    ensure_default_teams(db.session)
    ensure_demo_users(db.session, current_app.config["DEMO_PASSWORD"])
    started = time.perf_counter()
    count = generate_demo(db.session, complaints=complaints, days=days, seed=rng_seed)
    click.echo(f"Inserted {count} complaints in {time.perf_counter() - started:.1f} s")


@click.command("init")
@click.option("--demo/--no-demo", default=None, help="load demo data into an empty database")
def init_command(demo) -> None:
    """Apply migrations, sync permissions and roles, create the admin and default data."""
    from app.services.bootstrap import bootstrap

    bootstrap(demo=demo, echo=click.echo)
    click.echo("ParcelDesk is initialised.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_cli)
    app.cli.add_command(init_command)
