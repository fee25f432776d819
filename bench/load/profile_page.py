"""Where one page's time goes, on the load test's data: pyinstrument over the app serving it in process.

    .venv/bin/python -m bench.load.profile_page "/catalogue?q=gardening"
    .venv/bin/python -m bench.load.profile_page "/holders/12/money" --as holder11@load.example.com

It builds the app as the load test's server does (the load database, its search index, Redis database 11),
signs in if asked (the generated accounts' password), asks for the page three times to warm the caches,
then ``--repeat`` times under pyinstrument, and prints the milliseconds and SQL statements per request
and the profile (pyinstrument's text, library frames folded).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load.generate import DEFAULT_URL, DEFAULT_WORK, local_url  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("--as", dest="email")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--work", default=os.environ.get("LOAD_WORK", DEFAULT_WORK))
    args = parser.parse_args()
    work = Path(args.work)
    os.environ.update(DATABASE_URL=local_url(os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL)),
                      SEARCH_INDEX_DIR=str(work / "index"), APP_ENV="development", MAIL_BACKEND="console",
                      REDIS_URL=os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/11"),
                      SEARCH_RATE_LIMIT="1000000 per minute")
    from pyinstrument import Profiler
    from sqlalchemy import event

    from marketplace.app import create_app
    from marketplace.extensions import db
    app = create_app()
    client = app.test_client()
    if args.email:
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        password = json.loads((work / "accounts.json").read_text())["password"]
        client.post("/sign-in", data={"csrf_token": token, "email": args.email, "password": password})
    for _ in range(3):
        status = client.get(args.path).status_code
    statements = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.repeat):
            status = client.get(args.path).status_code
    took = (time.perf_counter() - started) / args.repeat
    print(f"{args.path}: HTTP {status}, {took * 1000:.0f} ms and {statements[0] / args.repeat:.0f} SQL statements a request "
          f"(mean of {args.repeat}, in process, no server)")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
