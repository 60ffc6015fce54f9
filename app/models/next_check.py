"""Keeping `complaint.next_check_at` honest: whatever changes what the escalation rules
read about a complaint makes the sweep look at it at its next pass.

The sweep derives a complaint's next check from its facts and the rule set's time
thresholds (app/services/next_check.py); that holds only while the facts stay as they
were. So every insert or real change of a complaint (registration, any lifecycle action,
pause, resume, an edit anywhere) resets the moment here, in one place, rather than in
each service; and so does a change of the team name, customer tier or outlet code that
the rules read through the complaint. The sweep writes its own moments with plain
UPDATEs, which these hooks do not see.
"""

from sqlalchemy import event, inspect, update

from app.models.choices import OPEN_STATUSES
from app.models.complaint import AT_NEXT_PASS, Complaint
from app.models.customer import Customer
from app.models.outlet import Outlet
from app.models.team import Team

complaints = Complaint.__table__
SWEPT_ROWS = (complaints.c.status.in_(OPEN_STATUSES), complaints.c.paused_at.is_(None))


def swept(c) -> bool:
    """Whether the sweep evaluates this complaint (open, clock running)."""
    return (c.status or "new") in OPEN_STATUSES and c.paused_at is None


@event.listens_for(Complaint, "before_insert")
def _new_complaint(mapper, connection, c):
    c.next_check_at = AT_NEXT_PASS if swept(c) else None


@event.listens_for(Complaint, "before_update")
def _changed_complaint(mapper, connection, c):
    state = inspect(c)
    # before_update also runs for objects touched without a net change: those keep theirs
    if not state.session.is_modified(c, include_collections=False):
        return
    c.next_check_at = AT_NEXT_PASS if swept(c) else None


def _recheck(column, attribute):
    def listener(mapper, connection, target):
        if inspect(target).attrs[attribute].history.has_changes():
            connection.execute(
                update(complaints).where(column == target.id, *SWEPT_ROWS)
                # keep updated_at: the rules read it ("time since last update")
                .values(next_check_at=AT_NEXT_PASS, updated_at=complaints.c.updated_at))
    return listener


event.listen(Team, "after_update", _recheck(complaints.c.team_id, "name"))
event.listen(Customer, "after_update", _recheck(complaints.c.customer_id, "tier"))
event.listen(Outlet, "after_update", _recheck(complaints.c.outlet_id, "code"))
