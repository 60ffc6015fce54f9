"""The access log records who reached a customer's personal data, and why."""

import pytest

from app.models import AccessLog
from app.services.access import Actor
from app.services.errors import InvalidInput
from app.services.privacy.access_log import record_access


def test_a_reveal_is_recorded_with_its_reason(session, customer_id):
    actor = Actor(id=7, username="lead", roles={"Team Lead"})
    record_access(session, actor=actor, action="reveal", customer_id=customer_id,
                  fields=["phone", "address"], reason="Customer asked for a callback",
                  address="10.0.0.5")
    session.commit()
    row = session.query(AccessLog).one()
    assert (row.actor_id, row.actor_name, row.action, row.customer_id, row.fields, row.reason,
            row.address) == (7, "lead", "reveal", customer_id, "phone,address",
                             "Customer asked for a callback", "10.0.0.5")
    assert row.at is not None


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_an_access_without_a_fit_reason_is_refused_and_nothing_recorded(session, customer_id,
                                                                        reason):
    with pytest.raises(InvalidInput) as error:
        record_access(session, actor=Actor(id=1, username="admin"), action="export",
                      customer_id=customer_id, fields=["name"], reason=reason)
    assert error.value.field == "reason"
    session.commit()
    assert session.query(AccessLog).count() == 0
