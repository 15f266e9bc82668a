"""Two builds of the same input give byte-identical sites and the same search results.

Each build is a separate ``policykb build`` process with SOURCE_DATE_EPOCH set and a different
PYTHONHASHSEED, so that set or dict ordering that depends on string hashing shows up as a diff.
Every file of both site/ trees is hashed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
QUERIES = ["谈心谈话", "三重一大", "监督", "市委书记 每年", "扣分", "角色:党委书记 责任", "pwned", "config",
           "单位:市纪委监委 廉政"]


def file_hashes(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def build(policies: Path, out: Path, seed: str) -> Path:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--policies", str(policies),
                           "--site-dir", str(out / "site"), "--index-dir", str(out / "search_index")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


def results(index: Path) -> dict[str, list[dict]]:
    from generator.search import QueryError, search

    found = {}
    for query in QUERIES:
        try:
            found[query] = [h.as_json() for h in search(index, query, limit=50)]
        except QueryError as exc:
            found[query] = [{"error": str(exc)}]
    return found


@pytest.mark.parametrize("fixture", ["mini", "hostile"])
def test_two_builds_are_byte_identical(fixture, tmp_path):
    first = build(FIXTURES / fixture, tmp_path / "a", seed="1")
    second = build(FIXTURES / fixture, tmp_path / "b", seed="2")
    a, b = file_hashes(first / "site"), file_hashes(second / "site")
    assert len(a) > 50
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    assert any(name.endswith(".xlsx") for name in a) and any(name.endswith(".pdf") for name in a)
    found = results(first / "search_index")
    assert found == results(second / "search_index")
    assert sum(len(hits) for hits in found.values()) > 0
