"""Only one scheduler runs the jobs. PostgreSQL: a session advisory lock held on a
dedicated connection (released by the server when the process dies). SQLite: a lease row
that the holder renews; a standby takes over once it has expired."""

import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import IntegrityError

from app.models import SchedulerLease
from app.timeutil import utcnow

LOCK_NAME = "scheduler"
ADVISORY_KEY = 0x5061_7263  # "Parc"


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class AdvisoryLock:
    def __init__(self, engine, holder: str):
        self.engine, self.holder, self.conn = engine, holder, None

    def acquire(self) -> bool:
        if self.conn is None:
            self.conn = self.engine.connect()
        got = self.conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                {"k": ADVISORY_KEY}).scalar()
        self.conn.commit()
        return bool(got)

    def renew(self) -> bool:
        try:
            self.conn.execute(text("SELECT 1"))
            self.conn.commit()
            return True
        except Exception:  # noqa: BLE001 - the connection is gone, and the lock with it
            return False

    def release(self) -> None:
        if self.conn is not None:
            try:
                self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                self.conn.commit()
            finally:
                self.conn.close()
                self.conn = None


class LeaseLock:
    def __init__(self, session_factory, holder: str, seconds: int):
        self.session_factory, self.holder, self.seconds = session_factory, holder, seconds

    def acquire(self) -> bool:
        session = self.session_factory()
        try:
            now = utcnow()
            until = now + timedelta(seconds=self.seconds)
            taken = session.execute(
                update(SchedulerLease).where(
                    SchedulerLease.name == LOCK_NAME,
                    (SchedulerLease.holder == self.holder) | (SchedulerLease.expires_at < now))
                .values(holder=self.holder, expires_at=until)).rowcount
            if not taken:
                exists = session.execute(select(SchedulerLease.name).where(
                    SchedulerLease.name == LOCK_NAME)).first()
                if exists:
                    session.rollback()
                    return False
                session.add(SchedulerLease(name=LOCK_NAME, holder=self.holder,
                                           expires_at=until))
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
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, holder)
    from sqlalchemy.orm import sessionmaker

    return LeaseLock(sessionmaker(bind=engine), holder, app.config["SCHEDULER_LEASE_SECONDS"])
