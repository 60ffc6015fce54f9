"""SQL statements and CPU time of one registration (`POST /api/v1/complaints/`), in process.

Goal (issue 16 §1): at most 12 statements and 8 ms of CPU per registration. Runs the app
on a fresh SQLite database (`--postgresql`: a throw-away PostgreSQL cluster, as the tests
use; or BENCH_DATABASE_URL, an empty database),
signs in as the admin with a JWT, registers BENCH_REQUESTS complaints through the Flask
test client and prints statements per request by kind and CPU ms per request.
BENCH_PROFILE=1 adds a cProfile top list.

    .venv/bin/python bench/intake_bench.py [--postgresql]
"""

import collections
import cProfile
import os
import pstats
import sys
import tempfile
import time

from common import ROOT  # noqa: F401 - puts the project on sys.path

N = int(os.environ.get("BENCH_REQUESTS", "1000"))
WARMUP = 50
PASSWORD = "bench-pass"


def make_app(uri: str):
    from app import create_app
    from app.extensions import db
    from app.services.bootstrap import bootstrap
    from seed.demo import ensure_demo_users

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": tempfile.mkdtemp(),
                      "ADMIN_PASSWORD": PASSWORD, "DEMO_PASSWORD": PASSWORD,
                      "LOAD_DEMO_DATA": False, "SCHEDULER_ENABLED": False,
                      "MAIL_ENABLED": False, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "bench-secret-key-long-enough-for-jwt"})
    with app.app_context():
        bootstrap(demo=False, echo=lambda *_: None)
        ensure_demo_users(db.session, PASSWORD)
    return app


def main() -> None:
    import logging

    logging.disable(logging.WARNING)
    uri = os.environ.get("BENCH_DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp()}/intake.db")
    cluster = None
    if "--postgresql" in sys.argv:
        from tests.postgres import ThrowawayCluster, find_bin_dir

        cluster = ThrowawayCluster(find_bin_dir())
        uri = cluster.start()
    try:
        run(uri)
    finally:
        if cluster is not None:
            cluster.stop()


def run(uri: str) -> None:
    from sqlalchemy import event

    from app.extensions import db
    from app.models import Customer

    app = make_app(uri)
    with app.app_context():
        # with an e-mail address: the "registered" message goes to the outbox too
        customer = Customer(name="Bench Customer", kind="person", phone="13800000000",
                            email="bench@example.cn")
        db.session.add(customer)
        db.session.commit()
        customer_id = customer.id
        engine = db.engine
    client = app.test_client()
    login = client.post("/api/v1/security/login", json={
        "username": "admin", "password": PASSWORD, "provider": "db"})
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    body = {"customer": customer_id, "channel": "phone", "category": "delay",
            "description": "Parcel is three days late, please call me back"}

    kinds: collections.Counter = collections.Counter()

    def count(conn, cursor, statement, parameters, context, executemany):
        kinds[statement.lstrip().split(None, 1)[0].upper()] += 1

    def post():
        response = client.post("/api/v1/complaints/", json=body, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)[:300]

    for _ in range(WARMUP):  # caches filled, first-day counter row created
        post()
    event.listen(engine, "before_cursor_execute", count)
    profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profile:
        profile.enable()
    for _ in range(N):
        post()
    if profile:
        profile.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    event.remove(engine, "before_cursor_execute", count)

    total = sum(kinds.values())
    print(f"{engine.dialect.name}: {N} registrations through the test client, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"SQL statements per request: {total / N:.2f} ("
          + ", ".join(f"{k} {v / N:.2f}" for k, v in kinds.most_common()) + ")")
    print(f"CPU per request: {cpu / N * 1000:.2f} ms (wall {wall / N * 1000:.2f} ms)"
          + (" [under cProfile]" if profile else ""))
    if profile:
        restrict = [r for r in (os.environ.get("BENCH_PROFILE_MATCH"),) if r]  # e.g. "/app/"
        pstats.Stats(profile).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(
            *restrict, int(os.environ.get("BENCH_TOP", "35")))


if __name__ == "__main__":
    main()
