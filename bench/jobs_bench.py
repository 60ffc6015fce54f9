"""Scheduler passes at scale: the warning pass over 1,000,000 complaints (goal < 2 s) and
the escalation sweep over 100,000 open complaints (goal < 10 s), on SQLite and, with
--postgres, on a throw-away PostgreSQL cluster. Ratios are against a bare COUNT(*) over
the same complaints in the same run.

BENCH_ONLY=next_check: the sweep by next check (issue 16 §2). The first pass after a new
escalation version over BENCH_OPEN open complaints (in committed batches: the longest
batch is what holds the database), a steady pass a minute later, then the same complaints
copied (with their next checks and escalation marks) up to BENCH_STEADY_OPEN open ones
and a steady pass over those (goal < 1 s at 1,000,000).
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
    if os.environ.get("BENCH_ONLY") == "next_check":
        return run_next_check(uri_for)
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


STEADY_N = int(os.environ.get("BENCH_STEADY_OPEN", "1000000"))


def run_next_check(uri_for):
    import shutil
    from datetime import timedelta

    from common import ROOT, cache_file
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select

    from app.extensions import db
    from app.jobs.escalation import BATCH, sweep
    from app.models import Complaint, EscalationMark
    from app.timeutil import utcnow

    uri = uri_for("next_check")
    name = f"open-{OPEN_N}"
    if uri is None:  # work on a copy of the cached database: the passes write to it
        seeded_app(name, int(OPEN_N * 1.25), 1)  # seeds it unless cached
        work = cache_file(f"{name}-next-check")
        if not (os.environ.get("BENCH_REUSE") and work.exists()):
            shutil.copy(cache_file(name), work)
        name += "-next-check"
    app = seeded_app(name, int(OPEN_N * 1.25), 1, uri=uri)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))  # a cached database may predate it

        def open_count():
            return db.session.execute(select(func.count()).select_from(Complaint).where(
                Complaint.is_open, Complaint.paused_at.is_(None))).scalar()

        now = utcnow()
        if os.environ.get("BENCH_REUSE") and open_count() >= STEADY_N:
            return steady_passes(now, "(a copy prepared by an earlier run)")
        first_s, first = timed(lambda: sweep(db.session, now=now))
        print(f"first pass (new escalation version) over {first['evaluated']} open "
              f"complaints: {first_s:.2f} s in {first['batches']} batches of up to {BATCH:,}, "
              f"longest batch {first['longest_batch_s']:.3f} s (its writing part "
              f"{first['longest_write_s']:.3f} s); {first['actions']} actions "
              f"on {first['complaints_acted_on']} complaints", flush=True)
        db.session.remove()
        steady_s, steady = timed(lambda: sweep(db.session, now=now + timedelta(minutes=1)))
        print(f"steady pass a minute later: {steady_s:.3f} s, {steady['evaluated']} "
              f"evaluated, {steady['actions']} actions", flush=True)
        db.session.remove()
        # the same complaints again, with their next checks and marks, up to STEADY_N open
        table, marks = Complaint.__table__, EscalationMark.__table__
        top = db.session.execute(select(func.max(table.c.id))).scalar()
        copies = max(0, -(-STEADY_N // max(open_count(), 1)) - 1)
        others = [c for c in table.c if c.name not in ("id", "number")]
        started = time.perf_counter()
        for k in range(1, copies + 1):
            offset = k * (top + 1)
            db.session.execute(insert(table).from_select(
                ["id", "number", *[c.name for c in others]],
                select(table.c.id + offset, table.c.number + f"-{k}", *others)
                .where(table.c.id <= top)))
            db.session.execute(insert(marks).from_select(
                ["complaint_id", "rule", "stage", "at"],
                select(marks.c.complaint_id + offset, marks.c.rule, marks.c.stage, marks.c.at)
                .where(marks.c.complaint_id <= top)))
            db.session.commit()
        print(f"copied {copies}x in {time.perf_counter() - started:.0f} s", flush=True)
        steady_passes(now, f"({copies} copies)")


def steady_passes(now, how):
    from datetime import timedelta

    from sqlalchemy import func, select

    from app.extensions import db
    from app.jobs.escalation import sweep
    from app.models import Complaint

    count_s, total_open = timed(lambda: db.session.execute(
        select(func.count()).select_from(Complaint).where(
            Complaint.is_open, Complaint.paused_at.is_(None))).scalar())
    for minutes in (2, 3, 4):
        db.session.remove()
        at = now + timedelta(minutes=minutes)
        steady_s, steady = timed(lambda at=at: sweep(db.session, now=at))
        print(f"steady pass over {total_open} open complaints {how}, at +{minutes} min: "
              f"{steady_s:.3f} s, {steady['evaluated']} evaluated, "
              f"{steady['actions']} actions ({steady['acting_s']:.3f} s of it acting), "
              f"{steady['batches']} batches, longest {steady['longest_batch_s']:.3f} s; "
              f"bare COUNT(*) of the open ones {count_s:.2f} s; goal < 1 s", flush=True)
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
