"""Simulating a routing change over 100,000 complaints (goal: under 10 s).

Seeds a fresh SQLite database (or, with --postgres, a throw-away PostgreSQL cluster on
loopback; or the empty PostgreSQL database in BENCH_DATABASE_URL) with BENCH_COMPLAINTS
complaints over 30 days, then simulates a draft that adds one rule in front of the
default routing set. Prints the time and the ratio against only reading the same rows,
in the same run.
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_COMPLAINTS", "100000"))


def main() -> None:
    if "--postgres" in sys.argv and "BENCH_DATABASE_URL" not in os.environ:
        from tests.postgres import ThrowawayCluster, find_bin_dir

        cluster = ThrowawayCluster(find_bin_dir())
        os.environ["BENCH_DATABASE_URL"] = cluster.start()
        try:
            return run()
        finally:
            cluster.stop()
    return run()


def run() -> None:
    from app import create_app
    from app.extensions import db
    from app.services.bootstrap import bootstrap
    from app.services.simulation import simulate
    from seed.demo import generate_demo

    work = tempfile.mkdtemp(prefix="parceldesk-bench-")
    uri = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{work}/bench.db")
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": work,
                      "ADMIN_PASSWORD": "bench", "LOAD_DEMO_DATA": False})
    with app.app_context():
        bootstrap(demo=False, echo=lambda *_: None)
        generate_demo(db.session, complaints=N, days=30, progress=False)
        rules = json.loads((ROOT / "rules" / "routing.json").read_text())["rules"]
        draft = [{"name": "Pickups to Finance", "conditions": {"all": [
            {"name": "category", "operator": "equal_to", "value": "pickup"}]},
            "actions": [{"name": "assign_team", "params": {"team": "Finance"}}]}] + rules
        started = time.perf_counter()
        result = simulate(db.session, "routing", draft, days=30)
        took = time.perf_counter() - started
        from app.services.simulation import _intake_rows, _period
        from app.timeutil import utcnow

        baseline_started = time.perf_counter()
        rows = sum(1 for _ in _intake_rows(db.session, _period(None, 30, utcnow())))
        baseline = time.perf_counter() - baseline_started
    dialect = uri.split(":", 1)[0]
    print(f"{dialect}: simulated a routing change over {result['evaluated']} complaints in "
          f"{took:.2f} s ({result['changed']} would change); goal < 10 s")
    print(f"same run, only reading the same {rows} rows: {baseline:.2f} s; "
          f"ratio {took / baseline:.1f}x")


if __name__ == "__main__":
    main()
