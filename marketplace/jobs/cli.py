"""``flask jobs worker [--burst]``, ``flask jobs enqueue statements --month YYYY-MM [--council SLUG]``,
``flask jobs enqueue reindex``, ``flask jobs enqueue oruk SOURCE --council SLUG`` and ``flask jobs status ID``.

Without Redis (``REDIS_URL`` and ``JOBS_REDIS_URL`` unset) ``enqueue`` runs the job here and now, as
``flask statements generate`` would, and there is no queue for a worker to serve.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..councils.models import Council
from ..errors import DomainError
from ..extensions import db
from . import service
from .models import Job
from .worker import make_worker

jobs_cli = AppGroup("jobs", help="Long work on a queue: statements, reindexing, imports.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty instead of waiting for more.")
def worker(burst: bool) -> None:
    """Run the queue's jobs (one at a time; start more workers to run more)."""
    work = service.queue(for_worker=True)
    if work is None:
        raise click.ClickException("REDIS_URL is not set, so there is no queue: jobs run as soon as they are started.")
    make_worker(current_app._get_current_object(), work).work(burst=burst, with_scheduler=True)


@jobs_cli.group("enqueue")
def enqueue() -> None:
    """Start a job."""


@enqueue.command("statements")
@click.option("--month", "month_text", required=True, help="The month, as YYYY-MM (it must have ended).")
@click.option("--council", "slug", default=None, help="Only this council's holders (its slug, e.g. aldermoor).")
@click.option("--chunk", default=None, type=click.IntRange(1, 10_000), help="Budgets in one chunk (500 unless given).")
def enqueue_statements(month_text: str, slug: str | None, chunk: int | None) -> None:
    """Issue the month's statements in chunks on the queue (the same work as ``flask statements generate``)."""
    council = _council(slug) if slug else None
    _start("statements", council=council, month=month_text, council_id=getattr(council, "id", None), chunk=chunk)


@enqueue.command("oruk")
@click.argument("source")
@click.option("--council", "slug", required=True, help="The council whose community catalogue receives the services.")
def enqueue_oruk(source: str, slug: str) -> None:
    """Import an Open Referral UK feed on a worker (the same import as ``flask catalogue import-oruk``)."""
    council = _council(slug)
    _start("oruk", council=council, source=source, council_id=council.id)


@enqueue.command("reindex")
def enqueue_reindex() -> None:
    """Rebuild the search index on a worker."""
    _start("reindex")


def _council(slug: str) -> Council:
    council = db.session.scalar(db.select(Council).filter_by(slug=slug))
    if council is None:
        raise click.BadParameter(f"No council has the slug {slug!r}.", param_hint="--council")
    return council


def _start(kind: str, council=None, **parameters) -> None:
    try:
        job = service.enqueue(None, kind, council=council, **{k: v for k, v in parameters.items() if v is not None})
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    parts = f"{job.chunks_total} {'part' if job.chunks_total == 1 else 'parts'}"
    click.echo(f"Job {job.id}: {service.title(job)}, in {parts}. "
               + ("Queued; `flask jobs status " + str(job.id) + "` shows its progress." if service.redis_url()
                  else f"Ran here (no Redis): {job.status_label.lower()}."))


@jobs_cli.command("status")
@click.argument("job_id", type=int)
def status(job_id: int) -> None:
    """How far a job has got."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise click.ClickException(f"There is no job {job_id}.")
    click.echo(f"Job {job.id}: {service.title(job)}. {job.status_label}: {job.chunks_done} of {job.chunks_total} chunks done.")
    for line in (job.summary, job.error):
        if line:
            click.echo(line)
