"""The browser's top-k over impact-ordered blocks gives what Whoosh gives over whole lists.

The sample corpus is small: most postings lists fit in their first block. Here the browser files
are written with first blocks of two postings, so nearly every list is read block by block and
the early stop (and the reading of member lists and identical-clause groups) decides every
answer; each is compared with ``Index.search``: the same clauses in the same order with the
same links, the same 同见 clauses and links, the same scores."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from test_search_support import eval_queries, typed_query  # noqa: E402

pytestmark = pytest.mark.browser

EXTRA = ["一", "一把手", "一把手 约谈", "党委 书记", "监督 检查 责任", "述责述廉述德", "纪委", "全面从严治党",
         "指标", "谈话", "2020", "责任 角色:党委书记", "考核 单位:区纪委监委", "党风廉政建设 责任制 落实"]


@pytest.fixture(scope="module")
def block_site(tmp_path_factory):
    """The real sample site, its search data rewritten with two postings per first block."""
    from generator import site_search
    from generator.commands.build import build_site, load_mkdocs_config
    from generator.corpus import load_corpus
    from generator.search import build_index

    root = tmp_path_factory.mktemp("topk")
    corpus = load_corpus(ROOT / "policies")
    site = root / "site"
    build_site(load_mkdocs_config(ROOT / "mkdocs.yml", str(site), str(ROOT / "policies")), corpus, site)
    generation = build_index(corpus, root / "ix").path
    original = site_search.FIRST_BLOCK
    site_search.FIRST_BLOCK = 2
    try:
        # Written straight to a folder of the test's own: the shared cache must keep full blocks.
        site_search._write_site_data(generation, root / "data")
    finally:
        site_search.FIRST_BLOCK = original
    data = site / site_search.SITE_DIR / "data"
    shutil.rmtree(data)
    shutil.copytree(root / "data", data)
    return site, root / "ix"


def browser_answers(page, queries):
    """query → [[[id, url], [[同见 id, url]…], score]] from the page's own search engine, or the error text."""
    return page.evaluate("""async queries => {
        const engine = window.policykbSearch.engine, out = {};
        for (const q of queries) {
            try {
                const r = await engine.search(q, 10);
                const hits = await engine.documents(r.hits.top);
                out[q] = hits.map(h => [[h.id, h.url], h.also.map(a => [a.id, a.url]), h.score]);
            } catch (e) { out[q] = "error: " + e.message; }
        }
        return out;
    }""", queries)


def test_block_reading_finds_what_whole_lists_find(block_site, site_server, page):
    from generator.search import Index, QueryError

    site, index_dir = block_site
    queries = list(dict.fromkeys([typed_query(q) for q in eval_queries()] + EXTRA))
    page.goto(site_server(site))
    page.wait_for_function("window.policykbSearch !== undefined")
    got = browser_answers(page, queries)
    index = Index(index_dir)
    try:
        expected = {}
        for q in queries:
            try:
                expected[q] = [[[h.id, h.url], [[a.id, a.url] for a in h.also], h.score]
                              for h in index.search(q, limit=10)]
            except QueryError:
                expected[q] = "error"
    finally:
        index.close()
    assert sum(1 for q in queries if expected[q] != "error" and len(expected[q]) == 10) >= 10  # many full pages
    for q in queries:
        if expected[q] == "error":
            assert isinstance(got[q], str) and got[q].startswith("error"), q
            continue
        assert [h[:2] for h in got[q]] == [h[:2] for h in expected[q]], q
        assert [round(h[2], 6) for h in got[q]] == pytest.approx([round(h[2], 6) for h in expected[q]], abs=1e-5), q
    blocks = {p.name for p in (site / "assets/search/data/blk").iterdir() if "-" in p.name}
    read = {u.rsplit("/", 1)[1] for u in page.requested if "/blk/" in u and "-" in u.rsplit("/", 1)[1]}
    assert read and len(read) < len(blocks) / 2  # the answers were settled without reading most blocks
