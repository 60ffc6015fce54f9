"""Flask-AppBuilder's security API (/api/v1/security/…), with clashes answered, not crashed.

FAB's own classes re-raise a unique-name clash as a raw database error (a 500). Roles,
resources and permission-resources go through DomainInterface (409 naming the field);
users and groups keep FAB's own handlers, which answer 422 with the database's message
once the interface hands them an IntegrityError on edit as well as on add.
"""

from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.apis import (
    GroupApi,
    PermissionViewMenuApi,
    RoleApi,
    UserApi,
    ViewMenuApi,
)
from flask_appbuilder.security.sqla.models import Group, PermissionView, Role, User, ViewMenu
from sqlalchemy.exc import IntegrityError

from app.api.base import DomainInterface
from app.api.errors import domain_errors


class IntegrityInterface(SQLAInterface):
    """Rolls back and re-raises IntegrityError, which FAB's user and group handlers answer."""

    def add(self, item, commit: bool = True) -> None:
        try:
            super().add(item, commit)
        except IntegrityError:
            self.session.rollback()
            raise

    def edit(self, item, commit: bool = True) -> None:
        try:
            self.session.merge(item)
            if commit:
                self.session.commit()
        except IntegrityError:
            self.session.rollback()
            raise


class _Answered(ModelRestApi):
    @domain_errors
    def post_headless(self):
        return super().post_headless()

    @domain_errors
    def put_headless(self, pk):
        return super().put_headless(pk)


class SecurityRoleApi(_Answered, RoleApi):
    datamodel = DomainInterface(Role)


class SecurityViewMenuApi(_Answered, ViewMenuApi):
    datamodel = DomainInterface(ViewMenu)


class SecurityPermissionViewMenuApi(_Answered, PermissionViewMenuApi):
    datamodel = DomainInterface(PermissionView)


class SecurityUserApi(UserApi):
    datamodel = IntegrityInterface(User)


class SecurityGroupApi(GroupApi):
    datamodel = IntegrityInterface(Group)
