"""One place that turns domain errors into HTTP answers."""

import functools

from app.extensions import db
from app.services.errors import DomainError


def domain_errors(method):
    """Wrap an API method: a DomainError becomes its status with a JSON message."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except DomainError as exc:
            db.session.rollback()
            return self.response(exc.status, **exc.as_dict())

    return wrapper
