#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: data checks, unit and build tests,
# browser tests in headless Chromium, and the benchmark at the sample size as a smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PYTHONDONTWRITEBYTECODE=1
seeds="${POLICYKB_SEEDS:-../shared/seeds}"
if [ -d "$seeds" ]; then
  .venv/bin/policykb validate policies --seeds "$seeds"
else
  .venv/bin/policykb validate policies
fi
if .venv/bin/policykb fmt --help >/dev/null 2>&1; then
  .venv/bin/policykb fmt --check policies
fi
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
