"""Every page each role can open reads as Chinese in Chinese mode: no untranslated English
and no raw codes in the visible text. Names from the data (people, customers, rules),
numbers and complaint numbers are allowed."""

import re

import pytest
from sqlalchemy import select

from tests.test_pages import login

WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
# Words that are names or units everywhere: the product, file types, currency, ids.
ALWAYS = {"ParcelDesk", "SLA", "CNY", "JSON", "API", "URL", "ID", "PDF", "CSV", "XLSX", "VIP",
          "HMAC", "SHA", "WeChat", "App", "TC", "Webhook", "OK", "Excel",
          "English"}  # the language switch names each language in itself


@pytest.fixture
def backend():
    return "sqlite"  # pages, not the database layer (covered on both elsewhere)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|option)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<(code|pre)[^>]*>.*?</\1>", " ", html, flags=re.S)  # JSON, patterns
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"&[a-z]+;|&#\d+;", " ", html)


def allowed_words(session) -> set[str]:
    """Names the data holds: people, customers, teams, rules, regions, alert scopes."""
    from flask import current_app

    from app.models import Alert, Customer, MailTemplate, ReplyTemplate, RuleSetVersion, Team

    words = set(ALWAYS)

    def add(text):
        words.update(WORD.findall(text or ""))

    for user in current_app.appbuilder.sm.get_all_users():
        add(f"{user.username} {user.first_name} {user.last_name} {user.email}")
    for row in session.execute(select(Customer.name, Customer.email, Customer.city,
                                      Customer.province)):
        add(" ".join(v or "" for v in row))
    for row in session.execute(select(MailTemplate.subject, MailTemplate.body)):
        add(" ".join(row))  # the office's own mail texts
    for row in session.execute(select(ReplyTemplate.title, ReplyTemplate.body)):
        add(" ".join(row))  # and its replies, in either language
    for name, description in session.execute(select(Team.name, Team.description)):
        add(name)
        add(description)  # the office's own words, shown as they were in the audit trail
    for rules in session.execute(select(RuleSetVersion.rules)).scalars():
        for rule in rules:  # rule names and the keywords they look for are the office's data
            add(rule.get("name"))
            add(str(rule.get("conditions")))
    for scope in session.execute(select(Alert.scope)).scalars():
        add(scope)
    for role in current_app.appbuilder.sm.get_all_roles():
        add(role.name)
    return words


def pages_of(client, session, complaint_id, customer_id) -> set[str]:
    home = client.get("/").get_data(as_text=True)
    links = set(re.findall(r'<a[^>]+href="(/[^"#?]*)"', home))
    links -= {"/logout/", "/lang/zh", "/lang/en"}
    # Flask-AppBuilder's permission tables list the technical names of permissions and
    # views (identifiers, not words), and its group pages keep its own labels; its user
    # statistics chart is not one of our pages.
    links = {link for link in links if not link.startswith(
        ("/permissions/", "/viewmenus/", "/permissionviews/", "/roles/", "/groups/",
         "/userstatschartview/"))}
    return links | {f"/complaintview/show/{complaint_id}", "/complaintview/add",
                    f"/customerview/show/{customer_id}", "/work/team", "/work/mine"}


@pytest.mark.parametrize("username", ["admin", "lead", "agent", "editor", "auditor"])
def test_every_page_reads_as_chinese(client, session, customer_id, username):
    from app.jobs.runs import run_job
    from app.models import Complaint
    from app.services.access import actor_for
    from app.services.intake import register_complaint
    from app.services.lifecycle import perform

    c = register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "delay", "description": "快递延误三天"})
    lead = actor_for(session, client.application.appbuilder.sm.find_user(username="lead"))
    if c.assignee_id != lead.id:
        c = perform(session, c.id, "assign", {"version": c.version, "user": lead.id}, lead)
    for action, body in (("respond", {"message": "正在核实"}), ("note", {"text": "已联系网点"}),
                         ("propose_resolution", {"kind": "apology", "text": "致歉"})):
        c = perform(session, c.id, action, {"version": c.version, **body}, lead)
    run_job("warnings")
    allowed = allowed_words(session)
    login(client, username)
    client.get("/lang/zh")
    problems = {}
    for link in sorted(pages_of(client, session, c.id, customer_id)):
        resp = client.get(link)
        if resp.status_code != 200 or "text/html" not in resp.content_type:
            continue
        text = visible_text(resp.get_data(as_text=True))
        english = sorted({w for w in WORD.findall(text) if w not in allowed})
        if english:
            problems[link] = english
    assert session.get(Complaint, c.id) is not None
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
