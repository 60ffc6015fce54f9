from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column


class PermissionStamp(Model):
    """One row whose version goes up with every change to roles, permissions or groups
    (app/permission_cache.py), so each process knows when its cached grants are stale."""

    __tablename__ = "permission_stamp"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(default=0)
