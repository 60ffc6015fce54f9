"""Screenshots of the main pages, in English and Chinese, against a fresh demo database.

    python scripts/screenshots.py [OUTPUT_DIR] [--only NAME ...]

Starts the app on a throw-away SQLite file with demo data on 127.0.0.1, drives Debian's
Chromium with Playwright, and writes one PNG per page, role and language (default
`docs/screenshots/`).
"""

import argparse
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "demo"


def pages(session):
    """(name, role, path) for each page worth a picture, chosen from the demo data."""
    from sqlalchemy import select

    from app.models import Complaint, Team

    logistics = session.execute(select(Team).where(Team.name == "Logistics Delivery")).scalar()
    busy = session.execute(
        select(Complaint).where(Complaint.team_id == logistics.id,
                                Complaint.status == "in_progress")
        .order_by(Complaint.received_at.desc())).scalars().first()
    busy = busy or session.execute(select(Complaint).where(
        Complaint.team_id == logistics.id)).scalars().first()
    return [
        ("home", "agent", "/"),
        ("my-queue", "agent", "/work/mine"),
        ("team-queue", "lead", "/work/team"),
        ("complaint", "agent", f"/complaintview/show/{busy.id}"),
        ("register", "agent", "/complaintview/add"),
        ("complaints", "lead", "/complaintview/list/"),
        ("customers", "agent", "/customerview/list/"),
        ("policy-grading", "editor", "/policy/grading"),
        ("alerts", "lead", "/openalertview/list/"),
        ("complaint-auditor", "auditor", f"/complaintview/show/{busy.id}"),
        ("customer", "agent", f"/customerview/show/{busy.customer_id}"),
        ("customer-revealed", "agent", f"/customerview/show/{busy.customer_id}", "reveal"),
        ("policy-sla", "editor", "/policy/sla"),
        ("audit-trail", "auditor", "/audit/trail?page_size=6"),
        ("access-log", "auditor", "/audit/access"),
    ]


def act(page, action) -> None:
    """What to do on the page before the picture (the reveal button with a reason)."""
    if action == "reveal":
        page.fill("form.pd-reveal input[name=reason]", "Callback about the damaged parcel")
        page.click("form.pd-reveal button[type=submit]")
        page.wait_for_selector("form.pd-reveal", state="hidden")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("output", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--complaints", type=int, default=400)
    args = parser.parse_args()
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    instance = tempfile.mkdtemp(prefix="parceldesk-shots-")
    os.environ.update({"INSTANCE_PATH": instance, "DEMO_PASSWORD": PASSWORD,
                       "ADMIN_PASSWORD": PASSWORD, "SCHEDULER_ENABLED": "false",
                       "MAIL_ENABLED": "false", "DEMO_COMPLAINTS": str(args.complaints),
                       "DATABASE_URL": f"sqlite:///{instance}/demo.db"})
    from app import create_app
    from app.extensions import db
    from app.services.bootstrap import bootstrap

    app = create_app()
    with app.app_context():
        bootstrap(demo=True, echo=lambda *_: None)
        todo = [p for p in pages(db.session) if not args.only or p[0] in args.only]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for lang in ("en", "zh"):
            for name, role, path, *action in todo:
                context = browser.new_context(base_url=base, viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.goto("/login/")
                page.fill("#username", role)
                page.fill("#password", PASSWORD)
                page.click("input[type=submit], button[type=submit]")
                page.wait_for_load_state("networkidle")
                page.goto(f"/lang/{lang}")
                page.goto(path)
                page.wait_for_load_state("networkidle")
                if action:
                    act(page, action[0])
                target = out / f"{name}-{lang}.png"
                page.screenshot(path=str(target), full_page=True)
                print(target)
                context.close()
        browser.close()
    server.shutdown()
    shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
