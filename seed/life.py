"""The life of a demo complaint after the rules decided it: claimed, answered, sometimes
paused for the customer, resolved (compensation approved by the lead where policy wants
it), called back, closed; a few escalated or reopened. Steps are planned from the due
times the rules set and cut at `now`, so old complaints are done and recent ones are still
being worked — the backlog and overdue share of a healthy office:

- first response: 93 % within its time, the rest up to 60 % late;
- resolution: 94 % within its time, the rest up to 40 % late; 10 % wait for the customer
  for 2–20 hours on the way (the clock pauses and the due time moves);
- callback within its days; 90 % of customers reached; satisfaction mostly 4–5;
- 3 % of complaints have their level raised by the escalation rules after a breach,
  and half of the dissatisfied (1–2) customers have their complaint reopened.

Events carry the details the lifecycle services write, so timelines read the same.
"""

import random
from datetime import datetime, timedelta

from seed import reference as ref

RESOLUTIONS = {  # category -> (kind, weight) choices
    "delay": [("apology", 5), ("redelivery", 3), ("compensation", 1)],
    "damage": [("compensation", 6), ("redelivery", 2)],
    "loss": [("compensation", 8), ("explanation", 1)],
    "wrong_delivery": [("redelivery", 6), ("apology", 2)],
    "staff_attitude": [("apology", 5), ("penalty", 3)],
    "pickup": [("apology", 3), ("rectification", 3)],
    "fee_dispute": [("explanation", 4), ("compensation", 3)],
    "tracking": [("explanation", 5), ("rectification", 2)],
    "privacy": [("rectification", 4), ("apology", 2)],
    "other": [("explanation", 5)],
}


# Every column a life may set, so that all rows of a bulk insert have the same keys.
FIELDS = dict.fromkeys((
    "first_responded_at", "resolved_at", "closed_at", "satisfaction", "paused_at",
    "resolution_kind", "resolution_amount", "resolution_text", "resolution_approved_by_id",
    "resolution_approved_at", "callback_at", "callback_reached", "callback_comment",
    "close_reason", "root_cause"))
# Likely root causes per category (internal: staff, process, outlet, system; external:
# customer, weather, third party), recorded on resolution.
ROOT_CAUSES_BY_CATEGORY = {
    "delay": ("process", "weather", "outlet", "third_party"),
    "damage": ("outlet", "staff", "third_party", "customer"),
    "loss": ("outlet", "process", "third_party"),
    "wrong_delivery": ("staff", "system", "customer"),
    "staff_attitude": ("staff", "staff", "outlet"),
    "pickup": ("outlet", "staff", "weather"),
    "fee_dispute": ("system", "process", "customer"),
    "tracking": ("system", "third_party"),
    "privacy": ("system", "staff"),
    "other": ("process", "customer"),
}


def _pick(rng, pairs):
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


class Life:
    """What happened to one complaint, up to `now`."""

    def __init__(self, now: datetime):
        self.now = now
        self.events: list[tuple] = []  # (at, kind, actor_id, details)
        self.fields: dict = {}
        self.status = "new"
        self.last = None

    def step(self, at: datetime, kind: str, actor, details: dict, status: str | None = None):
        """Record a step if it has happened by now; False once the plan reaches the future."""
        if at > self.now:
            return False
        self.events.append((at, kind, actor, details))
        self.last = at
        if status:
            self.status = status
        return True


def live(rng: random.Random, c: dict, due: dict, *, assignee, lead, follow_up, limit: float,
         now: datetime) -> Life:
    """Plan the complaint's steps from its receipt and due times, keep those before now."""
    life = Life(now)
    received = c["received_at"]
    life.last = received
    if assignee is None:
        return life
    life.step(received + timedelta(minutes=rng.uniform(1, 20)), "claim", assignee,
              {"assignee": None}, "assigned")
    first_span = due["first_response_due_at"] - received
    late = rng.random() < 0.07
    share = rng.uniform(1.0, 1.6) if late else rng.uniform(0.1, 0.95)
    responded = received + first_span * share
    if not life.step(responded, "respond", assignee, {"message": rng.choice(ref.REPLIES)},
                     "in_progress"):
        return life
    life.fields["first_responded_at"] = responded
    life.step(responded, "sla_met" if not late else "sla_breached", None,
              {"stage": "first_response"})

    resolution_due = due["resolution_due_at"]
    span = resolution_due - received
    if rng.random() < 0.10:  # waits for the customer on the way
        paused = responded + (resolution_due - responded) * rng.uniform(0.1, 0.4)
        waited = timedelta(hours=rng.uniform(2, 20))
        if not life.step(paused, "wait_customer", assignee,
                         {"reason": rng.choice(ref.WAIT_REASONS)}, "waiting_customer"):
            return life
        if paused + waited > now:
            life.fields["paused_at"] = paused
            return life
        life.step(paused + waited, "resume", assignee, {"message": None}, "in_progress")
        life.step(paused + waited, "sla_resumed", None,
                  {"paused_minutes": round(waited.total_seconds() / 60, 1)})
        resolution_due += waited
        due["resolution_due_at"] = resolution_due
        due["callback_due_at"] += waited
        due["at_risk_from"] += waited

    if rng.random() < 0.03:  # breached, and the escalation rules raised its level
        breach = resolution_due + timedelta(minutes=rng.uniform(1, 59))
        if breach < now and c["level"] < 5:
            life.step(breach, "level_raised", None, {
                "rule": "Breach raises level", "stage": "resolution",
                "from_level": c["level"], "to_level": c["level"] + 1})
            life.fields["level"] = c["level"] + 1
            life.fields["escalation_count"] = 1

    late = rng.random() < 0.06
    resolved = received + span * (rng.uniform(1.0, 1.4) if late else rng.uniform(0.3, 0.95))
    resolved = max(resolved, responded + timedelta(minutes=30))
    kind = _pick(rng, RESOLUTIONS.get(c["category"], [("explanation", 1)]))
    amount = round(rng.choice([20, 50, 80, 120, 200, 300, 500, 800, 1500]) * 1.0, 2) \
        if kind == "compensation" else None
    proposed = resolved - timedelta(minutes=rng.uniform(20, 180))
    proposed = max(proposed, responded)
    text = rng.choice(ref.RESOLUTION_TEXTS[kind])
    needs_approval = life.fields.get("level", c["level"]) >= 4 or (amount or 0) > limit
    if not life.step(proposed, "propose_resolution", assignee, {
            "kind": kind, "amount": f"{amount:.2f}" if amount else None, "text": text,
            "needs_approval": needs_approval}):
        return life
    life.fields.update(resolution_kind=kind, resolution_amount=amount, resolution_text=text)
    if needs_approval:
        approved = proposed + (resolved - proposed) / 2
        if not life.step(approved, "approve_resolution", lead or assignee,
                         {"kind": kind, "comment": None}):
            return life
        life.fields.update(resolution_approved_by_id=lead or assignee,
                           resolution_approved_at=approved)
    cause = rng.choice(ROOT_CAUSES_BY_CATEGORY.get(c["category"], ("process",)))
    if not life.step(resolved, "resolve", assignee, {"message": rng.choice(ref.RESOLVED_MESSAGES),
                                                      "mail_queued": False, "root_cause": cause},
                     "resolved"):
        return life
    life.fields.update(resolved_at=resolved, root_cause=cause)
    life.step(resolved, "sla_met" if not late else "sla_breached", None, {"stage": "resolution"})
    callback_days = (due["callback_due_at"] - due["resolution_due_at"]).total_seconds() / 86400
    due["callback_due_at"] = resolved + timedelta(days=callback_days)  # from the resolution

    called = resolved + timedelta(hours=rng.uniform(2, max(3, callback_days * 24 * 0.8)))
    reached = rng.random() < 0.9
    satisfaction = rng.choices([5, 4, 3, 2, 1], [50, 30, 10, 6, 4])[0] if reached else None
    caller = follow_up or assignee
    if not life.step(called, "callback", caller, {
            "reached": reached, "satisfaction": satisfaction,
            "comment": rng.choice(ref.CALLBACK_COMMENTS[satisfaction or 0])}):
        return life
    life.fields.update(callback_at=called, callback_reached=reached, satisfaction=satisfaction,
                       callback_comment=None)
    life.step(called, "sla_met", None, {"stage": "callback"})
    if satisfaction is not None and satisfaction <= 2 and rng.random() < 0.5:
        reopened = called + timedelta(hours=rng.uniform(0.5, 4))
        if not life.step(reopened, "reopen", caller, {"reason": rng.choice(ref.REOPEN_REASONS),
                                                       "reopen_count": 1}, "reopened"):
            return life
        life.fields.update(reopen_count=1, is_repeat=True, resolved_at=None)
        again = reopened + timedelta(hours=rng.uniform(4, 30))
        if not life.step(again, "resolve", assignee,
                         {"message": rng.choice(ref.RESOLVED_MESSAGES), "mail_queued": False},
                         "resolved"):
            return life
        life.fields["resolved_at"] = again
        called = again + timedelta(hours=rng.uniform(2, 24))
        satisfaction = rng.choice([3, 4])
        comment = rng.choice(ref.CALLBACK_COMMENTS[satisfaction])
        if not life.step(called, "callback", caller,
                         {"reached": True, "satisfaction": satisfaction, "comment": comment}):
            return life
        life.fields.update(callback_at=called, satisfaction=satisfaction)
    closed = called + timedelta(minutes=rng.uniform(5, 120))
    reason = None if reached else rng.choice(ref.UNREACHED_CLOSE)
    if life.step(closed, "close", caller if reached else (lead or assignee),
                 {"reason": reason, "after_callback": reached}, "closed"):
        life.fields.update(closed_at=closed, close_reason=reason)
    return life
