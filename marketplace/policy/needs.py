"""Rules for posted needs: who may post for a holder, who sees posts and replies, who moderates."""
from __future__ import annotations

from ..accounts import roles as R
from .base import _own, _staff, rule


def posts_for(user, holder) -> bool:
    """The holder, their representative with the right to order, or a broker acting for them now."""
    return _own(user, holder) or any(
        d.delegate_id == user.id and d.is_active() and (d.kind == "broker" or d.allows("order")) for d in holder.delegations)


def replying_organisations(user, council_id) -> set[int]:
    """The organisations ``user`` works for (an organisation role) that are approved in the council."""
    return {g.organisation_id for g in user.grants if g.role in R.ORGANISATION_ROLES and g.organisation is not None
            and g.organisation.is_approved_in(council_id)}


@rule("need.post")
def _need_post(user, holder) -> bool:
    return posts_for(user, holder)


@rule("need.manage")
def _need_manage(user, need) -> bool:
    """Choose a reply, close or withdraw the post, see its replies: the poster's side only."""
    return posts_for(user, need.holder)


@rule("needs.browse")
def _needs_browse(user, council) -> bool:
    return bool(replying_organisations(user, council.id))


@rule("need.reply")
def _need_reply(user, need) -> bool:
    return need.status == "open" and bool(replying_organisations(user, need.council_id))


@rule("need.view")
def _need_view(user, need) -> bool:
    if posts_for(user, need.holder) or _staff(user, need.council_id, R.ADMINISTRATOR):
        return True
    mine = replying_organisations(user, need.council_id)
    return bool(mine) and (need.status == "open" or any(r.organisation_id in mine for r in need.replies))


@rule("need.report")
def _need_report(user, need) -> bool:
    """Anyone who can see the post may report it or a reply to it."""
    return _need_view(user, need)


@rule("need.moderate")
def _need_moderate(user, need) -> bool:
    return _staff(user, need.council_id, R.ADMINISTRATOR)


@rule("council.moderate_needs")
def _council_moderate_needs(user, council) -> bool:
    return _staff(user, council.id, R.ADMINISTRATOR)
