"""Demo-data generation speed: 100,000 complaints into a fresh SQLite database.

Prints the time and the ratio against a bare executemany of the same number of
minimal rows into one table, measured in the same run.
"""

import os
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

N = int(os.environ.get("BENCH_COMPLAINTS", "100000"))


def bare_insert(path: str) -> float:
    conn = sqlite3.connect(path)
    conn.execute("create table t (id integer primary key, a text, b text, c integer)")
    started = time.perf_counter()
    conn.executemany("insert into t (a, b, c) values (?, ?, ?)",
                     ((f"TC{i}", "delay", i % 5) for i in range(N)))
    conn.commit()
    return time.perf_counter() - started


def main() -> None:
    from app import create_app
    from app.extensions import db
    from app.services.bootstrap import bootstrap
    from seed.demo import ensure_demo_users, generate_demo

    work = tempfile.mkdtemp(prefix="parceldesk-bench-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work}/bench.db",
                      "INSTANCE_PATH": work, "ADMIN_PASSWORD": "bench", "LOAD_DEMO_DATA": False})
    with app.app_context():
        bootstrap(demo=False, echo=lambda *_: None)
        ensure_demo_users(db.session, "bench")  # the staff who work the demo complaints
        started = time.perf_counter()
        generate_demo(db.session, complaints=N, days=90, progress=False)
        ours = time.perf_counter() - started
    bare = bare_insert(f"{work}/bare.db")
    print(f"seed demo: {N} complaints (+ customers, decisions, rule hits and their timelines) "
          f"in {ours:.1f} s ({N / ours:,.0f}/s)")
    print(f"bare executemany of {N} 3-column rows: {bare:.2f} s")
    print(f"ratio seed/bare: {ours / bare:.1f}x")


if __name__ == "__main__":
    main()
