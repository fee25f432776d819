"""Issuing October's statements: what they say, who is told, who may see them, their PDF and CSV, and
what a second run and a later correction do."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from reportlab import rl_config

from marketplace.accounts import roles as R
from marketplace.budgets import ledger
from marketplace.budgets.models import LedgerEntry
from marketplace.extensions import db
from marketplace.mail import OutgoingEmail
from marketplace.notifications.models import Notification
from marketplace.statements import service
from marketplace.statements.models import Statement

from ..billing.support import OUTCOME, read

OCT = date(2026, 10, 1)


def october(jo) -> Statement:
    service.generate_month(OCT)
    return db.session.scalar(db.select(Statement).filter_by(holder_id=jo.holder.id, month=OCT))


def test_octobers_statement_says_what_came_in_what_went_out_and_what_is_left(jo):
    statement = october(jo)
    assert (statement.opening_pence, statement.funding_pence, statement.paid_pence, statement.closing_pence,
            statement.committed_pence, statement.available_pence) == (0, 100000, 4000, 96000, 0, 96000)
    lines = [(l.section, l.label, l.provider, l.category, l.outcome, l.amount_pence) for l in statement.lines]
    assert lines == [("in", "Council funding", None, None, OUTCOME, 100000),
                     ("out", f"Paid to {jo.organisation.name}", jo.organisation.name, "Support in social activities", OUTCOME, -4000)]
    assert [(p.label, p.opening_pence, p.money_in_pence, p.money_out_pence, p.closing_pence) for p in statement.pots] == [
        (OUTCOME, 0, 100000, 4000, 96000)]


def test_the_holder_and_their_representative_are_told_in_the_product_and_by_email(jo):
    statement = october(jo)
    notes = db.session.scalars(db.select(Notification).where(Notification.link == f"/statements/{statement.id}")
                               .order_by(Notification.user_id)).all()
    assert {(n.user_id, n.title) for n in notes} == {
        (jo.holder_user.id, "Your statement for October 2026 is ready"),
        (jo.rae.id, f"{jo.holder.name}'s statement for October 2026 is ready")}
    assert notes[0].body == "Money in £1,000.00, money out £40.00, £960.00 held at the end of the month."
    emails = db.session.scalars(db.select(OutgoingEmail.to_address).where(OutgoingEmail.subject.like("%statement for October%"))).all()
    assert sorted(emails) == sorted([jo.holder_user.email, jo.rae.email])


def test_generating_the_month_again_changes_nothing_and_tells_nobody_again(jo):
    first = service.generate_month(OCT)
    statement = db.session.scalar(db.select(Statement).filter_by(holder_id=jo.holder.id))
    before = (statement.id, statement.issued_at, [(l.id, l.amount_pence) for l in statement.lines])
    notes = db.session.scalar(db.select(db.func.count(Notification.id)))
    second = service.generate_month(OCT)
    db.session.expire_all()
    assert (first.issued, first.already, second.issued, second.already) == (1, 0, 0, 1)
    statement = db.session.scalar(db.select(Statement).filter_by(holder_id=jo.holder.id))
    assert (statement.id, statement.issued_at, [(l.id, l.amount_pence) for l in statement.lines]) == before
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == notes
    assert db.session.scalar(db.select(db.func.count(Statement.id))) == 1


def test_a_correction_dated_in_an_issued_month_shows_on_the_next_statement_and_never_changes_the_issued_one(jo, frozen):
    statement = october(jo)
    issued = (statement.closing_pence, [(l.label, l.amount_pence) for l in statement.lines])
    # Recorded on 2 November, for money the council paid on 20 October.
    ledger.receive(jo.budget, "funding", 5000, pot=jo.outcome.key, effective_on=date(2026, 10, 20),
                   memo="Missed payment", idempotency_key="late-october")
    db.session.commit()
    frozen.advance(days=30)
    service.generate_month(date(2026, 11, 1))
    db.session.expire_all()
    again = db.session.get(Statement, statement.id)
    assert (again.closing_pence, [(l.label, l.amount_pence) for l in again.lines]) == issued
    november = db.session.scalar(db.select(Statement).filter_by(holder_id=jo.holder.id, month=date(2026, 11, 1)))
    assert (november.opening_pence, november.late_pence, november.closing_pence) == (96000, 5000, 101000)
    assert [(l.section, l.label, l.dated_on, l.amount_pence) for l in november.lines] == [
        ("earlier", "Council funding", date(2026, 10, 20), 5000)]


def test_a_councils_statements_add_up_to_its_ledger_for_the_month(jo, make, frozen):
    other = make.holder(jo.council)
    budget = make.budget(other, set_up_by=jo.finance)
    frozen.moment = frozen.moment.replace(month=10, day=20)
    ledger.receive(budget, "funding", 30000)
    ledger.receive(budget, "contribution", 2500)
    ledger.external_spend(budget, 1200, outcome_key=None, memo="Swimming")
    db.session.commit()
    frozen.moment = frozen.moment.replace(month=11, day=2)
    service.generate_month(OCT)
    totals = service.council_totals(jo.council, OCT)
    by_kind = dict(db.session.execute(db.select(LedgerEntry.kind, db.func.sum(LedgerEntry.amount_pence)).where(
        LedgerEntry.council_id == jo.council.id, LedgerEntry.effective_on.between(OCT, date(2026, 10, 31)))
        .group_by(LedgerEntry.kind)).all())
    assert (totals["funding_pence"], totals["contribution_pence"], totals["paid_pence"], totals["external_spend_pence"]) == (
        by_kind["funding"], by_kind["contribution"], by_kind["payment"], by_kind["external_spend"]) == (130000, 2500, 4000, 1200)
    assert totals["closing_pence"] == totals["opening_pence"] + totals["money_in_pence"] - totals["money_out_pence"] == 127300
    statements = db.session.scalars(db.select(Statement).filter_by(council_id=jo.council.id, month=OCT)).all()
    assert len(statements) == 2 and sum(s.closing_pence for s in statements) == totals["closing_pence"]
    swim = [l for s in statements for l in s.lines if l.kind == "external_spend"]
    assert [(l.label, l.amount_pence) for l in swim] == [("Spent outside the marketplace: Swimming", -1200)]


def test_the_page_shows_the_figures_and_the_csv_totals_equal_the_pages(jo, signed_in):
    statement = october(jo)
    browser = signed_in(jo.holder_user)
    page = browser.get(f"/statements/{statement.id}")
    text = read(page)
    assert "Statement for October 2026" in text
    assert "At the end of October 2026 there was £960.00 in the budget." in text
    html = page.get_data(as_text=True)
    shown = {key: re.search(rf'data-total="{key}">([^<]+)<', html).group(1) for key in ("in", "out")}
    assert shown == {"in": "£1,000.00", "out": "£40.00"}
    response = browser.get(f"/statements/{statement.id}.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="statement-{jo.holder.reference}-2026-10.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    totals = {row[1]: row[6:] for row in rows if row[0] == "Totals"}
    assert f"£{totals['Total money in'][0][:-3]}" == "£1000" and shown["in"] == "£1,000.00"
    assert (totals["Total money in"][0], totals["Total money out"][1]) == ("1000.00", "40.00")
    assert totals["Money held at the end of the month"][2] == "960.00"
    assert [r[6] or "-" + r[7] for r in rows[1:] if r[0] in ("Money in", "Money out")] == ["1000.00", "-40.00"]


def pdf_strings(data: bytes) -> str:
    """The text drawn in an uncompressed ReportLab PDF (its strings, with £ decoded)."""
    found = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", data) + re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*'", data)
    return " ".join(s.replace(b"\\243", "£".encode()).decode("latin-1").replace("Â£", "£") for s in found)


def test_the_pdf_opens_and_shows_the_closing_balance(jo, signed_in, monkeypatch):
    monkeypatch.setattr(rl_config, "pageCompression", 0)
    statement = october(jo)
    response = signed_in(jo.rae).get(f"/statements/{statement.id}.pdf")
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    data = response.get_data()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = pdf_strings(data)
    assert "Statement for October 2026" in text
    assert "Money held at the end of the month" in text and "£960.00" in text


def test_names_in_the_pdf_are_printed_as_typed_not_obeyed(jo, signed_in, monkeypatch):
    monkeypatch.setattr(rl_config, "pageCompression", 0)
    jo.holder.name = 'Jo <img src="/etc/passwd"/>'
    db.session.commit()
    statement = october(jo)
    response = signed_in(jo.holder_user).get(f"/statements/{statement.id}.pdf")
    data = response.get_data()
    assert response.status_code == 200 and 'img src="/etc/passwd"' in pdf_strings(data) and b"/Subtype /Image" not in data


def test_only_people_who_may_see_the_account_see_its_statements(jo, make, signed_in):
    statement = october(jo)
    stranger = make.user(R.HOLDER, jo.council)
    other_council = make.user(R.FINANCE_OFFICER, make.council("birchley"))
    for person, status in ((jo.holder_user, 200), (jo.rae, 200), (jo.finance, 200), (stranger, 403), (other_council, 403),
                           (jo.provider_user, 403)):
        browser = signed_in(person)
        for url in (f"/statements/{statement.id}", f"/statements/{statement.id}.pdf", f"/statements/{statement.id}.csv",
                    f"/holders/{jo.holder.id}/statements"):
            assert browser.get(url).status_code == status, (person.name, url)
    assert signed_in(jo.holder_user).get("/statements/999999").status_code == 404


def test_the_holders_list_links_each_month_from_the_money_page(jo, signed_in):
    statement = october(jo)
    browser = signed_in(jo.holder_user)
    assert f'href="/holders/{jo.holder.id}/statements"' in browser.get(f"/holders/{jo.holder.id}/money").get_data(as_text=True)
    page = browser.get(f"/holders/{jo.holder.id}/statements")
    assert "October 2026: £960.00 held at the end of the month" in read(page).replace(" :", ":")
    assert f'href="/statements/{statement.id}"' in page.get_data(as_text=True)


def test_a_broker_sees_everyone_they_look_after_and_the_figures_added_up(jo, make, signed_in, frozen):
    broker = make.user(R.BROKER, jo.council, name="Bo Broker")
    make.delegation(jo.holder, broker, ["view"], kind="broker")
    sam = make.holder(jo.council, name="Sam Sample")
    make.delegation(sam, broker, ["view", "order"], kind="broker")
    frozen.moment = frozen.moment.replace(month=10, day=20)
    ledger.receive(make.budget(sam, set_up_by=jo.finance), "funding", 50000)
    db.session.commit()
    frozen.moment = frozen.moment.replace(month=11, day=2)
    october(jo)
    text = read(signed_in(broker).get("/statements"))
    assert "October 2026: 2 statements." in text
    assert f"{jo.holder.name} £0.00 £1,000.00 £40.00 £960.00 £0.00" in text
    assert "Sam Sample £0.00 £500.00 £0.00 £500.00 £0.00" in text
    assert "Everyone £0.00 £1,500.00 £40.00 £1,460.00 £0.00" in text
    assert signed_in(broker).get("/statements?month=nonsense").status_code == 404
    assert signed_in(jo.holder_user).get("/statements").status_code == 403


def test_the_underspend_sentence_is_kept_on_the_statement_when_the_rule_gives_one(jo, signed_in, monkeypatch):
    class Position:
        sentence = "You have £820 more than your plan expected by now, so nothing needs to happen."
    seen = []
    monkeypatch.setattr(service, "_position_function", lambda: lambda budget, on: seen.append(on) or Position())
    statement = october(jo)
    assert seen == [date(2026, 10, 31)]
    assert statement.underspend_sentence == Position.sentence
    assert Position.sentence in read(signed_in(jo.holder_user).get(f"/statements/{statement.id}"))


def test_the_command_issues_the_month_once_and_refuses_months_not_over(jo, app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["statements", "generate", "--month", "2026-10", "--council", "aldermoor"])
    assert first.exit_code == 0, first.output
    assert "Issued 1 statements for October 2026; 0 were already issued." in first.output
    second = runner.invoke(args=["statements", "generate", "--month", "2026-10"])
    assert "Issued 0 statements for October 2026; 1 were already issued." in second.output
    for bad, says in ((["--month", "2026-13"], "is not a month"), (["--month", "2026-11"], "has not ended yet"),
                      (["--month", "2026-10", "--council", "nowhere"], "No council has the slug")):
        result = runner.invoke(args=["statements", "generate", *bad])
        assert result.exit_code != 0 and says in result.output, result.output


@pytest.mark.parametrize("text", ["2026-10", " 2026-1 "])
def test_months_are_read_as_year_and_month(text):
    assert service.parse_month(text).month in (1, 10)
