"""Recording a purchase made outside the marketplace: who may, what the council's rules ask
(a receipt at or above its threshold), and the ledger entry that counts it as spent."""
from __future__ import annotations

import secrets
from datetime import date

from .. import clock, taxonomy
from ..accounts import roles as R
from ..accounts.models import RoleGrant
from ..budgets import ledger
from ..budgets import service as budgets
from ..budgets.models import BudgetPeriod
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..money import format_pence
from ..notifications.service import notify_all
from ..plans.money import outcome_words
from ..plans.service import approved_plan
from ..policy import can
from .models import OutsidePurchase, Receipt
from .uploads import DEFAULT_MAX_BYTES, check_receipt

DESCRIPTION_MAX = 200
MOST_PENCE = 2_000_000  # £20,000: far above any single purchase a plan pays for outside the marketplace
# Who holds the money, and so who may spend it outside the marketplace. Only money in the holder's own
# hands (a direct payment, or the direct-payment part of a mixed budget) can be spent by them elsewhere.
WHY_NOT = {
    "council_managed": "The council holds this budget and buys support for you, so there is no money in your hands to "
                       "spend elsewhere. If you need something that is not in the marketplace, ask your care coordinator.",
    "managed_account": "Your budget manager holds this money and pays for things on your behalf, so they record what "
                       "they pay. If you bought something yourself, ask them about paying you back.",
    "individual_service_fund": "A provider holds this money for you as an individual service fund, so it is spent through "
                               "them. If you need something else, ask your care coordinator.",
    "mixed_without_direct_payment": "None of this budget is paid to you as a direct payment, so there is no money in your "
                                    "hands to spend elsewhere. Ask your care coordinator if you need something.",
}


def why_not_recordable(budget: BudgetPeriod | None) -> str | None:
    """None when purchases made elsewhere can be recorded against ``budget``; else why not, in plain words."""
    if budget is None:
        return "There is no budget yet. Your contact at the council will set one up after your assessment."
    option = budget.deployment_option
    if option == "direct_payment":
        return None
    if option == "mixed":
        return None if (budget.mixed_split or {}).get("direct_payment") else WHY_NOT["mixed_without_direct_payment"]
    return WHY_NOT.get(option, WHY_NOT["council_managed"])


def receipt_threshold(council) -> int:
    """The amount from which a purchase needs a receipt. The council's data gives it in pence; where it
    gives none (null), every purchase keeps its receipt (council_rules.json's notes), so the threshold is 0."""
    return council.receipt_threshold_pence or 0


def receipt_needed(council, amount_pence: int) -> bool:
    return amount_pence >= receipt_threshold(council)


def receipt_rule_words(council) -> str:
    threshold = receipt_threshold(council)
    if threshold == 0:
        return f"{council.name} asks for a receipt for everything bought outside the marketplace."
    return f"{council.name} asks for a receipt for anything that cost {format_pence(threshold)} or more."


def outcome_choices(budget: BudgetPeriod) -> list[tuple[str, str]]:
    """(key, the person's words) for each outcome of the approved plan."""
    plan = approved_plan(budget)
    return [(o.key, o.own_words) for o in plan.outcomes] if plan else []


def category_choices() -> list[tuple[str, str]]:
    """(slug, name) of the catalogue's categories, by name: what kind of thing a purchase was."""
    return sorted(((slug, c["name"]) for slug, c in taxonomy.categories().items()), key=lambda pair: pair[1])


def record_purchase(actor, holder, *, description: str, bought_on: date, amount_pence: int, outcome_key: str | None,
                    receipt: bytes | None = None, max_bytes: int = DEFAULT_MAX_BYTES, category: str | None = None) -> OutsidePurchase:
    """Record something bought outside the marketplace and count it as spent from the plan outcome's money
    (or, for "none of these", the money not set aside for an outcome). Refused with InsufficientFunds when
    the money is not there. A purchase matching no outcome is kept and flagged: the holder's named contact
    (else the council's care coordinators) is told. Commits."""
    if not can(actor, "holder.order", holder):
        raise NotAllowed("You cannot record spending for this person.")
    budget = budgets.current_budget(holder)
    problem = why_not_recordable(budget)
    if problem:
        raise DomainError(problem)
    description = " ".join((description or "").split())
    if not description:
        raise DomainError("Say what you bought.")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(f"Say what you bought in {DESCRIPTION_MAX} characters or fewer.")
    if not isinstance(amount_pence, int) or amount_pence <= 0 or amount_pence > MOST_PENCE:
        raise DomainError(f"Enter how much it cost, more than £0 and at most {format_pence(MOST_PENCE, whole_pounds=True)}.")
    if bought_on > clock.today():
        raise DomainError("The date you bought it cannot be in the future.")
    if not budget.starts_on <= bought_on <= budget.ends_on:
        raise DomainError(f"The date must be inside the plan year, {_long(budget.starts_on)} to {_long(budget.ends_on)}.")
    words = dict(outcome_choices(budget))
    if outcome_key is not None and outcome_key not in words:
        raise DomainError("Choose one of the outcomes in the plan, or “none of these”.")
    if category is not None and category not in taxonomy.categories():
        raise DomainError("Choose what kind of thing it was from the list, or leave it blank.")
    needed = receipt_needed(holder.council, amount_pence)
    checked = check_receipt(receipt, max_bytes) if receipt else None
    if needed and checked is None:
        raise DomainError(f"Add a photo or PDF of the receipt. {receipt_rule_words(holder.council)}")
    if outcome_key is None and budget.council.money_is_earmarked:
        loose = ledger.balances(budget.id).pot(None).available
        if amount_pence > loose:
            raise DomainError(f"{_money_left_words(loose)} Choose the outcome it helps with most, or ask your care "
                              "coordinator about it first.")
    purchase = OutsidePurchase(holder_id=holder.id, budget_id=budget.id, council_id=holder.council_id,
                               description=description, bought_on=bought_on, amount_pence=amount_pence,
                               outcome_key=outcome_key, category=category, receipt_needed=needed, recorded_by_id=actor.id)
    db.session.add(purchase)
    db.session.flush()
    ledger.external_spend(budget, amount_pence, outcome_key=outcome_key, actor=actor, cause=purchase,
                          memo=f"{description[:200]}, bought on {_long(bought_on)}")
    if checked is not None:
        _attach(actor, purchase, checked)
    if outcome_key is None:
        notify_all(who_looks(holder), f"{holder.name} bought something outside their plan",
                   f"{holder.name}'s account records “{description}”, {format_pence(amount_pence)} on {_long(bought_on)}, "
                   "as not matching any outcome in the plan. It is allowed; please look at it with them.",
                   f"/holders/{holder.id}/audit")
    db.session.commit()
    return purchase


def _attach(actor, purchase: OutsidePurchase, checked) -> Receipt:
    receipt = Receipt(purchase=purchase, content_type=checked.content_type, data=checked.data, size_bytes=len(checked.data),
                      stored_name=f"{secrets.token_hex(16)}.{checked.extension}", uploaded_by_id=actor.id)
    db.session.add(receipt)
    return receipt


def who_looks(holder) -> list:
    """Who is told of a purchase outside the plan: the holder's named contact, else every care coordinator
    of their council."""
    if holder.named_contact is not None:
        return [holder.named_contact]
    return [g.user for g in db.session.scalars(db.select(RoleGrant).filter_by(council_id=holder.council_id,
                                                                              role=R.CARE_COORDINATOR))]


def purchases_of(holder, budget: BudgetPeriod | None = None) -> list[OutsidePurchase]:
    query = db.select(OutsidePurchase).filter_by(holder_id=holder.id)
    if budget is not None:
        query = query.filter_by(budget_id=budget.id)
    return db.session.scalars(query.order_by(OutsidePurchase.bought_on.desc(), OutsidePurchase.id.desc())).all()


def labelled(purchases: list[OutsidePurchase], budget: BudgetPeriod | None) -> list[tuple[OutsidePurchase, str]]:
    """Each purchase with the words of the outcome it served ("Not in the plan" for none)."""
    words = outcome_words(budget) if budget is not None else {}
    return [(p, words.get(p.outcome_key, "An earlier outcome") if p.outcome_key else "Not in the plan") for p in purchases]


def _money_left_words(loose: int) -> str:
    """Why something that fits no outcome cannot be paid: in an earmarked budget it comes from the money not
    set aside for any outcome, and there is not enough of that."""
    if loose <= 0:
        return "All of the money is set aside for the outcomes in the plan, so something that fits none of them cannot be paid from it."
    return (f"Only {format_pence(loose)} is not set aside for an outcome in the plan, and something that fits none of "
            "them can only be paid from that.")


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
