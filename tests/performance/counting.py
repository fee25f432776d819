"""Counting the SQL statements a page sends: a ``before_cursor_execute`` listener on the app's engine
for the length of one request. Counting statements, not timing them, keeps the tests exact and fast
on any machine; timings live in ``bench/hot_pages.py``."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from marketplace.extensions import db

from ..helpers import page_text


@contextmanager
def counted_statements(app):
    """The SQL statements the app sends to the database while the block runs."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def note(_conn, _cursor, statement, _parameters, _context, _executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def statements_for(app, client, url: str) -> tuple[list[str], str]:
    """(the statements sent, the page's text) for one GET that must answer 200."""
    with counted_statements(app) as seen:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code} {page_text(response)[:300]}"
    return list(seen), page_text(response)


def assert_bounded(few: list[str], many: list[str], ceiling: int, slack: int = 0) -> None:
    """As many statements for the larger page as for the smaller (give or take ``slack``), and no more than
    ``ceiling``. On failure, the statements the larger page sent more often are named, to point at the loop."""
    if len(many) > len(few) + slack or len(many) > ceiling:
        from collections import Counter

        extra = Counter(many) - Counter(few)
        repeated = "\n".join(f"{n} x {sql[:160]}" for sql, n in extra.most_common(4))
        raise AssertionError(f"{len(few)} statements for the small page, {len(many)} for the large one "
                             f"(ceiling {ceiling}); sent more often:\n{repeated}")
