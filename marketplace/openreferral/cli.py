"""``flask catalogue import-oruk SOURCE``: reads another directory's Open Referral UK feed, page by
page, into a council's community catalogue for moderation (``importer`` maps and saves each page).

SOURCE is the feed's base URL (``https://example.org/openreferral``, whose ``/services`` it walks),
the URL of its ``/services`` itself, a JSON file holding one list page, or a directory of such
files (read in name order). Each request has a time limit, each page a size limit; a feed that is
down, slow or not HSDS-UK stops the import with a plain message and exit code 1, and what was
imported before stays.
"""
from __future__ import annotations

import json
import re
import socket
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlencode, urlsplit, urlunsplit

import click

from catalogue.cli import catalogue_cli
from marketplace.councils.models import Council
from marketplace.extensions import db

from .importer import MAX_SHORT_TEXT, Import, ImportStopped, Summary

TIMEOUT_SECONDS = 10.0
PER_PAGE = 50
MAX_PAGES = 2000
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_PAGE_RECORDS = 1000
MAX_SHOWN = 50  # skipped records listed one by one in the summary

Fetch = Callable[[str, float], bytes]  # (url, timeout in seconds) -> the body; raises ImportStopped


@dataclass
class Feed:
    """Where the pages come from: ``key`` is what entries remember (``Listing.imported_from``)."""
    key: str
    label: str
    pages: Callable[[], Iterator[tuple[int, int, list]]]  # yields (page number, pages in all, services)


# --- reading over HTTP -----------------------------------------------------------------


class _WebRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to another http or https address (never ftp: or file:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise ImportStopped(f"{req.full_url} redirects to {newurl[:200]}, which is not a web address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_WebRedirectsOnly)


def http_get(url: str, timeout: float) -> bytes:
    """The body at ``url``, read within ``timeout`` seconds in all, at most MAX_PAGE_BYTES long."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "SupportMarket-ORUK-import/1"})
    deadline = time.monotonic() + timeout
    slow = f"{url} did not answer within {timeout:g} seconds"
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > MAX_PAGE_BYTES:
                    raise ImportStopped(f"{url} sent more than {MAX_PAGE_BYTES // (1024 * 1024)} MB for one page")
                if time.monotonic() > deadline:
                    raise ImportStopped(slow)
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as error:
        raise ImportStopped(f"{url} answered {error.code} {error.reason}: the feed is not working") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise ImportStopped(slow) from None
        raise ImportStopped(f"could not reach {url}: {error.reason}") from None
    except (TimeoutError, socket.timeout):
        raise ImportStopped(slow) from None
    except (HTTPException, OSError, ValueError) as error:
        raise ImportStopped(f"could not read {url}: {error}") from None


def _parse_page(body: bytes, where: str) -> tuple[int | None, int | None, list]:
    """(page_number, total_pages, contents) of an HSDS-UK list page; ImportStopped if it is not one."""
    not_oruk = f"{where} is not an Open Referral UK list of services"
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ImportStopped(f"{not_oruk}: it is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("contents"), list):
        raise ImportStopped(f"{not_oruk}: it has no 'contents' list")
    if len(data["contents"]) > MAX_PAGE_RECORDS:
        raise ImportStopped(f"{where} holds more than {MAX_PAGE_RECORDS} services in one page")
    numbers = {}
    for key in ("page_number", "total_pages"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ImportStopped(f"{not_oruk}: its {key} is not a whole number")
        numbers[key] = value
    return numbers["page_number"], numbers["total_pages"], data["contents"]


def web_feed(source: str, *, per_page: int = PER_PAGE, timeout: float = TIMEOUT_SECONDS, fetch: Fetch = http_get) -> Feed:
    """The feed at a base URL (or at its ``/services``), walked page by page as total_pages says."""
    try:
        parts = urlsplit(source.strip())
    except ValueError:
        raise ImportStopped(f"{source[:200]} is not a web address") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ImportStopped(f"{source[:200]} is not an http or https address")
    if parts.username or parts.password:  # it would be stored with every entry
        raise ImportStopped("give the feed's address without a user name or password (an open feed needs neither)")
    path = re.sub(r"/services/?$", "", parts.path.rstrip("/"))
    base = urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))
    if len(base) > MAX_SHORT_TEXT:
        raise ImportStopped(f"the feed's address is longer than {MAX_SHORT_TEXT} characters")

    def pages():
        number, total = 1, 1
        while number <= total:
            if number > MAX_PAGES:
                raise ImportStopped(_too_many_pages(total))
            url = f"{base}/services?" + urlencode({"page": number, "per_page": per_page, "full": "true"})
            page_number, total_pages, contents = _parse_page(fetch(url, timeout), url)
            if page_number not in (None, number):
                raise ImportStopped(f"{url} sent page {page_number} when asked for page {number}")
            if number == 1:
                total = max(1, total_pages or 1)
            yield number, total, contents
            if not contents:
                return
            number += 1

    return Feed(key=base, label=f"{parts.netloc}{path}"[:MAX_SHORT_TEXT], pages=pages)


# --- reading files ---------------------------------------------------------------------


def _too_many_pages(total: int) -> str:
    return (f"the feed has {total} pages and at most {MAX_PAGES} are read in one go; the first {MAX_PAGES} were "
            "imported (ask for more services a page with --per-page)")


def _natural(path: Path) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def file_feed(source: str) -> Feed:
    """A JSON list page, or a directory of them read in name order (page-2.json before page-10.json)."""
    path = Path(source).expanduser().resolve()
    if path.is_dir():
        files = sorted(path.glob("*.json"), key=_natural)
        if not files:
            raise ImportStopped(f"{source} holds no .json pages")
    elif path.is_file():
        files = [path]
    else:
        raise ImportStopped(f"{source} is neither a web address nor a file or directory here")
    if len(str(path)) > MAX_SHORT_TEXT:
        raise ImportStopped(f"the path {source} is longer than {MAX_SHORT_TEXT} characters")

    def pages():
        for number, file in enumerate(files, 1):
            if number > MAX_PAGES:
                raise ImportStopped(_too_many_pages(len(files)))
            if file.stat().st_size > MAX_PAGE_BYTES:
                raise ImportStopped(f"{file.name} is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB")
            yield number, len(files), _parse_page(file.read_bytes(), file.name)[2]

    return Feed(key=str(path), label=path.name, pages=pages)


def open_feed(source: str, **options) -> Feed:
    if "://" in source:
        return web_feed(source, **options)
    return file_feed(source)


# --- the command -----------------------------------------------------------------------


def run(feed: Feed, council) -> Iterator[tuple[int, int, Summary]]:
    """Import every page, yielding (page number, pages in all, summary so far) after each is saved."""
    work = Import(council, feed.key, feed.label)
    for number, total, contents in feed.pages():
        work.page(number, contents)
        yield number, total, work.summary


@click.command("import-oruk")
@click.argument("source")
@click.option("--council", "council_slug", required=True, help="The council whose community catalogue receives the services.")
@click.option("--per-page", default=PER_PAGE, show_default=True, type=click.IntRange(1, 500), help="Services asked for per page.")
@click.option("--timeout", default=TIMEOUT_SECONDS, show_default=True, type=click.FloatRange(0.1, 300),
              help="Seconds to wait for each page.")
def import_oruk(source: str, council_slug: str, per_page: int, timeout: float) -> None:
    """Import an Open Referral UK feed (a URL, a JSON page or a directory of pages) as community entries to moderate."""
    council = db.session.scalars(db.select(Council).filter_by(slug=council_slug)).first()
    if council is None:
        click.echo(f"There is no council '{council_slug}'. Give the slug of one, like aldermoor.", err=True)
        sys.exit(1)
    summary = Summary()
    try:
        feed = open_feed(source, per_page=per_page, timeout=timeout)
        steps = run(feed, council)
        if sys.stdout.isatty():
            _number, total, summary = next(steps)  # the first page says how many there are
            with click.progressbar(length=total, label=f"Importing {feed.label}") as bar:
                bar.update(1)
                for _number, _total, summary in steps:
                    bar.update(1)
        else:
            for number, total, summary in steps:
                click.echo(f"Page {number} of {total}: {summary.created} created, {summary.updated} updated, "
                           f"{summary.unchanged} unchanged, {len(summary.skipped)} skipped so far.")
    except ImportStopped as stopped:
        db.session.rollback()
        _print_summary(summary)
        click.echo(f"The import stopped: {stopped}. What was imported before this stays.", err=True)
        sys.exit(1)
    _print_summary(summary)


def _print_summary(summary: Summary) -> None:
    click.echo(f"Pages read: {summary.pages}. Created: {summary.created}. Updated: {summary.updated}. "
               f"Unchanged: {summary.unchanged}. Skipped: {len(summary.skipped)}.")
    for page, ident, reason in summary.skipped[:MAX_SHOWN]:
        click.echo(f"  Skipped page {page}, id {ident}: {reason}.")
    if len(summary.skipped) > MAX_SHOWN:
        click.echo(f"  ... and {len(summary.skipped) - MAX_SHOWN} more skipped.")
    if summary.held:
        shown = ", ".join(summary.held[:MAX_SHOWN]) + (" ..." if len(summary.held) > MAX_SHOWN else "")
        click.echo(f"Changed in the feed but already published or turned down here, so left as they are: "
                   f"{len(summary.held)} ({shown}). Check them by hand.")


def init_app(app) -> None:
    """Adds ``import-oruk`` to the ``flask catalogue`` commands."""
    catalogue_cli.add_command(import_oruk)
