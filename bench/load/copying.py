"""Writing millions of rows quickly: PostgreSQL's COPY, with the values the ORM would have written.

An ORM or Core INSERT of the load test's 1.5 million ledger entries takes many minutes on two cores;
COPY takes seconds. To keep the rows the same as the services', each row gets the columns' Python-side
defaults (``default=now``, ``default=list`` ...) the ORM would fill in, aware datetimes are stored as
naive UTC as ``marketplace.types.UTCDateTime`` stores them, and JSON is serialised as the JSON type
does. Ids are taken from the table's own sequence first, so other rows can point at them and the app
numbers on from them.
"""
from __future__ import annotations

import json
from datetime import timezone

from sqlalchemy import JSON

from marketplace.types import UTCDateTime


def copy_rows(db, model, rows: list[dict]) -> list[int]:
    """COPY ``rows`` (dicts of column values) into ``model``'s table; returns their new ids in order
    (an empty list for a table without an ``id`` column)."""
    if not rows:
        return []
    table = model.__table__
    conn = db.session.connection()
    ids: list[int] = []
    has_id = "id" in table.c and table.c.id.primary_key
    if has_id:
        ids = conn.exec_driver_sql(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
                                   f"FROM generate_series(1, {len(rows)})").scalars().all()
    given = set(rows[0])
    columns = [c for c in table.c if c.name in given or (c.name == "id" and has_id)
               or (c.default is not None and c.server_default is None)]
    convert = []
    for c in columns:
        if isinstance(c.type, UTCDateTime):
            convert.append(lambda v: None if v is None else v.astimezone(timezone.utc).replace(tzinfo=None))
        elif isinstance(c.type, JSON):
            convert.append(lambda v: None if v is None else json.dumps(v))
        else:
            convert.append(lambda v: v)
    defaults = {}
    for c in columns:
        if c.name not in given and c.name != "id":
            defaults[c.name] = c.default.arg(None) if c.default.is_callable else c.default.arg
    names = ", ".join(f'"{c.name}"' for c in columns)
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for n, row in enumerate(rows):
            values = []
            for c, change in zip(columns, convert):
                if c.name == "id" and has_id:
                    values.append(ids[n])
                else:
                    values.append(change(row[c.name] if c.name in row else defaults[c.name]))
            copy.write_row(values)
    return ids
