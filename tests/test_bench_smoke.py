"""The benchmark at size S, as CI runs it: every figure is measured and printed (nothing is
asserted on time), and the table and JSON carry each figure beside its anchor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.browser  # drives headless Chromium for the browser transfer figure


def test_benchmark_at_s_prints_every_figure(tmp_path):
    out = tmp_path / "bench-out"
    proc = subprocess.run([sys.executable, "-m", "bench.run", "S", "--out", str(out), "--timeout", "600"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads((out / "bench-S.json").read_text(encoding="utf-8"))["S"]
    # the sample, measured whole: its counts and every figure of the table
    assert (result["documents"], result["provisions"], result["indicators"]) == (6, 258, 57)
    for key in ("load_s", "generate_s", "engine_s", "ours_s", "build_s", "index_s", "index_b", "query_p50_s",
                "query_p95_s", "cli_median_s", "grep_median_s", "query1_b", "query2_b", "material_index_b",
                "html_median_b", "html_max_b", "peak_rss_b", "bare_build_s"):
        assert isinstance(result[key], (int, float)) and result[key] > 0, key
    assert result["queries"] >= 100 and result["answered"] > 0.9 * result["queries"]
    assert result["query1_results"] > 0 and result["query2_results"] > 0
    # every generated page is built (beside them: 404.html and the hand-written pages of docs/)
    assert result["pages"] <= result["html_pages"] <= result["pages"] + 1 + len(list((ROOT / "docs").rglob("*.md")))
    for label in ("load + validate", "full policykb build", "bare mkdocs build", "Material search_index.json",
                  "grep -rF over policies/", "browser transfer, first query", "peak RSS"):
        assert label in proc.stdout
