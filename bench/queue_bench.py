"""Queue API and queue page latency with 1,000,000 complaints (goal: p95 < 200 ms).

Seeds (once, cached) a SQLite database with BENCH_COMPLAINTS demo complaints over a
year, serves the app on loopback, and times each queue view over HTTP as an agent, next
to a bare Flask JSON endpoint served by the same server in the same run.
"""

import http.client
import json
import os
import time

from common import percentile, seeded_app, serve

N = int(os.environ.get("BENCH_COMPLAINTS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))


def main() -> None:
    app = seeded_app(f"year-{N}", N, 365)

    @app.route("/bare")
    def bare():
        return {"result": [{"number": f"TC{i}", "level": 2} for i in range(50)]}

    server = serve(app)
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)

    def call(method, path, body=None, headers=None):
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, response

    status, data, _ = call("POST", "/api/v1/security/login", json.dumps(
        {"username": "lead", "password": "bench", "provider": "db"}),
        {"Content-Type": "application/json"})
    token = json.loads(data)["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    status, _, response = call("POST", "/login/", "username=lead&password=bench",
                               {"Content-Type": "application/x-www-form-urlencoded"})
    cookie = response.getheader("Set-Cookie").split(";")[0]

    def timed(path, headers):
        samples = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            status, _, _ = call("GET", path, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert status == 200, (path, status)
        return percentile(samples, 50), percentile(samples, 95)

    base50, base95 = timed("/bare", {})
    print(f"{N} complaints, {ROUNDS} requests each, as a team lead (SQLite)")
    print(f"bare Flask endpoint: p50 {base50:.1f} ms, p95 {base95:.1f} ms")
    for view in ("mine", "team", "unassigned", "at_risk", "overdue"):
        p50, p95 = timed(f"/api/v1/queue/?view={view}", auth)
        print(f"GET /api/v1/queue/?view={view}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"({p95 / base95:.1f}x bare)")
    p50, p95 = timed("/api/v1/queue/counts", auth)
    print(f"GET /api/v1/queue/counts: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({p95 / base95:.1f}x)")
    for view in ("team", "overdue"):
        p50, p95 = timed(f"/work/{view}", {"Cookie": cookie})
        print(f"page /work/{view}: p50 {p50:.1f} ms, p95 {p95:.1f} ms ({p95 / base95:.1f}x bare)")
    server.shutdown()


if __name__ == "__main__":
    main()
