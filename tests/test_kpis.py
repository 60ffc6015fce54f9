"""KPI figures on a small hand-built office, worked out by hand below, through the service
and GET /api/v1/reports/kpis (JSON, CSV, XLSX), with visibility per role."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.models import Complaint, Team
from app.services.access import actor_for
from app.services.reporting import kpis

OFFICE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 10, 0, 0, tzinfo=OFFICE)
H = timedelta(hours=1)


def at(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=OFFICE)


def user_id(app, username):
    return app.appbuilder.sm.find_user(username=username).id


def team_id(session, name):
    return session.execute(select(Team.id).where(Team.name == name)).scalar()


@pytest.fixture
def office(app, session, customer_id):
    """Five complaints received on 1-2 November 2026 (office time), one on 31 October
    (the previous period) and one on 3 November (outside both).

    A  Logistics, agent:  received 1 Nov 00:30 (still 31 Oct in UTC), answered after 1 h
       (due 2 h), resolved after 12 h (due 24 h), called back on time, satisfaction 5, closed.
    B  Logistics, agent:  answered after 3 h (due 2 h), resolved after 36 h (due 24 h),
       no callback and its callback is past due, survey 3, repeat, resolved.
    C  Logistics, agent2: answered after 1 h, not resolved and past its resolution due
       time, escalated once, in progress (open, overdue).
    D  Claims, claims_agent: never answered and past due, new (open, overdue).
    E  Claims, claims_agent: answered after 0.5 h (due 1 h), resolved after 24 h (due 48 h),
       called back on time, satisfaction 4, reopened once, escalated twice, closed.
    F  Logistics, agent: 31 Oct, answered after 2 h, resolved after 10 h, satisfaction 5.
    G  Logistics: 3 Nov, new, waiting for the customer (open, paused so not overdue).
    """
    logistics, claims = team_id(session, "Logistics Delivery"), team_id(session,
                                                                        "Claims & Compensation")
    agent, agent2, claims_agent = (user_id(app, n) for n in ("agent", "agent2", "claims_agent"))

    def add(number, team, assignee, received, status, *, fr=None, fr_due=2, res=None,
            res_due=24, cb=None, cb_due=None, **extra):
        c = Complaint(
            number=number, customer_id=customer_id, channel=extra.pop("channel", "phone"),
            category=extra.pop("category", "delay"), description="hand-built",
            level=extra.pop("level", 2),
            region=extra.pop("region", "Zhejiang"), received_at=received, status=status,
            team_id=team, assignee_id=assignee,
            first_response_due_at=received + fr_due * H,
            first_responded_at=received + fr * H if fr is not None else None,
            resolution_due_at=received + res_due * H,
            resolved_at=received + res * H if res is not None else None,
            callback_due_at=received + (cb_due or res_due + 72) * H,
            callback_at=received + cb * H if cb is not None else None,
            is_open=status not in ("resolved", "closed"), **extra)
        session.add(c)
        return c

    add("TC-A", logistics, agent, at(11, 1, 0, 30), "closed", fr=1, res=12, cb=48,
        satisfaction=5, category="damage")
    add("TC-B", logistics, agent, at(11, 1, 10), "resolved", fr=3, res=36, satisfaction=3,
        is_repeat=True)
    add("TC-C", logistics, agent2, at(11, 2, 8), "in_progress", fr=1, escalation_count=1,
        level=1)
    add("TC-D", claims, claims_agent, at(11, 2, 12), "new", res_due=48, channel="web",
        region="Jiangsu")
    add("TC-E", claims, claims_agent, at(11, 2, 15), "closed", fr=0.5, fr_due=1, res=24,
        res_due=48, cb=90, satisfaction=4, reopen_count=1, escalation_count=2,
        region="Jiangsu")
    add("TC-F", logistics, agent, at(10, 31, 10), "closed", fr=2, res=10, cb=30,
        satisfaction=5)
    add("TC-G", logistics, None, at(11, 3, 1), "waiting_customer", paused_at=at(11, 3, 2))
    session.commit()
    return {"logistics": logistics, "claims": claims, "agent": agent}


PERIOD = kpis.Period(at(11, 1, 0).date(), at(11, 2, 0).date())


def figures(app, session, username, **kwargs):
    actor = actor_for(session, app.appbuilder.sm.find_user(username=username))
    return kpis.report(session, actor, PERIOD, NOW, **kwargs)


def test_every_figure_of_the_period(app, session, office):
    result = figures(app, session, "admin")
    k = result["kpis"]
    assert k["received"] == 5  # A-E; A counts although it is 31 Oct in UTC
    assert k["resolved"] == 3  # A, B, E
    assert k["resolution_rate"] == 0.6
    assert k["avg_first_response_hours"] == pytest.approx((1 + 3 + 1 + 0.5) / 4, abs=0.01)
    assert k["p90_first_response_hours"] == pytest.approx(3)  # rank ceil(0.9*4)=4 of 0.5,1,1,3
    assert k["avg_handling_hours"] == pytest.approx((12 + 36 + 24) / 3, abs=0.01)
    assert k["p90_handling_hours"] == pytest.approx(36)
    assert k["first_response_sla_met_rate"] == 0.6  # A, C, E met; B late; D past due
    assert k["resolution_sla_met_rate"] == 0.4  # A, E met; B late; C, D past due
    assert k["callback_sla_met_rate"] == 0.4  # A, E met; B, C, D past due
    assert k["csat_avg"] == 4.0  # 5, 3, 4
    assert k["csat_satisfied_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert k["repeat_rate"] == 0.2 and k["reopen_rate"] == 0.2
    assert k["escalation_rate"] == 0.4  # C, E
    assert k["backlog"] == 2 and k["overdue"] == 2  # C, D
    assert set(k) == set(kpis.KPI_NAMES)


def test_previous_period_targets_and_current_backlog(app, session, office):
    result = figures(app, session, "admin")
    previous = result["previous"]  # 30-31 October: F only
    assert previous["received"] == 1 and previous["resolution_rate"] == 1.0
    assert previous["avg_first_response_hours"] == pytest.approx(2, abs=0.01)
    assert previous["avg_handling_hours"] == pytest.approx(10, abs=0.01)
    assert previous["csat_avg"] == 5.0 and previous["backlog"] == 0
    assert result["targets"] == {"resolution_rate": 0.95, "avg_handling_hours": 24,
                                 "avg_first_response_hours": 2, "csat_avg": 4.5,
                                 "csat_satisfied_rate": 0.9, "repeat_rate": 0.05,
                                 "escalation_rate": 0.03}
    assert kpis.missed("resolution_rate", 0.6, 0.95)
    assert not kpis.missed("avg_first_response_hours", 1.38, 2)
    scope = kpis.scope_condition(session, actor_for(
        session, app.appbuilder.sm.find_user(username="admin")))
    assert kpis.current_backlog(session, scope, NOW) == {"backlog": 3, "overdue": 2}  # C, D, G


def test_an_empty_period_has_null_rates(app, session, office):
    actor = actor_for(session, app.appbuilder.sm.find_user(username="admin"))
    empty = kpis.report(session, actor, kpis.Period(at(1, 1, 0).date(), at(1, 2, 0).date()), NOW)
    assert empty["kpis"]["received"] == 0
    assert empty["kpis"]["resolution_rate"] is None and empty["kpis"]["csat_avg"] is None


def test_groups_by_team_day_and_category(app, session, office):
    by_team = {g["label"]: g["kpis"] for g in figures(app, session, "admin",
                                                      group_by="team")["groups"]}
    assert set(by_team) == {"Logistics Delivery", "Claims & Compensation"}
    assert by_team["Logistics Delivery"]["received"] == 3
    assert by_team["Logistics Delivery"]["p90_first_response_hours"] == pytest.approx(3)
    assert by_team["Claims & Compensation"]["resolution_rate"] == 0.5
    assert by_team["Claims & Compensation"]["p90_handling_hours"] == pytest.approx(24)
    by_day = {g["key"]: g["kpis"]["received"] for g in figures(app, session, "admin",
                                                               group_by="day")["groups"]}
    assert by_day == {"2026-11-01": 2, "2026-11-02": 3}  # office dates, not UTC ones
    by_month = {g["key"]: g["kpis"]["received"] for g in figures(
        app, session, "admin", group_by="month")["groups"]}
    assert by_month == {"2026-11": 5}
    by_week = {g["key"]: g["kpis"]["received"] for g in figures(
        app, session, "admin", group_by="week")["groups"]}
    assert by_week == {"2026-10-26": 2, "2026-11-02": 3}  # weeks start on Monday
    labels = {g["label"] for g in figures(app, session, "admin", group_by="category")["groups"]}
    assert labels == {"Damage", "Delay"}


@pytest.mark.parametrize("username,received", [
    ("agent", 2),  # A, B: their own
    ("claims_agent", 2),  # D, E
    ("lead", 3),  # their team: A, B, C
    ("claims_lead", 2),
    ("manager", 5),  # leads Management: the whole office
    ("auditor", 5),
    ("admin", 5),
])
def test_visibility_per_role(client, as_user, office, username, received):
    resp = client.get("/api/v1/reports/kpis?from=2026-11-01&to=2026-11-02",
                      headers=as_user(username))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["kpis"]["received"] == received


def test_narrowing_to_others_is_refused(client, as_user, office):
    claims = office["claims"]
    assert client.get(f"/api/v1/reports/kpis?from=2026-11-01&to=2026-11-02&team={claims}",
                      headers=as_user("lead")).status_code == 403
    other = office["agent"]
    assert client.get(f"/api/v1/reports/kpis?from=2026-11-01&to=2026-11-02&agent={other}",
                      headers=as_user("agent2")).status_code == 403
    resp = client.get(f"/api/v1/reports/kpis?from=2026-11-01&to=2026-11-02&team={claims}",
                      headers=as_user("manager"))
    assert resp.get_json()["kpis"]["received"] == 2
    resp = client.get("/api/v1/reports/kpis?from=2026-11-01&to=2026-11-02&team=99999",
                      headers=as_user("manager"))
    assert resp.status_code == 404 and resp.get_json()["field"] == "team"
    by_agent = client.get("/api/v1/reports/kpis?from=2026-11-01&to=2026-11-02&group_by=agent",
                          headers=as_user("lead")).get_json()["groups"]
    assert {g["label"]: g["kpis"]["received"] for g in by_agent} == {"王安": 2,
                                                                      "赵博": 1}
    assert client.get("/api/v1/reports/kpis?from=2026-11-01&to=2026-11-02",
                      headers=as_user("editor")).status_code == 403


@pytest.mark.parametrize("query,field", [
    ("from=2026-13-01&to=2026-11-02", "from"),
    ("from=2026-11-01&to=yesterday", "to"),
    ("from=2026-11-03&to=2026-11-02", "from"),
    ("from=2026-11-01&to=2026-11-02&group_by=colour", "group_by"),
    ("from=2026-11-01&to=2026-11-02&team=x", "team"),
    ("from=2026-11-01&to=2026-11-02&format=pdf", "format"),
])
def test_bad_parameters_are_named(client, as_user, office, query, field):
    resp = client.get(f"/api/v1/reports/kpis?{query}", headers=as_user("manager"))
    assert resp.status_code == 400
    assert resp.get_json()["field"] == field


def test_csv_and_xlsx_hold_the_same_table(client, as_user, office):
    base = "/api/v1/reports/kpis?from=2026-11-01&to=2026-11-02&group_by=team"
    resp = client.get(base + "&format=csv", headers=as_user("manager"))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "kpis_2026-11-01_2026-11-02.csv" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert [r["label"] for r in rows] == ["All", "Claims & Compensation", "Logistics Delivery"]
    assert rows[0]["received"] == "5" and rows[0]["resolution_rate"] == "0.6"
    assert rows[2]["received"] == "3" and rows[1]["csat_avg"] == "4.0"

    from openpyxl import load_workbook

    resp = client.get(base + "&format=xlsx", headers=as_user("manager"))
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.data)).active
    values = list(sheet.values)
    header = values[0]
    assert header[:3] == ("key", "label", "received")
    table = {row[1]: dict(zip(header, row, strict=True)) for row in values[1:]}
    assert table["All"]["received"] == 5 and table["All"]["escalation_rate"] == 0.4
    assert table["Claims & Compensation"]["backlog"] == 1
    assert table["All"]["csat_avg"] == 4.0 and table["All"]["p90_handling_hours"] == 36


def test_targets_are_versioned_parameters_of_the_sla_rule_set(app, session, office):
    from app.policy import store
    from app.services.errors import InvalidInput

    current = store.get_version(session, "sla")
    targets = {**current.parameters["kpi_targets"], "resolution_rate": 0.9}
    store.publish(session, "sla", current.rules, comment="target 90 %",
                  parameters={"kpi_targets": targets})
    assert kpis.kpi_targets(session)["resolution_rate"] == 0.9
    with pytest.raises(InvalidInput) as refused:
        store.publish(session, "sla", current.rules, comment="bad",
                      parameters={"kpi_targets": {"resolution_rate": 95, "speed": 1}})
    fields = {p["path"] for p in refused.value.details}
    assert fields == {"parameters.kpi_targets.resolution_rate", "parameters.kpi_targets.speed"}
    assert kpis.kpi_targets(session)["resolution_rate"] == 0.9  # nothing saved


def _same(rolled: dict, raw: dict):
    assert rolled == raw


@pytest.mark.parametrize("username,group_by", [
    ("admin", None), ("admin", "team"), ("admin", "agent"), ("admin", "day"),
    ("admin", "week"), ("admin", "month"), ("lead", None), ("agent", "day"),
    ("claims_agent", None), ("admin", "category"), ("admin", "channel"),
    ("admin", "region"), ("admin", "outlet"), ("admin", "level"), ("lead", "region"),
    ("claims_agent", "channel"), ("agent", "outlet"),
])
def test_daily_rollup_equals_the_raw_computation(app, session, office, username,
                                                 group_by):
    from app.models import Outlet
    from app.services.reporting import rollup

    outlet = Outlet(code="HZ-T-01", name="Test outlet", region="330000")
    session.add(outlet)
    session.flush()
    for number in ("TC-A", "TC-D"):
        session.execute(select(Complaint).where(Complaint.number == number)) \
            .scalar_one().outlet_id = outlet.id
    # times between the roll-up's steps: the 90th percentiles are the tops of their steps
    add_times(session, office, at(11, 1, 9), fr=0.25, res=2.2)
    add_times(session, office, at(11, 2, 9), fr=2.2, res=30.4)
    actor = actor_for(session, app.appbuilder.sm.find_user(username=username))
    for now, period in ((NOW, PERIOD),  # every day from the roll-up
                        # 1 Nov from the roll-up, 2 Nov counted from the complaints
                        (at(11, 2, 12), PERIOD),
                        (NOW, kpis.Period(at(10, 25, 0).date(), at(11, 12, 0).date()))):
        session.query(rollup.KpiDaily).delete()
        session.query(rollup.KpiRollupDay).delete()
        result = rollup.refresh(session, now)
        assert result["days"] > 0
        assert rollup.covered_days(session, period)
        rolled = kpis.report(session, actor, period, now, group_by=group_by)
        raw = kpis.report(session, actor, period, now, group_by=group_by, use_rollup=False)
        _same(rolled["kpis"], raw["kpis"])
        _same(rolled["previous"], raw["previous"])
        assert [(g["key"], g["label"]) for g in rolled["groups"]] == \
            [(g["key"], g["label"]) for g in raw["groups"]]
        for a, b in zip(rolled["groups"], raw["groups"], strict=True):
            _same(a["kpis"], b["kpis"])
    if username == "admin" and group_by in rollup.DIMENSIONS:
        assert len(rolled["groups"]) > 1  # the split is tried on more than one value


def add_times(session, office, received, *, fr, res):
    """A resolved complaint of the agent's answered after `fr` and resolved after `res`
    hours."""
    session.add(Complaint(
        number=f"TC-T{received:%d%H}", customer_id=session.execute(
            select(Complaint.customer_id)).scalars().first(), channel="phone",
        category="delay", description="hand-built", level=2, region="Zhejiang",
        received_at=received, status="resolved", team_id=office["logistics"],
        assignee_id=office["agent"], first_response_due_at=received + 2 * H,
        first_responded_at=received + fr * H, resolution_due_at=received + 24 * H,
        resolved_at=received + res * H, callback_due_at=received + 96 * H, is_open=False))
    session.commit()


@pytest.mark.parametrize("use_rollup", [True, False])
def test_90th_percentiles_are_the_tops_of_their_steps(app, session, office, use_rollup):
    """Steps of 0.1 h up to 2 h, 0.5 h up to 24 h and 1 h above, however computed."""
    from app.services.reporting import rollup

    for day, fr, res in ((5, 0.25, 1.75), (6, 2.2, 12.1), (7, 0.1, 30.4)):
        add_times(session, office, at(11, day, 10), fr=fr, res=res)
    rollup.refresh(session, at(11, 9, 12))
    actor = actor_for(session, app.appbuilder.sm.find_user(username="admin"))
    groups = kpis.report(session, actor, kpis.Period(at(11, 5, 0).date(), at(11, 7, 0).date()),
                         at(11, 9, 12), group_by="day", use_rollup=use_rollup)["groups"]
    p90 = {g["key"]: (g["kpis"]["p90_first_response_hours"], g["kpis"]["p90_handling_hours"])
           for g in groups}
    assert p90 == {"2026-11-05": (0.3, 1.8), "2026-11-06": (2.5, 12.5),
                   "2026-11-07": (0.1, 31.0)}


def test_rollup_job_recomputes_recent_days_only(app, session, office):
    from app.services.reporting import rollup

    first = rollup.refresh(session, NOW)
    assert first["days"] == 10  # 31 October (the first complaint) to 9 November
    again = rollup.refresh(session, NOW, recent_days=3)
    assert again["days"] == 3  # 7-9 November
    assert rollup.covered_days(session, PERIOD) == {"2026-11-01", "2026-11-02"}
