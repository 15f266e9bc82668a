#!/usr/bin/env bash
# Sets everything up, validates policies/, builds the site (site/) and the search index
# (search_index/), then serves the site on http://127.0.0.1:${PORT:-8000}/ until interrupted,
# rebuilding the changed pages when a file under policies/ is edited.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/policykb validate policies
.venv/bin/policykb build
exec .venv/bin/policykb serve --port "${PORT:-8000}"
