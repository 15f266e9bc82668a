"""The browser's search files as written: every postings list, read back block by block, is the
list Whoosh scores (same clauses, same scores in millionths) in impact order; the numbers encode
and decode without loss; two writes of one index are byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import site_search
from generator.search import BOOSTS, GRAM_BOOST, Index, build_index
from generator.site_search import VLQ, field_scores, membership, vlq


def read_vlq(text: str) -> list[int]:
    """site_search.vlq read back (what search.js's vlq does)."""
    out, value, scale = [], 0, 1
    for ch in text:
        digit = VLQ.index(ch)
        if digit >= 32:
            value += (digit - 32) * scale
            scale *= 32
        else:
            out.append(value + digit * scale)
            value, scale = 0, 1
    return out


def read_block(text: str) -> list[tuple[int, int, int | None]]:
    """(docnum, score in millionths, group or None) of one block, as search.js reads it."""
    numbers, out, i, micros = read_vlq(text), [], 0, None
    while i < len(numbers):
        head = numbers[i]
        group = numbers[i + 1] if head % 2 else None
        i += 2 if head % 2 else 1
        micros = numbers[i] if micros is None else micros - numbers[i]
        i += 1
        out.append((head // 2, micros, group))
    return out


def test_numbers_round_trip():
    values = [0, 1, 31, 32, 1023, 1024, (1 << 17) - 1, 1 << 17, 123_456_789]
    assert read_vlq("".join(vlq(v) for v in values)) == values
    docnums = [0, 1, 5, 40, 2000, 100_000, 100_001]
    gaps = read_vlq(membership(docnums))
    assert [sum(gaps[:i + 1]) + i for i in range(len(gaps))] == docnums


@pytest.fixture(scope="module")
def written(tmp_path_factory, mini_corpus):
    """The mini fixture's index and its browser files, written twice with two postings per
    first block (so lists have later blocks)."""
    root = tmp_path_factory.mktemp("site-search")
    generation = build_index(mini_corpus, root / "ix").path
    original = site_search.FIRST_BLOCK
    site_search.FIRST_BLOCK = 2
    try:
        site_search._write_site_data(generation, root / "a")
        site_search._write_site_data(generation, root / "b")
    finally:
        site_search.FIRST_BLOCK = original
    return generation, root / "a", root / "b"


def shard_entries(data: Path) -> dict:
    entries = {}
    for shard in (data / "post").iterdir():
        entries.update(json.loads(shard.read_text(encoding="utf-8")))
    return entries


def read_list(data: Path, entry: dict) -> tuple[list[tuple[int, int, int | None]], list[int] | None]:
    """A whole list from its first block and its later files; its member list if it has one."""
    postings, members = read_block(entry["p"]), None
    for i, start in enumerate(entry.get("m", []), 1):
        got = json.loads((data / "blk" / f"{entry['n']}-{i}.json").read_text(encoding="utf-8"))
        if i == 1:
            gaps = read_vlq(got[0])
            members = [sum(gaps[:k + 1]) + k for k in range(len(gaps))]
            got = got[1]
        block = read_block(got)
        assert round(start * 1_000_000) == block[0][1]  # the announced start is the block's first score
        postings += block
    return postings, members


def test_lists_read_back_are_whooshs_scores_in_impact_order(written):
    generation, data, _ = written
    entries = shard_entries(data)
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    assert "same" not in meta  # groups live in grp/, not in what every first query downloads
    index = Index(generation.parent, generation=generation)
    try:
        same = index.meta["same"]
        group_of = {d: g for g, members in enumerate(same) for d in members}
        expected = {}
        for term, ids, scores in field_scores(index, "text", BOOSTS["text"]):
            expected["w\t" + term] = dict(zip(ids, scores))
        for term, ids, scores in field_scores(index, "title", BOOSTS["title"]):
            into = expected.setdefault("w\t" + term, {})
            for d, s in zip(ids, scores):
                into[d] = into[d] + s if d in into else s
        for gram, ids, scores in field_scores(index, "grams", GRAM_BOOST):
            expected["g\t" + gram] = dict(zip(ids, scores))
    finally:
        index.close()
    assert {k for k in entries if k[0] in "wg"} == set(expected)
    later = 0
    for key, scores in expected.items():
        postings, members = read_list(data, entries[key])
        later += "n" in entries[key]
        assert {d: m for d, m, _ in postings} == {d: round(s * 1_000_000) for d, s in scores.items()}, key
        assert [(-m, d) for d, m, _ in postings] == sorted((-m, d) for d, m, _ in postings), key
        assert all(g == group_of.get(d) for d, _, g in postings), key
        if members is not None:
            assert members == sorted(scores), key
    assert later > 10  # the fixture does exercise later blocks
    for g, members in enumerate(same):
        group = json.loads((data / "grp" / f"{g}.json").read_text(encoding="utf-8"))
        assert group["m"] == members


def test_two_writes_are_identical(written):
    _, a, b = written
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / p).read_bytes() == (b / p).read_bytes() for p in files_a)
