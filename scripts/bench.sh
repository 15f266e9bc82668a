#!/usr/bin/env bash
# Benchmark of the build and the search at the given sizes (S = the sample, M ≈ 10×, L ≈ 100×),
# each figure beside its anchor; tables on stdout, JSON in bench-out/.
#   bash scripts/bench.sh          # S
#   bash scripts/bench.sh M L      # on demand: M takes minutes, L much longer
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(S)
# the bench extra: tantivy-py, the alternative engine measured beside Whoosh
.venv/bin/python -c "import tantivy" 2>/dev/null || .venv/bin/python -m pip install -q -e ".[bench]"
exec .venv/bin/python -m bench.run "${sizes[@]}"
