"""Complaint numbers: TC + office date (yyyymmdd) + a five-digit daily sequence."""

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import ComplaintSequence
from app.timeutil import to_office


def format_number(day: str, seq: int) -> str:
    return f"TC{day}{seq:05d}"


def office_day(moment: datetime) -> str:
    return to_office(moment).strftime("%Y%m%d")


def reserve_numbers(session: Session, moment: datetime, count: int = 1) -> list[str]:
    """Reserve `count` consecutive numbers for the office day of `moment`.

    The counter row is bumped with a single UPDATE, which the database serialises,
    so two processes never hand out the same number.
    """
    day = office_day(moment)
    for _attempt in range(3):
        last = session.execute(
            update(ComplaintSequence)
            .where(ComplaintSequence.day == day)
            .values(last=ComplaintSequence.last + count)
            .returning(ComplaintSequence.last)
        ).scalar()
        if last is not None:
            return [format_number(day, n) for n in range(last - count + 1, last + 1)]
        try:
            with session.begin_nested():
                session.execute(insert(ComplaintSequence).values(day=day, last=count))
            return [format_number(day, n) for n in range(1, count + 1)]
        except IntegrityError:
            continue  # another process created the row first; bump it instead
    raise RuntimeError("could not reserve a complaint number")


def current_sequence(session: Session, day: str) -> int:
    return session.execute(
        select(ComplaintSequence.last).where(ComplaintSequence.day == day)
    ).scalar() or 0
