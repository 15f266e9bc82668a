"""Hostile data builds a safe site: every payload in tests/fixtures/hostile shows as literal text.

Every text field of the hostile fixture starts with a label in 〔〕 and holds script tags, event
handlers, ``javascript:`` links, raw HTML blocks, Markdown and template syntax. The site is
built by the real MkDocs plugin; the built HTML is parsed with the standard library parser.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
LABEL = "〔"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href", "background"}
# Elements a payload could create; the site itself never emits these.
FORBIDDEN_TAGS = {"iframe", "object", "embed", "textarea", "base", "meta-refresh"}
# Text fields the site does not show at all (nothing to escape there).
# Looked at: withdrawn clause text, editorial notes of headings and list items, source, edition
# label, figure and target units, correction notes are kept in the data but not rendered.
NOT_SHOWN = {"〔义务目标〕", "〔义务目标单位〕", "〔数据单位〕", "〔更正说明〕", "〔条三正文〕", "〔条目标单位〕",
             "〔来源标题〕", "〔来源说明〕", "〔清单注〕", "〔版本说明〕", "〔章编者注〕"}


class ParsedPage(HTMLParser):
    """Visible text, elements with their attributes and inline scripts of one HTML page."""

    INVISIBLE = {"script", "style", "title", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []  # visible text
        self.data: list[str] = []  # all text, for the text of each element
        self.by_tag: dict[str, list[str]] = {}
        self.inline_scripts: list[str] = []
        self.comments: list[str] = []
        self._open: list[tuple[str, int]] = []  # (tag, index into data where it began)
        self._invisible = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in self.VOID:
            return
        self._open.append((tag, len(self.data)))
        if tag in self.INVISIBLE:
            self._invisible += 1

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                _, start = self._open[i]
                del self._open[i:]
                text = "".join(self.data[start:])
                self.by_tag.setdefault(tag, []).append(text)
                if tag in self.INVISIBLE:
                    self._invisible -= 1
                return

    def handle_data(self, data):
        if self._open and self._open[-1][0] == "script":
            self.inline_scripts.append(data)
        self.data.append(data)
        if not self._invisible:
            self.texts.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    @property
    def text(self) -> str:
        return squash("".join(self.texts))


def build_hostile_site(site: Path) -> Path:
    """A real MkDocs build of the hostile fixture with the project's mkdocs.yml."""
    from generator.commands.build import build_site, load_mkdocs_config
    from generator.corpus import load_corpus

    config = load_mkdocs_config(ROOT / "mkdocs.yml", str(site), str(HOSTILE))
    build_site(config, load_corpus(HOSTILE), site)
    return site


def squash(text: str) -> str:
    return " ".join(text.split())


def labelled_values(node) -> list[str]:
    """Every string of the loaded hostile corpus that carries a payload (they start with 〔)."""
    if isinstance(node, BaseModel):
        return [v for name in type(node).model_fields for v in labelled_values(getattr(node, name))]
    if isinstance(node, (list, tuple)):
        return [v for item in node for v in labelled_values(item)]
    if isinstance(node, dict):
        return [v for item in node.values() for v in labelled_values(item)]
    if isinstance(node, str) and node.startswith(LABEL):
        return [node]
    return []


def label_of(value: str) -> str:
    return value[: value.index("〕") + 1]


@pytest.fixture(scope="module")
def hostile_corpus():
    from generator.corpus import load_corpus

    return load_corpus(HOSTILE)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("hostile-site") / "site")


@pytest.fixture(scope="module")
def hostile_pages(hostile_site) -> dict[str, ParsedPage]:
    return {p.relative_to(hostile_site).as_posix(): ParsedPage(p.read_text(encoding="utf-8"))
            for p in sorted(hostile_site.rglob("*.html"))}


@pytest.fixture(scope="module")
def own_inline_scripts(mini_site) -> set[str]:
    """The inline scripts Material writes into the pages of an ordinary site."""
    return {normalise_script(s) for p in mini_site.rglob("*.html")
            for s in ParsedPage(p.read_text(encoding="utf-8")).inline_scripts}


def normalise_script(text: str) -> str:
    return re.sub(r'"(?:\.\./)*\.\.?"|"\.\.(?:/\.\.)*"', '"BASE"', text.strip())


def test_every_text_field_of_the_fixture_holds_every_payload(hostile_corpus):
    values = _corpus_values(hostile_corpus)
    labels = {label_of(v) for v in values}
    assert len(labels) >= 80
    for value in values:
        assert "<script>window.__pwned=1</script>" in value
        assert 'onmouseover="window.__pwned=1"' in value
        assert "javascript:window.__pwned=1" in value
        assert "{{ config }}" in value
        assert "**粗**" in value


def _corpus_values(corpus) -> list[str]:
    tables = [corpus.documents, corpus.lists, corpus.standards, corpus.case_sets, corpus.terms,
              corpus.units, corpus.roles, corpus.studies]
    return sorted({v for table in tables for entity in table.values() for v in labelled_values(entity)})


def test_every_payload_shows_as_literal_visible_text(hostile_corpus, hostile_pages):
    shown = " ".join(page.text for page in hostile_pages.values())
    missing = sorted({label_of(v) for v in _corpus_values(hostile_corpus)
                      if squash(v) not in shown and label_of(v) not in NOT_SHOWN})
    assert missing == []
    # Each piece of the payload, once more on its own, as the reader sees it.
    for piece in ['</title></textarea><script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=1">',
                  "[点我](javascript:window.__pwned=1)", '<a href="javascript:window.__pwned=1">链</a>',
                  '" onmouseover="window.__pwned=1" x="', "{{ config }}{% raw %}{#", "**粗** _斜_ `码` # 井",
                  "| a | b | --- ![x](y) <!-- 注 --> &amp;", '<div onclick="window.__pwned=1">原始块</div>',
                  "# 井号标题", "| a | b | |---|---| | 1 | 2 |", "[块链](javascript:window.__pwned=1) ![块图](x)", "```", "> 引用 {{ config }} {% raw %}"]:
        assert piece in shown, piece


def test_no_event_handler_no_javascript_url_no_foreign_element(hostile_pages):
    problems = []
    for name, page in hostile_pages.items():
        for tag, attrs in page.elements:
            for key, value in attrs.items():
                if key.startswith("on"):
                    problems.append((name, tag, key))
                if key in URL_ATTRIBUTES and value and "javascript:" in re.sub(r"[\s\x00-\x1f]", "", value).lower():
                    problems.append((name, tag, key, value))
            if tag in FORBIDDEN_TAGS or (tag == "img" and attrs.get("src") in ("x", "y")):
                problems.append((name, tag, attrs))
            if tag == "div" and "onclick" in attrs:
                problems.append((name, tag))
    assert problems == []


def test_markdown_in_data_creates_no_markup(hostile_pages):
    for name, page in hostile_pages.items():
        for tag, words in (("strong", "粗"), ("em", "斜"), ("code", "码"), ("th", "a"), ("th", "b"),
                           ("blockquote", "引用 {{ config }} {% raw %}"), ("pre", "缩进代码"), ("pre", "围栏")):
            assert not any(squash(t) == words for t in page.by_tag.get(tag, [])), (name, tag)
        for heading in ("h1", "h2", "h3", "h4", "h5", "h6"):
            assert not any(squash(t) in ("井号标题", "井") for t in page.by_tag.get(heading, [])), (name, heading)
        assert "hr" not in {tag for tag, _ in page.elements}, name
        assert not any("注" in c for c in page.comments), name


def test_only_the_sites_own_scripts(hostile_site, hostile_pages, own_inline_scripts):
    for name, page in hostile_pages.items():
        for tag, attrs in page.elements:
            if tag == "script" and attrs.get("src"):
                src = attrs["src"]
                assert not re.match(r"^[a-z]+:|^//", src), (name, src)
                base = hostile_site if src.startswith("/") else hostile_site / Path(name).parent
                assert (base / src.lstrip("/")).resolve().is_file(), (name, src)
        for script in page.inline_scripts:
            assert "pwned" not in script, name
            assert normalise_script(script) in own_inline_scripts, (name, script[:80])


def test_title_element_holds_the_heading_as_text(hostile_pages):
    page = hostile_pages["units/shiwei/index.html"]
    title = page.by_tag["title"][0]
    assert title.startswith("〔单位名甲〕</title></textarea><script>window.__pwned=1</script>")
    assert title.endswith(" - 全面从严治党政策知识库")


def test_template_syntax_is_not_evaluated(hostile_pages):
    shown = " ".join(page.text for page in hostile_pages.values())
    assert shown.count("{{ config }}") >= 100
    assert "site_name" not in shown and "mkdocs_version" not in shown


# --------------------------------------------------------------------------- search output


@pytest.fixture(scope="module")
def hostile_index(hostile_corpus, tmp_path_factory) -> Path:
    from generator.search import build_index

    path = tmp_path_factory.mktemp("hostile-index") / "search_index"
    build_index(hostile_corpus, path)
    return path


def policykb(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_search_json_carries_payloads_as_plain_text(hostile_corpus, hostile_index):
    done = policykb("search", "--json", "--index-dir", str(hostile_index), "义务一")
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert [h["id"] for h in hits] == ["ceshi-fangan#yasi-zeren-1"]
    hit = hits[0]
    clause = hostile_corpus.clauses["ceshi-fangan#yasi-zeren-1"]
    assert hit["text"] == clause.provision.text
    assert hit["heading"] == clause.provision.heading
    assert hit["title"] == hostile_corpus.documents["ceshi-fangan"].title
    assert hit["url"] == "documents/ceshi-fangan/#yasi-zeren-1"
    expected = "市委书记〔【义务一】〕</title></textarea><script>window.__pwned=1</script><img src=x onerror=\"window.__…"
    assert hit["snippet"] == expected
    assert "&lt;" not in done.stdout and "&#" not in done.stdout.replace("&amp;", "")


def test_search_terminal_output_is_text_without_escape_sequences(hostile_index):
    done = policykb("search", "--index-dir", str(hostile_index), "config")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", done.stdout)
    lines = done.stdout.splitlines()
    assert lines[0] == "找到 10 条结果："
    assert '   …ndow.__pwned=1" x="{{ 【config】 }}{% raw %}{# **粗** _斜_ `码` # 井 | a | b | --- ![x](y) <!-- 注 …' in lines


def test_terminal_rendering_drops_control_sequences_from_data(hostile_index):
    from generator.commands.search import render_hits
    from generator.search import search

    hits = search(hostile_index, "义务一")
    hits[0].title = "标题\x1b[2J\x1b]0;x\x07清屏"
    hits[0].snippet = [("前\x1b[31m", False), ("义务一", True), ("\x9b后", False)]
    plain = render_hits(hits, colour=False)
    assert not re.search(r"[\x1b\x07\x80-\x9f]", plain)
    assert plain.splitlines()[2].startswith("1. 标题[2J]0;x清屏")
    coloured = render_hits(hits, colour=True)
    assert set(re.findall(r"\x1b\[[0-9;]*m", coloured)) <= {"\x1b[1m", "\x1b[1;33m", "\x1b[2m", "\x1b[0m"}
    assert not re.search(r"[\x1b\x07\x80-\x9f]", re.sub(r"\x1b\[[0-9;]*m", "", coloured))
