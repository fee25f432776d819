"""Rules for a holder's "about me" shared with the provider of one order ("tell us once")."""
from __future__ import annotations

from .base import _own, _works_for, rule
from .ratings import rates_as


@rule("about_me.share")
def _about_me_share(user, order) -> bool:
    """Sharing or stopping: the holder, or a representative with the right to order. Not brokers, not
    council staff, not the provider: it is the holder's own word to give or take back."""
    return rates_as(user, order.holder) is not None


@rule("about_me.read")
def _about_me_read(user, order) -> bool:
    """The holder and their representatives always (it is theirs); the order's provider only while a sharing
    for this order is current. Brokers and council staff do not read it here (the holder's own page is theirs
    to govern); another provider never."""
    holder = order.holder
    if _own(user, holder) or any(d.delegate_id == user.id and d.kind == "representative" and d.is_active()
                                 for d in holder.delegations):
        return True
    return _works_for(user, order.organisation_id) and _shared(order)


def _shared(order) -> bool:
    """A current sharing for this order and its provider (``Order.about_me_sharings``, the backref
    ``marketplace/orders/sharing_models.py`` defines: the policy reads objects, never imports the area)."""
    return any(s.organisation_id == order.organisation_id and s.withdrawn_at is None
               for s in getattr(order, "about_me_sharings", ()))
