from flask import current_app
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.api.errors import domain_errors
from app.security import REST_API_METHODS
from app.services.errors import Conflict


class DomainInterface(SQLAInterface):
    """FAB's data access, with integrity errors answered as 409 naming the field.

    FAB's own `add` re-raises the raw database error, which would be a 500.
    """

    def _clash(self, item, exc: IntegrityError) -> Conflict:
        self.session.rollback()
        for column in self.obj.__table__.columns:
            if not column.unique:
                continue
            value = getattr(item, column.key, None)
            query = select(self.obj).where(column == value)
            if value is not None and self.session.execute(query).first():
                return Conflict(gettext("%(field)s '%(value)s' is already used",
                                        field=column.key, value=value), field=column.key)
        return Conflict(gettext("the change conflicts with existing data"),
                        details=str(exc.orig)[:200])

    def add(self, item, commit: bool = True) -> None:
        try:
            self.session.add(item)
            if commit:
                self.session.commit()
        except IntegrityError as exc:
            raise self._clash(item, exc) from exc

    def edit(self, item, commit: bool = True) -> None:
        try:
            self.session.merge(item)
            if commit:
                self.session.commit()
        except IntegrityError as exc:
            raise self._clash(item, exc) from exc


class DomainRestApi(ModelRestApi):
    method_permission_name = REST_API_METHODS
    allow_browser_login = True
    page_size = 50

    @domain_errors
    def post_headless(self):
        return super().post_headless()

    @domain_errors
    def put_headless(self, pk):
        return super().put_headless(pk)

    @domain_errors
    def delete_headless(self, pk):
        return super().delete_headless(pk)


def current_user():
    """The signed-in user, whether by browser session or JWT."""
    return current_app.appbuilder.sm.current_user


def current_user_id() -> int | None:
    user = current_user()
    return getattr(user, "id", None)
