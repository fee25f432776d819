"""Hole 3: an invoice was once "paid" with nobody paying. A holder switched their budget to an
individual service fund that no provider held, and the next invoices were settled inside that
empty fund. Now a fund names the provider holding it, is arranged by the council, and only that
provider's own invoices are settled inside it."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.billing import payments
from marketplace.budgets import service as budgets
from marketplace.errors import DomainError, NotAllowed

from ..billing.support import fresh, invoice_of, money, read
from ..plans.support import date_fields

FROM = date(2026, 11, 16)


def test_a_holder_cannot_switch_their_budget_to_a_service_fund_themselves(market):
    jo = market()
    with pytest.raises(NotAllowed, match="care coordinator"):
        budgets.switch_deployment(jo.holder_user, jo.budget, "individual_service_fund", FROM, isf_provider=jo.organisation)
    assert fresh(jo.budget).deployment_option == "direct_payment"


def test_the_switch_on_the_page_is_refused_for_the_holder_and_nothing_changes(market, signed_in):
    jo = market()
    response = signed_in(jo.holder_user).submit(f"/budgets/{jo.budget.id}/deployment", {
        "to_option": "individual_service_fund", "effective_on": date_fields(FROM), "isf_provider": str(jo.organisation.id)})
    assert "arranged by the council" in read(response)
    assert (fresh(jo.budget).deployment_option, fresh(jo.budget).isf_provider_id) == ("direct_payment", None)


def test_the_council_must_name_an_approved_provider_to_hold_the_fund(market, make):
    jo = market()
    stranger, _person = make.provider()  # approved by no council
    for provider in (None, stranger):
        with pytest.raises(DomainError, match="Choose the provider who will hold the fund"):
            budgets.switch_deployment(jo.finance, jo.budget, "individual_service_fund", FROM, isf_provider=provider)
    budgets.switch_deployment(jo.finance, jo.budget, "individual_service_fund", FROM, isf_provider=jo.organisation)
    assert fresh(jo.budget).deployment_label == f"Individual service fund with {jo.organisation.name}"


def test_another_providers_invoice_on_a_service_fund_waits_for_the_fund_holder_to_pay_it(market, make):
    jo = market()
    holder_of_fund, fund_person = make.provider(jo.council, name="Fund Holders Ltd")
    budgets.switch_deployment(jo.finance, jo.budget, "individual_service_fund", FROM, isf_provider=holder_of_fund)
    before = money(jo.budget)
    invoice = invoice_of(jo.order())
    assert (invoice.payer_kind, invoice.status, invoice.auto_approved) == ("isf_provider", "issued", False)
    assert money(jo.budget).spent == before.spent
    payments.approve(fund_person, invoice)
    payment = payments.pay(fund_person, fresh(invoice), "bacs", reference="FUND-1", paid_on=FROM)
    assert (payment.method, fresh(invoice).status) == ("bacs", "paid")


def test_a_service_fund_with_no_provider_named_is_paid_by_the_council(market):
    """Budgets set up before a fund had to name its holder: the council pays, nothing is settled internally."""
    jo = market()
    jo.budget.deployment_option = "individual_service_fund"  # as old data has it: no provider
    invoice = invoice_of(jo.order())
    assert (invoice.payer_kind, invoice.status) == ("council", "issued")
