"""The demo's year of spending so far, so statements, underspend and audit have something true to show.

Each month of the plan year up to today, every demo holder spends most of what was paid in that month,
shared between their plan's outcomes: direct-payment holders as purchases recorded outside the
marketplace (with a receipt photo where the council asks for one, a few left missing so the audit
shows what that looks like), managed accounts and council-managed budgets as payments made for them.
About one holder in fifteen spends under half, so the underspend check has real cases for finance.
A plan year that has ended was spent almost in full (95 to 99%; the underspenders 80%).

What direct-payment holders buy is in the proportions of the Stockport pilot's table (data/
spend_categories.csv): for each category it prints, that share of all the holders buys in it (a
purchase says its category, as a holder recording one may), so the commissioners' "share of holders
buying in each category" comes out as the table's when read back from the ledger.

This is a bulk path: it writes the rows ``spending.service.record_purchase`` and ``ledger.pay`` write
(an OutsidePurchase and its external_spend entry; a payment), dated on the 20th of each month, in one
transaction, without the notifications a person recording them one by one would send. It runs once
per budget: a budget with any spending already is left alone, so ``flask demo load`` stays safe to
run again.
"""
from __future__ import annotations

import csv
import io
import secrets
from datetime import date, datetime, timezone

from PIL import Image, ImageDraw

from . import clock, taxonomy
from .budgets import ledger
from .budgets.models import BudgetPeriod, LedgerEntry
from .extensions import db
from .plans.service import approved_plan
from .spending.models import OutsidePurchase, Receipt
from .spending.service import receipt_needed
from .spending.uploads import check_receipt

SPEND_DAY = 20
UNDERSPENDER_EVERY = 15  # one holder in fifteen spends under half of what comes in
WHAT = [  # what the money for the plan's first, second and third outcome buys, by who holds it
    {"direct_payment": "Personal assistant's wages", "managed_account": "Personal assistant agency (paid by the budget manager)",
     "council_managed": "Community support sessions (paid by the council)"},
    {"direct_payment": "Cleaner", "managed_account": "Cleaning service (paid by the budget manager)",
     "council_managed": "Home help (paid by the council)"},
    {"direct_payment": "Course fees and books", "managed_account": "College course (paid by the budget manager)",
     "council_managed": "Learning support (paid by the council)"},
]


def _receipt_image() -> bytes:
    image = Image.new("RGB", (360, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), "RECEIPT (demo)", fill="black")
    draw.text((20, 60), "Paid with thanks.", fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return check_receipt(out.getvalue()).data


def _months(start: date, today: date) -> list[date]:
    months, day = [], start.replace(day=SPEND_DAY)
    while day < today:
        months.append(day)
        day = day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
    return months


def _share(holder_number: int, ended: bool) -> float:
    if holder_number % UNDERSPENDER_EVERY == 7:
        return 0.80 if ended else 0.45
    return (0.95 + (holder_number * 37 % 5) / 100) if ended else 0.88 + (holder_number * 37 % 11) / 100


def stockport_buyers(population: int, eligible: list[int]) -> dict[int, list[str]]:
    """holder id -> the categories they buy in: for each category the Stockport table prints, its share of
    ``population`` holders, dealt in turn among ``eligible`` (those who buy outside the marketplace)."""
    rows = [(taxonomy.SPEND_TO_SLUG[r["category"]], float(r["share_of_holders_pct"]))
            for r in csv.DictReader(io.StringIO(taxonomy._data("spend_categories.csv"))) if r["share_of_holders_pct"]]
    buyers: dict[int, list[str]] = {holder_id: [] for holder_id in eligible}
    turn = 0
    for slug, percent in rows:
        for _ in range(min(len(eligible), round(percent * population / 100))):
            while slug in buyers[eligible[turn % len(eligible)]]:
                turn += 1
            buyers[eligible[turn % len(eligible)]].append(slug)
            turn += 1
    return buyers


def spend_a_year(budgets: list[BudgetPeriod], staff, buyers: dict[int, list[str]] | None = None) -> int:
    """Post the demo spending for each budget (in the order given) not spent from yet, recorded by the
    holder where they sign in, else by ``staff``; returns the number of purchases and payments written."""
    spent_already = set(db.session.scalars(db.select(LedgerEntry.budget_id).where(
        LedgerEntry.kind.in_(("payment", "external_spend"))).distinct()))
    receipt = _receipt_image()
    written = 0
    numbers: dict[int, int] = {}
    for budget in budgets:
        number = numbers.setdefault(budget.holder_id, len(numbers))  # a holder keeps their habits from year to year
        plan = approved_plan(budget)
        if budget.id in spent_already or plan is None or not plan.outcomes:
            continue
        actor = budget.holder.user or staff
        option = budget.deployment_option if budget.deployment_option in WHAT[0] else "council_managed"
        share = _share(number, budget.ends_on < clock.today())
        kinds = (buyers or {}).get(budget.holder_id, [])
        came_in: dict[tuple[date, str | None], int] = {}
        for entry in ledger.entries_for(budget.id):
            if entry.kind in ("funding", "contribution"):
                month = entry.effective_on.replace(day=SPEND_DAY)
                came_in[(month, entry.pot)] = came_in.get((month, entry.pot), 0) + entry.amount_pence
        for day in _months(budget.starts_on, min(clock.today(), budget.ends_on)):
            with clock.frozen(datetime(day.year, day.month, day.day, 11, tzinfo=timezone.utc)):
                written += _spend_month(budget, plan, option, day, came_in, share, receipt, actor, kinds)
    return written


def _spend_month(budget, plan, option, day, came_in, share, receipt, actor, kinds) -> int:
    outcomes = plan.outcomes
    if budget.council.money_is_earmarked:
        wanted = [(o, int(came_in.get((day, o.key), 0) * share)) for o in outcomes]
    else:
        total = int(sum(amount for (month, _pot), amount in came_in.items() if month == day) * share)
        whole = sum(o.amount_pence for o in outcomes) or 1
        wanted = [(o, total * o.amount_pence // whole) for o in outcomes]
    written = 0
    for position, (outcome, amount) in enumerate(wanted):
        if amount <= 0:  # never more than came in: each month spends a share (< 1) of that month's income
            continue
        what = f"{WHAT[position % len(WHAT)][option]}, {day:%B %Y}"
        if option == "direct_payment":
            purchase = OutsidePurchase(holder_id=budget.holder_id, budget_id=budget.id, council_id=budget.council_id,
                                       description=what, bought_on=day, amount_pence=amount, outcome_key=outcome.key,
                                       category=kinds[(position + day.month) % len(kinds)] if kinds else None,
                                       receipt_needed=receipt_needed(budget.council, amount), recorded_by_id=actor.id)
            db.session.add(purchase)
            db.session.flush()
            ledger.external_spend(budget, amount, outcome_key=outcome.key, actor=actor, cause=purchase,
                                  memo=f"{what}, bought on {day.day} {day:%B %Y}")
            if purchase.receipt_needed and (budget.id + day.month + position) % 10:  # one in ten left missing
                db.session.add(Receipt(purchase=purchase, content_type="image/png", data=receipt, size_bytes=len(receipt),
                                       stored_name=f"{secrets.token_hex(16)}.png", uploaded_by_id=actor.id))
        else:
            ledger.pay(budget, amount, outcome_key=outcome.key, from_committed=0, actor=actor, memo=what)
        written += 1
    return written
