"""Complaint numbers: TC + office date (yyyymmdd) + a five-digit daily sequence."""

import functools
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import ComplaintSequence
from app.timeutil import to_office

_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def format_number(day: str, seq: int) -> str:
    return f"TC{day}{seq:05d}"


def office_day(moment: datetime) -> str:
    return to_office(moment).strftime("%Y%m%d")


def reserve_numbers(session: Session, moment: datetime, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers for the office day of `moment`.

    One statement creates the day's counter or bumps it (INSERT … ON CONFLICT DO
    UPDATE … RETURNING), so the database serialises concurrent registrations on the
    counter row: no two transactions see the same value, and the first registrations
    of a day cannot race to create the row. The row stays locked until the caller
    commits, so a rolled-back registration leaves no gap.
    """
    day = office_day(moment)
    statement = _upsert_statement(session.get_bind().dialect.name)
    last = session.execute(statement, {"day": day, "count": count, "step": count}).scalar_one()
    return [format_number(day, n) for n in range(last - count + 1, last + 1)]


@functools.cache
def _upsert_statement(dialect: str):
    return (_UPSERT[dialect](ComplaintSequence)
            .values(day=bindparam("day"), last=bindparam("count"))
            .on_conflict_do_update(index_elements=[ComplaintSequence.day],
                                   set_={"last": ComplaintSequence.last + bindparam("step")})
            .returning(ComplaintSequence.last))


def current_sequence(session: Session, day: str) -> int:
    return session.execute(
        select(ComplaintSequence.last).where(ComplaintSequence.day == day)
    ).scalar() or 0
