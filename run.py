"""Entry point: `python run.py` initialises and serves; `flask --app run …` for commands."""

import sys

from config import ConfigError

try:
    from app import create_app

    app = create_app()
except ConfigError as exc:
    print(f"ParcelDesk cannot start: {exc}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    from app.database import check_connection
    from app.extensions import db
    from app.requestlog import configure_logging
    from app.services.bootstrap import bootstrap, demo_banner

    with app.app_context():
        try:
            check_connection(db.engine)
        except ConfigError as exc:
            print(f"ParcelDesk cannot start: {exc}", file=sys.stderr)
            sys.exit(1)
        bootstrap()
        banner = demo_banner()
    configure_logging()  # after the migrations, whose alembic.ini sets up logging its way
    if app.config["SCHEDULER_ENABLED"]:
        from app.jobs.scheduler import JobScheduler

        JobScheduler(app).start_in_background()  # waits as standby if another one leads
    host, port = app.config["HOST"], app.config["PORT"]
    for line in banner:
        print(line)
    print(f"ParcelDesk is serving on http://{host}:{port}/", flush=True)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
