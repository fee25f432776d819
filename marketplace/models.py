"""Imports every model module so SQLAlchemy and Alembic see every table."""
from catalogue import models as catalogue_models  # noqa: F401

from .accounts import models as accounts_models  # noqa: F401
from .asking import models as asking_models  # noqa: F401
from .billing import models as billing_models  # noqa: F401
from .budgets import models as budgets_models  # noqa: F401
from .councils import models as councils_models  # noqa: F401
from .events import models as events_models  # noqa: F401
from .help import models as help_models  # noqa: F401
from .holders import models as holders_models  # noqa: F401
from .lifeevents import models as lifeevents_models  # noqa: F401
from .mail import OutgoingEmail  # noqa: F401
from .needs import models as needs_models  # noqa: F401
from .notifications import models as notifications_models  # noqa: F401
from .orders import models as orders_models  # noqa: F401
from .orders import sharing_models as orders_sharing_models  # noqa: F401
from .plans import models as plans_models  # noqa: F401
from .ratings import models as ratings_models  # noqa: F401
from .spending import models as spending_models  # noqa: F401
from .statements import models as statements_models  # noqa: F401
from .underspend import models as underspend_models  # noqa: F401
