"""Scheduler passes at scale: the warning pass over 1,000,000 complaints (goal < 2 s) and
the escalation sweep over 100,000 open complaints (goal < 10 s), on SQLite and, with
--postgres, on a throw-away PostgreSQL cluster. Ratios are against a bare COUNT(*) over
the same complaints in the same run.
"""

import os
import sys
import time

from common import seeded_app

WARN_N = int(os.environ.get("BENCH_COMPLAINTS", "1000000"))
OPEN_N = int(os.environ.get("BENCH_OPEN", "100000"))


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run(uri_for):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.jobs.warnings import run_warnings
    from app.models import Complaint

    if os.environ.get("BENCH_ONLY") == "escalation":
        return run_escalation(uri_for)
    app = seeded_app(f"year-{WARN_N}", WARN_N, 365, uri=uri_for("warn"))
    with app.app_context():
        count_s, total = timed(lambda: db.session.execute(
            select(func.count()).select_from(Complaint)).scalar())
        warn_s, result = timed(lambda: run_warnings(db.session))
        print(f"warning pass over {total} complaints: {warn_s:.2f} s "
              f"({result['evaluated']} scopes, {result['alerts_raised_or_updated']} alerts); "
              f"bare COUNT(*) {count_s:.2f} s; ratio {warn_s / max(count_s, 1e-3):.1f}x; "
              f"goal < 2 s")
        db.session.remove()
        db.engine.dispose()
    run_escalation(uri_for)


def run_escalation(uri_for):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.jobs.escalation import sweep
    from app.models import Complaint

    # One day of complaints: nearly all still open.
    app = seeded_app(f"open-{OPEN_N}", int(OPEN_N * 1.25), 1, uri=uri_for("open"))
    with app.app_context():
        count_s, open_count = timed(lambda: db.session.execute(
            select(func.count()).select_from(Complaint).where(
                Complaint.is_open, Complaint.paused_at.is_(None))).scalar())
        first_s, first = timed(lambda: sweep(db.session))
        db.session.remove()  # each scheduled run has a session of its own
        second_s, second = timed(lambda: sweep(db.session))
        print(f"escalation sweep over {first['evaluated']} open complaints: first pass "
              f"{first_s:.2f} s ({first['actions']} actions on {first['complaints_acted_on']} "
              f"complaints), second pass {second_s:.2f} s ({second['actions']} actions); "
              f"bare COUNT(*) {count_s:.2f} s; goal < 10 s")
        db.session.remove()
        db.engine.dispose()


def main():
    if "--postgres" in sys.argv:
        from sqlalchemy import create_engine, text

        from tests.postgres import ThrowawayCluster, find_bin_dir

        cluster = ThrowawayCluster(find_bin_dir())
        server = cluster.start()
        admin = create_engine(server, isolation_level="AUTOCOMMIT")

        def uri_for(name):
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            return server.rsplit("/", 1)[0] + f"/{name}"

        try:
            print("PostgreSQL:")
            run(uri_for)
        finally:
            admin.dispose()
            cluster.stop()
    else:
        print("SQLite:")
        run(lambda name: None)


if __name__ == "__main__":
    main()
