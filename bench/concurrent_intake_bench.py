"""Concurrent registrations against real server processes, on SQLite and PostgreSQL.

Starts SERVERS processes of `run.py` (werkzeug, threaded) on loopback against one fresh
database, then sends REQUESTS registrations at once from as many client threads, spread
over the servers. Reports saved / failed / unique numbers / requests per second.

    .venv/bin/python bench/concurrent_intake_bench.py            # both databases
    BENCH_DATABASES=sqlite BENCH_REQUESTS=200 BENCH_SERVERS=2 .venv/bin/python bench/...

PostgreSQL is a throw-away cluster (as in the tests) unless BENCH_POSTGRES_URL names a
server URL (database `postgres`); a database is created on it for the run.
"""

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.live import post_json  # noqa: E402
from tests.postgres import ThrowawayCluster, find_bin_dir  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
SERVERS = int(os.environ.get("BENCH_SERVERS", "2"))
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
SECRET = "bench-secret-key-long-enough-for-jwt-0123456789"
PASSWORD = "bench-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(uri: str, instance: str) -> int:
    """Migrate, create the users and one customer; returns the customer's id."""
    from app import create_app
    from app.extensions import db
    from app.models import Customer
    from app.services.bootstrap import bootstrap
    from seed.demo import ensure_demo_users

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": instance,
                      "SECRET_KEY": SECRET, "ADMIN_PASSWORD": PASSWORD,
                      "LOAD_DEMO_DATA": False, "SCHEDULER_ENABLED": False,
                      "MAIL_ENABLED": False})
    with app.app_context():
        bootstrap(demo=False, echo=lambda *_: None)
        ensure_demo_users(db.session, PASSWORD)
        customer = Customer(name="王芳", kind="person", phone="13900000000",
                            email="wang@example.cn", province="Zhejiang", city="Hangzhou")
        db.session.add(customer)
        db.session.commit()
        customer_id = customer.id
        db.session.remove()
        db.engine.dispose()
    return customer_id


def start_servers(uri: str, instance: str) -> tuple[list, list[str]]:
    processes, urls = [], []
    for _ in range(SERVERS):
        port = free_port()
        env = {**os.environ, "DATABASE_URL": uri, "INSTANCE_PATH": instance, "PORT": str(port),
               "SECRET_KEY": SECRET, "ADMIN_PASSWORD": PASSWORD, "LOAD_DEMO_DATA": "false",
               "SCHEDULER_ENABLED": "false", "MAIL_ENABLED": "false",
               "PARCELDESK_ENV": "development"}
        processes.append(subprocess.Popen([sys.executable, str(ROOT / "run.py")], env=env,
                                          cwd=ROOT, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        urls.append(f"http://127.0.0.1:{port}")
    for url in urls:
        port = int(url.rsplit(":", 1)[1])
        deadline = time.time() + 60
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"server on {url} did not start")
    return processes, urls


def run(backend: str, uri: str) -> dict:
    instance = tempfile.mkdtemp(prefix="parceldesk-bench-")
    customer_id = prepare(uri, instance)
    processes, urls = start_servers(uri, instance)
    try:
        status, body = post_json(f"{urls[0]}/api/v1/security/login",
                                 {"username": "agent", "password": PASSWORD, "provider": "db"})
        assert status == 200, body
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        gate = threading.Barrier(REQUESTS)

        def register(i: int):
            gate.wait()
            return post_json(f"{urls[i % len(urls)]}/api/v1/complaints/", {
                "customer": customer_id, "channel": "phone", "category": "delay",
                "waybill_no": f"PD{i:05d}", "description": "Parcel is three days late"},
                headers, timeout=300)

        started = time.perf_counter()
        with ThreadPoolExecutor(REQUESTS) as pool:
            results = list(pool.map(register, range(REQUESTS)))
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    saved = [body["result"]["number"] for status, body in results if status == 201]
    errors = sorted({f"{status} {str(body)[:80]}" for status, body in results if status != 201})
    engine = create_engine(uri)
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(text("complaint"))).scalar()
    engine.dispose()
    return {"backend": backend, "requests": REQUESTS, "servers": SERVERS, "saved": len(saved),
            "failed": REQUESTS - len(saved), "unique": len(set(saved)), "stored": stored,
            "seconds": elapsed, "rps": REQUESTS / elapsed, "errors": errors}


def main() -> None:
    rows = []
    for backend in DATABASES:
        if backend == "sqlite":
            path = Path(tempfile.mkdtemp(prefix="parceldesk-bench-")) / "bench.db"
            rows.append(run(backend, f"sqlite:///{path}"))
            continue
        cluster = None
        server = os.environ.get("BENCH_POSTGRES_URL")
        if not server:
            cluster = ThrowawayCluster(find_bin_dir())
            server = cluster.start()
        try:
            name = f"pd_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            rows.append(run(backend, make_url(server).set(database=name)
                            .render_as_string(hide_password=False)))
        finally:
            if cluster:
                cluster.stop()
    print(f"\n{REQUESTS} concurrent registrations over {SERVERS} server process(es)")
    print("| database | saved | failed | unique numbers | stored | wall time | req/s |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backend']} | {r['saved']} | {r['failed']} | {r['unique']} | {r['stored']} "
              f"| {r['seconds']:.1f} s | {r['rps']:.1f} |")
    for r in rows:
        for error in r["errors"]:
            print(f"{r['backend']}: {error}")


if __name__ == "__main__":
    main()
