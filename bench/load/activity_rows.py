"""A year of one holder's money, as rows: the bulk path of generate.py for the past.

Per holder, from the start of the plan year to today: funding every four weeks into each outcome's pot
(one pot where the council does not earmark money), a contribution with it for one holder in three, and
one purchase a month bought in the marketplace (enough hours or sessions to use about three quarters
of the first outcome's money) and carried right through: the order and its line (placed,
accepted, delivered, confirmed, invoiced, paid), its one occurrence, the provider's invoice with its line,
the payment, and the ledger's commitment (cause: the order) and payment (cause: the invoice), as
``orders.placing.place``, ``orders.delivery`` and ``billing.payments.pay`` write them, without the event
log, notifications and emails. One purchase in eight is rated by the holder.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


class Year:
    """Collects the rows of every holder's year; ``purchases`` become orders, lines, occurrences,
    invoices, invoice lines, payments, ledger entries and reviews once their ids are known."""

    def __init__(self, today: date):
        self.today = today
        self.entries: list[dict] = []
        self.purchases: list[dict] = []

    def entry(self, h: dict, kind: str, amount: int, day: date, pot, **extra) -> None:
        self.entries.append({**dict(budget_id=h["budget_id"], holder_id=h["holder_id"], council_id=h["council_id"], kind=kind,
                                    amount_pence=amount, pot=pot, outcome_key=pot, effective_on=day, cause_type=None,
                                    cause_id=None, memo=None, idempotency_key=None, actor_id=None, created_at=at(day, 12)),
                             **extra})

    def holder(self, rng, h: dict, starts_on: date, choices: list) -> None:
        """``h``: holder_id, budget_id, council_id, user_id, weekly, keys (the outcomes' keys), shares
        (their percentages), earmarked, contributes; ``choices``: (listing row, admin id) to buy from."""
        day = starts_on
        while day <= self.today:
            for key, share in zip(h["keys"], h["shares"]):
                pot = key if h["earmarked"] else None
                amount = h["weekly"] * 4 * share // 100
                if h["contributes"] and key == h["keys"][0]:
                    amount -= h["weekly"]
                    self.entry(h, "contribution", h["weekly"], day, pot, outcome_key=key, memo="Your contribution")
                self.entry(h, "funding", amount, day, pot, outcome_key=key, memo="Four-weekly payment")
            day += timedelta(days=28)
        month = starts_on
        while month + timedelta(days=30) < self.today:
            placed = month + timedelta(days=rng.randrange(0, 14))
            listing, admin_id = rng.choice(choices)
            # Hours, sessions or items enough to use about three quarters of the first outcome's money.
            quantity = max(1, min(40, h["weekly"] * 4 * h["shares"][0] // 100 * 3 // 4 // listing["price_pence"]))
            self.purchases.append(dict(h=h, listing=listing, admin_id=admin_id, placed=placed, rated=rng.random() < 1 / 8,
                                       score=rng.choice([5, 5, 5, 4, 4, 3, 2, 1]), quantity=quantity,
                                       amount=quantity * listing["price_pence"]))
            month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)

    def orders(self) -> list[dict]:
        return [dict(holder_id=p["h"]["holder_id"], council_id=p["h"]["council_id"], budget_id=p["h"]["budget_id"],
                     organisation_id=p["listing"]["organisation_id"], placed_by_id=p["h"]["user_id"], kind="purchase",
                     status="paid", submission_key=uuid.uuid4().hex, committed_pence=p["amount"],
                     approval_reasons=[], created_at=at(p["placed"]), placed_at=at(p["placed"]),
                     accepted_at=at(p["placed"], 15), closed_at=at(p["placed"] + timedelta(days=10)))
                for p in self.purchases]

    def lines(self, order_ids: list[int]) -> list[dict]:
        return [dict(order_id=order_ids[i], listing_id=p["listing"]["id"], title=p["listing"]["title"],
                     category=p["listing"]["category"], unit=p["listing"]["price_unit"],
                     unit_price_pence=p["listing"]["price_pence"], price_source="public", vat_rate_percent=0,
                     quantity_centi=p["quantity"] * 100, outcome_key=p["h"]["keys"][0], outcome_words=p["h"]["words"][0],
                     schedule={"once_on": (p["placed"] + timedelta(days=2)).isoformat(), "time": None},
                     notice_hours=24, cancellation_charge_percent=100)
                for i, p in enumerate(self.purchases)]

    def occurrences(self, order_ids: list[int], line_ids: list[int]) -> list[dict]:
        rows = []
        for i, p in enumerate(self.purchases):
            on = p["placed"] + timedelta(days=2)
            rows.append(dict(line_id=line_ids[i], order_id=order_ids[i], on=on, quantity_centi=p["quantity"] * 100,
                             amount_pence=p["amount"], status="paid", delivered_at=at(on, 16),
                             recorded_by_id=p["admin_id"], confirmed_at=at(on, 19), confirmed_by_id=p["h"]["user_id"]))
        return rows

    def invoices(self, order_ids: list[int], numbers: dict[int, int]) -> list[dict]:
        rows = []
        for i, p in enumerate(self.purchases):
            org = p["listing"]["organisation_id"]
            numbers[org] = numbers.get(org, 0) + 1
            on = p["placed"] + timedelta(days=2)
            rows.append(dict(organisation_id=org, number=numbers[org], order_id=order_ids[i], holder_id=p["h"]["holder_id"],
                             council_id=p["h"]["council_id"], budget_id=p["h"]["budget_id"], payer_kind="holder",
                             status="paid", period_start=on, period_end=on, issued_on=on + timedelta(days=1),
                             due_on=on + timedelta(days=15), total_pence=p["amount"], vat_pence=0,
                             credited_pence=0, auto_approved=False, approved_by_id=p["h"]["user_id"],
                             approved_at=at(on + timedelta(days=3)), paid_at=at(on + timedelta(days=8)), lock_version=0,
                             created_at=at(on + timedelta(days=1))))
        return rows

    def invoice_lines(self, invoice_ids: list[int], occurrence_ids: list[int]) -> list[dict]:
        return [dict(invoice_id=invoice_ids[i], occurrence_id=occurrence_ids[i], description=p["listing"]["title"],
                     on=p["placed"] + timedelta(days=2), quantity_centi=p["quantity"] * 100,
                     unit_price_pence=p["listing"]["price_pence"], amount_pence=p["amount"], vat_rate_percent=0, vat_pence=0,
                     outcome_key=p["h"]["keys"][0])
                for i, p in enumerate(self.purchases)]

    def payments(self, invoice_ids: list[int]) -> list[dict]:
        rows = []
        for i, p in enumerate(self.purchases):
            paid = p["placed"] + timedelta(days=10)
            rows.append(dict(invoice_id=invoice_ids[i], method="bacs", status="succeeded", amount_pence=p["amount"], idempotency_key=f"load-{uuid.uuid4().hex}",
                             reference=f"LOAD{invoice_ids[i]}", paid_on=paid, refunded_pence=0,
                             created_by_id=p["h"]["user_id"], created_at=at(paid), settled_at=at(paid, 11)))
        return rows

    def money_entries(self, order_ids: list[int], invoice_ids: list[int]) -> None:
        for i, p in enumerate(self.purchases):
            h, price, key = p["h"], p["amount"], p["h"]["keys"][0]
            pot = key if h["earmarked"] else None
            self.entry(h, "commitment", price, p["placed"], pot, outcome_key=key, cause_type="orders", cause_id=order_ids[i],
                       memo=f"Order {order_ids[i]}", actor_id=h["user_id"])
            self.entry(h, "payment", price, p["placed"] + timedelta(days=10), pot, outcome_key=key, cause_type="invoices",
                       cause_id=invoice_ids[i], memo="Paid by bank transfer", actor_id=h["user_id"])

    def reviews(self, order_ids: list[int]) -> list[dict]:
        return [dict(order_id=order_ids[i], listing_id=p["listing"]["id"], organisation_id=p["listing"]["organisation_id"],
                     holder_id=p["h"]["holder_id"], council_id=p["h"]["council_id"], author_id=p["h"]["user_id"],
                     author_kind="holder", score=p["score"], aspects=[], status="published",
                     created_at=at(p["placed"] + timedelta(days=12)))
                for i, p in enumerate(self.purchases) if p["rated"]]
