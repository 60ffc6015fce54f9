"""Shared by the benchmarks: a seeded database (kept between runs) and a live server."""

import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("BENCH_CACHE", "/tmp/parceldesk-bench"))


def seeded_app(name: str, complaints: int, days: int, uri: str | None = None):
    """An app on a database with `complaints` demo complaints; SQLite files are cached."""
    from app import create_app
    from app.extensions import db
    from app.services.bootstrap import bootstrap
    from seed.demo import ensure_demo_users, generate_demo

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.db"
    fresh = uri is not None or not path.exists()
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri or f"sqlite:///{path}",
                      "INSTANCE_PATH": str(CACHE), "ADMIN_PASSWORD": "bench",
                      "DEMO_PASSWORD": "bench", "LOAD_DEMO_DATA": False,
                      "MAIL_ENABLED": False, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "bench-secret-key-long-enough-for-jwt"})
    if fresh:
        with app.app_context():
            bootstrap(demo=False, echo=lambda *_: None)
            ensure_demo_users(db.session, "bench")
            started = time.perf_counter()
            generate_demo(db.session, complaints=complaints, days=days, progress=True)
            print(f"seeded {complaints} complaints in {time.perf_counter() - started:.0f} s",
                  flush=True)
    return app


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
