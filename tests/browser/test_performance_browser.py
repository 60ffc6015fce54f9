"""The dashboard in the browser, as a manager and as a team lead, in English and Chinese:
the cards, the ECharts charts drawn from static files, and a click from a number through
to the complaint list behind it."""

import os

import pytest

from tests.browser.conftest import sign_in
from tests.test_kpis import office  # noqa: F401 - the hand-built office fixture

PERIOD = "from=2026-11-01&to=2026-11-02"
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def listed(page):
    page.wait_for_selector("#figure-filter")
    return {n for n in ("TC-A", "TC-B", "TC-C", "TC-D", "TC-E", "TC-G")
            if n in page.inner_text("body")}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_manager_and_lead_follow_a_number_to_its_complaints(page, office, language):  # noqa: F811
    external = []
    page.on("request", lambda r: external.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
    sign_in(page, "manager")
    page.goto(f"/lang/{language}")
    page.goto(f"/performance/dashboard?{PERIOD}")
    page.wait_for_selector("#trend-chart svg path", state="attached")  # ECharts drew the trend
    page.wait_for_selector("#sla-chart svg path", state="attached")
    card = page.locator('[data-kpi="resolution_rate"]')
    assert card.get_attribute("data-missed") == "yes"
    assert "60.0 %" in card.inner_text()
    body = page.inner_text("body")
    assert ("办结率" if language == "zh" else "Resolution rate") in body
    assert "None" not in body and "resolution_rate" not in body
    shot(page, f"dashboard-manager-{language}")
    page.click('[data-kpi="overdue"] a.kpi-value')
    assert listed(page) == {"TC-C", "TC-D"}
    shot(page, f"list-behind-overdue-{language}")

    page.goto("/logout/")
    sign_in(page, "lead")
    page.goto(f"/lang/{language}")
    page.goto(f"/performance/dashboard?{PERIOD}")
    page.wait_for_selector("#trend-chart svg path", state="attached")
    assert page.locator('[data-kpi="received"] a.kpi-value').inner_text() == "3"
    shot(page, f"dashboard-lead-{language}")
    page.click('[data-kpi="received"] a.kpi-value')
    assert listed(page) == {"TC-A", "TC-B", "TC-C"}
    for name in ("assessment", "analysis"):
        page.goto(f"/performance/{name}?{PERIOD}")
        page.wait_for_load_state("networkidle")
        assert "None" not in page.inner_text("body")
        shot(page, f"{name}-lead-{language}")
    assert external == []  # no CDN: everything from the application
