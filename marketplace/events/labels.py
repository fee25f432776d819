"""Every event name in plain words, for the event log. tests/test_event_labels.py checks that every name
the code records (``events.record("...")``, each state machine's states, each ledger entry kind) is here.

A state machine's event is ``<machine>.<state it moved to>``; where the same move means something else
depending on where it came from (an order "placed" out of "awaiting_approval" is a coordinator's
approval), ``BY_PREVIOUS`` says so."""
from __future__ import annotations

# Kinds of event, for the log's filter: the part of the name before the dot.
KINDS = {
    "account": "Accounts and signing in",
    "delegation": "Who can act for someone",
    "holder": "Budget holders",
    "plan": "Support plans",
    "plan_review": "Plan reviews",
    "budget": "Budgets",
    "ledger": "Money in budgets",
    "organisation": "Organisations",
    "listing": "Listings",
    "review": "Buyers' reviews",
    "support_request": "Requests for support",
    "life_event": "Life events (hospital, moving, death)",
    "need": "Posted needs",
    "need_reply": "Replies to posted needs",
    "crisis": "Crisis plans agreed",
    "crisis_run": "Crisis plans started",
    "community": "Community activities",
    "price": "Agreed prices",
    "enquiry": "Questions to providers",
    "order": "Orders",
    "occurrence": "Deliveries",
    "amendment": "Changes to orders",
    "invoice": "Invoices",
    "dispute": "Disputes",
    "payment": "Payments",
    "payment_run": "Payment runs",
    "clawback": "Underspend and clawback",
    "job": "Jobs (statements, reindexing, imports)",
}

LABELS = {
    # accounts
    "account.signed_in": "Signed in",
    "account.reset_requested": "Asked to reset a password",
    "account.password_reset": "Reset a password",
    "account.password_changed": "Changed a password",
    "account.invited": "Invited someone to an account",
    "account.invitation_accepted": "Accepted an invitation",
    "account.details_changed": "Changed account details",
    "delegation.granted": "Gave someone the right to act for them",
    "delegation.revoked": "Ended someone's right to act for them",
    # holders, plans and money
    "holder.created": "Budget holder set up",
    "holder.record_changed": "Budget holder's details changed",
    "holder.about_me_shared": "Shared their 'about me' with a provider for an order",
    "holder.about_me_withdrawn": "Stopped sharing their 'about me' with a provider",
    "plan.draft": "Support plan started",
    "plan.submitted": "Support plan sent for a decision",
    "plan.approved": "Support plan approved",
    "plan.changes_requested": "Changes asked for in a support plan",
    "plan.referred_to_panel": "Support plan sent to the panel",
    "plan.refused": "Support plan refused",
    "plan.superseded": "Support plan replaced by a newer one",
    "plan.edited": "Support plan changed",
    "plan.outcome_added": "Outcome added to a support plan",
    "plan.outcome_removed": "Outcome removed from a support plan",
    "plan_review.waiting": "Review of a plan asked for",
    "plan_review.answered": "Review of a plan answered",
    "budget.created": "Budget set up",
    "budget.deployment_switched": "Changed how the budget is managed",
    "budget.clawback": "Unspent money returned to the council",
    "budget.payment_held_back": "Part of a payment held back",
    "clawback.proposed": "Underspend proposed for a finance decision",
    "clawback.approved": "Clawback approved",
    "clawback.changed": "Clawback approved with a changed amount",
    "clawback.rejected": "Clawback rejected",
    "review.published": "Buyer's review published",
    "review.hidden": "Buyer's review hidden by an administrator",
    "support_request.draft": "Request for support started",
    "support_request.submitted": "Request for support sent (or answered)",
    "support_request.more_info": "Council asked the person about their request",
    "support_request.assessment_booked": "Assessment booked",
    "support_request.assessed": "Assessment done",
    "support_request.set_up": "Request set up as a budget holder",
    "support_request.closed": "Request for support closed",
    "life_event.support_paused": "Support paused for a stay in hospital",
    "life_event.support_resumed": "Support started again after a stay in hospital",
    "life_event.moved_home": "Move within the council recorded",
    "life_event.address_changed": "New address put on the record after a move",
    "life_event.moved_away": "Move to another council recorded: support here ends",
    "life_event.support_ended": "Death recorded: support ended",
    "need.open": "Need posted (or shown again)",
    "need.met": "Posted need met",
    "need.expired": "Posted need ended after 30 days",
    "need.withdrawn": "Posted need withdrawn",
    "need.hidden": "Posted need hidden by an administrator",
    "need_reply.shown": "Reply to a posted need sent (or shown again)",
    "need_reply.hidden": "Reply to a posted need hidden by an administrator",
    "crisis.agreed": "Crisis action agreed with the plan",
    "crisis.removed": "Crisis action taken off the plan",
    "crisis.contingency_agreed": "Crisis contingency agreed with the plan",
    "crisis_run.running": "Crisis action started",
    "crisis_run.ended": "Crisis action ended",
    "crisis_run.stopped": "Crisis action stopped early",
    "job.queued": "Job started (or started again)",
    "job.running": "Job running",
    "job.done": "Job finished",
    "job.failed": "Job stopped with a problem",
    "ledger.funding": "Money received from the council",
    "ledger.contribution": "Own contribution added",
    "ledger.commitment": "Money promised to a provider",
    "ledger.release": "Promised money released",
    "ledger.payment": "Money paid to a provider",
    "ledger.credit": "Credit from a provider",
    "ledger.clawback": "Money returned to the council",
    "ledger.adjustment": "Money corrected",
    "ledger.external_spend": "Money spent outside the marketplace",
    # organisations and the catalogue
    "organisation.pending": "Organisation asked to be approved",
    "organisation.approved": "Organisation approved",
    "organisation.rejected": "Organisation rejected",
    "organisation.suspended": "Organisation suspended",
    "organisation.profile_changed": "Organisation's profile changed",
    "organisation.bank_details_changed": "Organisation's bank details changed",
    "listing.draft": "Listing started",
    "listing.submitted": "Listing sent for checking",
    "listing.published": "Listing published",
    "listing.paused": "Listing paused",
    "listing.archived": "Listing archived",
    "listing.rejected": "Listing rejected",
    "listing.updated": "Listing changed",
    "listing.confirmed": "Listing confirmed as up to date",
    "listing.stale_reminder": "Reminder sent: listing out of date",
    "listing.photo_added": "Photo added to a listing",
    "listing.photo_removed": "Photo removed from a listing",
    "community.event_added": "Community activity date added",
    "price.agreed": "Price agreed",
    "price.agreement_ended": "Agreed price ended",
    "price.rise_alert": "Price rise above an agreed price",
    "price.alert_acknowledged": "Price rise seen by the council",
    "enquiry.asked": "Question asked of a provider",
    "enquiry.answered": "Question answered by a provider",
    # orders and delivery
    "order.awaiting_approval": "Order placed: waiting for the coordinator",
    "order.placed": "Order placed with the provider",
    "order.rejected": "Order not approved by the coordinator",
    "order.accepted": "Order accepted by the provider",
    "order.declined": "Order declined by the provider",
    "order.delivered": "Order delivered",
    "order.invoiced": "Order invoiced",
    "order.paid": "Order paid",
    "order.cancelled": "Order cancelled",
    "occurrence.scheduled": "Delivery booked",
    "occurrence.delivered": "Delivery recorded by the provider",
    "occurrence.confirmed": "Delivery confirmed",
    "occurrence.disputed": "Delivery disputed",
    "occurrence.cancelled": "Delivery cancelled",
    "occurrence.cancelled_charged": "Delivery cancelled late: charge applies",
    "occurrence.invoiced": "Delivery invoiced",
    "occurrence.paid": "Delivery paid",
    "amendment.proposed": "Change to an order proposed",
    "amendment.agreed": "Change to an order agreed",
    "amendment.refused": "Change to an order refused",
    "amendment.withdrawn": "Change to an order withdrawn",
    # billing
    "invoice.issued": "Invoice sent",
    "invoice.approved": "Invoice approved",
    "invoice.paid": "Invoice paid",
    "invoice.disputed": "Invoice disputed",
    "invoice.credited": "Invoice cancelled by a credit note",
    "dispute.open": "Dispute raised",
    "dispute.answered": "Dispute answered by the provider",
    "dispute.upheld": "Dispute upheld",
    "dispute.rejected": "Dispute rejected",
    "payment.pending": "Payment started",
    "payment.succeeded": "Payment made",
    "payment.failed": "Payment did not go through",
    "payment.cancelled": "Payment not needed",
    "payment_run.exported": "Payment run sent to the bank",
    "payment_run.paid": "Payment run paid by the bank",
}

# (event name, the state it came from) -> what it means then.
BY_PREVIOUS = {
    ("order.placed", "awaiting_approval"): "Order approved by the coordinator",
    ("invoice.issued", "disputed"): "Dispute settled: invoice waiting for approval again",
    ("invoice.approved", "disputed"): "Dispute settled: invoice waiting for payment again",
    ("invoice.approved", "issued"): "Invoice approved",
    ("organisation.approved", "suspended"): "Organisation's suspension lifted",
    ("organisation.approved", "rejected"): "Organisation approved after all",
    ("occurrence.delivered", "disputed"): "Disputed delivery recorded again",
}


# On the holder's own page (read by them and the people who act for them), life events in gentle words;
# the staff's event log and life-events page keep the full labels.
GENTLE = {
    "life_event.support_paused": "Support paused",
    "life_event.support_resumed": "Support started again",
    "life_event.moved_home": "Move recorded",
    "life_event.address_changed": "New address recorded",
    "life_event.moved_away": "Support here ended after a move",
    "life_event.support_ended": "Support ended",
}


def gentle(action: str, detail: dict | None = None) -> str:
    """An event as the holder's own page says it."""
    return GENTLE.get(action) or label(action, detail)


def label(action: str, detail: dict | None = None) -> str:
    """What an event means, in plain words (the raw name only if nobody gave it a label)."""
    previous = (detail or {}).get("from")
    if previous and (action, previous) in BY_PREVIOUS:
        return BY_PREVIOUS[(action, previous)]
    return LABELS.get(action, action)


def kind_of(action: str) -> str:
    return action.split(".", 1)[0]


OBJECTS = {"orders": "Order", "invoices": "Invoice", "payments": "Payment", "payment_runs": "Payment run",
           "support_plans": "Plan", "listings": "Listing", "organisations": "Organisation", "occurrences": "Delivery",
           "invoice_disputes": "Dispute", "holders": "Budget holder", "life_events": "Life event", "jobs": "Job"}


def object_label(object_type: str | None, object_id: int | None) -> str:
    """"Order 12" for the things people look up by number; nothing for internal rows (ledger entries, sessions)."""
    name = OBJECTS.get(object_type or "")
    return f"{name} {object_id}" if name and object_id else ""
