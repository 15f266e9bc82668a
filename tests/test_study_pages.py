"""专题学习 pages, the 下载 page, and the files a real MkDocs build puts beside them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

from generator import urls
from generator.corpus import load_corpus
from generator.export.site import planned_downloads, write_downloads
from generator.pages import make_environment
from generator.views import study

ROOT = Path(__file__).parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"


def test_session_page_is_laid_out_as_its_handout():
    corpus = load_corpus(MINI)
    pages = {p.url: p for p in study.pages(corpus, make_environment())}
    assert list(pages) == ["study/ceshi-xuexi/", "study/", "downloads/"]
    page = pages["study/ceshi-xuexi/"]
    assert (page.title, page.section, page.sample) == ("谈心谈话专题学习", ("专题学习",), True)
    md = page.markdown
    parts = [
        "# 谈心谈话专题学习", '!!! warning "示例数据"', "**学习对象**：县党政正职　**时长**：90 分钟　**条款**：1 条",
        '<a class="md-button md-button--primary" href="../../downloads/handouts/ceshi-xuexi.pdf" download>下载 PDF 讲义</a>',
        "## 学习目标", "1. 掌握谈心谈话的频次要求",
        "## 学习条款", "### 1. 测试市关于加强党政正职日常教育管理的实施方案 二、(一)1.",
        "> 市委书记担负第一责任人责任，每年听取县党政正职履职情况汇报和开展",
        "活动 1 次以上；……",
        "出处：[测试方案 二、(一)1.](/documents/ceshi-fangan.md#yasi-zeren-1){ .pk-ref }",
        "## 术语解释", "- **[谈心谈话](/glossary.md#tanxin-tanhua)**：领导干部之间、上下级之间的经常性谈心交流。",
        "## 讨论题", "**1.** 本单位谈心谈话是否做到每年 1 次以上？", 'class="pk-answer-line"',
    ]
    position = 0
    for part in parts:
        found = md.find(part, position)
        assert found >= 0, part
        position = found + len(part)
    assert "市纪委监委机关担负监督责任" not in md  # outside the excerpt
    assert md.count('class="pk-answer-line"') == 3


def test_text_from_the_data_is_escaped(tmp_path):
    root = tmp_path / "policies"
    shutil.copytree(MINI, root)
    session = root / "study" / "ceshi-xuexi.yaml"
    session.write_text(session.read_text(encoding="utf-8")
                       .replace("title: 谈心谈话专题学习", 'title: "<script>alert(1)</script>谈心"')
                       .replace("questions: [", 'questions: ["**粗体** [链接](http://x)", '), encoding="utf-8")
    pages = {p.url: p for p in study.pages(load_corpus(root), make_environment())}
    md = pages["study/ceshi-xuexi/"].markdown
    assert "<script>" not in md and "&#60;script&#62;alert(1)&#60;/script&#62;谈心" in md
    assert "**粗体**" not in md and "&#42;&#42;粗体&#42;&#42; &#91;链接&#93;(http://x)" in md
    assert "&#60;script&#62;" in pages["study/"].markdown


def test_downloads_page_links_every_planned_file_and_write_downloads_writes_them(tmp_path):
    corpus = load_corpus(MINI)
    page = study.downloads_page(corpus, make_environment())
    hrefs = re.findall(r'<a href="([^"]+)" download>', page.markdown)
    planned = [d.url for d in planned_downloads(corpus)]
    assert planned == [urls.tasks_table("xlsx"), urls.tasks_table("csv"), urls.handout_pdf("ceshi-xuexi"),
                       urls.scorecard("ceshi-biaozhun-2019"), urls.corpus_json(), urls.corpus_json(schema=True)]
    assert [urljoin("downloads/", h) for h in hrefs] == planned
    written = write_downloads(corpus, tmp_path)
    on_disk = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert on_disk == sorted(planned)
    assert all(w.path.stat().st_size > 0 and w.seconds >= 0 for w in written)


@pytest.mark.slow
def test_built_site_serves_every_linked_download(tmp_path):
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"policies_dir: .*", f"policies_dir: {MINI}", config)
    config = re.sub(r"docs_dir: .*", f"docs_dir: {tmp_path / 'docs'}", config)
    config = re.sub(r"site_dir: .*", f"site_dir: {tmp_path / 'site'}", config)
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp_path / "mkdocs.yml")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    checked = 0
    for page_url in ("study/ceshi-xuexi/", "study/", "downloads/"):
        html = (site / page_url / "index.html").read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]+)" download', html):
            target = site / urljoin(page_url, href)
            assert target.is_file() and target.stat().st_size > 0, href
            checked += 1
    assert checked == 1 + 1 + 6
    session = (site / "study/ceshi-xuexi/index.html").read_text(encoding="utf-8")
    assert "谈心谈话专题学习" in session and "学习条款" in session
