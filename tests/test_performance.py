"""The Performance pages, the complaint list behind a figure, the root cause recorded on
resolve, and the monthly report (real SMTP on loopback; the job and the CLI)."""

import email
import email.policy
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from app.models import Complaint, MonthlyReport, Notification
from app.services.mail import deliver_due
from app.services.reporting import monthly
from tests.test_kpis import office  # noqa: F401 - the hand-built office fixture
from tests.test_lifecycle_api import new_complaint, post
from tests.test_mail_and_survey import free_port

OFFICE = ZoneInfo("Asia/Shanghai")
PERIOD = "from=2026-11-01&to=2026-11-02"


def sign_in(client, username):
    from tests.conftest import PASSWORD

    resp = client.post("/login/", data={"username": username, "password": PASSWORD})
    assert resp.status_code == 302


def numbers(html: str) -> set:
    return {n for n in ("TC-A", "TC-B", "TC-C", "TC-D", "TC-E", "TC-F", "TC-G") if n in html}


def test_dashboard_shows_cards_targets_and_links(client, office):  # noqa: F811
    sign_in(client, "manager")
    html = client.get(f"/performance/dashboard?{PERIOD}").get_data(as_text=True)
    assert 'data-kpi="resolution_rate" data-missed="yes"' in html  # 60 % against ≥ 95 %
    assert "60.0 %" in html and "≥ 95.0 %" in html
    assert 'data-kpi="avg_first_response_hours" data-missed="no"' in html  # 1.4 h ≤ 2 h
    assert "vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    assert "kpi=overdue&amp;received_from=2026-11-01&amp;received_to=2026-11-02" in html
    listed = client.get("/complaintview/list/?kpi=overdue&received_from=2026-11-01"
                        "&received_to=2026-11-02").get_data(as_text=True)
    assert numbers(listed) == {"TC-C", "TC-D"}
    assert "Complaints behind the figure" in listed
    whole = client.get("/complaintview/list/?kpi=backlog").get_data(as_text=True)
    assert numbers(whole) == {"TC-C", "TC-D", "TC-G"}


def test_a_leads_list_behind_a_figure_keeps_to_their_teams(client, office):  # noqa: F811
    sign_in(client, "lead")
    html = client.get(f"/performance/dashboard?{PERIOD}").get_data(as_text=True)
    assert 'data-kpi="received"' in html
    listed = client.get("/complaintview/list/?received_from=2026-11-01&received_to=2026-11-02"
                        "&kpi=received").get_data(as_text=True)
    assert numbers(listed) == {"TC-A", "TC-B", "TC-C"}
    bad = client.get("/complaintview/list/?kpi=nonsense").get_data(as_text=True)
    assert numbers(bad) == set()  # a broken link shows nothing rather than everything


def test_agent_sees_own_figures_on_the_list_too(client, office):  # noqa: F811
    sign_in(client, "agent2")
    listed = client.get("/complaintview/list/?received_from=2026-11-01&received_to=2026-11-02"
                        "&kpi=received").get_data(as_text=True)
    assert numbers(listed) == {"TC-C"}


def test_assessment_and_analysis_pages(client, office, session):  # noqa: F811
    c = session.query(Complaint).filter_by(number="TC-A").one()
    c.root_cause = "weather"
    session.commit()
    sign_in(client, "manager")
    html = client.get(f"/performance/assessment?{PERIOD}").get_data(as_text=True)
    assert 'id="assessment-team"' in html and "Logistics Delivery" in html
    assert "王安" in html and "Handling rate" in html
    assert "group_by=agent&format=xlsx" in html
    html = client.get(f"/performance/analysis?{PERIOD}").get_data(as_text=True)
    assert 'id="hotspots"' in html and "Zhejiang" in html
    assert '"weather": 1' in html or '"weather":1' in html  # the root-cause chart's data
    assert 'data-step="first_response"' in html


def test_performance_menu_and_no_google_charts(client, office):  # noqa: F811
    sign_in(client, "admin")
    html = client.get("/").get_data(as_text=True)
    assert "/performance/dashboard" in html
    assert "User's Statistics" not in html and "userstatschartview" not in html
    assert client.get("/users/userstatschartview/chart/").status_code == 404
    editor = client.application.test_client()
    sign_in(editor, "editor")  # policy editors are not given the office's figures
    assert editor.get("/performance/dashboard").status_code in (302, 403)


def test_zh_dashboard(client, office):  # noqa: F811
    sign_in(client, "manager")
    client.get("/lang/zh")
    html = client.get(f"/performance/dashboard?{PERIOD}").get_data(as_text=True)
    assert "办结率" in html
    assert '"zh"' in html  # ECharts' built-in Chinese locale is chosen


def test_resolve_records_a_root_cause(client, as_user, session, customer_id):
    c = new_complaint(session, customer_id)
    agent = as_user("agent")
    post(client, agent, c.id, "claim", version=1)
    post(client, agent, c.id, "respond", version=2, message="on it")
    post(client, agent, c.id, "propose_resolution", version=3, kind="apology", text="sorry")
    bad = post(client, agent, c.id, "resolve", version=4, root_cause="bad luck")
    assert bad.status_code == 400 and bad.get_json()["field"] == "root_cause"
    ok = post(client, agent, c.id, "resolve", version=4, root_cause="third_party")
    assert ok.status_code == 200, ok.get_json()
    session.expire_all()
    assert session.get(Complaint, c.id).root_cause == "third_party"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(
            envelope.content, policy=email.policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    yield inbox
    controller.stop()


def parts(message):
    html = message.get_body(("html",)).get_content()
    attachment = next(message.iter_attachments())
    return html, attachment.get_filename(), attachment.get_content()


def test_monthly_report_by_the_job_once_on_the_first_working_day(app, session, smtp,
                                                                  office):  # noqa: F811
    sunday = datetime(2026, 11, 1, 9, tzinfo=OFFICE)  # 1 November 2026 is a Sunday
    assert monthly.run_monthly(session, sunday)["queued"] == 0
    monday = datetime(2026, 11, 2, 9, tzinfo=OFFICE)
    result = monthly.run_monthly(session, monday)
    assert result["month"] == "2026-10"
    # managers and team leads: lead, claims_lead, emergency_lead, manager
    assert result["queued"] == 4
    assert monthly.run_monthly(session, monday)["queued"] == 0  # once per month
    deliver_due(session, app.config, now=monday)
    by_recipient = {to[0]: message for to, message in smtp.messages}
    assert set(by_recipient) == {f"{u}@parceldesk.local" for u in
                                 ("lead", "claims_lead", "emergency_lead", "manager")}
    html, name, content = parts(by_recipient["lead@parceldesk.local"])
    assert name == "parceldesk_2026-10.csv"
    assert "2026-10-01" in html and "Logistics Delivery" in html
    lines = content.strip().splitlines()
    assert lines[0].startswith("key,label,received")
    assert lines[1].startswith("total,All,1,1,1.0")  # October: F only, in Logistics
    _html, _name, claims = parts(by_recipient["claims_lead@parceldesk.local"])
    assert claims.strip().splitlines()[1].startswith("total,All,0,0,")
    manager_html, _n, _c = parts(by_recipient["manager@parceldesk.local"])
    assert "Resolution rate" in manager_html and "100.0 %" in manager_html
    assert session.query(MonthlyReport).filter_by(month="2026-10").count() == 4


def test_reports_send_cli_sends_on_demand(app, session, smtp, office):  # noqa: F811
    result = app.test_cli_runner().invoke(args=["reports", "send", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "4 report(s) queued" in result.output and "4 sent" in result.output
    manager = next(m for to, m in smtp.messages if to == ["manager@parceldesk.local"])
    _html, name, content = parts(manager)
    assert name == "parceldesk_2026-11.csv"
    assert content.strip().splitlines()[1].startswith("total,All,6,3,0.5")  # A-E and G
    bad = app.test_cli_runner().invoke(args=["reports", "send", "--month", "2026-13"])
    assert bad.exit_code != 0 and "month" in bad.output
    assert session.query(Notification).filter(Notification.status == "pending").count() == 0


def test_monthly_report_download(client, office):  # noqa: F811
    sign_in(client, "lead")
    resp = client.get("/performance/monthly?month=2026-11&format=csv")
    assert resp.status_code == 200
    assert resp.data.decode("utf-8-sig").splitlines()[1].startswith("total,All,4,")  # A,B,C,G
    html = client.get("/performance/monthly?month=2026-11").get_data(as_text=True)
    assert "ParcelDesk monthly report 2026-11" in html
    assert client.get("/performance/monthly?month=nope").status_code == 400
