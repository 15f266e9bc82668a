"""The site's search box over the real sample corpus: same clauses, same order, as the CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from test_search import cli_results  # noqa: E402
from test_search_support import eval_queries, score, typed_query  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    from generator.commands.build import build_site, load_mkdocs_config
    from generator.corpus import load_corpus

    site = tmp_path_factory.mktemp("real-site") / "site"
    config = load_mkdocs_config(ROOT / "mkdocs.yml", str(site), str(ROOT / "policies"))
    build_site(config, load_corpus(ROOT / "policies"), site)
    return site


def typed_results(page, url) -> dict[str, list[str]]:
    page.goto(url)
    box = page.locator(".md-search__input")
    results = {}
    for q in eval_queries():
        box.click()
        box.fill("")
        page.wait_for_function("!document.querySelector('[data-pkb-search]').hasAttribute('data-pkb-state')")
        box.type(typed_query(q))
        page.wait_for_function("document.querySelector('[data-pkb-search]').getAttribute('data-pkb-state') === 'done'")
        results[typed_query(q)] = [a.get_attribute("data-pkb-id") for a in page.locator(".md-search-result__link").all()]
    return results


def test_browser_finds_what_the_cli_finds(real_site, site_server, page, tmp_path):
    from generator.search import build_index
    from generator.corpus import load_corpus

    build_index(load_corpus(ROOT / "policies"), tmp_path / "ix")
    cli = cli_results(tmp_path / "ix")
    browser = typed_results(page, site_server(real_site))
    b_recall, b_mrr, b_failures = score(browser)
    c_recall, c_mrr, _ = score(cli)
    print(f"\nbrowser: recall@5 = {b_recall:.3f}, MRR = {b_mrr:.3f}; CLI: recall@5 = {c_recall:.3f}, MRR = {c_mrr:.3f}")
    assert {k: v[:5] for k, v in browser.items()} == {k: v[:5] for k, v in cli.items()}
    assert b_failures == []
    assert b_recall == c_recall == 1.0
    assert not [u for u in page.requested if u.endswith("search_index.json")]


def test_first_query_transfer_is_small(real_site, site_server, page):
    page.goto(site_server(real_site))
    before = len(page.requested)
    sizes = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if "/assets/search/data/" in r.url else None)
    box = page.locator(".md-search__input")
    box.click()
    box.type("一把手 约谈")
    page.wait_for_function("document.querySelector('[data-pkb-search]').getAttribute('data-pkb-state') === 'done'")
    page.wait_for_timeout(200)
    link = page.locator(".md-search-result__link").first
    assert link.get_attribute("data-pkb-id") == "glossary#yuetan-yibashou"
    marks = {m.inner_text() for m in link.locator("mark").all()}
    assert marks and marks <= {"一把手", "约谈", "约谈一把手", "一把手约谈"}, marks
    total = sum(sizes.values())
    print(f"\nfirst query: {len(sizes)} data files, {total} bytes (uncompressed); {len(page.requested) - before} requests")
    assert total < 300_000
