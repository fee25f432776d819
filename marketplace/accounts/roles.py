"""The roles a person can hold, in plain words. A user may hold several, in several councils."""
from __future__ import annotations

HOLDER = "budget_holder"
REPRESENTATIVE = "representative"
BROKER = "broker"
PROVIDER_ADMIN = "provider_admin"
PROVIDER_STAFF = "provider_staff"
PERSONAL_ASSISTANT = "personal_assistant"
COMMUNITY_GROUP = "community_group"
CARE_COORDINATOR = "care_coordinator"
TEAM_MANAGER = "team_manager"
FINANCE_OFFICER = "finance_officer"
COMMISSIONER = "commissioner"
ADMINISTRATOR = "administrator"

LABELS = {
    HOLDER: "Budget holder",
    REPRESENTATIVE: "Representative",
    BROKER: "Broker",
    PROVIDER_ADMIN: "Provider (organisation admin)",
    PROVIDER_STAFF: "Provider (staff)",
    PERSONAL_ASSISTANT: "Personal assistant",
    COMMUNITY_GROUP: "Community group",
    CARE_COORDINATOR: "Care coordinator",
    TEAM_MANAGER: "Team manager",
    FINANCE_OFFICER: "Finance officer",
    COMMISSIONER: "Commissioner",
    ADMINISTRATOR: "Administrator",
}
ALL = tuple(LABELS)

# Council staff see council-wide pages. A team manager is a care coordinator's manager,
# who approves plans above a coordinator's limit (the councils' ladders need one).
COUNCIL_STAFF = (CARE_COORDINATOR, TEAM_MANAGER, FINANCE_OFFICER, COMMISSIONER, ADMINISTRATOR)
# Roles that belong to an organisation in the catalogue.
ORGANISATION_ROLES = (PROVIDER_ADMIN, PROVIDER_STAFF, PERSONAL_ASSISTANT, COMMUNITY_GROUP)
