"""KPI figures for one year over 1,000,000 complaints (goal < 1 s), on SQLite and, with
--postgres, on a throw-away PostgreSQL cluster; against a bare COUNT(*) over the same
rows in the same run. Seeded SQLite files are cached in /tmp/parceldesk-bench (one per
migration head); `--database=URL` uses another database instead (e.g. of a running
PostgreSQL server), seeded on the first run, upgraded and reused by the next.
"""

import os
import statistics
import sys
import time
from datetime import timedelta

from common import seeded_app

N = int(os.environ.get("BENCH_COMPLAINTS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def timed(fn):
    """Median wall and CPU seconds of ROUNDS calls, and the last result."""
    samples, result = [], None
    for _ in range(ROUNDS):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        samples.append((time.perf_counter() - started, time.process_time() - cpu))
    return (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples),
            result)


def run(uri):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Complaint
    from app.services.access import actor_for
    from app.services.reporting import kpis
    from app.timeutil import to_office, utcnow

    app = seeded_app(f"kpi-year-{N}", N, 365, uri=uri)
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    with app.app_context():
        now = utcnow()
        today = to_office(now).date()
        period = kpis.Period(today - timedelta(days=364), today)
        first, after = period.bounds()
        count_s, _, total = timed(lambda: db.session.execute(
            select(func.count()).select_from(Complaint).where(
                Complaint.received_at >= first, Complaint.received_at < after)).scalar())
        print(f"bare COUNT(*) over the year's {total} complaints: {count_s:.3f} s")
        from app.models import KpiDaily, KpiRollupDay
        from app.services.reporting import rollup

        db.session.query(KpiDaily).delete()  # the first run computes every day
        db.session.query(KpiRollupDay).delete()
        db.session.commit()
        started = time.perf_counter()
        result = rollup.refresh(db.session, now)
        print(f"kpi_rollup job, first run ({result['days']} days, {result['rows']} rows): "
              f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        result = rollup.refresh(db.session, now)
        print(f"kpi_rollup job, a later run (the last {result['days']} days): "
              f"{time.perf_counter() - started:.1f} s")
        sm = app.appbuilder.sm
        cases = [("manager", g) for g in (None, *kpis.GROUP_BY)]
        cases += [("lead", None), ("lead", "region"), ("agent", None), ("agent", "category")]
        for username, group_by in cases:
            actor = actor_for(db.session, sm.find_user(username=username))
            seconds, cpu, result = timed(lambda a=actor, g=group_by: kpis.report(
                db.session, a, period, now, group_by=g))
            print(f"KPIs for one year as {username}"
                  f"{' by ' + group_by if group_by else ''}: {seconds:.3f} s "
                  f"(CPU {cpu:.3f} s; {result['kpis']['received']} complaints, "
                  f"{len(result['groups'])} groups; {seconds / max(count_s, 1e-4):.1f}x "
                  f"COUNT(*); load average {os.getloadavg()[0]:.1f}); goal < 1 s", flush=True)
        db.session.remove()
        db.engine.dispose()


def main():
    url = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--database=")), None)
    if url:  # a database kept between runs (seeded by the first, upgraded by the next)
        print(url.split(":", 1)[0] + ":")
        run(url)
    elif "--postgres" in sys.argv:
        from sqlalchemy import create_engine, text

        from tests.postgres import ThrowawayCluster, find_bin_dir

        cluster = ThrowawayCluster(find_bin_dir())
        server = cluster.start()
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "kpi"'))
        try:
            print("PostgreSQL:")
            run(server.rsplit("/", 1)[0] + "/kpi")
        finally:
            admin.dispose()
            cluster.stop()
    else:
        print("SQLite:")
        run(None)


if __name__ == "__main__":
    main()
