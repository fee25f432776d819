"""The demand log: what people search for, where, and whether they found it.

It records the searcher's role, never who they are. Commissioners' market-gap
reports read these rows.
"""
from __future__ import annotations

from marketplace.accounts import roles as R
from marketplace.extensions import db

from .models import SearchLog, UnmetNeed
from .search import SearchRequest, normalise_query

# When a person holds several roles, the one that best says why they searched.
_ROLE_ORDER = (R.HOLDER, R.REPRESENTATIVE, R.BROKER, R.CARE_COORDINATOR, R.TEAM_MANAGER, R.COMMISSIONER,
               R.FINANCE_OFFICER, R.ADMINISTRATOR, R.PROVIDER_ADMIN, R.PROVIDER_STAFF, R.PERSONAL_ASSISTANT, R.COMMUNITY_GROUP)


def searcher_role(user, council_id: int | None) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "public"
    held = {g.role for g in user.grants if g.council_id in (council_id, None)}
    return next((role for role in _ROLE_ORDER if role in held), "public")


def record_search(council, request: SearchRequest, result_count: int, role: str) -> SearchLog:
    row = SearchLog(council_id=getattr(council, "id", None), area=request.area, query=normalise_query(request.text),
                    filters=request.filters(), result_count=result_count, searcher_role=role)
    db.session.add(row)
    db.session.commit()
    return row


def record_unmet_need(council, area: str | None, query: str | None, description: str, role: str) -> UnmetNeed:
    row = UnmetNeed(council_id=getattr(council, "id", None), area=area, query=normalise_query(query or "") or None,
                    description=description.strip(), searcher_role=role)
    db.session.add(row)
    db.session.commit()
    return row
