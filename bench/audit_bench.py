"""The audit trail's cost on the lifecycle: the same actions with the session hook on and
off, in the same run, interleaved in blocks so that the machine's load hits both sides.

    .venv/bin/python bench/audit_bench.py            # AUDIT_BENCH_COMPLAINTS=300

Each complaint is registered, assigned by the lead, answered, noted and given a proposed
resolution (five writes, each one commit). Prints the time per action and the ratio.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COMPLAINTS = int(os.environ.get("AUDIT_BENCH_COMPLAINTS", "300"))
BLOCK = 25


def lifecycle(session, customer_id, lead):
    """One complaint through five writes; returns the seconds each took."""
    from app.services.intake import register_complaint
    from app.services.lifecycle import perform

    times = []
    started = time.perf_counter()
    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "delay", "description": "快递延误，电话 13812345678"})
    times.append(time.perf_counter() - started)
    steps = [("assign", {"user": lead.id}), ("respond", {"message": "正在核实"}),
             ("note", {"text": "已联系网点"}),
             ("propose_resolution", {"kind": "apology", "text": "致歉"})]
    for action, body in steps:
        started = time.perf_counter()
        c = perform(session, c.id, action, {"version": c.version, **body}, lead)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    from app import create_app
    from app.extensions import db
    from app.models import AuditRecord, Customer, Team
    from app.services.access import actor_for
    from app.services.bootstrap import bootstrap
    from seed.demo import ensure_demo_users

    folder = tempfile.mkdtemp(prefix="parceldesk-audit-bench-")
    uri = os.environ.get("AUDIT_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "INSTANCE_PATH": folder,
                      "ADMIN_PASSWORD": "bench", "DEMO_PASSWORD": "bench",
                      "LOAD_DEMO_DATA": False, "MAIL_ENABLED": False,
                      "SECRET_KEY": "bench-secret-key-long-enough-for-jwt"})
    with app.app_context():
        session = db.session
        bootstrap(demo=False, echo=lambda *_: None)
        ensure_demo_users(session, "bench")
        for team in session.query(Team):
            team.assignment_method = "manual"
        customer = Customer(name="张伟", kind="person", phone="13800000000", province="330000")
        session.add(customer)
        session.commit()
        lead = actor_for(session, app.appbuilder.sm.find_user(username="lead"))
        lifecycle(session, customer.id, lead)  # warm-up: caches, compiled rules
        samples = {True: [], False: []}
        done = 0
        while done < COMPLAINTS:
            for audited in (True, False):
                app.config["AUDIT_TRAIL"] = audited
                for _ in range(BLOCK):
                    samples[audited].extend(lifecycle(session, customer.id, lead))
            done += BLOCK
        app.config["AUDIT_TRAIL"] = True
        records = session.query(AuditRecord).filter(AuditRecord.entity == "complaint").count()
    on, off = statistics.mean(samples[True]), statistics.mean(samples[False])
    print(f"database: {uri.split(':')[0]}; {COMPLAINTS} complaints per side, "
          f"{len(samples[True])} actions per side; {records} complaint audit records")
    print(f"with the audit hook:    {on * 1000:.2f} ms per action "
          f"(median {statistics.median(samples[True]) * 1000:.2f})")
    print(f"without the audit hook: {off * 1000:.2f} ms per action "
          f"(median {statistics.median(samples[False]) * 1000:.2f})")
    print(f"ratio: {on / off:.2f}x; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
