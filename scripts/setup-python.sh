#!/usr/bin/env bash
# Shared by scripts/run and scripts/test: make .venv with Python 3.11+ and install the project.
# Usage: source scripts/setup-python.sh [extra]   e.g. "test" installs the test extra too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extra="${1:-}"
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
      echo "Installing python3-venv with apt..."
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv .venv
    else
      echo "Python's venv module is missing: run 'sudo apt-get install python3-venv' and try again." >&2
      exit 1
    fi
  fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
if [ -n "$extra" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$extra]"
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
