"""Home pages count what waits for each role, each count a link, in a fixed number of queries; each kind
of organisation is offered only what it can use; the holder can find their questions; the provider's
invoice list says who each invoice is for."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from marketplace.accounts import roles as R
from marketplace.accounts import service as accounts
from marketplace.billing import payments
from marketplace.extensions import db

from .. import factories
from .support import read


@contextmanager
def counted_statements(app):
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def home_links(browser) -> str:
    return browser.get("/").get_data(as_text=True)


def test_the_provider_home_counts_new_orders_questions_and_deliveries_to_record(jo, signed_in):
    factories.bare_order(jo.holder, jo.organisation, placed_by=jo.holder_user, status="placed")
    factories.bare_order(jo.holder, jo.organisation, placed_by=jo.holder_user, status="placed")
    factories.enquiry(jo.listing, jo.holder_user)
    factories.accepted_order(jo.holder_user, jo.holder, jo.listing, jo.outcome.key, jo.provider_user)  # one-off, due today
    browser = signed_in(jo.provider_user)
    page = read(browser.get("/"))
    assert "Waiting for you 2 new orders to accept or decline 1 question to answer 1 delivery to record" in page
    html = home_links(browser)
    assert '<a class="govuk-link" href="/provider/orders">2 new orders to accept or decline</a>' in html
    assert '<a class="govuk-link" href="/enquiries">1 question to answer</a>' in html


def test_the_provider_home_makes_the_same_number_of_queries_for_one_order_or_many(app, jo, signed_in):
    browser = signed_in(jo.provider_user)
    factories.bare_order(jo.holder, jo.organisation, placed_by=jo.holder_user, status="placed")
    with counted_statements(app) as few:
        assert "1 new order" in read(browser.get("/"))
    for _ in range(6):
        factories.bare_order(jo.holder, jo.organisation, placed_by=jo.holder_user, status="placed")
        factories.enquiry(jo.listing, jo.holder_user)
    with counted_statements(app) as many:
        assert "7 new orders" in read(browser.get("/"))
    assert len(many) == len(few)


def test_the_holder_home_counts_deliveries_to_confirm_and_invoices_to_approve_and_links_questions(jo, signed_in):
    accounts.grant_role(jo.holder_user, R.HOLDER, jo.council)
    db.session.commit()
    jo.order(confirm=False)  # delivered, waiting for the holder to confirm
    jo.invoice()  # confirmed and invoiced: waiting for the holder's approval
    browser = signed_in(jo.holder_user)
    page = read(browser.get("/"))
    assert "Waiting for you 1 delivery to confirm 1 invoice to approve" in page
    html = home_links(browser)
    assert f'href="/holders/{jo.holder.id}/invoices">1 invoice to approve</a>' in html
    assert '<a class="govuk-link" href="/enquiries">Questions</a>' in html


def test_the_coordinator_home_counts_orders_and_plans_waiting(jo, signed_in):
    coordinator = factories.user(R.CARE_COORDINATOR, jo.council)
    factories.bare_order(jo.holder, jo.organisation, placed_by=jo.holder_user, status="awaiting_approval")
    other = factories.holder(jo.council)
    factories.support_plan(other, status="submitted")
    html = home_links(signed_in(coordinator))
    assert '<a class="govuk-link" href="/council/orders">1 order waiting for approval</a>' in html
    assert '<a class="govuk-link" href="/council/plans">1 plan waiting for a decision</a>' in html


def test_the_finance_home_counts_invoices_to_pay_and_runs(market, signed_in):
    town = market(deployment="council_managed")
    waiting = town.invoice()
    approved = town.invoice()
    payments.approve(town.finance, approved)
    unpayable = market(deployment="council_managed", bank_details=False)
    payments.approve(town.finance, unpayable.invoice())
    page = read(signed_in(town.finance).get("/"))
    assert waiting.status == "issued"
    assert "1 invoice to approve and 2 to pay (1 cannot be paid until the provider adds bank details)" in page
    assert "0 payment runs sent to the bank and not yet recorded as paid" in page
    payments.start_payment_run(town.finance, town.council)
    assert "1 payment run sent to the bank" in read(signed_in(town.finance).get("/"))


def test_a_community_group_is_not_offered_orders_or_invoices(make, signed_in):
    council = make.council()
    group, person = make.provider(council, kind="community_group", role=R.COMMUNITY_GROUP)
    page = read(signed_in(person).get("/"))
    assert "Add and change your listings" in page
    assert "Orders" not in page and "Invoices" not in page and "bank details" not in page.lower()


def test_a_provider_is_asked_for_its_bank_details_on_its_home_page(market, signed_in):
    without = market(bank_details=False)
    assert "No bank details yet: nobody can pay your invoices by bank transfer. Add bank details" in read(
        signed_in(without.provider_user).get("/"))
    with_details = market(council="dunmere")
    assert "Paid into: Sort code 20-00-00, account ****5678" in read(signed_in(with_details.provider_user).get("/"))


def test_the_providers_invoice_list_says_who_each_invoice_is_for(jo, signed_in):
    invoice = jo.invoice()
    page = read(signed_in(jo.provider_user).get("/provider/finance"))
    assert f"{invoice.reference} {jo.holder.name} ({jo.holder.reference})" in page
