from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import choice
from app.models.choices import CUSTOMER_KINDS, CUSTOMER_TIERS
from app.models.types import Sealed, UTCDateTime
from app.timeutil import utcnow


class Customer(Model):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Personal data is sealed at rest (docs: README, Personal data at rest); SQL finds a
    # customer through the blind index below, kept by app/services/privacy/blind_index.py.
    name: Mapped[str] = mapped_column(Sealed(120))
    kind: Mapped[str] = mapped_column(choice(CUSTOMER_KINDS), default="person")
    phone: Mapped[str | None] = mapped_column(Sealed(32))
    email: Mapped[str | None] = mapped_column(Sealed(120))
    address: Mapped[str | None] = mapped_column(Sealed(255))
    name_hash: Mapped[str | None] = mapped_column(String(32), index=True)
    phone_hash: Mapped[str | None] = mapped_column(String(32), index=True)
    email_hash: Mapped[str | None] = mapped_column(String(32), index=True)
    phone_last4: Mapped[str | None] = mapped_column(String(4), index=True)
    province: Mapped[str | None] = mapped_column(String(40), index=True)
    city: Mapped[str | None] = mapped_column(String(40))
    tier: Mapped[str] = mapped_column(choice(CUSTOMER_TIERS), default="ordinary")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # set when the personal data was erased (on request or after the retention period)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    complaints = relationship("Complaint", back_populates="customer", lazy="dynamic")

    def __repr__(self) -> str:
        # FAB's scaffolding (relation columns, filter and form choices, the API's _info)
        # prints a customer by its repr: masked, like every page
        from app.services.privacy.masking import mask_name

        return mask_name(self.name, self.kind)
