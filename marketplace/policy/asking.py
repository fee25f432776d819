"""Rules for requests for support. The person asking is not known yet and reaches their request by its
private link (see marketplace/asking/service.py), so the policy speaks only for the council's side:
its casework staff triage the queue, and setting someone up is the rule for setting up a holder."""
from __future__ import annotations

from .base import _CASEWORK, _staff, rule


@rule("asking.triage")
def _asking_triage(user, council) -> bool:
    """The queue of requests sent to a council: its care coordinators, team managers and administrators."""
    return _staff(user, council.id, *_CASEWORK)


@rule("asking.handle")
def _asking_handle(user, support_request) -> bool:
    """Read a request and move its case on: the same staff, in the request's council; never a draft,
    which is the person's until they send it."""
    return not support_request.is_draft and _staff(user, support_request.council_id, *_CASEWORK)
