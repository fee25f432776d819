"""Factories for domain objects. Call inside an app context; each commits what it makes."""
from __future__ import annotations

import itertools
from datetime import date

from catalogue.models import Organisation, OrganisationApproval
from marketplace.accounts import service as accounts
from marketplace.councils.service import reference_council_rules, upsert_councils
from marketplace.extensions import db
from marketplace.holders.models import Delegation, Holder

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def council(slug: str = "aldermoor"):
    """One of the five reference councils, by slug."""
    rules = [r for r in reference_council_rules() if r["slug"] == slug]
    assert rules, slug
    (made,) = upsert_councils(rules)
    db.session.commit()
    return made


def user(role: str | None = None, council=None, organisation=None, *, email: str | None = None,
         name: str | None = None, password: str | None = PASSWORD):
    n = next(_seq)
    made = accounts.create_user(email or f"user{n}@example.com", name or f"User {n}", password=password)
    if role:
        accounts.grant_role(made, role, council, organisation)
    db.session.commit()
    return made


def holder(council, *, user=None, name: str | None = None, **fields):
    n = next(_seq)
    made = Holder(council_id=council.id, user=user, name=name or (user.name if user else f"Holder {n}"),
                  reference=f"T-{n:05d}", **fields)
    db.session.add(made)
    if user is not None:
        accounts.grant_role(user, "budget_holder", council)
    db.session.commit()
    return made


def delegation(holder, delegate, rights, *, kind="representative", recorded_by=None,
               starts_on: date = date(2020, 1, 1), ends_on: date | None = None):
    made = Delegation(holder=holder, delegate=delegate, kind=kind, rights=list(rights), starts_on=starts_on,
                      ends_on=ends_on, consent_recorded_by=recorded_by or delegate)
    db.session.add(made)
    db.session.commit()
    return made


def organisation(*, name: str | None = None, kind: str = "provider", approved_in=(), pending_in=()):
    made = Organisation(name=name or f"Organisation {next(_seq)}", kind=kind)
    db.session.add(made)
    db.session.flush()
    for c in approved_in:
        db.session.add(OrganisationApproval(organisation=made, council_id=c.id, status="approved"))
    for c in pending_in:
        db.session.add(OrganisationApproval(organisation=made, council_id=c.id, status="pending"))
    db.session.commit()
    return made
