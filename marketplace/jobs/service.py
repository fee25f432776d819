"""Starting jobs and running their chunks, on an RQ queue in Redis or inline.

``enqueue`` writes the Job row, plans its chunks and hands them to the queue named ``JOBS_QUEUE`` on
``JOBS_REDIS_URL`` (else ``REDIS_URL``), each chunk an RQ job retried with ``Retry(max=3,
interval=[10, 30, 60])``. Without Redis configured (the embedded default) the same chunks run inline,
one after another, before ``enqueue`` returns, with the same Job row, progress and retries (at once,
without waiting): a small council on one machine needs no queue.

Each chunk does its work in the kind's own transaction(s), then records its progress in a transaction of
its own, holding the Job row's lock (``FOR UPDATE`` on PostgreSQL) so chunks finishing together on
several workers add up. A chunk whose last try fails marks the job failed with a plain message; the
stack trace goes to the log only. Retrying a failed job runs every chunk again under a new ``attempt``:
the kinds are idempotent, so work already done is counted as "already done", never done twice.
"""
from __future__ import annotations

import logging

import redis
from flask import current_app
from rq import Queue, Retry, get_current_job
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts import roles as R
from ..errors import DomainError
from ..extensions import db
from ..policy import can
from .kinds import KINDS, PLAIN_ERRORS
from .models import JOB, Job

log = logging.getLogger(__name__)

RETRIES = 3
RETRY_INTERVALS = (10, 30, 60)  # seconds before each retry on the queue (JOBS_RETRY_INTERVALS overrides)
TIMEOUT = 1800  # seconds one chunk may take before the worker stops it (JOBS_TIMEOUT)
QUEUE = "support-market"
RESULT_TTL = 3600  # RQ's own record of a chunk: the Job row is what people read, so it need not last
FAILURE_TTL = 7 * 24 * 3600  # a failed chunk stays in RQ's failed registry a week, for whoever runs the workers


def redis_url() -> str | None:
    return current_app.config.get("JOBS_REDIS_URL") or current_app.config.get("REDIS_URL")


def connection(*, for_worker: bool = False) -> redis.Redis | None:
    """Redis for the queue, or None without one. A worker waits on the queue, so it gets no read timeout."""
    url = redis_url()
    if not url:
        return None
    options = {"socket_connect_timeout": current_app.config.get("REDIS_CONNECT_TIMEOUT", 1)}
    if not for_worker:
        options["socket_timeout"] = current_app.config.get("REDIS_SOCKET_TIMEOUT", 1) or None
    return redis.Redis.from_url(url, **options)


def queue(*, for_worker: bool = False) -> Queue | None:
    conn = connection(for_worker=for_worker)
    return None if conn is None else Queue(current_app.config.get("JOBS_QUEUE") or QUEUE, connection=conn)


def title(job: Job) -> str:
    kind = KINDS.get(job.kind)
    try:
        return kind.title(job.parameters or {}) if kind else "A job"
    except DomainError:
        return "A job"


def enqueue(actor, kind: str, *, council=None, payload: bytes | None = None, **parameters) -> Job:
    """Start a job of ``kind`` for ``actor`` (None for a command), seen by them and ``council``'s
    administrators. Raises DomainError, writing nothing, when it cannot start (a month not over)."""
    spec = KINDS.get(kind)
    if spec is None:
        raise DomainError(f"There is no kind of job called {str(kind)[:40]!r}.")
    job = Job(kind=kind, parameters=parameters, started_by_id=getattr(actor, "id", None),
              council_id=getattr(council, "id", None), payload=payload, counts={}, attempt=1, chunks_done=0)
    chunks = spec.plan(job)
    job.chunks_total = len(chunks)
    JOB.start(job, "queued", actor=actor, kind=kind)
    db.session.commit()
    _dispatch(job, chunks)
    return job


def retry(actor, job: Job) -> Job:
    """Queue a failed job again: every chunk runs again (each kind leaves done work alone)."""
    JOB.check(job, "queued")
    chunks = KINDS[job.kind].plan(job)
    JOB.move(job, "queued", actor=actor)
    job.attempt += 1
    job.chunks_total, job.chunks_done, job.counts = len(chunks), 0, {}
    job.summary = job.error = job.started_at = job.finished_at = None
    db.session.commit()
    _dispatch(job, chunks)
    return job


def _dispatch(job: Job, chunks: list) -> None:
    job_id, attempt = job.id, job.attempt
    if not chunks:
        _begin(job_id, attempt)
        _finish_if_complete(job_id, attempt)
        return
    work = queue()
    if work is None:
        for index, chunk in enumerate(chunks):
            if not _run_inline(job_id, attempt, index, chunk):
                break
        return
    intervals = list(current_app.config.get("JOBS_RETRY_INTERVALS") or RETRY_INTERVALS)
    timeout = current_app.config.get("JOBS_TIMEOUT") or TIMEOUT
    try:
        work.enqueue_many([Queue.prepare_data(run_chunk, args=(job_id, attempt, index, chunk), timeout=timeout,
                                              retry=Retry(max=RETRIES, interval=intervals), result_ttl=RESULT_TTL,
                                              failure_ttl=FAILURE_TTL,
                                              description=f"job {job_id} chunk {index + 1} of {len(chunks)}")
                           for index, chunk in enumerate(chunks)])
    except redis.RedisError:
        log.exception("Could not put job %s on the queue", job_id)
        _fail(job_id, attempt, "The job could not be put on the queue because the queue is not answering. "
                               "Nothing was done. Try again in a few minutes.")


def _run_inline(job_id: int, attempt: int, index: int, chunk) -> bool:
    """Run one chunk here, retrying at once; False when it failed for good (the job is failed)."""
    for tried in range(RETRIES + 1):
        try:
            run_chunk(job_id, attempt, index, chunk, final=tried == RETRIES)
            return True
        except Exception:  # noqa: BLE001 -- recorded on the job by run_chunk; the log has the trace
            continue
    return False


def run_chunk(job_id: int, attempt: int, index: int, chunk, *, final: bool | None = None) -> None:
    """Run one chunk of a job (what a queue worker calls). A chunk of an earlier attempt, or of a job
    already finished or failed, does nothing. Raises the chunk's error, after recording it, so the
    queue retries it; on its last try the job is marked failed."""
    if final is None:
        current = get_current_job()
        final = current is None or not current.retries_left
    job = _begin(job_id, attempt)
    if job is None:
        return
    spec = KINDS.get(job.kind)
    try:
        if spec is None:
            raise DomainError("This kind of job can no longer be run.")
        counts = spec.run(job, chunk)
    except Exception as error:
        db.session.rollback()
        log.exception("Job %s (%s) chunk %s failed%s", job_id, getattr(spec, "name", "?"), index + 1,
                      "" if final else "; it will be tried again")
        if final:
            _fail(job_id, attempt, _plain(error, index, job_total(job_id)))
        raise
    _add_progress(job_id, attempt, counts or {})


def job_total(job_id: int) -> int:
    return db.session.scalar(db.select(Job.chunks_total).where(Job.id == job_id)) or 0


def _plain(error: Exception, index: int, total: int) -> str:
    why = str(error) if isinstance(error, PLAIN_ERRORS) else "something went wrong that we did not expect"
    part = f"Part {index + 1} of {total}" if total > 1 else "The job"
    return (f"{part} could not be finished after {RETRIES + 1} tries: {why.rstrip('.')}. "
            "What was done before this stays done; you can start the job again.")


def _locked(job_id: int) -> Job | None:
    """The job row, freshly read and locked until the caller commits."""
    return db.session.get(Job, job_id, with_for_update=True, populate_existing=True)


def _begin(job_id: int, attempt: int) -> Job | None:
    """The job, moved to running if it was waiting; None when this chunk has nothing to do."""
    job = _locked(job_id)
    if job is None or job.attempt != attempt or JOB.state(job) not in ("queued", "running"):
        db.session.commit()
        return None
    if JOB.state(job) == "queued":
        JOB.move(job, "running")
        job.started_at = clock.now()
    db.session.commit()
    return job


def _add_progress(job_id: int, attempt: int, counts: dict[str, int]) -> None:
    """Add one chunk's counts and mark it done, in one transaction holding the job's lock."""
    job = _locked(job_id)
    if job is not None and job.attempt == attempt and JOB.can_move(job, "done"):
        merged = dict(job.counts or {})
        for key, value in counts.items():
            merged[key] = merged.get(key, 0) + int(value)
        job.counts = merged
        job.chunks_done += 1
        _complete(job)
    db.session.commit()


def _finish_if_complete(job_id: int, attempt: int) -> None:
    job = _locked(job_id)
    if job is not None and job.attempt == attempt and JOB.can_move(job, "done"):
        _complete(job)
    db.session.commit()


def _complete(job: Job) -> None:
    """Done, with its summary, once every chunk is."""
    if job.chunks_done >= job.chunks_total:
        JOB.move(job, "done")
        job.summary = KINDS[job.kind].summary(job.counts or {}) if job.kind in KINDS else "Finished."
        job.finished_at = clock.now()


def _fail(job_id: int, attempt: int, message: str) -> None:
    job = _locked(job_id)
    if job is not None and job.attempt == attempt and JOB.can_move(job, "failed"):
        JOB.move(job, "failed", reason=message)
        job.error = message
        job.finished_at = clock.now()
    db.session.commit()


def followed_by(user, limit: int = 50) -> list[Job]:
    """The jobs this person may follow, newest first: those they started and, for a council's
    administrators, the council's (``job.view`` decides each)."""
    councils = {g.council_id for g in user.grants if g.role == R.ADMINISTRATOR and g.council_id is not None}
    found = db.session.scalars(db.select(Job).where(or_(Job.started_by_id == user.id, Job.council_id.in_(councils)))
                               .options(selectinload(Job.started_by)).order_by(Job.id.desc()).limit(limit))
    return [job for job in found if can(user, "job.view", job)]
