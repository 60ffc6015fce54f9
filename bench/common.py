"""Shared by the benchmarks: a seeded database (kept between runs, per migration head) and
a live server."""

import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("BENCH_CACHE", "/tmp/parceldesk-bench"))


def seeded_app(name: str, complaints: int, days: int, uri: str | None = None):
    """An app on a database with `complaints` demo complaints. SQLite files are cached
    (seeded under a temporary name, so an interrupted seeding is not reused); a database
    given by `uri` is seeded unless it already holds complaints."""
    from app import create_app

    CACHE.mkdir(parents=True, exist_ok=True)
    path = cache_file(name)
    config = {"INSTANCE_PATH": str(CACHE), "ADMIN_PASSWORD": "bench",
              "DEMO_PASSWORD": "bench", "LOAD_DEMO_DATA": False,
              "MAIL_ENABLED": False, "WTF_CSRF_ENABLED": False,
              "SECRET_KEY": "bench-secret-key-long-enough-for-jwt"}
    if uri is not None:
        app = create_app({**config, "SQLALCHEMY_DATABASE_URI": uri})
        if not _has_complaints(app):
            _seed(app, complaints, days)
        else:  # kept from an earlier run: bring its schema up to this tree's
            from flask_migrate import upgrade

            with app.app_context():
                upgrade(directory=app.extensions["migrate"].directory)
        return app
    if not path.exists():
        partial = path.with_name(path.name + ".seeding")
        partial.unlink(missing_ok=True)
        app = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{partial}"})
        _seed(app, complaints, days)
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
        partial.rename(path)
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


def cache_file(name: str) -> Path:
    """The cached SQLite file of `name`: one per schema, so that a database seeded before
    a migration is never reused."""
    return CACHE / f"{name}-{_head()}.db"


def _has_complaints(app) -> bool:
    from sqlalchemy import inspect, text

    from app.extensions import db

    with app.app_context():
        return (inspect(db.engine).has_table("complaint") and
                db.session.execute(text("SELECT 1 FROM complaint LIMIT 1")).first() is not None)


def _seed(app, complaints: int, days: int):
    from app.extensions import db
    from app.services.bootstrap import bootstrap
    from seed.demo import ensure_demo_users, generate_demo

    with app.app_context():
        bootstrap(demo=False, echo=lambda *_: None)
        ensure_demo_users(db.session, "bench")
        started = time.perf_counter()
        generate_demo(db.session, complaints=complaints, days=days, progress=True)
        print(f"seeded {complaints} complaints in {time.perf_counter() - started:.0f} s "
              f"(load average {os.getloadavg()[0]:.1f})", flush=True)
        db.session.remove()


def _head() -> str:
    """The newest migration of this tree."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def serve(app):
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
