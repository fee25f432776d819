"""A job: long work (a month's statements, a reindex, an import) started by a person or a command and
done in chunks, on a queue worker when Redis is configured or inline when it is not.

The row is what people see: its state, how many chunks are done, the counts the chunks added up, a
plain summary or a plain error (never a stack trace: that goes to the log). ``attempt`` grows with
each retry of the whole job, so a chunk left on the queue from an earlier attempt changes nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..states import Stateful, StateMachine
from ..types import UTCDateTime

STATUSES = {"queued": "Waiting to start", "running": "Running", "done": "Finished", "failed": "Stopped with a problem"}
# queued -> running -> done | failed; a failed job may be queued again (it redoes every chunk: the work is idempotent).
JOB = StateMachine("job", {
    "queued": {"running", "failed"},
    "running": {"done", "failed"},
    "done": set(),
    "failed": {"queued"},
}, initial=("queued",), model="jobs", labels=STATUSES,
    tones={"queued": "grey", "running": "yellow", "done": "green", "failed": "red"},
    subject=lambda job: (None, job.council_id))


class Job(Stateful, db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)  # None: a command
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    chunks_total: Mapped[int] = mapped_column(Integer, default=0)
    chunks_done: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # added up over the chunks, e.g. {"issued": 3}
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)  # plain words, when done
    error: Mapped[str | None] = mapped_column(Text, nullable=True)  # plain words, when failed
    # An uploaded file the job reads (the CQC's directory): in the database, so a worker on another machine has it.
    payload: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    started_by = relationship("User")
    council = relationship("Council")

    @property
    def percent(self) -> int:
        return 100 if not self.chunks_total else min(100, self.chunks_done * 100 // self.chunks_total)
