"""The monthly report: last month's KPI summary (an HTML table and the CSV table) mailed
through the outbox to the managers (the whole office) and to each lead (their teams), on
the first working day of the month; sent once per month and recipient."""

from datetime import date, datetime, timedelta
from html import escape

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import MonthlyReport, Notification, Team
from app.services.access import Actor, actor_for
from app.services.reporting import export, kpis
from app.services.reporting.kpis import shown
from app.timeutil import to_office

SUMMARY = ("received", "resolved", "resolution_rate", "avg_first_response_hours",
           "avg_handling_hours", "first_response_sla_met_rate", "resolution_sla_met_rate",
           "callback_sla_met_rate", "csat_avg", "csat_satisfied_rate", "repeat_rate",
           "escalation_rate", "backlog", "overdue")
BY_TEAM = ("received", "resolution_rate", "resolution_sla_met_rate", "csat_avg", "backlog")


def first_working_day(year: int, month: int) -> date:
    """The first Monday-to-Friday day of the month."""
    day = date(year, month, 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def previous_month(day: date) -> kpis.Period:
    return kpis.month_period((day.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"))


def render_for(session: Session, actor: Actor, period: kpis.Period, now: datetime) -> dict:
    """The report as the actor may see it: subject, HTML, CSV and the CSV's file name."""
    result = kpis.report(session, actor, period, now, group_by="team")
    month = period.start.strftime("%Y-%m")
    title = gettext("ParcelDesk monthly report %(month)s", month=month)
    columns = (gettext("This month"), gettext("Previous month"), gettext("Target"))
    head = "<tr><th></th>" + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>"
    rows = "".join(
        f"<tr><td>{escape(str(kpis.KPI_LABELS[n]))}</td>"
        f"<td>{escape(shown(n, result['kpis'][n]))}</td>"
        f"<td>{escape(shown(n, result['previous'][n]))}</td>"
        f"<td>{escape(shown(n, result['targets'][n]) if n in result['targets'] else '')}</td>"
        "</tr>" for n in SUMMARY)
    team_head = "".join(f"<th>{escape(str(kpis.KPI_LABELS[n]))}</th>" for n in BY_TEAM)
    team_rows = "".join(
        f"<tr><td>{escape(g['label'])}</td>"
        + "".join(f"<td>{escape(shown(n, g['kpis'][n]))}</td>" for n in BY_TEAM) + "</tr>"
        for g in result["groups"])
    by_team, team = gettext("By team"), gettext("Team")
    html = (f"<html><head><meta charset='utf-8'><title>{escape(title)}</title></head><body>"
            f"<h2>{escape(title)}</h2><p>{escape(result['from'])} – {escape(result['to'])}</p>"
            f"<table border='1' cellpadding='4' id='summary'>{head}{rows}</table>"
            f"<h3>{escape(by_team)}</h3>"
            f"<table border='1' cellpadding='4' id='by-team'><tr><th>{escape(team)}"
            f"</th>{team_head}</tr>{team_rows}</table></body></html>")
    text = "\n".join(f"{kpis.KPI_LABELS[n]}: {shown(n, result['kpis'][n])}" for n in SUMMARY)
    return {"subject": title, "html": html, "text": f"{title}\n\n{text}\n",
            "csv": export.as_csv(result), "filename": f"parceldesk_{month}.csv"}


def recipients(session: Session) -> list[tuple[User, Actor]]:
    """Managers and team leads with an e-mail address, each with what they may see."""
    lead_ids = set(session.execute(select(Team.lead_id).where(Team.lead_id.is_not(None)))
                   .scalars())
    out = []
    for user in session.execute(select(User).where(User.active.is_(True))
                                .order_by(User.id)).scalars():
        if not user.email or not (user.id in lead_ids
                                  or any(r.name == "Team Lead" for r in user.roles)):
            continue
        actor = actor_for(session, user)
        if actor.manager or actor.lead_team_ids:
            out.append((user, actor))
    return out


def queue_reports(session: Session, period: kpis.Period, now: datetime, *,
                  again: bool = False) -> int:
    """Put the month's report in the outbox for every recipient not yet sent it (all of
    them when `again`); returns how many were queued."""
    month = period.start.strftime("%Y-%m")
    done = set(session.execute(select(MonthlyReport.user_id)
                               .where(MonthlyReport.month == month)).scalars())
    queued = 0
    for user, actor in recipients(session):
        if user.id in done and not again:
            continue
        if user.id not in done:
            try:
                with session.begin_nested():
                    session.add(MonthlyReport(month=month, user_id=user.id, queued_at=now))
            except IntegrityError:
                continue  # another scheduler queued it first: one report is enough
        content = render_for(session, actor, period, now)
        session.add(Notification(
            channel="email", recipient=user.email, subject=content["subject"],
            body=content["text"], html=content["html"], attachment_name=content["filename"],
            attachment=content["csv"].decode("utf-8-sig"), status="pending",
            next_attempt_at=now))
        queued += 1
    session.commit()
    return queued


def run_monthly(session: Session, now: datetime) -> dict:
    """The scheduler's `reports` job: from the first working day of a month on, last
    month's report goes once to each recipient."""
    today = to_office(now).date()
    if today < first_working_day(today.year, today.month):
        return {"evaluated": 0, "queued": 0, "month": None}
    period = previous_month(today)
    queued = queue_reports(session, period, now)
    return {"evaluated": queued, "queued": queued, "month": period.start.strftime("%Y-%m")}
