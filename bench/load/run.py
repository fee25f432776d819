"""The load test from one command: the server, the baselines, the mixed traffic, the figures, the ledger.

    .venv/bin/python -m bench.load.run --generate                 # make the data (full size), then run
    .venv/bin/python -m bench.load.run                            # run against data made earlier
    .venv/bin/python -m bench.load.run --generate --scale 0.05 --baseline-time 10s --mixed-time 30s   # a try

It starts gunicorn on 127.0.0.1 with the repository's gunicorn.conf.py when there is one (else 2 workers),
against the load database (bench/load/generate.py) with REDIS_URL set (a Redis database of its own, 11
unless LOAD_REDIS_URL says otherwise; emptied first), and runs Locust headless (bench/load/locustfile.py)
with the same number of users (20) in phases: a bare hello app on the same gunicorn settings (the
ceiling), the app's plain content page, the search page alone, listing pages alone, then the mixed
traffic (measured from the moment every user in it has signed in); with ``--postgres-search``, the
search page alone once more on the PostgreSQL search backend (SEARCH_BACKEND=postgres). It prints, per page, requests a second, p50/p95/p99 in ms, failures, 5xx, and throughput as a
fraction of the plain page's; then every 5xx (with the server's traceback, from its log) and the ledger's
invariants (bench/load/ledger_check.py). The exit status is 1 if there was a 5xx or the ledger is wrong.

Settings for the server: APP_ENV=development with a random SECRET_KEY (production insists on https
cookies, which Locust over plain http would not send back), SEARCH_RATE_LIMIT raised (every virtual user
comes from 127.0.0.1, one address; the limit is per address), mail to the console backend, logs to
--work/gunicorn.log.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load.generate import DEFAULT_URL, DEFAULT_WORK, local_url  # noqa: E402

BIN = ROOT / ".venv" / "bin"
MIXED = ["Visitor", "HolderUser", "BrokerUser", "ProviderUser", "CommissionerUser"]
PHASES = [("hello", ["HelloUser"]), ("plain page", ["PlainPageUser"]), ("search alone", ["SearchOnlyUser"]),
          ("listing alone", ["ListingOnlyUser"])]
PLAIN = "/pages/accessibility"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server(app: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    conf = ROOT / "gunicorn.conf.py"
    args = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}"]
    args += ["-c", str(conf)] if conf.exists() else ["-w", "2"]
    process = subprocess.Popen([*args, app], cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {log}")
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer within 60 s: see {log}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def locust(classes: list[str], port: int, users: int, run_time: str, prefix: Path, env: dict) -> list[dict]:
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless", "--only-summary",
                    "-u", str(users), "-r", str(users), "-t", run_time, "--host", f"http://127.0.0.1:{port}",
                    "--csv", str(prefix), "--loglevel", "WARNING", *classes], cwd=ROOT, env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=open(f"{prefix}_locust.log", "w"))
    with open(f"{prefix}_stats.csv") as f:
        return [row for row in csv.DictReader(f) if row["Name"] != "Aggregated"]


def failures(prefix: Path) -> dict[str, int]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return {}
    counts: dict[str, int] = {}
    with path.open() as f:
        for row in csv.DictReader(f):
            if "5xx" in row["Error"]:
                counts[row["Name"]] = counts.get(row["Name"], 0) + int(row["Occurrences"])
    return counts


def table(rows: list[tuple]) -> str:
    head = ("phase", "page", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "failures", "5xx", "of plain")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


class Report:
    """Prints each line and keeps them all in ``path`` (results.md), to paste into bench/README.md."""

    def __init__(self, path: Path):
        self.path = path
        path.write_text("")

    def __call__(self, text: str) -> None:
        print(text, flush=True)
        with self.path.open("a") as f:
            f.write(text + "\n")


def describe(url: str, redis_url: str, args) -> str:
    """When, which commit, the machine and the settings."""
    def out(*command):
        try:
            return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=20).stdout.strip()
        except OSError:
            return "?"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine()) if Path("/proc/cpuinfo").exists() else platform.machine()
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0) if Path("/proc/meminfo").exists() else 0
    postgres = out("psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version").split(" ")[0]
    conf = "gunicorn.conf.py" if (ROOT / "gunicorn.conf.py").exists() else "gunicorn -w 2 (no gunicorn.conf.py)"
    accounts = json.loads((Path(args.work) / "accounts.json").read_text())
    return (f"Load test, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {out('git', 'rev-parse', '--short', 'HEAD')}. "
            f"Machine: {os.cpu_count()} cores ({cpu}), {memory} GB RAM, load average {os.getloadavg()[0]:.1f} at the start "
            f"(the load generator runs on the same cores). PostgreSQL {postgres} "
            f"(database {url.rsplit('/', 1)[1]}, data at scale {accounts.get('scale')}), Redis ({redis_url}), "
            f"server: {conf}, WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', 'default')}. Locust: {args.users} users, "
            f"no think time; hello, plain page, search alone and listing alone {args.baseline_time} each, then the mixed "
            f"traffic {args.mixed_time}.")


def first_traceback(text: str) -> str:
    """The first traceback in the server's log, to the exception's own line, without the ^^^ markers."""
    if "Traceback" not in text:
        return "(no traceback in the log)"
    lines, kept = text[text.index("Traceback"):].splitlines(), []
    for line in lines:
        if line.strip() and set(line.strip()) <= {"^", "~"}:
            continue
        kept.append(line)
        if len(kept) > 1 and line and not line.startswith((" ", "Traceback", "During handling", "The above")):
            break
    return "\n".join(kept)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--work", default=os.environ.get("LOAD_WORK", DEFAULT_WORK))
    parser.add_argument("--generate", action="store_true", help="make the data first (bench/load/generate.py)")
    parser.add_argument("--scale", default="1.0", help="with --generate: a fraction of the full size")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--baseline-time", default="30s", help="each of hello, plain page, search alone, listing alone")
    parser.add_argument("--mixed-time", default="4m")
    parser.add_argument("--postgres-search", action="store_true",
                        help="then the search page alone again with SEARCH_BACKEND=postgres (generate with it too)")
    args = parser.parse_args()
    url, work = local_url(args.database_url), Path(args.work)
    if args.generate:
        subprocess.run([str(BIN / "python"), "-m", "bench.load.generate", "--scale", args.scale, "--database-url", url,
                        "--work", str(work), *(["--postgres-search"] if args.postgres_search else [])], cwd=ROOT, check=True)
    if not (work / "accounts.json").exists():
        raise SystemExit(f"No load data: run with --generate first ({work / 'accounts.json'} is missing).")
    redis_url = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/11")
    import redis
    redis.Redis.from_url(redis_url).flushdb()
    five_xx, log = work / "5xx.log", work / "gunicorn.log"
    five_xx.unlink(missing_ok=True)
    (work / "sign-in.json").unlink(missing_ok=True)
    log.write_text("")
    env = {**os.environ, "DATABASE_URL": url, "SEARCH_INDEX_DIR": str(work / "index"), "REDIS_URL": redis_url,
           "APP_ENV": "development", "SECRET_KEY": secrets.token_hex(32), "SEARCH_RATE_LIMIT": "1000000 per minute",
           "MAIL_BACKEND": "console", "LOAD_ACCOUNTS": str(work / "accounts.json"), "LOAD_5XX_LOG": str(five_xx), "LOAD_SIGN_IN_LOG": str(work / "sign-in.json"),
           "PYTHONPATH": str(ROOT)}
    say = Report(work / "results.md")
    say(describe(url, redis_url, args))
    rows, bad = [], {}
    plain_rps = None
    port = free_port()
    hello = server("bench.load.hello:app", port, env, log)
    try:
        stats = locust(["HelloUser"], port, args.users, args.baseline_time, work / "hello", env)
    finally:
        stop(hello)
    results = [("hello", stats, {})]
    port = free_port()
    app = server("wsgi:app", port, env, log)
    try:
        for name, classes in PHASES[1:]:
            print(f"  {name} ...", flush=True)
            stats = locust(classes, port, args.users, args.baseline_time, work / name.replace(" ", "_"), env)
            results.append((name, stats, failures(work / name.replace(" ", "_"))))
        print("  mixed traffic ...", flush=True)
        stats = locust(MIXED, port, args.users, args.mixed_time, work / "mixed", env)
        results.append(("mixed", stats, failures(work / "mixed")))
    finally:
        stop(app)
    if args.postgres_search:
        print("  search alone, PostgreSQL backend ...", flush=True)
        port = free_port()
        app = server("wsgi:app", port, {**env, "SEARCH_BACKEND": "postgres"}, log)
        try:
            stats = locust(["SearchOnlyUser"], port, args.users, args.baseline_time, work / "search_postgres", env)
            results.append(("search alone, SEARCH_BACKEND=postgres", stats, failures(work / "search_postgres")))
        finally:
            stop(app)
    for phase, stats, errors in results:
        for s in stats:
            if phase == "plain page" and s["Name"] == PLAIN:
                plain_rps = float(s["Requests/s"])
    for phase, stats, errors in results:
        for s in sorted((s for s in stats if int(s["Request Count"])), key=lambda s: -int(s["Request Count"])):
            rps = float(s["Requests/s"])
            rows.append((phase, s["Name"], s["Request Count"], f"{rps:.1f}", s["50%"], s["95%"], s["99%"], s["Failure Count"],
                         errors.get(s["Name"], 0), f"{rps / plain_rps:.0%}" if plain_rps else "-"))
            if errors.get(s["Name"]):
                bad[f"{phase}: {s['Name']}"] = errors[s["Name"]]
    say("")
    say(table(rows))
    signed = work / "sign-in.json"
    if signed.exists():
        figures = json.loads(signed.read_text())
        say(f"\nMixed traffic measured after its users signed in: {figures['sign_ins']} sign-ins, p50 {figures['p50_ms']} ms, "
              f"slowest {figures['max_ms']:.0f} ms, {figures['failures']} failed"
              + ("" if figures["all_signed_in"] else " (not all signed in within 120 s)") + ".")
    search = next((s for phase, stats, _ in results if phase == "search alone" for s in stats), None)
    if search and plain_rps:
        p95, share = float(search["95%"]), float(search["Requests/s"]) / plain_rps
        say(f"\nTargets (search page alone, {args.users} users): search page p95 {p95:.0f} ms (under 300: {'met' if p95 < 300 else 'NOT MET'}); "
              f"{share:.0%} of the plain page's throughput (at least 25%: {'met' if share >= 0.25 else 'NOT MET'}).")
    if bad:
        say(f"\n5xx responses: {bad}. The first (from {five_xx}):")
        say(five_xx.read_text().split("\n")[0] if five_xx.exists() else "(none logged)")
        say("The server's first traceback (from " + str(log) + "):\n" + first_traceback(log.read_text()))
    else:
        say("\nNo 5xx responses.")
    check = subprocess.run([str(BIN / "python"), "-m", "bench.load.ledger_check"], cwd=ROOT, capture_output=True, text=True,
                           env={**env, "LOAD_DATABASE_URL": url})
    say(check.stdout.strip() or check.stderr.strip()[-2000:])
    return 1 if bad or check.returncode else 0


if __name__ == "__main__":
    raise SystemExit(main())
