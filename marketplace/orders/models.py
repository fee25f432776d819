"""Baskets, orders (one-off purchases and recurring schedules), their occurrences, and enquiries."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..states import Stateful, StateMachine
from ..types import UTCDateTime

ORDER_STATUSES = {
    "awaiting_approval": "Waiting for the care coordinator",
    "rejected": "Not approved by the care coordinator",
    "placed": "Waiting for the provider to accept",
    "accepted": "Accepted",
    "declined": "Declined by the provider",
    "delivered": "Delivered",
    "invoiced": "Invoiced",
    "paid": "Paid",
    "cancelled": "Cancelled",
}
OCCURRENCE_STATUSES = {
    "scheduled": "Booked",
    "delivered": "Delivered: please confirm",
    "confirmed": "Confirmed",
    "disputed": "Disputed",
    "cancelled": "Cancelled",
    "cancelled_charged": "Cancelled late: charge applies",
    "invoiced": "Invoiced",
    "paid": "Paid",
}
# What a date of an order the provider has not accepted is, in words (instead of "Booked").
NOT_YET_BOOKED = {"awaiting_approval": "Requested: waiting for the care coordinator",
                  "placed": "Requested: waiting for the provider", "rejected": "Not going ahead",
                  "declined": "Not going ahead"}
# Why a provider declined, in words commissioners can count (the provider's own words go to the buyer only).
DECLINE_KINDS = {
    "capacity": "We have nobody free to do it (capacity)",
    "area": "We do not cover where the person lives (area)",
    "needs": "We cannot meet the person's needs (needs)",
    "other": "Another reason",
}
ORDER = StateMachine("order", {
    "awaiting_approval": {"placed", "rejected", "cancelled"},
    "placed": {"accepted", "declined", "cancelled"},
    "accepted": {"delivered", "cancelled"},
    "delivered": {"invoiced"},
    "invoiced": {"paid"},
    "rejected": set(),
    "declined": set(),
    "cancelled": set(),
    "paid": set(),
}, initial=("awaiting_approval", "placed"), model="orders", labels=ORDER_STATUSES)
# One delivery's life: booked, recorded by the provider, confirmed or disputed by the buyer, then
# invoiced and paid. A disputed delivery is recorded again or withdrawn (cancelled).
OCCURRENCE = StateMachine("occurrence", {
    "scheduled": {"delivered", "cancelled", "cancelled_charged"},
    "delivered": {"confirmed", "disputed"},
    "disputed": {"delivered", "cancelled"},
    "confirmed": {"invoiced"},
    "cancelled_charged": {"invoiced"},
    "invoiced": {"paid"},
    "cancelled": set(),
    "paid": set(),
}, initial=("scheduled",), model="occurrences", labels=OCCURRENCE_STATUSES, subject=lambda o: (o.order.holder, o.order.council_id))
AMENDMENT_STATUSES = {"proposed": "Waiting for the other side", "agreed": "Agreed", "refused": "Refused",
                      "withdrawn": "Withdrawn"}
AMENDMENT = StateMachine("amendment", {
    "proposed": {"agreed", "refused", "withdrawn"},
    "agreed": set(),
    "refused": set(),
    "withdrawn": set(),
}, initial=("proposed",), model="schedule_amendments", labels=AMENDMENT_STATUSES,
    subject=lambda a: (a.line.order.holder, a.line.order.council_id))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MOST_TIME_CHARACTERS = 60  # "What time?" in the buyer's words
DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def is_weekly(schedule: dict | None) -> bool:
    """A line's ``schedule`` is weekly when it names days; a one-off line keeps only its date and time."""
    return bool(schedule and schedule.get("days"))


def days_in_words(days) -> str:
    """["mon"] -> "Mondays"; ["mon", "wed"] -> "Mondays and Wednesdays": days as people say them."""
    names = [DAY_NAMES[d] + "s" for d in WEEKDAYS if d in set(days or [])]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


class Scheduled:
    """When a basket item or an order line is wanted. ``schedule`` is JSON: for support every week
    {"days": ["tue", "thu"], "starts_on": "2026-12-01", "ends_on": "2027-03-31" or null, "time": ...};
    for a one-off purchase {"once_on": "2026-12-01", "time": ...} (older one-off lines have none)."""

    @property
    def is_weekly(self) -> bool:
        return is_weekly(self.schedule)

    @property
    def wanted_on(self) -> date | None:
        """The date a one-off purchase is wanted, if one was given."""
        on = (self.schedule or {}).get("once_on")
        return date.fromisoformat(on) if on else None

    @property
    def time_text(self) -> str | None:
        """The time of day the buyer asked for, in their words ("10am to 1pm"), if any."""
        return (self.schedule or {}).get("time") or None

    @property
    def days_text(self) -> str:
        return days_in_words((self.schedule or {}).get("days"))


def to_centi(quantity) -> int:
    """Quantities (hours, sessions, items) are stored in hundredths: 1.5 hours is 150."""
    return int((Decimal(str(quantity)) * 100).to_integral_value())


class BasketItem(Scheduled, db.Model):
    """A line waiting in the basket of one person buying for one holder."""

    __tablename__ = "basket_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    quantity_centi: Mapped[int] = mapped_column(Integer)  # for a schedule: per occurrence
    outcome_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # When it is wanted (see Scheduled): weekly days and dates, or a one-off's date
    schedule: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    listing = relationship("Listing")
    holder = relationship("Holder")

    @property
    def quantity(self) -> Decimal:
        return Decimal(self.quantity_centi) / 100


class Order(Stateful, db.Model):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("holders.id"), index=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget_periods.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20), default="purchase")  # purchase | schedule
    status: Mapped[str] = mapped_column(String(20), index=True)
    # The same key twice (a double click, a retry) finds the order already placed.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    committed_pence: Mapped[int] = mapped_column(Integer, default=0)  # what the order promised when placed
    approval_reasons: Mapped[list] = mapped_column(JSON, default=list)  # why it needs the coordinator
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # coordinator's or provider's reason
    decline_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)  # why a provider declined: DECLINE_KINDS
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    note_to_provider: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    holder = relationship("Holder")
    organisation = relationship("Organisation")
    budget = relationship("BudgetPeriod")
    placed_by = relationship("User", foreign_keys=[placed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    lines: Mapped[list["OrderLine"]] = relationship(back_populates="order", order_by="OrderLine.id")

    @property
    def waiting_for_coordinator(self) -> bool:
        return self.status == "awaiting_approval"

    @property
    def on_behalf(self) -> bool:
        return self.holder.user_id != self.placed_by_id

    @property
    def who_text(self) -> str:
        if self.on_behalf:
            return f"Ordered by {self.placed_by.name} for {self.holder.name}"
        return f"Ordered by {self.holder.name}"

    @property
    def total_pence(self) -> int:
        return sum(line.total_pence for line in self.lines)

    @property
    def when_text(self) -> str:
        return "; ".join(line.when_text for line in self.lines)


class OrderLine(Scheduled, db.Model):
    """What was bought, at the price fixed when ordering, for which plan outcome."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(20))
    unit_price_pence: Mapped[int] = mapped_column(Integer)
    price_source: Mapped[str] = mapped_column(String(20))  # public | council
    vat_rate_percent: Mapped[int] = mapped_column(Integer, default=0)
    quantity_centi: Mapped[int] = mapped_column(Integer)  # per occurrence for a schedule
    outcome_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    outcome_words: Mapped[str | None] = mapped_column(Text, nullable=True)
    schedule: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    notice_hours: Mapped[int] = mapped_column(Integer, default=24)
    cancellation_charge_percent: Mapped[int] = mapped_column(Integer, default=100)

    order: Mapped[Order] = relationship(back_populates="lines")
    listing = relationship("Listing")
    occurrences: Mapped[list["Occurrence"]] = relationship(back_populates="line", order_by="Occurrence.on")

    @property
    def quantity(self) -> Decimal:
        return Decimal(self.quantity_centi) / 100

    @property
    def total_pence(self) -> int:
        return sum(o.amount_pence for o in self.occurrences if o.status not in ("cancelled",))

    @property
    def when_text(self) -> str:
        """When it is wanted, in words: "Every week on Tuesdays, 17 November 2026 to 2 March 2027, mornings"
        or "Once, on Tuesday 1 December 2026, 10am to 1pm"."""
        dates = [o.on for o in self.occurrences]
        if self.is_weekly:
            text = f"Every week on {self.days_text}"
            if dates:
                text += f", {_long(dates[0])} to {_long(dates[-1])}"
        else:
            text = f"Once, on {dates[0]:%A} {_long(dates[0])}" if dates else "Once"
        return f"{text}, {self.time_text}" if self.time_text else text


class Occurrence(Stateful, db.Model):
    """One delivery: a session on a date, or the single delivery of a one-off purchase.

    ``amount_pence`` is what it costs (re-priced when a timesheet records different hours, or
    set to the cancellation charge when cancelled late).
    """

    __tablename__ = "occurrences"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    on: Mapped[date] = mapped_column(Date, index=True)
    quantity_centi: Mapped[int] = mapped_column(Integer)
    amount_pence: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    delivered_quantity_centi: Mapped[int | None] = mapped_column(Integer, nullable=True)
    delivery_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    dispute_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    provider_response: Mapped[str | None] = mapped_column(Text, nullable=True)

    line: Mapped[OrderLine] = relationship(back_populates="occurrences")
    order = relationship("Order")

    @property
    def status_label(self) -> str:
        """A date not yet accepted by the provider is asked for, not booked."""
        if self.status == "scheduled" and self.order.status in NOT_YET_BOOKED:
            return NOT_YET_BOOKED[self.order.status]
        return super().status_label

    @property
    def is_disputed(self) -> bool:
        return self.status == "disputed"

    @property
    def quantity(self) -> Decimal:
        return Decimal(self.quantity_centi) / 100


class ScheduleAmendment(Stateful, db.Model):
    """A change to a schedule proposed by one side; it happens only when the other agrees."""

    __tablename__ = "schedule_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_date: Mapped[date] = mapped_column(Date)
    days: Mapped[list] = mapped_column(JSON)
    quantity_centi: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # see AMENDMENT
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    line = relationship("OrderLine")
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])

    @property
    def days_text(self) -> str:
        return days_in_words(self.days)


class Enquiry(db.Model):
    """A question to a provider before ordering, and its answer."""

    __tablename__ = "enquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("holders.id"), nullable=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    listing = relationship("Listing")
    organisation = relationship("Organisation")
    asked_by = relationship("User", foreign_keys=[asked_by_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])
