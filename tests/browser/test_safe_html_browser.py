"""Every page of the hostile fixture's site, opened in headless Chromium: no payload runs, no
payload becomes an element, and the page's own scripts log no error. The site search is typed
into as well, since its results are built in the browser from the data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from test_safe_html import build_hostile_site  # noqa: E402

pytestmark = pytest.mark.browser

INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) found.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction'].includes(a.name)
          && a.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase().includes('javascript:'))
        found.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  for (const el of document.querySelectorAll('img[src="x"], img[src="y"], iframe, object, embed, textarea'))
    found.push(el.outerHTML.slice(0, 80));
  for (const el of document.querySelectorAll('script'))
    if (el.textContent.includes('pwned')) found.push('script ' + el.textContent.slice(0, 80));
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("hostile-browser") / "site")


@pytest.fixture
def watched(page):
    """The page, with console errors and uncaught exceptions collected."""
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def page_urls(site: Path) -> list[str]:
    return sorted(p.relative_to(site).parent.as_posix().removeprefix(".").strip("/") + "/"
                  for p in site.rglob("index.html"))


def test_no_payload_runs_on_any_page(hostile_site, site_server, watched):
    base = site_server(hostile_site)
    urls = page_urls(hostile_site)
    assert len(urls) >= 30
    for url in urls:
        address = base + url.lstrip("/") if url != "/" else base
        watched.goto(address)
        watched.wait_for_load_state("load")
        # Hover over every paragraph and heading: an injected onmouseover would fire.
        for element in watched.locator("article p, article h1, article h2, article h3, article li").all()[:40]:
            if element.is_visible():
                element.hover()
        assert watched.evaluate("() => typeof window.__pwned") == "undefined", url
        assert watched.evaluate(INJECTED) == [], url
    assert watched.errors == []
    assert all(u.startswith(base) or u.startswith("data:") for u in watched.requested)


def test_payloads_show_as_text_on_a_clause(hostile_site, site_server, watched):
    base = site_server(hostile_site)
    watched.goto(base + "documents/ceshi-fangan/")
    clause = watched.locator("article").inner_text()
    assert "</title></textarea><script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=1\">" in clause
    assert '<div onclick="window.__pwned=1">原始块</div>' in clause
    assert watched.title().startswith("〔文件简称〕</title></textarea><script>") or \
        watched.title().startswith("〔文件标题〕</title></textarea><script>")
    assert watched.evaluate("() => typeof window.__pwned") == "undefined"
    assert watched.errors == []


def test_search_results_show_payloads_as_text(hostile_site, site_server, watched):
    base = site_server(hostile_site)
    watched.goto(base)
    box = watched.locator(".md-search__input")
    box.click()
    box.type("pwned")
    watched.wait_for_function(
        "document.querySelector('[data-pkb-search]').getAttribute('data-pkb-state') === 'done'")
    results = watched.locator(".md-search-result__link")
    assert results.count() >= 5
    assert "<script>window.__pwned=1</script>" in watched.locator(".md-search-result").inner_text()
    for element in results.all()[:10]:
        element.hover()
    assert watched.evaluate("() => typeof window.__pwned") == "undefined"
    assert watched.evaluate(INJECTED) == []
    assert watched.errors == []
