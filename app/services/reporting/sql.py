"""The few SQL expressions that SQLite and PostgreSQL spell differently."""

from datetime import timedelta

from sqlalchemy import Integer, case, cast, func, literal_column


def hours_between(dialect: str, start, end):
    """Calendar hours from `start` to `end` (both columns), as a float."""
    if dialect == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24.0
    return func.extract("epoch", end - start) / 3600.0


def _shifted(dialect: str, column, offset: timedelta):
    minutes = int(offset.total_seconds() // 60)
    if dialect == "sqlite":
        return column, f"{minutes:+d} minutes"
    return column + literal_column(f"interval '{minutes} minutes'"), None


def office_bucket(dialect: str, column, unit: str, offset: timedelta):
    """The office-time day ('YYYY-MM-DD'), week (its Monday) or month ('YYYY-MM') of a
    UTC column. The zone's offset at the period's start is used for the whole period
    (exact for zones without daylight saving time, such as the default Asia/Shanghai)."""
    shifted, modifier = _shifted(dialect, column, offset)
    if dialect == "sqlite":
        if unit == "day":
            return func.date(shifted, modifier)
        if unit == "week":
            return func.date(shifted, modifier, "-6 days", "weekday 1")
        return func.strftime("%Y-%m", shifted, modifier)
    if unit == "day":
        return func.to_char(shifted, "YYYY-MM-DD")
    if unit == "week":
        return func.to_char(func.date_trunc("week", shifted), "YYYY-MM-DD")
    return func.to_char(shifted, "YYYY-MM")



def time_step(dialect: str, hours):
    """The top of the step `hours` falls in, in tenths of an hour: steps of 0.1 h up to
    2 h, 0.5 h up to 24 h, 1 h above (ceil, with a little slack for floating-point noise).
    Few steps keep the roll-up's histograms small; the figures' precision follows them."""
    def ceil(value):
        if dialect == "sqlite":
            return cast(value + 0.999999, Integer)
        return cast(func.floor(value + 0.999999), Integer)

    return case((hours <= 2, ceil(hours * 10)), (hours <= 24, ceil(hours * 2) * 5),
                else_=ceil(hours) * 10)
