"""Column types shared by the models."""

from datetime import datetime

from sqlalchemy import DateTime, TypeDecorator

from app.timeutil import as_utc

# The largest id, version or count a 32-bit integer column holds.
MAX_ID = 2**31 - 1


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite keeps no offset) and always returns aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        return as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else as_utc(value)
