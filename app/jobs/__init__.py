"""Scheduled work: the escalation sweep, early warning, the mail/webhook outbox, and the
scheduler that runs them in exactly one process at a time."""
