"""CPU time per request of the complaint list page and the queue page on a big database.

Goal (issue 16 §1): each ≤ 30 ms of CPU at 1,000,000 complaints. Runs in process (the
Flask test client, a browser session) against BENCH_DATABASE_URL, by default the cached
SQLite database of bench/queue_bench.py (`year-1000000.db`; migrate it to head first with
`DATABASE_URL=… flask --app run db upgrade`), and prints CPU and wall ms per request.

    BENCH_DATABASE_URL=sqlite:////path/to/year-1000000.db .venv/bin/python bench/page_cpu_bench.py

BENCH_PROFILE=/work/team (a page) prints a cProfile top list of that page's requests.
"""

import cProfile
import logging
import os
import pstats
import statistics
import time

from common import CACHE

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
USERS = os.environ.get("BENCH_USERS", "agent,lead").split(",")
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench")
PAGES = ("/complaintview/list/", "/work/mine", "/work/team")


def main() -> None:
    from app import create_app

    logging.disable(logging.WARNING)
    uri = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{CACHE / 'year-1000000.db'}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": str(CACHE),
                      "LOAD_DEMO_DATA": False, "SCHEDULER_ENABLED": False,
                      "MAIL_ENABLED": False, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": "bench-secret-key-long-enough-for-jwt"})
    print(f"{uri}, {ROUNDS} requests per page after 3 unrecorded, "
          f"load average {os.getloadavg()[0]:.2f}")
    for user in USERS:
        client = app.test_client()
        response = client.post("/login/", data={"username": user, "password": PASSWORD})
        assert response.status_code in (200, 302), response.status_code
        for page in PAGES:
            cpu, wall = [], []
            profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") == page else None
            for i in range(ROUNDS + 3):
                if profile and i == 3:
                    profile.enable()
                c0, w0 = time.process_time(), time.perf_counter()
                response = client.get(page)
                if i >= 3:
                    cpu.append((time.process_time() - c0) * 1000)
                    wall.append((time.perf_counter() - w0) * 1000)
                assert response.status_code == 200, (page, response.status_code)
            if profile:
                profile.disable()
                stats = pstats.Stats(profile).sort_stats(os.environ.get("BENCH_SORT", "cumulative"))
                stats.print_stats(int(os.environ.get("BENCH_TOP", "40")))
                if os.environ.get("BENCH_CALLERS"):  # e.g. "interface.py:458"
                    stats.print_callers(os.environ["BENCH_CALLERS"])
            print(f"{user:6} GET {page:22} CPU median {statistics.median(cpu):6.1f} ms, "
                  f"mean {statistics.mean(cpu):6.1f} ms; wall median "
                  f"{statistics.median(wall):6.1f} ms")


if __name__ == "__main__":
    main()
