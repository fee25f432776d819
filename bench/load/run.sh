#!/bin/sh
# The load test from one command (see bench/README.md, "Load test"). Arguments go to bench/load/run.py,
# e.g.  bench/load/run.sh --generate            (make the full-size data, then run)
#       bench/load/run.sh --generate --scale 0.05 --baseline-time 10s --mixed-time 30s   (a quick try)
cd "$(dirname "$0")/../.." && exec .venv/bin/python -m bench.load.run "$@"
