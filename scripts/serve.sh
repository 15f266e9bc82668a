#!/usr/bin/env bash
# Sets everything up, validates policies/, builds the site and the search index, and serves
# the site on http://127.0.0.1:${PORT:-8000}/ until interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/policykb validate policies
exec .venv/bin/policykb serve --port "${PORT:-8000}"
