"""Underspend across the council, against figures worked out by hand (see tests/underspend/test_rules.py for
the rule). Aldermoor, 23 June 2026: nine holders on £8,008 a year, each paid three times £616 (£1,848), so
ten weeks of payments (£1,540) is the most they may keep.

    holder  area  held as      spent      held        above £1,540   then decided          held after  above after
    A       SK1   direct       £148       £1,700      £160           approved, £160        £1,540      £0
    B       SK1   direct       £48        £1,800      £260           approved, £260        £1,540      £0
    C       SK1   direct       £0         £1,848      £308           approved, £308        £1,540      £0
    D       SK1   direct       £8         £1,840      £300           changed to £200       £1,640      £100
    E       SK3   direct       £98        £1,750      £210           rejected              £1,750      £210
    H       SK1   direct       £28        £1,820      £280           approved, £280        £1,540      £0
    I       SK1   direct       £38        £1,810      £270           approved, £270        £1,540      £0
    F       SK2   direct       £1,022.94  £825.06     £0             -                     £825.06     £0
    G       SK2   managed      £1,682.94  £165.06     £0             -                     £165.06     £0

The check proposes £1,788 from 7 holders; £1,478 is decided (5 approved, £1,278; D changed to £200). What
is left above the rule now: D £100 and E £210, £310 from 2 holders. Held now: 5 x £1,540 + £1,640 + £1,750
+ £825.06 + £165.06 = £12,080.12. A tenth holder has money but no approved plan, so is not measured.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.extensions import db
from marketplace.reports.filters import Filters
from marketplace.reports.privacy import FEWER
from marketplace.reports.registry import REPORTS
from marketplace.underspend.decisions import decide
from marketplace.underspend.models import ClawbackProposal
from marketplace.underspend.service import check

from .. import factories
from ..helpers import Browser, page_text
from ..underspend.support import START, Case, case, four_weekly

NOW = datetime(2026, 6, 23, 11, 0, tzinfo=timezone.utc)
JUNE = (date(2026, 6, 1), date(2026, 6, 30))
YEARLY = 800_800
# name, area, deployment, spent, decision (and a changed amount)
HOLDERS = [("A", "SK1", "direct_payment", 14_800, ("approve", None)), ("B", "SK1", "direct_payment", 4_800, ("approve", None)),
           ("C", "SK1", "direct_payment", 0, ("approve", None)), ("D", "SK1", "direct_payment", 800, ("change", 20_000)),
           ("E", "SK3", "direct_payment", 9_800, ("reject", None)), ("H", "SK1", "direct_payment", 2_800, ("approve", None)),
           ("I", "SK1", "direct_payment", 3_800, ("approve", None)), ("F", "SK2", "direct_payment", 102_294, None),
           ("G", "SK2", "managed_account", 168_294, None)]


def another(first: Case, name: str, area: str, deployment: str) -> Case:
    """A holder like ``case``'s, in the same council, with the same staff."""
    person, holder = factories.holder_account(first.council, name=name, postcode_district=area)
    budget = factories.budget(holder, starts_on=START, deployment=deployment, set_up_by=first.finance)
    plan = factories.plan_for_ordering(holder, budget, [("Get out and meet people", ("community",), YEARLY, ("other",))],
                                       fund=False, through_service=False)
    return Case(first.council, person, holder, budget, plan.outcomes[0].key, first.broker, first.finance, first.coordinator)


@pytest.fixture
def nine(make):
    with clock.frozen(NOW):
        first = case("aldermoor", YEARLY)
        first.holder.name, first.holder.postcode_district = "Holder A", "SK1"
        db.session.commit()
        cases = [first] + [another(first, f"Holder {name}", area, deployment) for name, area, deployment, *_ in HOLDERS[1:]]
        for c, (_name, _area, _deployment, spent, _decision) in zip(cases, HOLDERS):
            c.receive(*four_weekly(3), amount=61_600)
            if spent:
                c.spend(spent)
        _person, unplanned = factories.holder_account(first.council, name="Holder J", postcode_district="SK2")
        factories.fund_budget(factories.budget(unplanned, starts_on=START, set_up_by=first.finance), 184_800)
        assert check(date(2026, 6, 23), first.council).proposed == 7
        for c, (*_rest, decision) in zip(cases, HOLDERS):
            if decision:
                proposal = db.session.scalar(db.select(ClawbackProposal).filter_by(budget_id=c.budget.id))
                decide(first.finance, proposal, decision[0], reason="Decided for the test.", amount_pence=decision[1])
        yield cases


def tables(council, start=JUNE[0], end=JUNE[1], **filters) -> dict:
    with clock.frozen(NOW):
        return {t.key: t for t in REPORTS["underspend"].tables(Filters(council, start, end, **filters))}


def cells(table, rows=None) -> list[list[str]]:
    return [[table.shown(row, c) for c in table.columns] for row in (table.rows if rows is None else rows)]


def test_money_held_and_above_the_rule(nine):
    t = tables(nine[0].council)
    assert t["summary"].title == "Money held on 23 June 2026"
    assert cells(t["summary"]) == [["Holders measured", "9", "£12,080.12"], ["Holders above their council's rule", FEWER, FEWER]]
    assert t["summary"].rows[1]["amount"] == 31_000  # D's £100 and E's £210
    # Both holders above the rule are under £250: a total about fewer than 5 hides the whole table.
    assert [(r["label"], r["holders"], r["amount"]) for r in t["bands"].rows][:2] == [("Under £250", 2, 31_000), ("£250 to £999", 0, 0)]
    assert all(row[1:] == [FEWER, FEWER] for row in cells(t["bands"]))
    assert cells(t["bands"], [t["bands"].total]) == [["All above the rule", FEWER, FEWER]]


def test_above_the_rule_by_area_and_deployment_hide_everything_about_two_holders(nine):
    t = tables(nine[0].council)
    by_area = t["above_by_area"]
    assert [(r["label"], r["holders"], r["amount"]) for r in by_area.rows] == [("SK1", 1, 10_000), ("SK2", 0, 0), ("SK3", 1, 21_000)]
    # The total describes 2 holders, so the whole table is hidden, its rows of nobody too.
    assert cells(by_area, by_area.rows + [by_area.total]) == [["SK1", FEWER, FEWER], ["SK2", FEWER, FEWER], ["SK3", FEWER, FEWER],
                                                              ["All", FEWER, FEWER]]
    assert cells(t["above_by_deployment"]) == [["Direct payment", FEWER, FEWER], ["Managed account", FEWER, FEWER]]


def test_clawbacks_proposed_and_decided_by_status(nine):
    t = tables(nine[0].council)
    assert cells(t["proposed"]) == [["Waiting for a decision", "0", "0", "£0.00"], ["Approved", "5", "5", "£1,278.00"],
                                    ["Approved with a changed amount", FEWER, FEWER, FEWER],
                                    ["Not taken back", FEWER, FEWER, FEWER]]
    assert cells(t["proposed"], [t["proposed"].total]) == [["All", "7", "7", "£1,788.00"]]
    assert cells(t["decided"]) == cells(t["proposed"])[1:]
    # D's changed £200 is 1 holder: hidden, and the approved £1,278 with it, or £1,478 - £1,278 would give it away.
    taken = t["taken_by_decision"]
    assert [(r["label"], r["holders"], r["amount"]) for r in taken.rows] == [("Approved", 5, 127_800),
                                                                             ("Approved with a changed amount", 1, 20_000)]
    assert cells(taken, taken.rows + [taken.total]) == [["Approved", FEWER, FEWER], ["Approved with a changed amount", FEWER, FEWER],
                                                        ["All", "6", "£1,478.00"]]
    # Nothing was proposed or decided in May.
    may = tables(nine[0].council, date(2026, 5, 1), date(2026, 5, 31))
    assert cells(may["proposed"], [may["proposed"].total]) == [["All", "0", "0", "£0.00"]]


def test_clawbacks_by_area_and_deployment(nine):
    t = tables(nine[0].council)
    # SK3 (E, 1 holder) is hidden, so SK1 (6) is too, or £1,788 - SK1 would give E's £210 away.
    assert cells(t["proposed_by_area"]) == [["SK1", FEWER, FEWER], ["SK3", FEWER, FEWER]]
    assert cells(t["proposed_by_area"], [t["proposed_by_area"].total]) == [["All", "7", "£1,788.00"]]
    assert cells(t["taken_by_area"]) == [["SK1", "6", "£1,478.00"]]
    assert cells(t["proposed_by_deployment"]) == [["Direct payment", "7", "£1,788.00"]]
    assert cells(t["taken_by_deployment"]) == [["Direct payment", "6", "£1,478.00"]]
    sk1 = tables(nine[0].council, area="SK1")
    assert cells(sk1["summary"])[0] == ["Holders measured", "6", "£9,340.00"]  # A, B, C, H, I at £1,540 and D at £1,640


def test_a_commissioner_reads_the_report_and_its_csv_and_a_holder_cannot(nine, app):
    council = nine[0].council
    commissioner = factories.user(R.COMMISSIONER, council, name="Chris Commissioner")
    browser = Browser(app.test_client())
    browser.sign_in(commissioner.email)
    with clock.frozen(NOW):
        response = browser.get("/council/reports/underspend?from=2026-06&to=2026-06")
        csv = browser.get("/council/reports/underspend.csv?from=2026-06&to=2026-06").get_data(as_text=True)
    page = page_text(response)
    assert response.status_code == 200
    assert "£12,080.12" in page and "£1,788.00" in page and "£1,478.00" in page and FEWER in page
    assert "Holders measured,9,\"£12,080.12\"" in csv
    assert "Approved,5,5,\"£1,278.00\"" in csv and "All,6,\"£1,478.00\"" in csv
    assert "Not taken back,fewer than 5,fewer than 5,fewer than 5" in csv
    for text in (page, csv):
        assert all(f"Holder {name}" not in text for name in "ABCDEFGHIJ")
    holder = Browser(app.test_client())
    holder.sign_in(nine[0].holder_user.email)
    assert holder.get("/council/reports/underspend").status_code == 403
