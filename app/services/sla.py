"""SLA clocks: due times from the rules (in working time when the team has a calendar),
the queue keys (next due, warning time), pausing while the customer is awaited."""

from datetime import datetime, timedelta

from app.services.calendar import add_working_time, working_time_between
from app.timeutil import office_zone

WARNING_SHARE = 0.2  # a stage is "at risk" in the last 20 % of its time


def due_times(received: datetime, sla: tuple, calendar: dict | None) -> dict:
    """First response and resolution count working time; callback counts calendar days."""
    minutes, hours, days = sla
    tz = office_zone()
    first = add_working_time(received, timedelta(minutes=minutes), calendar, tz)
    resolution = add_working_time(received, timedelta(hours=hours), calendar, tz)
    return {
        "first_response_due_at": first,
        "resolution_due_at": resolution,
        "callback_due_at": resolution + timedelta(days=days),
        "at_risk_from": resolution - (resolution - received) * WARNING_SHARE,
    }


def stage(c) -> str | None:
    """The SLA stage a complaint is in: first_response, resolution, callback, or None."""
    if c.status == "closed":
        return None
    if c.status == "resolved":
        return "callback"
    if c.first_responded_at is None:
        return "first_response"
    return "resolution"


def refresh_queue_keys(c) -> None:
    current = stage(c)
    c.is_open = c.status not in ("resolved", "closed")
    if current == "first_response":
        start, due = c.received_at, c.first_response_due_at
    elif current == "resolution":
        start, due = c.received_at, c.resolution_due_at
    elif current == "callback":
        start, due = c.resolved_at or c.received_at, c.callback_due_at
    else:
        c.next_due_at = c.next_warn_at = None
        return
    c.next_due_at = due
    c.next_warn_at = due - (due - start) * WARNING_SHARE if due and start else None


def shift_for_pause(c, paused_at: datetime, now: datetime, calendar: dict | None) -> dict:
    """Move the due times not yet met by the (working) time spent waiting on the customer."""
    tz = office_zone()
    moved = {}
    fields = ["resolution_due_at", "callback_due_at", "at_risk_from"]
    if c.first_responded_at is None:
        fields.insert(0, "first_response_due_at")
    for name in fields:
        due = getattr(c, name)
        if due is None:
            continue
        left = working_time_between(paused_at, due, calendar, tz)
        new_due = add_working_time(now, left, calendar, tz) if left > timedelta(0) else \
            due + (now - paused_at)
        setattr(c, name, new_due)
        moved[name] = new_due.isoformat()
    return moved
