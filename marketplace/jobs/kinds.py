"""The kinds of job, each a thin wrapper over the function its CLI command already runs, so a job on the
queue is exactly as idempotent as the command: statements (``statements.service.generate_for``, one chunk
of budgets a chunk, with the run's watermark fixed when the job is planned, as ``generate_month`` does),
the catalogue reindex (``catalogue.indexing.rebuild``), the CQC import (``providers.cqc.import_directory``)
and the Open Referral UK import (``openreferral.cli.open_feed`` and ``run``).

A kind ``plan``s its chunks (JSON values, the arguments each queued chunk carries; raising DomainError
when the job cannot start) and ``run``s one, returning counts that the job adds up. Whole-file imports
and the reindex are one chunk each: they are one transaction or one index swap in their own code.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable

from catalogue.indexing import rebuild

from .. import clock
from ..councils.models import Council
from ..errors import DomainError
from ..extensions import db
from ..openreferral import cli as oruk
from ..openreferral.importer import ImportStopped, Summary
from ..providers import cqc
from ..statements import service as statements
from .models import Job

PLAIN_ERRORS = (DomainError, ImportStopped)  # their messages are written for people; anything else is not


@dataclass(frozen=True)
class Kind:
    name: str
    title: Callable[[dict], str]
    plan: Callable[[Job], list]
    run: Callable[[Job, dict], dict[str, int]]
    summary: Callable[[dict], str]


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


# --- statements for a month ---------------------------------------------------------------

def _month(job: Job):
    return statements.parse_month(job.parameters.get("month"))


def _plan_statements(job: Job) -> list:
    month = _month(job)
    if statements.month_end(month) >= clock.today():
        raise DomainError(f"{statements.month_name(month)} has not ended yet: statements are for whole months.")
    council = db.session.get(Council, job.parameters["council_id"]) if job.parameters.get("council_id") else None
    ids = statements.budgets_for_month(month, council)
    through = statements.watermark()  # one watermark for the whole run, as generate_month takes
    size = int(job.parameters.get("chunk") or statements.CHUNK)
    return [{"budget_ids": ids[start:start + size], "through": through} for start in range(0, len(ids), size)]


def _run_statements(job: Job, chunk: dict) -> dict[str, int]:
    return asdict(statements.generate_for(chunk["budget_ids"], _month(job), through_entry_id=chunk["through"]))


def _statements_summary(counts: dict) -> str:
    skipped = counts.get("skipped", 0)
    return (f"Issued {_n(counts.get('issued', 0), 'statement')}; {counts.get('already', 0)} were already issued"
            + (f"; {skipped} left alone because a later month is already issued" if skipped else "") + ".")


register(Kind("statements", lambda p: f"Statements for {statements.month_name(statements.parse_month(p.get('month')))}",
              _plan_statements, _run_statements, _statements_summary))


# --- the catalogue's search index -------------------------------------------------------------

register(Kind("reindex", lambda p: "Rebuild the search index", lambda job: [{}],
              lambda job, chunk: {"indexed": rebuild()},
              lambda counts: f"Indexed {_n(counts.get('indexed', 0), 'published listing')}."))


# --- the CQC's care directory ---------------------------------------------------------------

def _plan_cqc(job: Job) -> list:
    if not job.payload:
        raise DomainError("Choose the CSV file of the CQC's care directory.")
    return [{}]


def _run_cqc(job: Job, chunk: dict) -> dict[str, int]:
    result = cqc.import_directory(job.payload)
    return {"rows": result.rows, "updated": result.updated, "unmatched": len(result.unmatched),
            "unreadable": len(result.unreadable), "missing": len(result.missing)}


def _cqc_summary(counts: dict) -> str:
    return (f"Read {_n(counts.get('rows', 0), 'row')}. {_n(counts.get('updated', 0), 'organisation')} updated. "
            f"{_n(counts.get('unmatched', 0), 'row')} matched no organisation; {counts.get('unreadable', 0)} could not be read. "
            f"{_n(counts.get('missing', 0), 'organisation')} gave a location ID the file does not have. "
            "Import the file on the import page to see them row by row.")


register(Kind("cqc", lambda p: "Import CQC ratings", _plan_cqc, _run_cqc, _cqc_summary))


# --- an Open Referral UK feed ---------------------------------------------------------------

def _run_oruk(job: Job, chunk: dict) -> dict[str, int]:
    council = db.session.get(Council, job.parameters.get("council_id"))
    if council is None:
        raise DomainError("The council this import was for no longer exists.")
    feed = oruk.open_feed(job.parameters["source"], per_page=int(job.parameters.get("per_page") or oruk.PER_PAGE))
    summary = None
    for _number, _total, summary in oruk.run(feed, council):
        pass
    summary = summary or Summary()
    return {"pages": summary.pages, "created": summary.created, "updated": summary.updated,
            "unchanged": summary.unchanged, "skipped": len(summary.skipped), "held": len(summary.held)}


register(Kind("oruk", lambda p: "Import an Open Referral UK feed", lambda job: [{}], _run_oruk,
              lambda c: (f"Read {_n(c.get('pages', 0), 'page')}: {c.get('created', 0)} created, {c.get('updated', 0)} updated, "
                         f"{c.get('unchanged', 0)} unchanged, {c.get('skipped', 0)} skipped, "
                         f"{c.get('held', 0)} left as they were because they are already moderated.")))
