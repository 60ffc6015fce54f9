"""A Policy Editor builds a routing rule without typing JSON, simulates, publishes,
sees a new complaint routed by it, and rolls back."""

import json

from app.models import Complaint, RuleSetVersion
from app.services.intake import register_complaint
from tests.browser.conftest import sign_in


def test_build_simulate_publish_route_and_roll_back(page, session, customer_id, app):
    for category in ("pickup", "pickup", "pickup", "delay"):
        register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": category, "description": "seed"})
    sign_in(page, "editor")
    page.goto("/policy/routing")
    page.wait_for_selector("#pe-rules tbody tr")
    assert page.locator("#pe-rules tbody tr").count() == 7

    # Build the rule with the form builder.
    page.click("#pe-add-rule")
    page.fill("#pe-rule-name", "Pickups to Finance")
    leaf = page.locator("#pe-builder .pe-leaf").first
    leaf.locator(".pe-variable").select_option("category")
    leaf.locator(".pe-operator").select_option("equal_to")
    leaf.locator(".pe-value").select_option("pickup")
    # the user reads the category's name; the rule stores its code
    assert leaf.locator(".pe-value option:checked").inner_text() == "Pickup problem"
    action = page.locator("#pe-builder .pe-action").first
    action.locator(".pe-action-name").select_option("assign_team")
    page.locator("#pe-builder .pe-action").first.locator(".pe-value").select_option("Finance")
    for _ in range(6):  # to second place with the buttons...
        page.locator("#pe-rules tr.pe-selected .pe-up").click()
    # ...and dragged to the top, above "Delivery problems to Logistics Delivery"
    page.locator("#pe-rules tbody tr").nth(1).drag_to(page.locator("#pe-rules tbody tr").first)
    page.wait_for_function("document.querySelector('#pe-status').textContent.includes('Draft saved')")
    assert page.locator("#pe-rules tbody tr").first.locator(".pe-name").inner_text().startswith(
        "Pickups to Finance")
    assert page.locator(".pe-problem").count() == 0

    # Simulate: the three pickups would move.
    page.click("#pe-simulate")
    page.wait_for_selector("#pe-sim-changed")
    assert page.inner_text("#pe-sim-changed") == "3"
    assert page.inner_text("#pe-sim-evaluated") == "4"
    assert page.locator("#pe-sim-table tbody tr").count() == 3
    page.screenshot(path=str(app.instance_path) + "/policy-editor.png", full_page=True)

    # Publish with a comment.
    page.click("a[data-tab=publish]")
    page.fill("#pe-comment", "Pickup disputes are billing questions")
    page.click("#pe-publish")
    page.wait_for_selector(".alert-success")
    session.expire_all()
    assert session.query(RuleSetVersion).filter_by(kind="routing").count() == 2

    # A complaint registered in the UI is routed by the new rule.
    page.goto("/complaintview/add")
    page.fill("#customer-search", "0000")  # the customer's phone ends in 0000
    page.click(f".customer-result[data-id='{customer_id}']")
    page.select_option("#channel", "phone")
    page.select_option("#category", "pickup")
    page.fill("#description", "Courier never came to collect my parcel")
    page.click("#register-submit")
    page.wait_for_load_state("networkidle")
    session.expire_all()
    newest = session.query(Complaint).filter_by(
        description="Courier never came to collect my parcel").one()
    assert newest.team.name == "Finance"

    # Roll back to version 1 from the history tab.
    page.goto("/policy/routing")
    page.wait_for_selector("#pe-rules tbody tr")
    page.click("a[data-tab=history]")
    page.once("dialog", lambda dialog: dialog.accept("Finance asked to undo"))
    page.locator("#pe-history-table tr[data-version='1'] .pe-rollback").click()
    page.wait_for_selector(".alert-success")
    session.expire_all()
    latest = session.query(RuleSetVersion).filter_by(kind="routing").order_by(
        RuleSetVersion.version.desc()).first()
    assert latest.version == 3 and "rollback to version 1" in latest.comment
    first = session.query(RuleSetVersion).filter_by(kind="routing", version=1).one()
    assert json.dumps(latest.rules, sort_keys=True) == json.dumps(first.rules, sort_keys=True)
    page.wait_for_function("document.querySelectorAll('#pe-rules tbody tr').length === 7")
    assert "Published version 3" in page.inner_text("#pe-status")


def test_agent_sees_rules_read_only(page):
    sign_in(page, "agent")
    page.goto("/policy/grading")
    page.wait_for_selector("#pe-rules tbody tr")
    assert page.locator("#pe-add-rule").count() == 0
    assert page.locator("#pe-simulate").count() == 0 or not page.is_visible("#pe-simulate")
    assert page.locator("#pe-rule-name").is_disabled()


def test_grading_weights_are_edited_in_a_form(page, client, as_user):
    sign_in(page, "editor")
    page.goto("/policy/grading")
    page.wait_for_selector("input[data-weight=urgency]")
    page.fill("input[data-weight=urgency]", "0.9")
    page.fill("input[data-weight=impact]", "2")
    page.wait_for_selector(".pe-error-text")
    assert "between 0 and 1" in page.inner_text("#pe-parameters")
    page.fill("input[data-weight=impact]", "0.05")
    page.wait_for_function("document.querySelectorAll('.pe-error-text').length === 0")
    draft = client.get("/api/v1/rulesets/grading/draft", headers=as_user("editor")).get_json()
    assert draft["draft"] is True
    assert draft["parameters"]["weights"] == {"urgency": 0.9, "impact": 0.05,
                                              "customer_value": 0.2}


def test_parameters_form_is_built_from_their_declaration(page, client, as_user):
    sign_in(page, "editor")
    page.goto("/policy/escalation")
    limit = "input[data-parameter=compensation_approval_limit]"
    page.wait_for_selector(limit)
    assert "Compensation approval limit (CNY)" in page.inner_text("#pe-parameters")
    page.fill(limit, "abc")
    page.wait_for_selector(".pe-error-text")
    assert "amount in CNY" in page.inner_text("#pe-parameters")
    page.fill(limit, "800.00")
    page.uncheck("input[data-parameter=reopen_on_dissatisfaction]")
    page.wait_for_function("document.querySelectorAll('.pe-error-text').length === 0")
    draft = client.get("/api/v1/rulesets/escalation/draft", headers=as_user("editor")).get_json()
    assert draft["parameters"]["compensation_approval_limit"] == "800.00"
    assert draft["parameters"]["reopen_on_dissatisfaction"] is False


def test_region_groups_are_edited_and_used_in_a_form(page, client, as_user):
    sign_in(page, "editor")
    page.goto("/policy/routing")
    page.wait_for_selector(".pe-region-group[data-group=remote]")
    # a new group, with two regions chosen by name
    page.fill(".pe-new-group", "southwest")
    page.click(".pe-add-group-name")
    group = page.locator(".pe-region-group[data-group=southwest] select")
    group.select_option(label=["Sichuan", "Yunnan"])
    # a rule on it: the operator offers the rule set's groups
    page.click("#pe-add-rule")
    page.fill("#pe-rule-name", "South-west to Management")
    leaf = page.locator("#pe-builder .pe-leaf").first
    leaf.locator(".pe-variable").select_option("region")
    leaf.locator(".pe-operator").select_option("is_in_group")
    leaf.locator(".pe-value").select_option("southwest")
    action = page.locator("#pe-builder .pe-action").first
    action.locator(".pe-action-name").select_option("assign_team")
    page.locator("#pe-builder .pe-action").first.locator(".pe-value").select_option("Management")
    page.wait_for_function("document.querySelector('#pe-status').textContent.includes('Draft saved')")
    draft = client.get("/api/v1/rulesets/routing/draft", headers=as_user("editor")).get_json()
    assert draft["parameters"]["region_groups"]["southwest"] == ["510000", "530000"]
    rule = next(r for r in draft["rules"] if r["name"] == "South-west to Management")
    assert rule["conditions"]["all"][0] == {"name": "region", "operator": "is_in_group",
                                            "value": "southwest"}
    assert page.locator(".pe-problem").count() == 0
