"""Jobs: who may see a job's progress, start it again, and start the month's statements.

A job's page is seen by the person who started it and by the administrators of its council (a job
started by a command has no starter: only the administrators see it). Nobody else: the summary
counts a council's statements or organisations, which is the council's business.
"""
from __future__ import annotations

from ..accounts import roles as R
from .base import _staff, rule


@rule("job.view")
def _job_view(user, job) -> bool:
    if job.started_by_id is not None and job.started_by_id == user.id:
        return True
    return job.council_id is not None and _staff(user, job.council_id, R.ADMINISTRATOR)


@rule("job.retry")
def _job_retry(user, job) -> bool:
    """Whoever may see it may start it again: the work is idempotent, so a second press does no harm."""
    return _job_view(user, job)


@rule("jobs.statements")
def _statements(user, council) -> bool:
    """Issuing the council's statements for last month: its finance officers (the council's money) and
    administrators."""
    return _staff(user, council.id, R.FINANCE_OFFICER, R.ADMINISTRATOR)
