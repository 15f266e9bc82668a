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
        groups = [expected_group(e) for e in q["expect"]]
        ranks = [rank_of(group, got) for group in groups]
        found = [r for r in ranks if r is not None and r <= 5]
        recalls.append(len(found) / len(groups))
        hit = [r for r in ranks if r is not None]
        rr.append(1 / min(hit) if hit else 0.0)
        if len(found) < len(groups):
            missing = [g for g, r in zip(groups, ranks) if r is None or r > 5]
            failures.append(f"{typed_query(q)}: missing {missing}, got {got[:5]}")
    return sum(recalls) / len(recalls), sum(rr) / len(rr), failures


def expected_group(entry) -> list[str]:
    """An expectation entry: one clause id, or a list of ids of which any one will do."""
    return [entry] if isinstance(entry, str) else list(entry)


def rank_of(group: list[str], got: list[str]) -> int | None:
    """1-based rank of the first result that is a member of the group, or None."""
    return next((i + 1 for i, ident in enumerate(got) if ident in group), None)
