"""The queue worker: RQ's SimpleWorker with the Flask app's context around each job.

A SimpleWorker runs each job in its own process instead of forking one per job: a forked child would
share the parent's database connections. One worker runs one chunk at a time; start more workers (on
one machine or several) to run more at once. Each job gets a fresh app context, so its database
session starts clean and is removed afterwards, as a web request's is.
"""
from __future__ import annotations

from rq import SimpleWorker

from ..extensions import db


class AppWorker(SimpleWorker):
    app = None  # the Flask app; set by ``make_worker``

    def perform_job(self, job, queue, execution):
        with self.app.app_context():
            try:
                return super().perform_job(job, queue, execution)
            finally:
                db.session.remove()


def make_worker(app, queue) -> AppWorker:
    worker = AppWorker([queue], connection=queue.connection)
    worker.app = app
    return worker
