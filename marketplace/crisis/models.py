"""A crisis plan's pre-agreed actions and their runs.

People whose mental health goes up and down agree, while they are well, what should happen when they
are not. The care coordinator writes those actions down with the approved plan (``CrisisAction``), with
a contingency amount the extra support may use (``CrisisPlan``). When the time comes the holder, or
someone they trust, starts one with a single press (``CrisisRun``): nobody approves it again, because it
was approved with the plan.

Decisions:
- Actions belong to one approved plan version (``plan_id``). A newer plan version starts with none:
  the coordinator agrees them again with the new plan, so nothing runs on a plan nobody looked at.
  A run already going carries on to its end.
- Removing an action hides it (``removed_at``) instead of deleting it, so past runs still say what ran.
- The contingency is stored here, per plan version, in pence; what the extra hours use of it is
  derived from the extra dates they booked (those not cancelled), never typed in.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..states import Stateful, StateMachine
from ..types import UTCDateTime

KINDS = {
    "switch_to_managed": "Switch to a managed account for a while",
    "extra_hours": "Extra support paid from the contingency",
    "tell_people": "Tell the people I chose",
}
RUN_STATUSES = {"running": "Running", "ended": "Ended", "stopped": "Stopped early"}
# A run starts running; it ends on its date (``flask crisis end-due``, or when someone opens the page
# after the date), at once for an action with nothing to undo (telling people), or is stopped early.
CRISIS_RUN = StateMachine("crisis_run", {
    "running": {"ended", "stopped"},
    "ended": set(),
    "stopped": set(),
}, initial=("running",), model="crisis_runs", labels=RUN_STATUSES,
    tones={"running": "yellow", "ended": "grey", "stopped": "grey"},
    subject=lambda r: (r.holder, r.council_id))
MOST_WEEKS = 12  # an action runs for at most 12 weeks: a longer change is a new plan
MESSAGE_MAX = 1000


class CrisisPlan(db.Model):
    """The contingency agreed with one plan version: money the extra support may use in a crisis."""

    __tablename__ = "crisis_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plans.id"), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    contingency_pence: Mapped[int] = mapped_column(Integer, default=0)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    plan = relationship("SupportPlan")
    holder = relationship("Holder")
    agreed_by = relationship("User")


class CrisisAction(db.Model):
    """One action agreed with the plan. ``parameters`` by kind:

    - switch_to_managed: {"manager": "Stockport Brokerage", "weeks": 4}
    - extra_hours: {"line_id": 12, "quantity_centi": 400, "weeks": 4} (in the line's unit, e.g. hours)
    - tell_people: {"user_ids": [3, 9], "message": "I am unwell; please ring me."}
    """

    __tablename__ = "crisis_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("support_plans.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    agreed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    plan = relationship("SupportPlan")
    holder = relationship("Holder")
    agreed_by = relationship("User")
    runs: Mapped[list["CrisisRun"]] = relationship(back_populates="action", order_by="CrisisRun.id")

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def weeks(self) -> int:
        return int(self.parameters.get("weeks") or 0)

    @property
    def running(self) -> "CrisisRun | None":
        return next((r for r in self.runs if r.is_running), None)


class CrisisRun(Stateful, db.Model):
    """One time an action was started. ``start_key`` is the confirmation page's one-time key: the
    same press sent twice finds this run instead of starting another.

    ``from_option``: how the money was held before a switch (None when nothing was switched).
    ``occurrence_ids``: the extra dates booked on the order line, so stopping cancels exactly those.
    """

    __tablename__ = "crisis_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("crisis_actions.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget_periods.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # see CRISIS_RUN
    start_key: Mapped[str] = mapped_column(String(64), unique=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    from_option: Mapped[str | None] = mapped_column(String(30), nullable=True)
    committed_pence: Mapped[int] = mapped_column(Integer, default=0)
    occurrence_ids: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # what was done, in words

    action: Mapped[CrisisAction] = relationship(back_populates="runs")
    holder = relationship("Holder")
    budget = relationship("BudgetPeriod")
    started_by = relationship("User", foreign_keys=[started_by_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])

    @property
    def is_running(self) -> bool:
        return self.status == "running"
