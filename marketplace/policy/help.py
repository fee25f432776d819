"""Rules for the help pages: reading them is public; a council's administrators edit its texts."""
from __future__ import annotations

from ..accounts import roles as R
from .base import _staff, rule


@rule("help.edit")
def _help_edit(user, council) -> bool:
    return _staff(user, council.id, R.ADMINISTRATOR)
