"""Statements as a job on the real Redis: chunks on the queue, a worker runs them, the job row shows the
progress; a second run issues nothing (as the command); a chunk that keeps failing is retried, then fails
the job with a plain message; and the same job inline when there is no Redis."""
from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.errors import DomainError
from marketplace.extensions import db
from marketplace.jobs import service
from marketplace.jobs.kinds import KINDS, Kind
from marketplace.jobs.models import Job
from marketplace.jobs.worker import make_worker
from marketplace.statements.models import Statement

from ..faults.proxy import free_port


def work_the_queue(app) -> None:
    """What ``flask jobs worker --burst`` does: run every chunk on the queue, here, then stop."""
    db.session.commit()
    make_worker(app, service.queue(for_worker=True)).work(burst=True)


def fresh(job: Job) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job.id)


def statements_count() -> int:
    return db.session.scalar(db.select(db.func.count(Statement.id)))


def test_the_months_statements_run_on_the_queue_in_chunks_and_the_job_shows_its_progress(app, queue, october):
    council, budgets, finance, _admin = october
    job = service.enqueue(finance, "statements", council=council, month="2026-10", council_id=council.id, chunk=2)
    assert (job.status, job.chunks_total, job.chunks_done) == ("queued", 3, 0)
    assert queue.count == 3 and statements_count() == 0

    work_the_queue(app)

    job = fresh(job)
    assert (job.status, job.chunks_done, job.chunks_total) == ("done", 3, 3)
    assert job.counts == {"issued": 5, "already": 0, "skipped": 0}
    assert job.summary == "Issued 5 statements; 0 were already issued."
    assert job.started_at is not None and job.finished_at is not None and job.error is None
    assert statements_count() == 5 and queue.count == 0


def test_running_it_again_issues_nothing_new_as_the_command_does(app, queue, october):
    council, budgets, finance, _admin = october
    service.enqueue(finance, "statements", council=council, month="2026-10", council_id=council.id, chunk=2)
    work_the_queue(app)
    issued = {s.id: s.issued_at for s in db.session.scalars(db.select(Statement))}

    again = service.enqueue(finance, "statements", council=council, month="2026-10", council_id=council.id, chunk=2)
    work_the_queue(app)

    again = fresh(again)
    assert again.status == "done" and again.counts == {"issued": 0, "already": 5, "skipped": 0}
    assert {s.id: s.issued_at for s in db.session.scalars(db.select(Statement))} == issued
    command = app.test_cli_runner().invoke(args=["statements", "generate", "--month", "2026-10"])
    assert "Issued 0 statements for October 2026; 5 were already issued." in command.output


@pytest.fixture
def flaky_kind():
    """A kind of job whose second chunk always fails with an error full of detail nobody should be shown."""
    tries = []

    def run(job, chunk):
        tries.append(chunk["n"])
        if chunk["n"] == 2:
            raise RuntimeError("connection to 10.0.0.7 refused; holder Jo Bloggs, row 1234")
        return {"ok": 1}

    KINDS["flaky"] = Kind("flaky", lambda p: "A flaky job", lambda job: [{"n": 1}, {"n": 2}], run, lambda c: "Fine.")
    yield tries
    del KINDS["flaky"]


def test_a_chunk_that_keeps_failing_is_tried_four_times_then_fails_the_job_with_a_plain_message(app, queue, october, flaky_kind):
    _council, _budgets, finance, _admin = october
    job = service.enqueue(finance, "flaky")

    work_the_queue(app)

    job = fresh(job)
    assert flaky_kind == [1, 2, 2, 2, 2]  # the first chunk once; the second, then three retries
    assert (job.status, job.chunks_done, job.counts) == ("failed", 1, {"ok": 1})
    assert job.error == ("Part 2 of 2 could not be finished after 4 tries: something went wrong that we did not expect. "
                         "What was done before this stays done; you can start the job again.")
    assert "10.0.0.7" not in job.error and "Jo Bloggs" not in job.error and "Traceback" not in job.error
    assert len(queue.failed_job_registry) == 1


def test_a_failed_job_started_again_runs_every_chunk_under_a_new_attempt(app, queue, october, flaky_kind):
    _council, _budgets, finance, _admin = october
    job = service.enqueue(finance, "flaky")
    work_the_queue(app)
    KINDS["flaky"] = Kind("flaky", lambda p: "A flaky job", lambda job: [{"n": 1}, {"n": 3}],
                          KINDS["flaky"].run, lambda c: "Fine.")  # whatever broke is mended

    service.retry(finance, fresh(job))
    work_the_queue(app)

    job = fresh(job)
    assert (job.status, job.attempt, job.chunks_done, job.counts, job.error) == ("done", 2, 2, {"ok": 2}, None)


def test_without_redis_the_job_runs_inline_with_the_same_row_and_progress(app, no_redis, october):
    council, budgets, finance, _admin = october
    job = service.enqueue(finance, "statements", council=council, month="2026-10", council_id=council.id, chunk=2)

    job = fresh(job)
    assert (job.status, job.chunks_done, job.chunks_total, job.counts["issued"]) == ("done", 3, 3, 5)
    assert statements_count() == 5


def test_without_redis_a_failing_chunk_is_retried_at_once_and_the_job_fails(app, no_redis, october, flaky_kind):
    job = service.enqueue(october[2], "flaky")
    job = fresh(job)
    assert flaky_kind == [1, 2, 2, 2, 2] and job.status == "failed" and job.error.startswith("Part 2 of 2")


def test_a_month_not_over_is_refused_before_anything_is_written(app, queue, october):
    council, _budgets, finance, _admin = october
    with pytest.raises(DomainError, match="November 2026 has not ended yet"):
        service.enqueue(finance, "statements", council=council, month="2026-11", council_id=council.id)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 0 and queue.count == 0


def test_the_commands_enqueue_work_and_report_a_job(app, queue, october):
    runner = app.test_cli_runner()
    started = runner.invoke(args=["jobs", "enqueue", "statements", "--month", "2026-10", "--council", "aldermoor", "--chunk", "2"])
    assert started.exit_code == 0, started.output
    job_id = db.session.scalar(db.select(Job.id))
    assert f"Job {job_id}: Statements for October 2026, in 3 parts. Queued" in started.output

    worked = runner.invoke(args=["jobs", "worker", "--burst"])
    assert worked.exit_code == 0, worked.output

    status = runner.invoke(args=["jobs", "status", str(job_id)])
    assert "Finished: 3 of 3 chunks done." in status.output and "Issued 5 statements" in status.output
    assert statements_count() == 5


def test_the_search_index_is_rebuilt_by_a_worker(app, queue, october, make):
    organisation = make.organisation(name="Bright Care", approved_in=[october[0]])
    make.listing(organisation, title="Gardening help", status="published")
    job = service.enqueue(october[3], "reindex", council=october[0])
    work_the_queue(app)
    job = fresh(job)
    assert (job.status, job.counts, job.summary) == ("done", {"indexed": 1}, "Indexed 1 published listing.")


def test_without_redis_there_is_no_worker_to_run(app, no_redis):
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_an_open_referral_feed_is_imported_by_a_worker_and_a_second_import_changes_nothing(app, queue, october):
    feed = Path(__file__).parent.parent / "openreferral" / "fixtures" / "feed"
    runner = app.test_cli_runner()
    for _ in range(2):
        started = runner.invoke(args=["jobs", "enqueue", "oruk", str(feed), "--council", "aldermoor"])
        assert started.exit_code == 0, started.output
        work_the_queue(app)
    first, second = (fresh(job) for job in db.session.scalars(db.select(Job).order_by(Job.id)))
    assert first.status == second.status == "done"
    assert first.counts["pages"] == 2 and first.counts["created"] > 0
    assert second.counts["created"] == second.counts["updated"] == 0
    assert second.counts["unchanged"] + second.counts["held"] == first.counts["created"]


def test_with_the_queue_down_the_job_fails_at_once_saying_nothing_was_done(app, monkeypatch, october):
    """Not run inline instead: a whole county's statements inside one web request would be worse than a retry."""
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    council, _budgets, finance, _admin = october
    job = fresh(service.enqueue(finance, "statements", council=council, month="2026-10", council_id=council.id))
    assert job.status == "failed" and job.error.startswith("The job could not be put on the queue")
    assert statements_count() == 0


def test_without_redis_the_command_runs_the_job_here_and_says_so(app, no_redis, october):
    started = app.test_cli_runner().invoke(args=["jobs", "enqueue", "statements", "--month", "2026-10", "--council", "aldermoor"])
    job_id = db.session.scalar(db.select(Job.id))
    assert started.exit_code == 0, started.output
    assert f"Job {job_id}: Statements for October 2026, in 1 part. Ran here (no Redis): finished." in started.output
    assert statements_count() == 5
