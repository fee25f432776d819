"""The administrator's event log in plain words: every event name the code can record has a label; a
coordinator's approval reads as one (not "order.placed"); the log filters by kind, person and date, paged."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from marketplace.accounts import roles as R
from marketplace.budgets.models import ENTRY_KINDS
from marketplace.events import service as events
from marketplace.events.labels import KINDS, LABELS, label
from marketplace.extensions import db
from marketplace.states import machines

from .helpers import Browser, page_text

ROOT = Path(__file__).resolve().parent.parent
RECORDED = re.compile(r"""\brecord\(\s*["']([a-z_]+\.[a-z_]+)["']""")


def recorded_names() -> set[str]:
    """Every event name the code records: literal ``record("...")`` calls, every state a machine can
    move to (``<machine>.<state>``), and every ledger entry kind (``ledger.<kind>``)."""
    names = set()
    for package in ("marketplace", "catalogue"):
        for path in (ROOT / package).rglob("*.py"):
            names |= set(RECORDED.findall(path.read_text()))
    for machine in machines():
        names |= {f"{machine.name}.{state}" for state in machine.table}
    names |= {f"ledger.{kind}" for kind in ENTRY_KINDS}
    return names


def test_every_event_name_recorded_anywhere_has_a_plain_label(app):
    names = recorded_names()
    assert len(names) > 80  # the scan found the code's names (it finds 94 today)
    missing = sorted(names - set(LABELS))
    assert not missing, f"give these event names a label in marketplace/events/labels.py: {missing}"
    assert all(name.split(".")[0] in KINDS for name in names)
    assert all("." not in text and "_" not in text for text in LABELS.values())


def test_a_coordinators_approval_reads_as_an_approval_not_order_placed():
    assert label("order.placed", {"from": "awaiting_approval", "to": "placed"}) == "Order approved by the coordinator"
    assert label("order.placed", {"from": None, "to": "placed"}) == "Order placed with the provider"
    assert label("something.new", {}) == "something.new"  # never blank, even if a label is missing


@pytest.fixture
def log(make, app):
    """A council with an administrator, a coordinator and events on three days."""
    council = make.council()
    admin = make.user(R.ADMINISTRATOR, council, name="Ada Admin")
    coordinator = make.user(R.CARE_COORDINATOR, council, name="Cora Coordinator", email="cora@aldermoor.example")
    days = [datetime(2026, 11, d, 10, tzinfo=timezone.utc) for d in (2, 3, 4)]
    made = [events.record("order.placed", actor=coordinator, council_id=council.id, object_type="orders", object_id=7,
                          **{"from": "awaiting_approval", "to": "placed"}),
            events.record("invoice.paid", actor=admin, council_id=council.id, object_type="invoices", object_id=3),
            events.record("order.accepted", actor=None, council_id=council.id, object_type="orders", object_id=7)]
    for event, day in zip(made, days):
        event.occurred_at = day
    db.session.commit()
    browser = Browser(app.test_client())
    browser.sign_in(admin.email)
    return browser, council


def rows_of(response) -> str:
    text = page_text(response)
    return text[text.index("What happened"):]


def test_the_log_shows_labels_not_raw_names(log):
    browser, _ = log
    page = rows_of(browser.get("/admin/events"))
    assert "Order approved by the coordinator" in page and "Invoice paid" in page and "Order accepted by the provider" in page
    assert "order.placed" not in page and "invoice.paid" not in page


def test_the_log_filters_by_kind_person_and_date(log):
    browser, _ = log
    by_kind = rows_of(browser.get("/admin/events?kind=invoice"))
    assert "Invoice paid" in by_kind and "Order approved" not in by_kind and "Order accepted" not in by_kind
    by_person = rows_of(browser.get("/admin/events?person=cora%40aldermoor"))
    assert "Order approved by the coordinator" in by_person and "Invoice paid" not in by_person
    by_date = rows_of(browser.get("/admin/events?since=3&since=11&since=2026&until=3&until=11&until=2026"))
    assert "Invoice paid" in by_date and "Order approved" not in by_date and "Order accepted" not in by_date
    assert "1 event match the filters" in page_text(browser.get("/admin/events?kind=invoice"))


@pytest.mark.parametrize("query", ["kind=nonsense", "person=" + "x" * 500, "since=99&since=99&since=99999",
                                   "since=1", "page=-4", "page=abc", "kind=%00"])
def test_bad_filters_never_break_the_page(log, query):
    browser, _ = log
    response = browser.get("/admin/events?" + query)
    assert response.status_code == 200


def test_the_log_is_paged_and_the_next_page_keeps_the_filters(log):
    browser, council = log
    for n in range(60):
        events.record("invoice.paid", council_id=council.id, object_type="invoices", object_id=n)
    db.session.commit()
    first = browser.get("/admin/events?kind=invoice").get_data(as_text=True)
    assert "page 1 of 2" in page_text(browser.get("/admin/events?kind=invoice"))
    assert "kind=invoice&amp;page=2" in first
    second = page_text(browser.get("/admin/events?kind=invoice&page=2"))
    assert "page 2 of 2" in second and "Order" not in second[second.index("What happened"):]
