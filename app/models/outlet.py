from flask_appbuilder import Model
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class Outlet(Model):
    """A service outlet (网点): where parcels are picked up and delivered; complaints
    name the outlet concerned, and early warning watches each one."""

    __tablename__ = "outlet"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(40), index=True)  # GB/T 2260 code
    active: Mapped[bool] = mapped_column(default=True, server_default="1")

    def __repr__(self) -> str:
        return f"{self.code} {self.name}"
