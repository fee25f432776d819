"""The kinds of underspend rule councils have, one class per kind, found by the ``kind`` in the council's
``underspend_rule`` data (marketplace/data/council_rules.json). A council that needs a new rule gets a
new kind here and its data there: never an ``if`` on which council it is.

Each kind answers: how much money may be held (``threshold``), on which days the rule is applied
(``check_dates``), whether it has bitten today and for which period (``due_key``, so one proposal is
made per period), what a proposal does (take money back, or hold back part of the next payment), and
the rule in plain words.
"""
from __future__ import annotations

from datetime import date, timedelta

from ..budgets.service import _add_months, review_dates
from ..money import format_pence
from .forecast import Facts

DEFAULT_WARN_WEEKS = 8  # warn this many weeks before a rule would bite, unless the rule's data says otherwise
LATE_RUN_DAYS = 28  # a rule applied on a set day (a quarter's end, the audit) still applies if the job runs late by this much

_KINDS: dict[str, type["Rule"]] = {}


def kind(name: str):
    def register(cls):
        cls.kind = name
        _KINDS[name] = cls
        return cls
    return register


def rule_for(council) -> "Rule":
    """The council's rule, from its data. A council with no rule data, or a kind nobody wrote, is
    treated as having no rule: nothing is ever proposed for it."""
    data = dict(council.underspend_rule or {})
    return _KINDS.get(data.get("kind"), NoRule)(data, council)


def kinds() -> list[str]:
    return sorted(_KINDS)


def short_name(council) -> str:
    return council.name.removesuffix(" Council")


class Rule:
    kind = ""
    proposal_kind = "clawback"  # what a proposal under this rule does
    applies_any_day = True  # False: only on its check dates

    def __init__(self, data: dict, council):
        self.data, self.council = data, council
        self.name = short_name(council)

    @property
    def warn_weeks_ahead(self) -> int:
        return int(self.data.get("warn_weeks_ahead", DEFAULT_WARN_WEEKS))

    def threshold(self, facts: Facts) -> int | None:
        return None

    def check_dates(self, facts: Facts) -> list[date]:
        """The days from today to the end of the plan period on which the money held is compared with the
        threshold. A rule applied any day is checked today and just after each payment (the highest points)."""
        return [facts.on] + facts.payment_dates_after(facts.on)

    def due_key(self, facts: Facts, warned_on: date | None) -> str | None:
        """The period a proposal is for, if the rule has bitten today (else None)."""
        threshold = self.threshold(facts)
        if threshold is None or facts.held <= threshold:
            return None
        started = max([facts.budget.starts_on] + [d for d, _p in facts.payments if d <= facts.on])
        return f"cycle:{started.isoformat()}"

    def words(self, facts: Facts) -> str:
        """The rule in one clause, with its figure: "Aldermoor asks for money back only above ..."."""
        raise NotImplementedError

    def after_bite(self) -> str | None:
        """What else happens when it bites, in words (e.g. a review is flagged), if anything."""
        return None


class NoRule(Rule):
    applies_any_day = False

    def check_dates(self, facts: Facts) -> list[date]:
        return []

    def due_key(self, facts: Facts, warned_on: date | None) -> str | None:
        return None

    def words(self, facts: Facts) -> str:
        return f"{self.name} has no rule for taking unspent money back"


@kind("repay_above_weeks_of_payments")
class RepayAboveWeeks(Rule):
    """Any day, money held above N weeks of payments may be asked back."""

    def threshold(self, facts: Facts) -> int:
        return facts.weeks_of_payments(int(self.data["weeks"]))

    def words(self, facts: Facts) -> str:
        return (f"{self.name} asks for money back only above {self.data['weeks']} weeks of payments "
                f"({format_pence(self.threshold(facts), whole_pounds=True)})")


def _quarter_ends(facts: Facts) -> list[date]:
    """The last day of each quarter of the plan period (three months from its start, then every three)."""
    start, ends, n = facts.budget.starts_on, [], 1
    while True:
        end = _add_months(start, 3 * n) - timedelta(days=1)
        if end > facts.budget.ends_on:
            return ends
        ends.append(end)
        n += 1


@kind("recoup_above_contingency")
class RecoupAboveContingency(Rule):
    """At the end of each period (quarterly), money above the agreed contingency is recouped and the
    allocated worker is asked to review the plan."""

    applies_any_day = False

    def threshold(self, facts: Facts) -> int:
        return facts.weeks_of_payments(int(self.data["contingency_weeks"]))

    def check_dates(self, facts: Facts) -> list[date]:
        return [d for d in _quarter_ends(facts) if d >= facts.on]

    def due_key(self, facts: Facts, warned_on: date | None) -> str | None:
        ended = [d for d in _quarter_ends(facts) if d <= facts.on < d + timedelta(days=LATE_RUN_DAYS)]
        if not ended or facts.held <= self.threshold(facts):
            return None
        return f"quarter:{ended[-1].isoformat()}"

    def words(self, facts: Facts) -> str:
        return (f"{self.name} takes back money above an agreed contingency of {self.data['contingency_weeks']} weeks of "
                f"payments ({format_pence(self.threshold(facts), whole_pounds=True)}) at the end of each quarter of your plan year")

    def after_bite(self) -> str | None:
        return "the person's worker is asked to review the plan"


@kind("review_at_plan_review")
class ReviewAtPlanReview(NoRule):
    """No rule: unspent money is talked about at the plan review."""

    def words(self, facts: Facts) -> str:
        upcoming = [d for d in review_dates(facts.budget) if d >= facts.on]
        when = f" on {upcoming[0]:%-d %B %Y}" if upcoming else ""
        return f"{self.name} has no rule for taking money back: unspent money is talked about at your plan review{when}"


@kind("contact_holder_then_hold_payments_or_claw_back")
class ContactThenHoldBack(Rule):
    """Above N weeks of payments the holder is contacted first; only after ``contact_days`` may part of
    the next payment be held back (or, with no payment left, money taken back)."""

    proposal_kind = "hold_back"

    def threshold(self, facts: Facts) -> int:
        return facts.weeks_of_payments(int(self.data["weeks"]))

    def due_key(self, facts: Facts, warned_on: date | None) -> str | None:
        days = int(self.data.get("contact_days", 28))
        if warned_on is None or (facts.on - warned_on).days < days:
            return None  # contact the holder first, and give them time
        return super().due_key(facts, warned_on)

    def words(self, facts: Facts) -> str:
        return (f"{self.name} contacts you first if you hold more than {self.data['weeks']} weeks of payments "
                f"({format_pence(self.threshold(facts), whole_pounds=True)}), and may later hold back part of a payment")


@kind("recover_through_direct_payment_audit")
class RecoverAtAudit(Rule):
    """At the direct payment audit at the end of the plan period, money above a contingency is recovered."""

    applies_any_day = False

    def threshold(self, facts: Facts) -> int:
        return facts.weeks_of_payments(int(self.data["contingency_weeks"]))

    def check_dates(self, facts: Facts) -> list[date]:
        return [facts.budget.ends_on] if facts.budget.ends_on >= facts.on else []

    def due_key(self, facts: Facts, warned_on: date | None) -> str | None:
        end = facts.budget.ends_on
        if not end <= facts.on < end + timedelta(days=LATE_RUN_DAYS) or facts.held <= self.threshold(facts):
            return None
        return f"audit:{end.isoformat()}"

    def words(self, facts: Facts) -> str:
        return (f"{self.name} looks at unspent money in its direct payment audit at the end of your plan year "
                f"({facts.budget.ends_on:%-d %B %Y}) and asks only for money above {self.data['contingency_weeks']} weeks "
                f"of payments ({format_pence(self.threshold(facts), whole_pounds=True)})")
