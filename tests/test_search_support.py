"""Shared by the search tests: the evaluation set and its recall@5 / MRR."""

from __future__ import annotations

from pathlib import Path

import yaml

EVAL = Path(__file__).parent / "search_eval.yaml"
FILTER_WORDS = {"role": "角色", "unit": "单位", "category": "类别", "doc": "文件"}


def eval_queries() -> list[dict]:
    return yaml.safe_load(EVAL.read_text(encoding="utf-8"))["queries"]


def typed_query(q: dict) -> str:
    """What a person types into the search box for this entry (filters as 角色:… words)."""
    return " ".join([q["query"], *(f"{FILTER_WORDS[k]}:{q[k]}" for k in FILTER_WORDS if q.get(k))])


def score(results: dict[str, list[str]]) -> tuple[float, float, list[str]]:
    """recall@5 and MRR over the answerable queries, and the failures (no-answer included)."""
    recalls, rr, failures = [], [], []
    for q in eval_queries():
        got = results[typed_query(q)]
        if not q["expect"]:
            if got:
                failures.append(f"{typed_query(q)}: expected nothing, got {got[:3]}")
            continue
        found = [e for e in q["expect"] if e in got[:5]]
        recalls.append(len(found) / len(q["expect"]))
        ranks = [got.index(e) + 1 for e in q["expect"] if e in got]
        rr.append(1 / min(ranks) if ranks else 0.0)
        if len(found) < len(q["expect"]):
            failures.append(f"{typed_query(q)}: missing {sorted(set(q['expect']) - set(found))}, got {got[:5]}")
    return sum(recalls) / len(recalls), sum(rr) / len(rr), failures
