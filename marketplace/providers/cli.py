"""``flask providers import-cqc PATH``: the CQC's ratings from its monthly care directory."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..errors import DomainError
from ..extensions import db
from . import cqc

providers_cli = AppGroup("providers", help="Providers and their organisations.")

SHOWN = 20  # rows listed of each kind; the rest are counted


@providers_cli.command("import-cqc")
@click.argument("path", type=click.Path(dir_okay=False))
def import_cqc(path: str) -> None:
    """Set each organisation's CQC rating from the CQC's care directory CSV, matched on the location id
    the organisation gave. Safe to run again: the same file gives the same ratings."""
    try:
        with open(path, "rb") as file:
            result = cqc.import_directory(file)
    except OSError as error:
        raise click.ClickException(f"Could not open {path}: {error.strerror or error}.") from None
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    for line in report_lines(result):
        click.echo(line)


def report_lines(result: cqc.ImportResult) -> list[str]:
    """The import's report as lines of text: what changed, then what needs a person to look."""
    unmatched, unreadable = len(result.unmatched), len(result.unreadable)
    lines = [f"Read {_n(result.rows, 'row')}. {_n(result.updated, 'organisation')} updated. "
             f"{_n(unmatched, 'row')} {'matches' if unmatched == 1 else 'match'} no organisation. "
             f"{_n(unreadable, 'row')} could not be read and {'was' if unreadable == 1 else 'were'} skipped."]
    if result.missing:
        lines.append(f"{_n(len(result.missing), 'organisation')} gave a CQC location ID the file does not have:")
        lines += [f"  {m.name} (location {m.location_id})" for m in result.missing[:SHOWN]]
        lines += _more(result.missing)
    if result.unreadable:
        lines.append("Rows that could not be read (skipped):")
        lines += [f"  line {u.line}" + (f" ({u.name})" if u.name else "") + f": {u.why}" for u in result.unreadable[:SHOWN]]
        lines += _more(result.unreadable)
    if result.unmatched:
        lines.append("Rows that match no organisation:")
        lines += [f"  line {u.line}: {u.location_id} {u.name}".rstrip() for u in result.unmatched[:SHOWN]]
        lines += _more(result.unmatched)
    return lines


def _more(found: list) -> list[str]:
    return [f"  and {len(found) - SHOWN} more"] if len(found) > SHOWN else []


def _n(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
