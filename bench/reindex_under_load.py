"""The fault that opened issue 11, run again: ``flask catalogue reindex`` while people search and
providers change listings, against the app as production runs it (gunicorn, 3 workers).

It loads the demo data into a fresh database (PostgreSQL when ``BENCH_DATABASE_URL`` is set, else a
SQLite file), starts gunicorn on 127.0.0.1, and for ``--seconds`` runs: four threads searching
(the demo's listing words), one process pausing, renaming and republishing listings through the
services, and ``flask catalogue reindex`` in a loop. Then it prints the status codes seen, the
number of rebuilds and changes, and what ``flask catalogue reindex --check`` says after one more
request (the catch-up a later request does).

    .venv/bin/python bench/reindex_under_load.py --seconds 60
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/reindex_under_load.py
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
WORDS = ["gardening", "cleaning", "swimming", "cycling", "support", "cooking", "walking", "art", "music", "advice"]

EDITOR = """
import random, sys, time
from marketplace.app import create_app
from marketplace.accounts.models import RoleGrant, User
from marketplace.extensions import db
from catalogue import listings
from catalogue.models import Listing
app = create_app()
deadline = time.monotonic() + float(sys.argv[1])
changes = errors = 0
with app.app_context():
    admins = {g.organisation_id: g.user_id for g in db.session.scalars(
        db.select(RoleGrant).where(RoleGrant.organisation_id.isnot(None)))}
    ids = [l.id for l in db.session.scalars(db.select(Listing).where(Listing.status == "published"))
           if l.organisation_id in admins][:40]
    while time.monotonic() < deadline:
        listing = db.session.get(Listing, random.choice(ids))
        admin = db.session.get(User, admins[listing.organisation_id])
        try:
            if changes % 3 == 2:  # pause and publish again through the service
                listings.change_status(admin, listing, "paused")
                listings.change_status(admin, listing, "published")
            else:
                listing.title = listing.title.split(" (")[0] + f" ({changes})"
                db.session.commit()
            changes += 1
        except Exception as error:
            db.session.rollback(); errors += 1; print("edit failed", repr(error), file=sys.stderr)
print(changes, errors)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env, **kwargs):
    return subprocess.run([str(VENV_BIN / args[0]), *args[1:]], env=env, cwd=ROOT, check=True, text=True,
                          capture_output=True, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reindex-bench-"))
    env = {**os.environ, "FLASK_APP": "wsgi", "SEARCH_INDEX_DIR": str(work / "index"), "APP_ENV": "development",
           "SEARCH_RATE_LIMIT": "100000 per minute", "MAIL_BACKEND": "console"}
    schema = server = None
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        import sqlalchemy
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sqlalchemy.create_engine(url)
        with admin.begin() as conn:
            conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in url else "?"
        env["DATABASE_URL"] = f"{url}{sep}options=-csearch_path%3D{schema}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{work / 'bench.db'}"
    try:
        run(["flask", "db", "upgrade"], env)
        run(["flask", "demo", "load"], env)
        print(run(["flask", "catalogue", "reindex"], env).stdout.strip())
        port = free_port()
        server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--workers", "3", "--bind", f"127.0.0.1:{port}",
                                   "--log-level", "warning", "wsgi:app"], env=env, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/", timeout=10)
                break
            except (urllib.error.URLError, OSError):  # still starting
                time.sleep(0.2)
        statuses: collections.Counter = collections.Counter()
        stop = threading.Event()

        def search() -> None:
            while not stop.is_set():
                try:
                    code = urllib.request.urlopen(f"{base}/catalogue?q={random.choice(WORDS)}", timeout=30).status
                except urllib.error.HTTPError as error:
                    code = error.code
                except Exception:  # noqa: BLE001
                    code = "no answer"
                statuses[code] += 1

        searchers = [threading.Thread(target=search) for _ in range(4)]
        for t in searchers:
            t.start()
        editor = subprocess.Popen([str(VENV_BIN / "python"), "-c", EDITOR, str(options.seconds)], env=env, cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True)
        rebuilds, started = 0, time.monotonic()
        while time.monotonic() - started < options.seconds:
            run(["flask", "catalogue", "reindex"], env)
            rebuilds += 1
        changes, edit_errors = editor.communicate()[0].split()
        stop.set()
        for t in searchers:
            t.join()
        time.sleep(1)
        check_before = subprocess.run([str(VENV_BIN / "flask"), "catalogue", "reindex", "--check"], env=env, cwd=ROOT,
                                      text=True, capture_output=True)
        server.terminate()
        server.wait()
        print(f"{options.seconds:.0f} s: {rebuilds} rebuilds, {changes} listing changes ({edit_errors} failed), "
              f"{sum(statuses.values())} searches")
        print("search status codes:", dict(sorted(statuses.items(), key=str)))
        print("reindex --check right after:", check_before.stdout.strip().replace("\n", "; "))
        sync = run(["flask", "catalogue", "sync"], env).stdout.strip()
        print("catalogue sync:", sync)
        print("reindex --check after sync:",
              subprocess.run([str(VENV_BIN / "flask"), "catalogue", "reindex", "--check"], env=env, cwd=ROOT,
                             text=True, capture_output=True).stdout.strip().replace("\n", "; "))
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait()
        if schema:
            with admin.begin() as conn:
                conn.execute(sqlalchemy.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
