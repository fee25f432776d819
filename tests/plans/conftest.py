"""People, councils and budgets most plan and budget tests start from."""
from __future__ import annotations

import pytest

from marketplace.accounts import roles as R


@pytest.fixture
def aldermoor(make):
    """Coordinator up to £250 a week, team manager up to £415, the panel above; money earmarked per outcome."""
    return make.council("aldermoor")


@pytest.fixture
def birchley(make):
    """Coordinator below £300 a week, the panel from £300; plan money is one global sum."""
    return make.council("birchley")


@pytest.fixture
def coldwater(make):
    """A coordinator approves any amount, but every mental-health plan goes to the panel."""
    return make.council("coldwater")


@pytest.fixture
def coordinator(make, aldermoor):
    return make.user(R.CARE_COORDINATOR, aldermoor, email="cath@example.com", name="Cath Coordinator")


@pytest.fixture
def team_manager(make, aldermoor):
    return make.user(R.TEAM_MANAGER, aldermoor, email="tom@example.com", name="Tom Manager")


@pytest.fixture
def administrator(make, aldermoor):
    return make.user(R.ADMINISTRATOR, aldermoor, email="ada@example.com", name="Ada Admin")


@pytest.fixture
def holder(make, aldermoor):
    return make.holder(aldermoor, user=make.user(email="jo@example.com", name="Jo Holder"))


@pytest.fixture
def budget(make, holder):
    """Jo's plan year, 1 April 2026 to 31 March 2027, paid every four weeks."""
    return make.budget(holder)
