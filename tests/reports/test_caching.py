"""Report figures are kept in the shared cache until something they read changes (issue 18), and the
reports can read a second database (REPORTS_DATABASE_URL, a read replica).

A Core UPDATE goes round the ORM, so it bumps nothing: it shows the figures really come from the cache.
A payment through the services bumps the payer's council and no other."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import event, text

from marketplace import clock
from marketplace.billing import payments
from marketplace.councils.models import Council
from marketplace.extensions import db
from marketplace.reports import demand, market, prices, reading, spend, underspend
from marketplace.reports.filters import Filters
from marketplace.reports.registry import REPORTS

from ..billing.support import build_market
from ..conftest import make_app

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)


def _paid(m, reference: str):
    invoice = m.invoice()
    payments.approve(m.holder_user, invoice)
    payments.pay(m.holder_user, invoice, "bacs", reference=reference, paid_on=clock.today())


def _spend(council) -> int:
    """The spend report's total for November 2026, as cached or computed."""
    with clock.frozen(NOW):
        found = {t.key: t for t in REPORTS["spend"].tables(Filters(council, date(2026, 11, 1), date(2026, 11, 30)))}
    return sum(row["spend"] for row in found["by_category"].rows)


def _bump_payments_behind_the_orms_back():
    db.session.execute(text("UPDATE ledger_entries SET amount_pence = amount_pence + 100 WHERE kind = 'payment'"))
    db.session.commit()


def test_figures_come_from_the_cache_until_a_change_the_report_reads(make):
    with clock.frozen(NOW):
        m = build_market()
        _paid(m, "BANK-1")
    first = _spend(m.council)
    _bump_payments_behind_the_orms_back()
    assert _spend(m.council) == first  # kept: nothing the ORM saw changed
    with clock.frozen(NOW):
        _paid(m, "BANK-2")  # a payment: ledger entries, invoice and order of this council
    assert _spend(m.council) == 2 * first + 100  # both payments, and the first one's change made behind the ORM's back


def test_a_change_in_another_council_leaves_a_councils_figures_cached(make):
    with clock.frozen(NOW):
        ours, theirs = build_market(), build_market(council="birchley")
        _paid(ours, "BANK-1")
    first = _spend(ours.council)
    _bump_payments_behind_the_orms_back()
    with clock.frozen(NOW):
        _paid(theirs, "BANK-2")
    assert _spend(ours.council) == first


def test_every_table_the_report_modules_read_is_watched():
    models = {value for module in (demand, market, prices, spend, underspend) for value in vars(module).values()
              if isinstance(value, type) and hasattr(value, "__table__")}
    assert {model.__table__.name for model in models} - reading.WATCHED == reading.UNWATCHED
    for table, parent in reading.PARENTS.items():  # a row without a council finds it through a parent that has one
        assert table in reading.WATCHED and parent


def test_reports_read_the_replica_when_one_is_set(database, tmp_path, make):
    with clock.frozen(NOW):
        m = build_market()
        _paid(m, "BANK-1")
    expected = _spend(m.council)
    node = make_app(database, tmp_path, REPORTS_DATABASE_URL=database.url, CACHE_ENABLED=False)
    with node.app_context():
        replica = reading.engine()
        assert replica.url.render_as_string(hide_password=False) == database.url
        assert replica is not db.engine
        council = db.session.get(Council, m.council.id)
        on_main, on_replica = [], []
        event.listen(db.engine, "before_cursor_execute", lambda *args: on_main.append(args[2]))
        event.listen(replica, "before_cursor_execute", lambda *args: on_replica.append(args[2]))
        assert _spend(council) == expected
        assert on_main == [] and any("ledger_entries" in sql for sql in on_replica)
        replica.dispose()
    readiness = node.test_client().get("/readyz")
    assert readiness.status_code == 200 and readiness.json["checks"]["reports_database"] == "ok"


def test_without_the_setting_reports_read_the_main_database(ctx):
    assert reading.engine() is None
