"""The complaint list counts up to a cap: past it the pager says "N+" instead of counting
every matching complaint (half a million for a big team)."""

import re

import pytest

from app.services.intake import register_complaint
from app.views import capped_count
from tests.test_pages import login


@pytest.fixture
def five_complaints(session, customer_id):
    for n in range(5):
        register_complaint(session, {"customer": customer_id, "channel": "web",
                                     "category": "delay", "description": f"late parcel {n}"})


def record_count(page: str) -> str:
    found = re.search(r"Record Count:</strong>\s*([^<\s]+)", page)
    assert found, page[:2000]
    return found.group(1)


def test_past_the_cap_the_list_says_at_least(client, monkeypatch, five_complaints):
    monkeypatch.setattr(capped_count, "COUNT_CAP", 3)
    login(client, "admin")
    page = client.get("/complaintview/list/?psize_ComplaintView=2").get_data(as_text=True)
    assert record_count(page) == "3+"
    assert page.count('href="/complaintview/show/') == 2  # the page itself is not capped
    # the pager offers the pages up to the cap, and the second one lists complaints
    second = client.get("/complaintview/list/?psize_ComplaintView=2&page_ComplaintView=1")
    assert second.get_data(as_text=True).count('href="/complaintview/show/') == 2


def test_under_the_cap_the_count_is_exact(client, monkeypatch, five_complaints):
    monkeypatch.setattr(capped_count, "COUNT_CAP", 10)
    login(client, "admin")
    assert record_count(client.get("/complaintview/list/").get_data(as_text=True)) == "5"
    filtered = client.get("/complaintview/list/?_flt_0_status=closed").get_data(as_text=True)
    assert "No records found" in filtered or record_count(filtered) == "0"


def test_the_api_count_stays_exact(client, as_user, monkeypatch, five_complaints):
    """API clients page by the count: it is never a lower bound there."""
    monkeypatch.setattr(capped_count, "COUNT_CAP", 3)
    body = client.get("/api/v1/complaints/", headers=as_user("admin")).get_json()
    assert body["count"] == 5
