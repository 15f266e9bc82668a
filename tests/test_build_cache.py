"""What a build reuses: one search index per build, downloads cached by their inputs, and
dirty rebuilds (``policykb serve``) that render only the pages whose Markdown changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.commands.build import build_all
from generator.corpus import load_corpus
from generator.export import site as export_site
from generator.export import tasks

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"
DOC = "documents/ceshi-fangan.yaml"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the mini corpus, its own mkdocs.yml and its own user cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shutil.copytree(MINI, tmp_path / "policies")
    config = tmp_path / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8")
                      .replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}"), encoding="utf-8")
    return tmp_path


def edit(root: Path, old: str, new: str) -> None:
    path = root / "policies" / DOC
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_policykb_build_builds_one_index_and_the_site_reads_its_search_data_from_it(project):
    site, index = build_all(project / "mkdocs.yml", str(project / "site"), project / "search_index", None)
    cache = project / "cache" / "policykb"
    assert not (cache / "site-index").exists()  # no second, private index for the site
    generations = [p.name for p in index.iterdir() if p.is_dir()]
    assert generations == [(index / "CURRENT").read_text(encoding="utf-8").strip()]
    meta = (site / "assets" / "search" / "data" / "meta.json").read_text(encoding="utf-8")
    assert f'"hash":"{generations[0]}"' in meta


def test_downloads_are_taken_from_the_cache_until_their_inputs_change(project):
    corpus = load_corpus(project / "policies")
    first = export_site.write_downloads(corpus, project / "a")
    assert first and not any(w.cached for w in first)
    second = export_site.write_downloads(corpus, project / "b")
    assert all(w.cached for w in second)
    for w in first:
        same = project / "b" / w.path.relative_to(project / "a")
        assert same.read_bytes() == w.path.read_bytes()
    edit(project, "系统理论教育", "系统的理论教育")
    third = export_site.write_downloads(load_corpus(project / "policies"), project / "c")
    fresh = sorted(w.path.relative_to(project / "c").as_posix() for w in third if not w.cached)
    # the clause is a task (tables and data change); it is quoted by no handout or scorecard
    assert fresh == ["downloads/corpus.json", "downloads/tasks.csv", "downloads/tasks.xlsx"]
    assert "系统的理论教育" in (project / "c" / "downloads" / "tasks.csv").read_text(encoding="utf-8-sig")


def test_unit_sheets_stop_when_there_are_too_many_units(project, monkeypatch):
    corpus = load_corpus(project / "policies")
    monkeypatch.setattr(tasks, "MAX_UNIT_SHEETS", 1)
    tasks.write_tasks_xlsx(corpus, project / "t.xlsx")
    assert openpyxl.load_workbook(project / "t.xlsx").sheetnames == ["任务分解表"]
    planned = {d.url: d.description for d in export_site.planned_downloads(corpus)}
    assert planned["downloads/tasks.xlsx"] == "全部条款的责任分工，可按单位筛选（单位较多，不另设分表）"


def test_dirty_rebuild_renders_only_the_pages_whose_markdown_changed(project):
    def config():  # as mkdocs serve does: a fresh configuration for every build
        return load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(project / "site"))

    first = config()
    first.plugins.on_startup(command="serve", dirty=True)  # once per server, as MkDocs does
    build(first, dirty=True)
    page = project / "site" / "documents" / "ceshi-fangan" / "index.html"
    untouched = project / "site" / "glossary" / "index.html"
    assert "系统理论教育" in page.read_text(encoding="utf-8")
    marks = {p: p.stat().st_mtime_ns for p in (page, untouched)}
    for p in marks:  # make a rewrite visible even on coarse file times
        p.write_text(p.read_text(encoding="utf-8") + "<!--old-->", encoding="utf-8")
    edit(project, "系统理论教育", "系统的理论教育")
    plugin = config().plugins["policykb"]
    try:
        build(config(), dirty=True)
        plugin.artefacts.join()  # search data and downloads follow in the background
    finally:
        plugin.on_shutdown()  # MkDocs keeps the plugin instance for later builds in this process
    assert "系统的理论教育" in page.read_text(encoding="utf-8")
    assert not page.read_text(encoding="utf-8").endswith("<!--old-->")
    assert untouched.read_text(encoding="utf-8").endswith("<!--old-->")  # not rendered again
    tasks_csv = project / "site" / "downloads" / "tasks.csv"
    assert "系统的理论教育" in tasks_csv.read_text(encoding="utf-8-sig")


def test_pdf_workers_render_the_same_handouts_as_this_process(project, monkeypatch):
    import subprocess

    from generator.export.handout import handout_html, handout_of, pdf_of_html

    corpus = load_corpus(project / "policies")
    html = handout_html(handout_of(corpus, sorted(corpus.studies)[0]))
    other = html.replace("</body>", "<p>第二份</p></body>")
    monkeypatch.setattr(export_site.PdfWorkers, "MIN_PDFS", 1)
    monkeypatch.setattr(export_site.os, "cpu_count", lambda: 2)
    workers = export_site.PdfWorkers([html, other])
    try:
        assert len(workers.procs) == 2  # one worker process per CPU
        pdfs = workers.results()
    finally:
        workers.close()

    def text(pdf: bytes) -> str:
        path = project / "h.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout

    assert set(pdfs) == {html, other}
    assert text(pdfs[html]) == text(pdf_of_html(html))
    assert "第二份" in text(pdfs[other]) and "第二份" not in text(pdfs[html])
