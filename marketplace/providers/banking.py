"""Where an organisation is paid: its bank details. Sort codes and account numbers are checked for their
shape (6 and 8 digits; spaces and dashes are fine) but not against the banks' modulus rules, which need
Vocalink's weekly table: a wrong number is caught by the bank (and by Confirmation of Payee), not here.

Changing where money goes is how invoice fraud works, so every change is recorded as an event (who,
when, the last four digits before and after) and told to the organisation's other admins."""
from __future__ import annotations

import re

from .. import clock
from ..accounts.models import RoleGrant
from ..errors import DomainError, NotAllowed
from ..events import service as events
from ..extensions import db
from ..notifications.service import notify
from ..policy import can
from .models import BankDetails, Organisation

ACCOUNT_NAME_MAX = 70
_SEPARATORS = re.compile(r"[\s\-–]")


def clean_sort_code(value: str | None) -> str:
    """'20-00-00', '20 00 00' or '200000' -> '200000'. Raises DomainError otherwise."""
    digits = _SEPARATORS.sub("", value or "")
    if not digits:
        raise DomainError("Enter the sort code")
    if not re.fullmatch(r"[0-9]{6}", digits):
        raise DomainError("Enter a sort code of 6 digits, like 20-00-00")
    return digits


def clean_account_number(value: str | None) -> str:
    """'1234 5678' -> '12345678'. Raises DomainError unless it is 8 digits."""
    digits = _SEPARATORS.sub("", value or "")
    if not digits:
        raise DomainError("Enter the account number")
    if not re.fullmatch(r"[0-9]{8}", digits):
        raise DomainError("Enter an account number of 8 digits, like 12345678")
    return digits


def clean_account_name(value: str | None) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise DomainError("Enter the name on the account")
    if len(name) > ACCOUNT_NAME_MAX:
        raise DomainError(f"The name on the account must be {ACCOUNT_NAME_MAX} characters or fewer")
    return name


def set_bank_details(actor, organisation: Organisation, *, account_name: str, sort_code: str,
                     account_number: str) -> BankDetails:
    """An organisation's admin adds or changes where it is paid. Raises NotAllowed or DomainError."""
    if not can(actor, "organisation.manage", organisation):
        raise NotAllowed("Only this organisation's admins can change its bank details.")
    name, code, number = clean_account_name(account_name), clean_sort_code(sort_code), clean_account_number(account_number)
    details = organisation.bank_details
    before = details.masked if details is not None else None
    stamp = clock.now()
    if details is None:
        details = BankDetails(organisation=organisation, created_at=stamp)
        db.session.add(details)
    elif (details.account_name, details.sort_code, details.account_number) == (name, code, number):
        return details  # nothing changed: nothing to record or tell
    details.account_name, details.sort_code, details.account_number = name, code, number
    details.updated_by_id = actor.id
    details.updated_at = stamp
    for council_id in sorted({a.council_id for a in organisation.approvals}) or [None]:  # each council's log shows it
        events.record("organisation.bank_details_changed", actor=actor, obj=organisation, council_id=council_id,
                      before=before, after=details.masked)
    what = f"from {before} to {details.masked}" if before else f"to {details.masked}"
    for admin in admins_of(organisation):
        if admin.id != actor.id:
            notify(admin, f"Bank details changed: {organisation.name}",
                   f"{actor.name} changed where {organisation.name} is paid, {what}. If you did not expect this, "
                   "change them back and tell the council straight away: changed bank details are a common fraud.",
                   "/provider/organisations/%d/bank-details" % organisation.id)
    db.session.commit()
    return details


def admins_of(organisation: Organisation) -> list:
    """Everyone the policy lets manage ``organisation``: the people told when its bank details change."""
    grants = db.session.scalars(db.select(RoleGrant).filter_by(organisation_id=organisation.id)).all()
    people = {g.user_id: g.user for g in grants}
    return [user for _id, user in sorted(people.items()) if can(user, "organisation.manage", organisation)]
