"""A council and its rules. Rules are data on the council, never `if council == ...`."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..extensions import db
from ..types import UTCDateTime

PAYMENT_CYCLES = ("four_weekly", "monthly")
MONEY_MODELS = ("earmarked", "global")
# A one-off purchase may cost this many weeks of the weekly limit before it is checked, where the
# council's data gives no one-off limit of its own (see council_rules.json, "how_to_read").
ONE_OFF_WEEKS = 4


class Council(db.Model):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    brand_colour: Mapped[str] = mapped_column(String(7), default="#1d70b8")
    # Ordered ladder of [{"level": "care_coordinator", "max_weekly_pence": 25000}, ...]; last has no limit.
    approval_limits: Mapped[list] = mapped_column(JSON, default=list)
    panel_for_mental_health: Mapped[bool] = mapped_column(Boolean, default=False)
    receipt_threshold_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    audit_tiers: Mapped[list] = mapped_column(JSON, default=list)
    underspend_rule: Mapped[dict] = mapped_column(JSON, default=dict)
    review_schedule: Mapped[dict] = mapped_column(JSON, default=dict)
    payment_cycle: Mapped[str] = mapped_column(String(20), default="four_weekly")
    money_model: Mapped[str] = mapped_column(String(20), default="earmarked")
    contribution_share: Mapped[float | None] = mapped_column(Float, nullable=True)
    assumptions: Mapped[list] = mapped_column(JSON, default=list)
    # The postcode districts the council covers; the catalogue is scoped to these.
    postcode_districts: Mapped[list] = mapped_column(JSON, default=list)
    # Invoices that match confirmed delivery exactly are approved without a person.
    auto_approve_invoices: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    def __repr__(self) -> str:
        return f"<Council {self.slug}>"

    @property
    def money_is_earmarked(self) -> bool:
        """True when plan money is set aside per outcome; False when it is one global sum."""
        return self.money_model == "earmarked"

    @property
    def weekly_limit_pence(self) -> int | None:
        """What a week of orders may cost before the care coordinator checks it (None: no limit)."""
        return (self.approval_limits or [{}])[0].get("max_weekly_pence")

    @property
    def one_off_limit_pence(self) -> int | None:
        """What one checkout's one-off purchases may cost before the care coordinator checks them (None: no limit).

        The first rung's ``max_one_off_pence`` when the council's data gives one; otherwise four times
        its weekly limit (a four-week payment's worth), the documented default in council_rules.json."""
        first = (self.approval_limits or [{}])[0]
        if "max_one_off_pence" in first:
            return first["max_one_off_pence"]
        weekly = first.get("max_weekly_pence")
        return None if weekly is None else ONE_OFF_WEEKS * weekly

    def approval_level_for(self, weekly_pence: int, *, mental_health: bool = False) -> str:
        """The lowest level allowed to approve ``weekly_pence`` a week under this council's ladder."""
        if mental_health and self.panel_for_mental_health:
            return "panel"
        for step in self.approval_limits:
            limit = step.get("max_weekly_pence")
            if limit is None or weekly_pence <= limit:
                return step["level"]
        return "panel"
