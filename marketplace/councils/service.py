"""Loading councils from the project's own copy of the reference data."""
from __future__ import annotations

import json
from importlib import resources

from ..extensions import db
from .models import Council

RULE_FIELDS = (
    "name", "brand_colour", "approval_limits", "panel_for_mental_health", "receipt_threshold_pence",
    "audit_tiers", "underspend_rule", "review_schedule", "payment_cycle", "money_model",
    "contribution_share", "assumptions", "postcode_districts", "auto_approve_invoices",
)


def reference_council_rules() -> list[dict]:
    """The five councils' rules as shipped in ``marketplace/data/council_rules.json``."""
    text = resources.files("marketplace.data").joinpath("council_rules.json").read_text(encoding="utf-8")
    return json.loads(text)["councils"]


def upsert_councils(rules: list[dict] | None = None) -> list[Council]:
    """Create or update councils by slug. Idempotent; the caller commits."""
    councils = []
    for data in rules if rules is not None else reference_council_rules():
        council = db.session.scalar(db.select(Council).filter_by(slug=data["slug"]))
        if council is None:
            council = Council(slug=data["slug"])
            db.session.add(council)
        for field in RULE_FIELDS:
            if field in data:
                setattr(council, field, data[field])
        councils.append(council)
    db.session.flush()
    return councils


