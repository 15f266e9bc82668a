"""The browser "before": Material for MkDocs' stock search (lunr in its worker, jieba accurate
mode at build time) over the sample corpus, scored on tests/search_eval.yaml.

The site is built once with the stock ``search`` plugin and without policykb's search partial
(generated pages only), then each query is typed into Material's own search box in headless
Chromium. Material returns page sections, not clauses: a result link counts as a hit for an
expected clause when the clause's anchor lies inside that section of that page (read from the
built HTML: every element id belongs to the nearest heading before it). Filters do not exist
in Material's search, so only the query words are typed.

Run: .venv/bin/python bench/material_search_baseline.py [--lang zh]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

# Material's zh meta line: 找到 N 个符合条件的结果 / 没有找到符合条件的结果 once the worker answered
ANSWERED = "结果"
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class SectionMap(HTMLParser):
    """anchor id → id of the heading whose section contains it ("" before the first h2…h6
    id, i.e. the page's top section) for the article of one built page."""

    def __init__(self):
        super().__init__()
        self.section, self.sections, self.inside = "", {}, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.inside += 1
        if not self.inside or "id" not in attrs:
            return
        if tag in HEADINGS and tag != "h1":
            self.section = attrs["id"]
        self.sections.setdefault(attrs["id"], self.section)

    def handle_endtag(self, tag):
        if tag == "article":
            self.inside -= 1


def section_maps(site: Path) -> dict[str, dict[str, str]]:
    """page path ("documents/x/") → its anchor → section map."""
    maps = {}
    for html in site.rglob("index.html"):
        page = html.parent.relative_to(site).as_posix()
        parser = SectionMap()
        parser.feed(html.read_text(encoding="utf-8"))
        maps["" if page == "." else page + "/"] = parser.sections
    return maps


def clause_locations(corpus) -> dict[str, tuple[str, str]]:
    """clause id → (page path, anchor) from the site's own URLs."""
    from generator.search import search_documents

    out = {}
    for d in search_documents(corpus):
        page, _, anchor = d.url.partition("#")
        out[d.id] = (page, anchor)
    return out


def covered(link: str, base: str, locations, maps) -> set[str]:
    """Clause ids inside the page section a result link points to."""
    parts = urlsplit(link)
    page, section = parts.path[len(urlsplit(base).path):], parts.fragment
    return {clause for clause, (cpage, anchor) in locations.items()
            if cpage == page and (maps.get(page, {}).get(anchor, "") if anchor else "") == section}


def score_links(links: dict[str, list[str]], base: str, locations, maps):
    """recall@5 (expected clauses inside the first five result links), MRR (rank of the first
    link containing an expected clause), failures; a no-answer query fails on any result."""
    from test_search_support import eval_queries, expected_group, typed_query

    recalls, rr, failures = [], [], []
    for q in eval_queries():
        ranked = [covered(link, base, locations, maps) for link in links[q["query"]]]
        if not q["expect"]:
            if ranked:
                failures.append(f"{typed_query(q)}: expected nothing, got {len(ranked)} results")
            continue
        groups = [set(expected_group(e)) for e in q["expect"]]  # a group is found when any member is
        top = set().union(*ranked[:5]) if ranked else set()
        found = [g for g in groups if g & top]
        recalls.append(len(found) / len(groups))
        wanted = set().union(*groups)
        first = next((i for i, c in enumerate(ranked, 1) if c & wanted), None)
        rr.append(1 / first if first else 0.0)
        if len(found) < len(groups):
            failures.append(f"{typed_query(q)}: missing {[sorted(g) for g in groups if not g & top]}")
    return sum(recalls) / len(recalls), sum(rr) / len(rr), failures


def build_stock_site(out: Path, lang: str | None) -> None:
    """The sample site with Material's stock search: our generated pages, no search override."""
    import generator.plugin as plugin
    from generator.commands.build import _quiet_mkdocs_logging, build_site
    from generator.corpus import load_corpus
    from mkdocs.config import load_config

    plugin.THEME = Path("/nonexistent")  # keep Material's own header, search partial and worker
    _quiet_mkdocs_logging()
    # The site's plugins with Material's stock search added (mkdocs.yml does not enable it:
    # the site runs its own search) and policykb's search box off.
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(out.resolve()),
                         plugins=["search", {"policykb": {"policies_dir": str(ROOT / "policies"), "search": False}}])
    if lang:
        config.plugins["material/search"].config["lang"] = [lang]
    build_site(config, load_corpus(ROOT / "policies"), out)
    if not (out / "search" / "search_index.json").exists():
        raise SystemExit("the build wrote no search/search_index.json (stock search plugin removed?)")


def typed_links(page, url: str, queries: list[str]) -> dict[str, list[str]]:
    """Each query opened as ``?q=<query>`` (Material fills its search box from it and runs the
    search on a fresh page), results read once the meta line reports them."""
    from urllib.parse import quote

    results = {}
    for q in queries:
        page.goto(f"{url}?q={quote(q)}")
        page.wait_for_function(
            f"(document.querySelector('.md-search-result__meta') || {{}}).textContent?.includes({ANSWERED!r})",
            timeout=60_000)
        results[q] = stable_links(page)
    return results


def stable_links(page) -> list[str]:
    """Result hrefs once the list stopped changing (Material renders asynchronously)."""
    last, same_since = None, time.monotonic()
    while True:
        links = page.eval_on_selector_all(".md-search-result__link", "as => as.map(a => a.href)")
        if links != last:
            last, same_since = links, time.monotonic()
        elif time.monotonic() - same_since > 0.4:
            return links
        page.wait_for_timeout(50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", help="search plugin lang (default: as mkdocs.yml, i.e. unset)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from conftest import launch_chromium, serve_directory
    from generator.corpus import load_corpus
    from test_search_support import eval_queries

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_stock_site(site, args.lang)
        size = (site / "search" / "search_index.json").stat().st_size
        locations, maps = clause_locations(load_corpus(ROOT / "policies")), section_maps(site)
        base, server = serve_directory(site)
        try:
            with sync_playwright() as p:
                browser = launch_chromium(p)
                page = browser.new_page()
                queries = list(dict.fromkeys(q["query"] for q in eval_queries()))
                links = typed_links(page, base, queries)
                browser.close()
        finally:
            server.shutdown()
    recall, mrr, failures = score_links(links, base, locations, maps)
    print(f"Material stock search (lang={args.lang or 'unset'}): recall@5 = {recall:.3f}, MRR = {mrr:.3f}, "
          f"{len(failures)} failing queries; search_index.json {size} bytes (downloaded whole on first use)")
    for f in failures:
        print("  ", f)


if __name__ == "__main__":
    main()
