"""The small market most ordering tests start from.

Jo Holder, in Aldermoor (money earmarked per outcome; a coordinator may let orders through up to
£250 a week), has an approved plan for 1 April 2026 to 31 March 2027 with £1,000 received for
"Getting out and about" (support workers and sport foreseen) and £500 for "Keeping my home clean".
Out and About Ltd sells support-worker sessions at £40 (48 hours' notice, 50% charged inside it);
Community Buddies sells cheaper ones at £25. The clock is frozen on Monday 16 November 2026, 9am.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from marketplace import clock
from marketplace.accounts import roles as R

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)  # a Monday; London is on GMT
OUT_AND_ABOUT = "Getting out and about"
HOME = "Keeping my home clean"
OUTCOMES = [(OUT_AND_ABOUT, ["community"], 100000, ["social-support", "sports"]),
            (HOME, ["habitable_home"], 50000, ["domestic-help"])]


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture
def aldermoor(make):
    return make.council("aldermoor")


@pytest.fixture
def coordinator(make, aldermoor):
    return make.user(R.CARE_COORDINATOR, aldermoor, email="cath@example.com", name="Cath Coordinator")


@pytest.fixture
def jo(make):
    return make.user(email="jo@example.com", name="Jo Holder")


@pytest.fixture
def holder(make, aldermoor, jo, coordinator):
    return make.holder(aldermoor, user=jo, named_contact_id=coordinator.id)


@pytest.fixture
def budget(make, holder):
    return make.budget(holder)


@pytest.fixture
def plan(make, holder, budget, coordinator):
    """Approved (written straight to the database: tests/plans covers approving) and funded."""
    return make.plan_for_ordering(holder, budget, OUTCOMES, by=coordinator, through_service=False)


@pytest.fixture
def outing(plan):
    """The "Getting out and about" outcome: £1,000 in its pot."""
    return next(o for o in plan.outcomes if o.own_words == OUT_AND_ABOUT)


@pytest.fixture
def home(plan):
    return next(o for o in plan.outcomes if o.own_words == HOME)


@pytest.fixture
def provider(make, aldermoor):
    """Out and About Ltd and Pat, who runs it: (organisation, user)."""
    return make.provider(aldermoor, name="Out and About Ltd", user_email="pat@example.com")


@pytest.fixture
def pat(provider):
    return provider[1]


@pytest.fixture
def sessions(make, provider):
    """£40 a session; 48 hours' notice, half the price charged when cancelled inside it."""
    return make.orderable(provider[0], title="Support worker for days out", price_pence=4000, category="social-support",
                          notice_hours=48, cancellation_charge_percent=50)


@pytest.fixture
def cheaper(make, aldermoor):
    organisation, _ = make.provider(aldermoor, name="Community Buddies", user_email="bea@example.com")
    return make.orderable(organisation, title="Buddy outings", price_pence=2500, category="social-support")


@pytest.fixture
def gardening(make, provider):
    """Something the plan does not foresee for either outcome."""
    return make.orderable(provider[0], title="Garden tidy-up", price_pence=2000, category="gardening", price_unit="hour")


@pytest.fixture
def broker(make, aldermoor, holder):
    """Bob, a broker with "order" rights for Jo."""
    person = make.user(R.BROKER, aldermoor, email="bob@example.com", name="Bob Broker")
    make.delegation(holder, person, ["order"], kind="broker")
    return person
