"""The demand log: what people search for, where, and whether they found it.

It records the searcher's role, never who they are. Commissioners' market-gap
reports read these rows.
"""
from __future__ import annotations

from sqlalchemy import insert

from marketplace.accounts import roles as R
from marketplace.councils.models import Council
from marketplace.errors import DomainError
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


def record_search(council, request: SearchRequest, result_count: int, role: str) -> None:
    """One row in the demand log, committed. A plain INSERT, not through the session's unit of work:
    every search page writes one, and the columns' defaults are all it needs."""
    db.session.execute(insert(SearchLog).values(
        council_id=getattr(council, "id", None), area=request.area, query=normalise_query(request.text),
        filters=request.filters(), result_count=result_count, searcher_role=role))
    db.session.commit()


def council_for_need(known: Council | None, chosen_slug: str | None, area: str | None) -> Council | None:
    """The council an unmet need goes to: the one the searcher is in (signed in, or chosen on the
    search page), else the one they chose on the form, else the only council whose area covers the
    postcode district they gave. None when nobody can tell."""
    if known is not None:
        return known
    if chosen_slug:
        chosen = db.session.scalar(db.select(Council).filter_by(slug=chosen_slug[:60]))
        if chosen is not None:
            return chosen
    if area:
        covering = [c for c in db.session.scalars(db.select(Council)) if area in (c.postcode_districts or [])]
        if len(covering) == 1:
            return covering[0]
    return None


def record_unmet_need(council, area: str | None, query: str | None, description: str, role: str) -> UnmetNeed:
    """Keep what the person could not find, for ``council``'s commissioners. Without a council nobody
    would ever read it, so it is refused (DomainError) and the person is asked to choose one."""
    if council is None:
        raise DomainError("Choose the council area you need support in, so we can pass this on to the right council.")
    row = UnmetNeed(council_id=council.id, area=area, query=normalise_query(query or "") or None,
                    description=description.strip(), searcher_role=role)
    db.session.add(row)
    db.session.commit()
    return row
