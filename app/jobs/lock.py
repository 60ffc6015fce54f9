"""Only one scheduler runs the jobs. PostgreSQL: a session advisory lock held on a
dedicated connection (released by the server when the process dies), polled every second
by the standbys, so one takes over within a second or two. SQLite: a lease row that the
holder renews every lease/5 seconds; a standby takes over once it has expired (at most
lease + lease/5 seconds after the holder's death: 12 s with the default 10 s lease).

Either way the scheduler_lease row names the leader and carries its heartbeat
(`renewed_at`), which /health and /metrics report."""

import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError

from app.models import SchedulerLease
from app.timeutil import utcnow

LOCK_NAME = "scheduler"
ADVISORY_KEY = 0x5061_7263  # "Parc"


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class AdvisoryLock:
    poll = 1.0  # a try is one cheap statement: standbys ask every second

    def __init__(self, engine, holder: str, seconds: int):
        self.engine, self.holder, self.seconds, self.conn = engine, holder, seconds, None

    def acquire(self) -> bool:
        if self.conn is None:
            self.conn = self.engine.connect()
        got = self.conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                {"k": ADVISORY_KEY}).scalar()
        if got:
            self._beat()
        self.conn.commit()
        return bool(got)

    def renew(self) -> bool:
        try:
            self._beat()
            self.conn.commit()
            return True
        except Exception:  # noqa: BLE001 - the connection is gone, and the lock with it
            return False

    def _beat(self) -> None:
        """Name the leader and its heartbeat in scheduler_lease (only reported here)."""
        now = utcnow()
        values = {"holder": self.holder, "renewed_at": now,
                  "expires_at": now + timedelta(seconds=self.seconds)}
        self.conn.execute(pg_insert(SchedulerLease).values(name=LOCK_NAME, **values)
                          .on_conflict_do_update(index_elements=["name"], set_=values))

    def release(self) -> None:
        if self.conn is not None:
            try:
                self.conn.execute(delete(SchedulerLease).where(
                    SchedulerLease.name == LOCK_NAME, SchedulerLease.holder == self.holder))
                self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                self.conn.commit()
            finally:
                self.conn.close()
                self.conn = None


class LeaseLock:
    def __init__(self, session_factory, holder: str, seconds: int):
        self.session_factory, self.holder, self.seconds = session_factory, holder, seconds
        self.poll = max(1.0, seconds / 5)  # the holder renews 5 times per lease

    def acquire(self) -> bool:
        session = self.session_factory()
        try:
            now = utcnow()
            until = now + timedelta(seconds=self.seconds)
            taken = session.execute(
                update(SchedulerLease).where(
                    SchedulerLease.name == LOCK_NAME,
                    (SchedulerLease.holder == self.holder) | (SchedulerLease.expires_at < now))
                .values(holder=self.holder, expires_at=until, renewed_at=now)).rowcount
            if not taken:
                exists = session.execute(select(SchedulerLease.name).where(
                    SchedulerLease.name == LOCK_NAME)).first()
                if exists:
                    session.rollback()
                    return False
                session.add(SchedulerLease(name=LOCK_NAME, holder=self.holder,
                                           expires_at=until, renewed_at=now))
            session.commit()
            return True
        except IntegrityError:
            session.rollback()
            return False
        finally:
            session.close()

    renew = acquire

    def release(self) -> None:
        session = self.session_factory()
        try:
            session.execute(delete(SchedulerLease).where(SchedulerLease.name == LOCK_NAME,
                                                         SchedulerLease.holder == self.holder))
            session.commit()
        finally:
            session.close()


def make_lock(app, holder: str):
    from app.extensions import db

    engine = db.engine
    seconds = app.config["SCHEDULER_LEASE_SECONDS"]
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, holder, seconds)
    from sqlalchemy.orm import sessionmaker

    return LeaseLock(sessionmaker(bind=engine), holder, seconds)


def current_leader(session, now=None) -> dict | None:
    """The leader named in scheduler_lease, its heartbeat's age, and whether it is live."""
    row = session.get(SchedulerLease, LOCK_NAME)
    if row is None:
        return None
    now = now or utcnow()
    beat = row.renewed_at or row.expires_at
    return {"holder": row.holder, "heartbeat_age": max(0.0, (now - beat).total_seconds()),
            "live": row.expires_at >= now}
