"""Messages to customers: queued in the outbox with the action that causes them, sent
after the commit (in the background: a slow mail server never blocks an agent), retried
with backoff, and every outcome written on the complaint's timeline. Several senders (web
workers, the scheduler's outbox job) may run at once: each message is claimed first."""

import hashlib
import hmac
import logging
import os
import smtplib
import socket
import string
import threading
import time
import urllib.request
import uuid
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from app.models import Complaint, MailTemplate, Notification, Webhook
from app.services.timeline import record_event
from app.timeutil import to_office, utcnow

log = logging.getLogger(__name__)
BACKOFF_MINUTES = (1, 5, 15, 60, 240)

DEFAULT_TEMPLATES = {
    "registered": (
        "Your complaint {number} has been registered",
        "Dear {customer},\n\nWe have registered your complaint {number} about waybill "
        "{waybill_no}. We will answer within {first_response}, and aim to resolve it by "
        "{resolution_due}.\n\nParcelDesk customer service",
    ),
    "resolved": (
        "Your complaint {number} has been resolved",
        "Dear {customer},\n\nYour complaint {number} has been resolved: {resolution}\n\n"
        "Please tell us how we did (one question): {survey_url}\n\nParcelDesk customer service",
    ),
}


def ensure_default_templates(session: Session) -> None:
    existing = set(session.execute(select(MailTemplate.key)).scalars())
    for key, (subject, body) in DEFAULT_TEMPLATES.items():
        if key not in existing:
            session.add(MailTemplate(key=key, subject=subject, body=body))
    session.commit()


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def render(text: str, values: dict) -> str:
    """Fill {placeholders}; unknown ones stay visible instead of failing the send."""
    return string.Formatter().vformat(text, (), _Blank(values))


def template_columns(key: str) -> tuple:
    """The template's subject and body as scalar subqueries (NULL when the office has not
    written one), for a caller that reads them along with other things."""
    return tuple(select(column).where(MailTemplate.key == key).scalar_subquery()
                 for column in (MailTemplate.subject, MailTemplate.body))


def queue_customer_mail(session: Session, complaint: Complaint, key: str, *,
                        template: tuple | None = None, **extra) -> bool:
    """Add a message to the outbox when the customer has an address; False otherwise.
    `template`: (subject, body) as the caller read them with `template_columns`."""
    email = complaint.customer.email if complaint.customer else None
    if not email:
        return False
    if template is None:
        row = session.execute(select(MailTemplate).where(MailTemplate.key == key)).scalar()
        template = (row.subject, row.body) if row else (None, None)
    subject, body = template if template[0] is not None else DEFAULT_TEMPLATES[key]
    fmt = "%Y-%m-%d %H:%M"
    values = {
        "number": complaint.number, "customer": complaint.customer.name,
        "waybill_no": complaint.waybill_no or "-",
        "resolution_due": to_office(complaint.resolution_due_at).strftime(fmt)
        if complaint.resolution_due_at else "-",
        "first_response": _span(complaint.first_response_due_at - complaint.received_at)
        if complaint.first_response_due_at else "-",
        **extra,
    }
    # a statement, not an ORM object: a registration then has nothing left to flush at commit
    session.execute(insert(Notification), [{
        "complaint_id": complaint.id, "channel": "email", "recipient": email,
        "subject": render(subject, values), "body": render(body, values),
        "status": "pending", "next_attempt_at": utcnow()}])
    return True


def _span(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} hours" if hours >= 1 else f"{delta.total_seconds() / 60:.0f} minutes"


def send_email(config: dict, recipient: str, subject: str, body: str, *, html=None,
               attachment: tuple[str, str] | None = None) -> None:
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    if attachment:
        name, text = attachment
        message.add_attachment(text.encode("utf-8"), maintype="text", subtype="csv",
                               filename=name)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"],
                      timeout=config["SMTP_TIMEOUT"]) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def active_webhook(session: Session, name: str) -> Webhook | None:
    return session.execute(select(Webhook).where(Webhook.name == name, Webhook.active)).scalar()


def post_webhook(session: Session, config: dict, recipient: str, body: str) -> None:
    """POST the JSON body, signed with the hook's secret (header X-ParcelDesk-Signature)."""
    name = recipient.split(":", 1)[1]
    hook = active_webhook(session, name)
    if hook is None:
        raise LookupError(f"webhook '{name}' does not exist or is inactive")
    data = body.encode("utf-8")
    request = urllib.request.Request(hook.url, data=data, method="POST", headers={
        "Content-Type": "application/json", "X-ParcelDesk-Signature": sign(hook.secret, data)})
    with urllib.request.urlopen(request, timeout=config.get("WEBHOOK_TIMEOUT", 5)) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"webhook answered {response.status}")


# Claims. A sender first claims a small batch of due messages in one short transaction
# (status "sending", claimed_by, claimed_until = a lease; PostgreSQL takes the rows with
# FOR UPDATE SKIP LOCKED, so several senders never wait for one another), then sends them
# one by one, committing each outcome at once. While a claim's lease runs no other sender
# touches the row; a sender that dies leaves its unsent rows claimed until the lease runs
# out, and then another sender takes them. A sender stops starting sends before its own
# lease could run out. What is left: a sender killed between the server's "accepted" and
# its own commit (milliseconds) - that one message goes out again after the lease.
CLAIM_BATCH = 10


def sender_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lease_for(config: dict) -> timedelta:
    """Long enough for a whole batch to time out, message by message."""
    per_message = max(config.get("SMTP_TIMEOUT", 10), config.get("WEBHOOK_TIMEOUT", 5))
    return timedelta(seconds=max(60, 2 * CLAIM_BATCH * per_message))


def due_condition(now):
    """Due now: pending and its time has come, or claimed by a sender whose lease ran out."""
    return or_(
        (Notification.status == "pending")
        & or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
        (Notification.status == "sending") & (Notification.claimed_until < now))


def claim_due(session: Session, config: dict, sender: str, now=None,
              limit: int = CLAIM_BATCH) -> list[Notification]:
    """Claim up to `limit` due messages for `sender` (committed); returns them."""
    now = now or utcnow()
    query = (select(Notification.id).where(due_condition(now))
             .order_by(Notification.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    for _ in range(5):
        ids = session.execute(query).scalars().all()
        if not ids:
            session.commit()
            return []
        # the condition again: on SQLite another sender may have claimed them meanwhile
        session.execute(update(Notification).where(
            Notification.id.in_(ids), due_condition(now)).values(
            status="sending", claimed_by=sender, claimed_until=now + lease_for(config),
            attempts=Notification.attempts + 1))
        session.commit()
        claimed = session.execute(select(Notification).where(
            Notification.id.in_(ids), Notification.claimed_by == sender,
            Notification.status == "sending").order_by(Notification.id)).scalars().all()
        if claimed:
            return claimed
    return []  # others keep taking what we see; they will send it


def deliver_due(session: Session, config: dict, now=None, limit: int = 100) -> dict:
    """Send what is due; failures are retried later (backoff), then marked failed."""
    now = now or utcnow()
    sender = sender_id()
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    per_message = max(config.get("SMTP_TIMEOUT", 10), config.get("WEBHOOK_TIMEOUT", 5))
    done = 0
    while done < limit:
        claimed = claim_due(session, config, sender, now, min(CLAIM_BATCH, limit - done))
        if not claimed:
            break
        # stop starting sends while the slowest one could still end inside the lease
        deadline = time.monotonic() + lease_for(config).total_seconds() - 2 * per_message
        for note in claimed:
            if time.monotonic() > deadline:
                return counts  # the rest are taken again when their lease runs out
            _send_one(session, config, note, now, counts)
            done += 1
    return counts


def _addressee(complaint: Complaint, note: Notification) -> str:
    """Who a mail went to, for the timeline: "customer" rather than their address, which
    is personal data and stays sealed in the outbox."""
    customer = complaint.customer
    return "customer" if customer and note.recipient == customer.email else note.recipient


def _send_one(session: Session, config: dict, note: Notification, now, counts: dict) -> None:
    complaint = session.get(Complaint, note.complaint_id) if note.complaint_id else None
    note.claimed_by = note.claimed_until = None
    try:
        if note.channel == "email":
            send_email(config, note.recipient, note.subject, note.body, html=note.html,
                       attachment=(note.attachment_name, note.attachment)
                       if note.attachment_name else None)
        elif note.channel == "webhook":
            post_webhook(session, config, note.recipient, note.body)
        note.status, note.sent_at, note.last_error = "sent", now, None
        counts["sent"] += 1
        if complaint:
            record_event(session, complaint, f"{note.channel}_sent", at=now,
                         details={"to": _addressee(complaint, note), "subject": note.subject})
    except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried
        note.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if note.attempts >= len(BACKOFF_MINUTES):
            note.status = "failed"
            counts["failed"] += 1
        else:
            note.status = "pending"
            note.next_attempt_at = now + timedelta(minutes=BACKOFF_MINUTES[note.attempts - 1])
            counts["retrying"] += 1
        if complaint:
            record_event(session, complaint, f"{note.channel}_failed", at=now, details={
                "to": _addressee(complaint, note), "attempt": note.attempts, "error": note.last_error,
                "will_retry": note.status == "pending"})
    session.commit()


def deliver_in_background() -> None:
    """Send the outbox after the request, without making anyone wait for the mail server."""
    app = current_app._get_current_object()
    if not app.config.get("MAIL_ENABLED", True):
        return

    def work():
        from app.extensions import db

        with app.app_context():
            try:
                deliver_due(db.session, app.config)
            except Exception:  # noqa: BLE001 - the retry job will try again
                log.exception("background mail delivery failed")
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    # the running ones, for whoever must wait for them (tests); finished ones are dropped,
    # or a long-running server would keep one per action
    running = [t for t in app.extensions.get("mail_threads", []) if t.is_alive()]
    app.extensions["mail_threads"] = [*running, thread]
