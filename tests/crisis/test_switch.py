"""Switching to a managed account in one step: the holder (or their representative) presses once, the
money moves to the agreed manager, and moves back after the agreed weeks (by ``flask crisis end-due``,
or when anyone opens the crisis page after the date), or when they stop it early."""
from __future__ import annotations

import re

import pytest

from marketplace.accounts.models import RoleGrant
from marketplace.budgets.models import DeploymentChange
from marketplace.crisis import service as crisis
from marketplace.crisis.models import CrisisRun
from marketplace.errors import DomainError
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.notifications.models import Notification

from ..helpers import Browser, page_text
from ..orders.support import fresh


def press_start(app, person, holder, action):
    """Open the confirmation page and press the one button, as a person would."""
    browser = Browser(app.test_client())
    browser.sign_in(person.email)
    url = f"/holders/{holder.id}/crisis/actions/{action.id}/start"
    page = browser.get(url)
    return browser, page, browser.submit(url, {"start_key": _key(page)}, form_url=url)


def _key(page) -> str:
    return re.search(r'name="start_key"[^>]*value="([0-9a-f]+)"', page.get_data(as_text=True)).group(1)


def changes(budget) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(c.from_option, c.to_option) for c in db.session.scalars(db.select(DeploymentChange).filter_by(budget_id=budget.id))]


def test_the_holder_starts_the_switch_in_one_step_after_reading_what_it_will_do(app, jo, holder, budget, switch, coordinator):
    _browser, page, response = press_start(app, jo, holder, switch)

    assert "This will:" in page_text(page) and "managed account with Stockport Brokerage" in page_text(page)
    assert "back to direct payment on 14 December 2026" in page_text(page)
    assert response.status_code == 302
    assert fresh(budget).deployment_option == "managed_account" and fresh(budget).budget_manager_name == "Stockport Brokerage"
    run = db.session.scalar(db.select(CrisisRun))
    assert run.is_running and str(run.ends_on) == "2026-12-14" and run.started_by_id == jo.id
    actions = {e.action for e in db.session.scalars(db.select(Event).filter_by(holder_id=holder.id))}
    assert {"crisis_run.running", "budget.deployment_switched"} <= actions
    told = db.session.scalars(db.select(Notification).filter_by(user_id=coordinator.id).order_by(Notification.id)).all()
    assert [n.title for n in told] == ["Jo Holder's crisis plan has started"]


def test_the_money_switches_back_after_the_agreed_weeks_when_the_daily_job_runs(app, jo, holder, budget, switch, frozen_clock):
    crisis.start(jo, switch, crisis.new_start_key())
    frozen_clock.advance(weeks=4, days=-1)
    assert app.test_cli_runner().invoke(args=["crisis", "end-due"]).output.strip() == "Ended 0 crisis actions."

    frozen_clock.advance(days=1)
    assert app.test_cli_runner().invoke(args=["crisis", "end-due"]).output.strip() == "Ended 1 crisis actions."
    assert app.test_cli_runner().invoke(args=["crisis", "end-due"]).output.strip() == "Ended 0 crisis actions."

    assert fresh(budget).deployment_option == "direct_payment"
    assert changes(budget) == [("direct_payment", "managed_account"), ("managed_account", "direct_payment")]
    assert db.session.scalar(db.select(CrisisRun)).status_label == "Ended"


def test_opening_the_crisis_page_after_the_date_switches_the_money_back(app, jo, holder, budget, switch, frozen_clock):
    crisis.start(jo, switch, crisis.new_start_key())
    frozen_clock.advance(weeks=5)
    browser = Browser(app.test_client())
    browser.sign_in(jo.email)

    page = page_text(browser.get(f"/holders/{holder.id}/crisis"))

    assert fresh(budget).deployment_option == "direct_payment"
    assert "Start this now" in page and "Running since" not in page


def test_stopping_early_switches_the_money_back_at_once(app, jo, holder, budget, switch):
    run = crisis.start(jo, switch, crisis.new_start_key())
    browser = Browser(app.test_client())
    browser.sign_in(jo.email)
    assert "Running since 16 November 2026 until 14 December 2026" in page_text(browser.get(f"/holders/{holder.id}/crisis"))

    browser.submit(f"/holders/{holder.id}/crisis/runs/{run.id}/stop", form_url=f"/holders/{holder.id}/crisis")

    assert fresh(budget).deployment_option == "direct_payment"
    assert fresh(run).status_label == "Stopped early"


def test_a_representative_who_may_only_order_starts_it_on_the_coordinators_agreement(app, representative, holder, budget,
                                                                                   switch, coordinator):
    _browser, _page, response = press_start(app, representative, holder, switch)

    assert response.status_code == 302 and fresh(budget).deployment_option == "managed_account"
    change = db.session.scalar(db.select(DeploymentChange))
    assert change.recorded_by_id == coordinator.id and "Ray Rep" in change.reason
    assert db.session.scalar(db.select(CrisisRun)).started_by_id == representative.id
    assert db.session.scalar(db.select(Notification).filter_by(user_id=holder.user_id)).title == "Jo Holder's crisis plan has started"


def test_pressing_twice_or_starting_again_while_running_switches_once(app, jo, holder, budget, switch):
    key = crisis.new_start_key()
    first = crisis.start(jo, switch, key)
    assert crisis.start(jo, switch, key).id == first.id
    assert crisis.start(jo, switch, crisis.new_start_key()).id == first.id

    assert changes(budget) == [("direct_payment", "managed_account")]
    assert db.session.scalar(db.select(db.func.count(CrisisRun.id))) == 1


def test_when_nobody_who_may_move_the_money_is_left_the_start_is_refused_and_nothing_moves(representative, holder, budget,
                                                                                         switch, coordinator):
    for grant in db.session.scalars(db.select(RoleGrant).filter_by(user_id=coordinator.id)):
        db.session.delete(grant)  # the coordinator who agreed it has left the council
    db.session.commit()

    with pytest.raises(DomainError, match="Your care coordinator needs to make this switch"):
        crisis.start(representative, switch, crisis.new_start_key())
    db.session.rollback()

    assert fresh(budget).deployment_option == "direct_payment"
    assert db.session.scalar(db.select(db.func.count(CrisisRun.id))) == 0
