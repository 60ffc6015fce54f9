"""Load test: ParcelDesk under gunicorn against a bare Flask baseline under the same server.

For each database (SQLite file, throw-away PostgreSQL), each worker count (2, 4) and each
concurrency (8, 16, 32 clients), one bounded round drives ParcelDesk with a mix of
registrations, queue reads, complaint pages, list pages and actions, then one round drives
the bare app (bench/bare_app.py) with the same mix of its equivalents (one INSERT, one
SELECT by key, one page of rows), interleaved. Prints req/s, p50/p95/p99 and errors per
request kind and the ratios, and writes them to bench/RESULTS.md.

    .venv/bin/python bench/load_bench.py [--seconds 10] [--databases sqlite,postgresql]
        [--workers 2,4] [--clients 8,16,32] [--threads 1] [--complaints 20000]
        [--mix register]

`--mix register` drives registrations alone (every client registers), for the
registration's own throughput against the bare INSERT; `--mix register=3,queue=1` any
weights of the kinds.
"""

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse

from common import CACHE, ROOT, percentile, seeded_app

MIX = {"register": 30, "queue": 25, "complaint_page": 20, "list_page": 15, "action": 10}
PASSWORD = "bench"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        hdrs = {"Content-Type": "application/json"} if isinstance(body, dict) else {}
        hdrs.update(headers or {})
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, resp.read(), resp.getheader("Set-Cookie")
    finally:
        conn.close()


class Server:
    def __init__(self, target, env, workers, threads):
        self.port = free_port()
        cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads",
               str(threads), "--bind", f"127.0.0.1:{self.port}", "--no-control-socket",
               "--log-level", "warning", target]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env})
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                request(self.port, "GET", "/health")
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{target} did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


class AppClient:
    """ParcelDesk's mix, as the admin (sees every complaint): API with a JWT token, pages
    with a session cookie."""

    def __init__(self, port, customers, complaints):
        self.port, self.customers, self.complaints = port, customers, complaints
        status, body, _ = request(port, "POST", "/api/v1/security/login",
                                  {"username": "admin", "password": PASSWORD, "provider": "db"})
        assert status == 200, body
        self.api = {"Authorization": f"Bearer {json.loads(body)['access_token']}"}
        form = urllib.parse.urlencode({"username": "admin", "password": PASSWORD}).encode()
        status, body, cookie = request(port, "POST", "/login/", form, {
            "Content-Type": "application/x-www-form-urlencoded"})
        assert status in (200, 302) and cookie, (status, body[:200])
        self.page = {"Cookie": cookie.split(";", 1)[0]}
        self.mine = threading.local()

    def do(self, kind, rng) -> int:
        port = self.port
        if kind == "register":
            status, body, _ = request(port, "POST", "/api/v1/complaints/", {
                "customer": rng.choice(self.customers), "channel": "phone", "category": "delay",
                "description": "Parcel is three days late"}, self.api)
            if status == 201:
                result = json.loads(body)
                self.mine.last = (result["id"], result["result"]["version"])
            return status
        if kind == "queue":
            return request(port, "GET", "/api/v1/queue/?view=unassigned", None, self.api)[0]
        if kind == "complaint_page":
            return request(port, "GET", f"/complaintview/show/{rng.choice(self.complaints)}",
                           None, self.page)[0]
        if kind == "list_page":
            return request(port, "GET", "/complaintview/list/", None, self.page)[0]
        last = getattr(self.mine, "last", None)
        if last is None:
            return self.do("register", rng)
        status, body, _ = request(port, "POST", f"/api/v1/complaints/{last[0]}/actions/note",
                                  {"version": last[1], "text": "called the depot"}, self.api)
        if status == 200:
            self.mine.last = (last[0], json.loads(body)["result"]["version"])
        return status


class BareClient:
    def __init__(self, port):
        self.port = port

    def do(self, kind, rng) -> int:
        if kind in ("register", "action"):
            return request(self.port, "POST", "/insert",
                           {"channel": "phone", "description": "Parcel is late"})[0]
        if kind == "complaint_page":
            return request(self.port, "GET", f"/row/{rng.randint(1, 500)}")[0]
        return request(self.port, "GET", "/rows")[0]


def parse_mix(text: str | None) -> dict:
    if not text:
        return dict(MIX)
    mix = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind not in MIX:
            raise SystemExit(f"--mix: unknown kind {kind!r} (one of {', '.join(MIX)})")
        mix[kind] = int(weight or 1)
    return mix


def drive(client, clients: int, seconds: float, mix: dict) -> dict:
    samples = {kind: [] for kind in mix}
    errors = {kind: 0 for kind in mix}
    kinds, weights = list(mix), list(mix.values())
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def loop(seed):
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            kind = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            try:
                status = client.do(kind, rng)
            except OSError:
                status = None
            took = time.perf_counter() - started
            with lock:
                if status is None or status >= 400:
                    errors[kind] += 1
                else:
                    samples[kind].append(took)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    out = {}
    for kind in mix:
        values = samples[kind]
        out[kind] = {"rps": len(values) / elapsed, "errors": errors[kind],
                     "p50": percentile(values, 50) * 1000 if values else 0,
                     "p95": percentile(values, 95) * 1000 if values else 0,
                     "p99": percentile(values, 99) * 1000 if values else 0}
    total = sum(len(v) for v in samples.values())
    out["all"] = {"rps": total / elapsed, "errors": sum(errors.values())}
    return out


def prepare(database: str, complaints: int):
    """(app env, bare env, customer ids, complaint ids, cleanup)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Complaint, Customer

    cleanup = []
    if database == "sqlite":
        app = seeded_app(f"load-{complaints}", complaints, 60)
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        bare = f"sqlite:///{CACHE}/load-bare.db"
    else:
        from tests.postgres import ThrowawayCluster, find_bin_dir

        cluster = ThrowawayCluster(find_bin_dir())
        server = cluster.start()
        cleanup.append(cluster.stop)
        from sqlalchemy import create_engine, text

        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE parceldesk"))
            conn.execute(text("CREATE DATABASE bare"))
        admin.dispose()
        uri, bare = server.rsplit("/", 1)[0] + "/parceldesk", server.rsplit("/", 1)[0] + "/bare"
        app = seeded_app("load-pg", complaints, 60, uri=uri)
        # what autovacuum does within a minute of the seeding on a running server
        analyze = create_engine(uri, isolation_level="AUTOCOMMIT")
        with analyze.connect() as conn:
            conn.execute(text("ANALYZE"))
        analyze.dispose()
    with app.app_context():
        customers = list(db.session.execute(select(Customer.id).limit(500)).scalars())
        ids = list(db.session.execute(select(Complaint.id).order_by(Complaint.id.desc())
                                      .limit(2000)).scalars())
        db.engine.dispose()
    from bare_app import create_schema

    create_schema(bare)
    env = {"DATABASE_URL": uri, "INSTANCE_PATH": str(CACHE), "SCHEDULER_ENABLED": "false",
           "MAIL_ENABLED": "false", "WTF_CSRF_ENABLED": "false", "LOAD_DEMO_DATA": "false",
           "SECRET_KEY": "bench-secret-key-long-enough-for-jwt", "PYTHONPATH": str(ROOT)}
    bare_env = {"BARE_DATABASE_URL": bare, "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}"}
    return env, bare_env, customers, ids, cleanup


def latencies(r: dict) -> str:
    return f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f}" if "p50" in r else ""


def table(results, threads, mix) -> str:
    lines = [f"| database | workers{'×threads' if threads > 1 else ''} | clients | kind | "
             "ParcelDesk req/s | p50 / p95 / p99 ms | errors | bare req/s | p50 / p95 / p99 ms "
             "| errors | ratio |", "|" + "---|" * 11]
    for (database, workers, clients), (mine, bare) in results.items():
        for kind in [*mix, "all"] if len(mix) > 1 else list(mix):
            a, b = mine[kind], bare[kind]
            ratio = f"{a['rps'] / b['rps'] * 100:.0f} %" if b["rps"] else "-"
            w = f"{workers}×{threads}" if threads > 1 else str(workers)
            lines.append(f"| {database} | {w} | {clients} | {kind} | {a['rps']:.1f} | {latencies(a)} "
                         f"| {a['errors']} | {b['rps']:.1f} | {latencies(b)} | {b['errors']} | {ratio} |")
    return "\n".join(lines)


def record(text: str, args) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    title = "## Load test (issue: scale and operations)" + (
        f", {args.threads} threads per worker" if args.threads > 1 else "") + (
        f", mix {args.mix}" if args.mix else "")
    section = (f"{title}\n\nCommand: `.venv/bin/python bench/load_bench.py --seconds "
               f"{args.seconds} --databases {args.databases} --workers {args.workers} "
               f"--clients {args.clients} --threads {args.threads} --complaints "
               f"{args.complaints}{' --mix ' + args.mix if args.mix else ''}` (gunicorn, "
               "scheduler off; the client runs on the same 2-core machine; ratio = "
               "ParcelDesk's req/s as a share of the bare app's for the same kind and "
               "round)\n\n" + text + "\n")
    current = path.read_text(encoding="utf-8")
    if title in current:
        current = re.sub(re.escape(title) + r"\n.*?(?=\n## |\Z)",
                         lambda _: section.rstrip("\n"), current, flags=re.S)
    else:
        current = current.rstrip("\n") + "\n\n" + section
    path.write_text(current, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", default="2,4")
    parser.add_argument("--clients", default="8,16,32")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--complaints", type=int, default=20000)
    parser.add_argument("--mix", default=None, help="kinds to drive: register, or weights "
                        "such as register=3,queue=1 (default: the whole mix)")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    mix = parse_mix(args.mix)
    results = {}
    for database in args.databases.split(","):
        env, bare_env, customers, ids, cleanup = prepare(database, args.complaints)
        try:
            for workers in map(int, args.workers.split(",")):
                app_server = Server("app.wsgi:app", env, workers, args.threads)
                bare_server = Server("bare_app:app", bare_env, workers, args.threads)
                try:
                    app_client = AppClient(app_server.port, customers, ids)
                    bare_client = BareClient(bare_server.port)
                    drive(app_client, workers * 2, 2, mix)  # warm every worker up, unrecorded
                    drive(bare_client, workers * 2, 2, mix)
                    for clients in map(int, args.clients.split(",")):
                        mine = drive(app_client, clients, args.seconds, mix)
                        bare = drive(bare_client, clients, args.seconds, mix)
                        results[(database, workers, clients)] = (mine, bare)
                        print(f"{database} workers={workers} clients={clients}: ParcelDesk "
                              f"{mine['all']['rps']:.1f} req/s ({mine['all']['errors']} errors),"
                              f" bare {bare['all']['rps']:.1f} req/s "
                              f"({bare['all']['errors']} errors)", flush=True)
                finally:
                    app_server.stop()
                    bare_server.stop()
        finally:
            for fn in cleanup:
                fn()
    text = table(results, args.threads, mix)
    print(text)
    if not args.no_record:
        record(text, args)


if __name__ == "__main__":
    main()
