from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.types import UTCDateTime


class MonthlyReport(Model):
    """A month's KPI report queued for one recipient: the job sends it once per month."""

    __tablename__ = "monthly_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("month", "user_id", name="uq_monthly_report_month_user"),)


class KpiDaily(Model):
    """The daily roll-up of the KPI sums per office day, team and assignee (0: none), as
    of `computed_at`, with histograms of first-response and handling times in the figures'
    steps (flat lists [step, count, ...]) for the 90th percentiles. Base rows have an
    empty `dimension`; the others split the same complaints by one more dimension
    (`category`, `channel`, `region`, `outlet`, `level`) whose value is `value` ('' when
    not recorded). Kept by the `kpi_rollup` job; read for long periods."""

    __tablename__ = "kpi_daily"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[str] = mapped_column(String(10))
    dimension: Mapped[str] = mapped_column(String(10), default="", server_default="")
    value: Mapped[str] = mapped_column(String(60), default="", server_default="")
    team_id: Mapped[int] = mapped_column(Integer, default=0)
    assignee_id: Mapped[int] = mapped_column(Integer, default=0)
    sums: Mapped[list] = mapped_column(JSON, default=list)  # in kpis.SUM_NAMES order
    fr_hist: Mapped[list] = mapped_column(JSON, default=list)
    h_hist: Mapped[list] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("day", "dimension", "value", "team_id", "assignee_id",
                                       name="uq_kpi_daily_day_dimension_team_assignee"),)


class KpiRollupDay(Model):
    """An office day the roll-up covers (days without complaints included)."""

    __tablename__ = "kpi_rollup_day"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
