"""Sign-in lockout: too many wrong passwords for one user, or from one address, lock
further attempts for a while. Counts come from the recorded attempts in the database,
so every process of the app enforces the same limits.

Per user, a successful sign-in starts the count again; per address it does not (one
valid account must not reset the count of an address that is guessing others).
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import SignInAttempt

SUCCESS, FAILURE, LOCKED = "success", "failure", "locked"


@dataclass(frozen=True)
class Limits:
    max_failures: int  # per user name, within the window
    max_failures_per_address: int
    window_seconds: int
    lockout_seconds: int

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(config["LOGIN_MAX_FAILURES"], config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                   config["LOGIN_WINDOW_SECONDS"], config["LOGIN_LOCKOUT_SECONDS"])


def _failures(session: Session, column, value: str, since: datetime):
    """(count, latest) of failed attempts for one user name or address since `since`."""
    return session.execute(
        select(func.count(), func.max(SignInAttempt.at))
        .where(column == value, SignInAttempt.outcome == FAILURE, SignInAttempt.at > since)
    ).one()


def _last_success(session: Session, username: str) -> datetime | None:
    return session.execute(
        select(func.max(SignInAttempt.at))
        .where(SignInAttempt.username == username, SignInAttempt.outcome == SUCCESS)
    ).scalar()


def seconds_locked(session: Session, username: str, address: str, now: datetime,
                   limits: Limits) -> int:
    """How long this user name or this address must still wait; 0 when it may try."""
    window_start = now - timedelta(seconds=limits.window_seconds)
    last_success = _last_success(session, username)
    since_user = max(window_start, last_success) if last_success else window_start
    waits = []
    for column, value, since, limit in (
            (SignInAttempt.username, username, since_user, limits.max_failures),
            (SignInAttempt.address, address, window_start, limits.max_failures_per_address)):
        count, latest = _failures(session, column, value, since)
        if count >= limit:
            until = latest + timedelta(seconds=limits.lockout_seconds)
            waits.append((until - now).total_seconds())
    return max(0, math.ceil(max(waits, default=0)))


def record(session: Session, username: str, address: str, via: str, outcome: str,
           now: datetime) -> None:
    session.add(SignInAttempt(at=now, username=username[:256], address=address[:64],
                              via=via, outcome=outcome))
    session.commit()
