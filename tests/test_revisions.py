"""修订对照表 pages: the two editions of the sample series side by side, and the series page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.corpus import load_corpus
from generator.pages import make_environment
from generator.views import revisions

from sitebuild import build_site

EDITIONS = Path(__file__).parent / "fixtures" / "editions" / "corpus"


@pytest.fixture(scope="module")
def pages():
    corpus = load_corpus(EDITIONS)
    return {p.url: p for p in revisions.pages(corpus, make_environment())}


def rows(markdown: str) -> dict[str, str]:
    """Table rows of the comparison by ID, tags kept, whitespace joined."""
    return {m.group(1): m.group(0).replace("\n", "") for m in re.finditer(r'<tr id="([^"]+)".*?</tr>', markdown, re.S)}


def test_one_page_per_consecutive_pair_and_a_series_page(pages):
    assert sorted(pages) == ["revisions/", "revisions/ceshi-jiedao-2019-2020/", "revisions/ceshi-jiedao/"]
    page = pages["revisions/ceshi-jiedao-2019-2020/"]
    assert page.title == "修订对照表：测试区街道党工委落实主体责任指标评价标准（2020年版）（2019 → 2020）"
    assert page.sample and page.section == ("指标评价标准",)
    assert "| 变化 | 新增 4，删除 1，实质修改 5，文字调整 5，移动 2，合并 1，拆分 1 |" in page.markdown


def test_rows_are_aligned_by_id_with_changes_marked(pages):
    table = rows(pages["revisions/ceshi-jiedao-2019-2020/"].markdown)
    assert list(table) == ["zhengzhi", "zz-2", "zz-1", "zz-1-k1", "zz-1-k2", "zz-1-j1", "sixiang", "sx-1", "sx-2",
                           "zuzhi", "zu-1", "zu-2", "zu-3", "zu-4", "jl-2", "jilv", "jl-3", "jl-1"]
    sx1 = table["sx-1"]
    assert ('<td><span class="pk-rev-label">指标名称</span>理论学习<br><span class="pk-rev-label">评价内容</span>'
            "党工委理论学习中心组每年集中学习不少于1<del>2</del>次。<br><span class=\"pk-rev-label\">编号</span>3<br>"
            '<span class="pk-rev-label">分值</span><del>10</del></td>') in sx1
    assert ("不少于1<ins>0</ins>次<ins>，建立健全理论学习制度</ins>。" in sx1 and "<ins>15</ins>" in sx1)
    assert 'class="pk-rev-indicator pk-rev-changed"' in sx1
    assert "<td><em class=\"pk-rev-none\">（删除）</em></td>" in table["zz-1-k2"]
    assert "<td><em class=\"pk-rev-none\">（新增）</em></td>" in table["zu-3"]
    assert "合并</span><br><small>并入 sx&#45;1</small>" in table["sx-2"]
    assert "拆分</span><br><small>拆分为 zu&#45;3、zu&#45;4</small>" in table["zu-2"]
    assert "移动</span><br><small>从 jilv 移至 zuzhi</small>" in table["jl-2"]
    assert "严格执行重大事项请示报告制度<del>，</del>按时报告。" in table["zz-1"]
    # reflowed only, and renumbered: the text is unchanged, the number is a wording change
    assert '<span class="pk-rev-kind pk-rev-kind-reworded">文字调整</span></td>' in table["zu-1"]
    assert "下级党组织书记谈心谈话1次以上，并做好记录。" in table["zu-1"]
    assert "<del>" not in table["zu-1"].replace("<del>5</del>", "")
    assert "<td>未变</td>" in table["zz-1-k1"]


def test_points_and_totals_compared(pages):
    markdown = pages["revisions/ceshi-jiedao-2019-2020/"].markdown
    totals = markdown[markdown.index("## 分值对照"):]
    assert totals.splitlines()[2:] == [
        "| 项目 | 原分值 | 修订后分值 |",
        "| --- | ---: | ---: |",
        "| 政治建设（zhengzhi） | 40 | 40 |",
        "| 思想建设（sixiang） | 20 | **15** |",
        "| 组织建设（zuzhi） | 20 | **30** |",
        "| 纪律建设（jilv） | 20 | **15** |",
        "| 基本分 | 100 | 100 |",
        "| 各维度合计 | 100 | 100 |",
    ]


def test_series_page_lists_editions_and_indicator_history(pages):
    markdown = pages["revisions/ceshi-jiedao/"].markdown
    assert ("| 2020 | 2020年版 <span class=\"pk-chip pk-current\">现行版本</span> | "
            "[测试区街道党工委落实主体责任指标评价标准（2020年版）](/standards/ceshi-jiedao-2020.md) | 9 | "
            "[对照 2019 年版](/revisions/ceshi-jiedao-2019-2020.md) |") in markdown
    assert "| 2019 | 2019年版 | [测试区街道党工委落实主体责任指标评价标准（2019年版）](/standards/ceshi-jiedao-2019.md) | 8 | — |" in markdown
    assert "| 4 学习制度 | `sx-2` | 首次出现 | 合并（并入 sx&#45;1） |" in markdown
    assert "| 3 理论学习 | `sx-1` | 首次出现 | 实质修改 |" in markdown
    assert "| 8 警示教育 | `jl-3` | — | 首次出现 |" in markdown


def test_text_from_yaml_is_escaped(tmp_path):
    root = tmp_path / "policies"
    shutil.copytree(EDITIONS, root)
    std = root / "standards" / "ceshi-jiedao-2020.yaml"
    std.write_text(std.read_text(encoding="utf-8").replace("运用监督执纪“四种形态”。", "运用<script>alert(1)</script>[链接](x)。"),
                   encoding="utf-8")
    corpus = load_corpus(root)
    page = next(p for p in revisions.pages(corpus, make_environment()) if p.url == "revisions/ceshi-jiedao-2019-2020/")
    assert "<script>alert" not in page.markdown
    assert "<ins>&#60;script&#62;alert(1)&#60;/script&#62;&#91;链接&#93;(x)</ins>" in page.markdown


def test_real_site_build_of_the_revision_pages(tmp_path):
    site = build_site(EDITIONS, tmp_path / "site")
    html = (site / "revisions" / "ceshi-jiedao-2019-2020" / "index.html").read_text(encoding="utf-8")
    assert ">修订对照表：测试区街道党工委落实主体责任指标评价标准（2020年版）<a class=\"headerlink\"" in html
    assert "不少于1<del>2</del>次。" in html and "<ins>，建立健全理论学习制度</ins>" in html
    assert '<tr id="zz-1-k2" class="pk-rev-rule pk-rev-removed">' in html
    assert 'href="../../standards/ceshi-jiedao-2019/"' in html
    series = (site / "revisions" / "ceshi-jiedao" / "index.html").read_text(encoding="utf-8")
    assert "现行版本" in series and 'href="../ceshi-jiedao-2019-2020/"' in series
    index = (site / "revisions" / "index.html").read_text(encoding="utf-8")
    assert 'href="ceshi-jiedao-2019-2020/"' in index
