"""Disputes: the payer disputes, the provider answers, and the dispute ends by the other side's
agreement (the provider upholds it and credits; the payer withdraws it) or by the council's finance
staff with a reason. Upheld: a credit note (all, or the amount agreed). Rejected: the invoice goes
back to where it was."""
from __future__ import annotations

import pytest

from marketplace.billing import corrections, payments
from marketplace.errors import DomainError, NotAllowed
from marketplace.extensions import db

from ..helpers import page_text
from .support import entries, fresh, money, payments_of


@pytest.fixture
def disputed(jo):
    """Jo's approved £80 invoice, disputed by Jo and answered by the provider."""
    invoice = jo.invoice(quantity=2)
    payments.approve(jo.holder_user, invoice)
    record = corrections.dispute(jo.holder_user, fresh(invoice), "The second session did not happen")
    corrections.answer_dispute(jo.provider_user, record, "Our worker was ill; sorry")
    return record


def test_disputing_an_invoice_holds_it_until_it_is_sorted_out(jo, disputed):
    invoice = fresh(disputed.invoice)
    assert (invoice.status, disputed.status_before) == ("disputed", "approved")
    with pytest.raises(DomainError, match="Only an approved invoice can be paid"):
        payments.pay(jo.holder_user, invoice, "bacs", reference="BACS 1")


def test_the_providers_answer_is_kept_with_the_dispute(jo, disputed):
    assert fresh(disputed).provider_answer == "Our worker was ill; sorry"


def test_an_upheld_dispute_credits_the_whole_invoice_and_releases_the_money(jo, disputed):
    before = money(jo.budget)
    corrections.resolve_dispute(jo.provider_user, fresh(disputed), upheld=True, note="Agreed with Jo")
    invoice = fresh(disputed.invoice)
    assert (fresh(disputed).status, invoice.status, invoice.payable_pence) == ("upheld", "credited", 0)
    assert [c.amount_pence for c in invoice.credit_notes] == [8000]
    after = money(jo.budget)
    assert (before.committed - after.committed, after.available - before.available, after.spent) == (8000, 8000, 0)


def test_an_upheld_dispute_with_an_agreed_credit_leaves_the_rest_payable(jo, disputed):
    corrections.resolve_dispute(jo.provider_user, fresh(disputed), upheld=True, credit_pence=4000)
    invoice = fresh(disputed.invoice)
    assert (invoice.status, invoice.credited_pence, invoice.payable_pence) == ("approved", 4000, 4000)
    assert [e.amount_pence for e in entries(invoice, "release")] == [4000]
    assert [p.amount_pence for p in payments_of(invoice, "pending")] == [4000]


def test_a_withdrawn_dispute_puts_the_invoice_back_where_it_was(jo, disputed):
    before = money(jo.budget)
    corrections.resolve_dispute(jo.holder_user, fresh(disputed), upheld=False, note="The timesheet shows both sessions")
    invoice = fresh(disputed.invoice)
    assert (fresh(disputed).status, invoice.status, invoice.credit_notes) == ("rejected", "approved", [])
    assert money(jo.budget) == before


def test_a_dispute_on_an_issued_invoice_goes_back_to_issued_when_rejected(jo):
    invoice = jo.invoice()
    record = corrections.dispute(jo.holder_user, invoice, "Wrong date")
    corrections.resolve_dispute(jo.holder_user, fresh(record), upheld=False)
    assert fresh(invoice).status == "issued"


def test_an_upheld_dispute_with_a_credit_larger_than_the_invoice_is_refused_and_stays_open(jo, disputed):
    with pytest.raises(DomainError, match="between 1p and £80.00"):
        corrections.resolve_dispute(jo.provider_user, fresh(disputed), upheld=True, credit_pence=9000)
    db.session.rollback()  # as the page does after a refusal
    record = fresh(disputed)
    assert (record.status, record.invoice.status, record.invoice.credit_notes) == ("answered", "disputed", [])


def test_a_resolved_dispute_cannot_be_resolved_again(jo, disputed):
    corrections.resolve_dispute(jo.holder_user, fresh(disputed), upheld=False)
    with pytest.raises(DomainError, match="already resolved"):
        corrections.resolve_dispute(jo.provider_user, fresh(disputed), upheld=True)


def test_the_payer_cannot_uphold_their_own_dispute(jo, disputed):
    """Hole 2: the holder once recorded their own dispute as upheld, and a credit note went out in the
    provider's name without the provider agreeing."""
    before = money(jo.budget)
    with pytest.raises(NotAllowed):
        corrections.resolve_dispute(jo.holder_user, fresh(disputed), upheld=True, note="I win")
    record = fresh(disputed)
    assert (record.status, record.invoice.status, record.invoice.credit_notes) == ("answered", "disputed", [])
    assert money(jo.budget) == before


def test_the_provider_alone_cannot_reject_a_dispute(jo, disputed):
    with pytest.raises(NotAllowed):
        corrections.resolve_dispute(jo.provider_user, fresh(disputed), upheld=False, note="We disagree")
    assert fresh(disputed).status == "answered"


@pytest.mark.parametrize("upheld, status", [(True, "credited"), (False, "approved")])
def test_the_councils_finance_staff_decide_a_dispute_the_sides_cannot_with_a_reason(jo, disputed, upheld, status):
    with pytest.raises(DomainError, match="Say why"):
        corrections.resolve_dispute(jo.finance, fresh(disputed), upheld=upheld, note=" ")
    db.session.rollback()
    corrections.resolve_dispute(jo.finance, fresh(disputed), upheld=upheld, note="The timesheet settles it")
    record = fresh(disputed)
    assert (record.status, record.invoice.status, record.resolution_note) == (
        "upheld" if upheld else "rejected", status, "The timesheet settles it")


def test_both_sides_are_told_how_the_dispute_ended(jo, disputed):
    from marketplace.notifications.models import Notification

    corrections.resolve_dispute(jo.finance, fresh(disputed), upheld=False, note="The timesheet settles it")
    told = {n.user_id for n in db.session.scalars(db.select(Notification).where(Notification.title.like("The dispute on%")))}
    assert {jo.holder_user.id, jo.provider_user.id} <= told


def test_the_dispute_answer_and_outcome_go_through_the_invoice_page(jo, signed_in):
    invoice = jo.invoice()
    holder = signed_in(jo.holder_user)
    raised = holder.submit(f"/invoices/{invoice.id}/dispute", {"reason": "Nobody came"}, form_url=f"/invoices/{invoice.id}")
    assert raised.status_code == 302
    (record,) = fresh(invoice).disputes
    provider = signed_in(jo.provider_user)
    assert provider.submit(f"/disputes/{record.id}/answer", {"answer": "We are sorry"},
                           form_url=f"/invoices/{invoice.id}").status_code == 302
    assert "Agree and credit the invoice" in page_text(provider.get(f"/invoices/{invoice.id}"))
    assert "Withdraw my dispute" in page_text(holder.get(f"/invoices/{invoice.id}"))
    assert provider.submit(f"/disputes/{record.id}/resolve", {"resolution": "upheld", "credit": "", "note": "Our mistake"},
                           form_url=f"/invoices/{invoice.id}").status_code == 302
    record = fresh(record)
    assert (record.provider_answer, record.status, record.resolution_note) == ("We are sorry", "upheld", "Our mistake")
    assert fresh(invoice).status == "credited"


def test_the_provider_may_uphold_a_dispute_straight_away_without_answering_first(jo, disputed):
    corrections.resolve_dispute(jo.provider_user, disputed, upheld=True, note="Sorry, our mistake")
    record = fresh(disputed)
    assert (record.status, record.invoice.status, record.invoice.payable_pence) == ("upheld", "credited", 0)


def test_a_disputed_invoice_is_not_credited_around_its_dispute(jo, disputed):
    """A credit note waits for the dispute: the dispute's outcome is where the invoice is put right."""
    with pytest.raises(DomainError, match="disputed and cannot be made credited"):
        corrections.issue_credit_note(jo.provider_user, fresh(disputed).invoice, 1000, "Part of it")
    assert fresh(disputed).invoice.credit_notes == []
