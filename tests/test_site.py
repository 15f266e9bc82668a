"""The site built from tests/fixtures/mini: exact content of the generated pages."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.views._site import TermMarker, frequency_text

ROOT = Path(__file__).resolve().parent.parent


def article(site: Path, url: str) -> str:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    body = html[html.index("<article"):html.index("</article>")]
    return body[body.index("<h1"):]


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def tables(site: Path, url: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(article(site, url))
    return parser.tables


def tab_labels(site: Path, url: str) -> list[str]:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    return [t.strip() for t in re.findall(r'class="md-tabs__link[^"]*"[^>]*>\s*([^<]+?)\s*<', html)]


def test_pages_generated_for_the_mini_corpus(mini_site):
    pages = sorted(str(p.parent.relative_to(mini_site)) for p in mini_site.rglob("index.html"))
    mine = [p for p in pages if p.split("/")[0] not in ("guide", "study", "revisions", "downloads", "search")]
    assert mine == [
        ".", "calendar", "calendar/quarter", "calendar/year", "calendar/years",
        "cases", "cases/ceshi-wenze",
        "categories", "categories/conduct", "categories/discipline", "categories/ideological",
        "categories/institutional", "categories/organizational", "categories/political",
        "documents", "documents/ceshi-fangan", "glossary", "lists", "lists/ceshi-qingdan",
        "roles", "roles/dangwei-shuji", "roles/shijiwei", "roles/shiwei-shuji", "roles/xian-zhengzhi",
        "standards", "standards/ceshi-biaozhun-2019",
        "units", "units/shijiwei", "units/shiwei", "units/shiwei-ban", "usage",
    ]


def test_document_page_has_metadata_anchors_chips_and_back_links(mini_site):
    body = article(mini_site, "documents/ceshi-fangan")
    assert tables(mini_site, "documents/ceshi-fangan")[0] == [
        ["项目", "内容"], ["文种", "实施方案"], ["发文机关", "中共测试市委"], ["状态", "现行"],
        ["地区与层级", "测试市\u3000市级"], ["实施期间", "2019—2021 年"],
        ["上位依据", "《党委(党组)落实全面从严治党主体责任规定》"],
    ]
    assert '<h2 id="cuoshi">二、主要措施' in body
    assert '<h3 id="yasi-zeren">(一)压实教育管理责任' in body
    assert ('<span class="pk-ann"><span class="pk-ann-label">牵头</span> '
            '<a class="pk-chip" href="../../units/shiwei-ban/">市委办</a></span>') in body
    assert ('<span class="pk-ann"><span class="pk-ann-label">类别</span> '
            '<a class="pk-chip" href="../../categories/organizational/">组织建设</a></span>') in body
    assert '<div class="pk-clause pk-depth-3" id="yasi-zeren-1">' in body
    assert ('<li><a class="pk-chip" href="../../roles/shiwei-shuji/">市委书记</a>（第一责任人责任）：'
            '每年听取县党政正职履职情况汇报和开展谈心谈话活动 1 次以上 <span class="pk-chip">每年1次以上</span></li>') in body
    assert ('<span class="pk-ann"><span class="pk-ann-label">频次</span> <span class="pk-chip">每2—3年至少1次</span></span>') in body
    # the withdrawn item keeps its anchor and points to where its content went
    assert ('<div class="pk-clause pk-withdrawn pk-depth-3" id="yasi-zeren-3">\n'
            '<p><span class="pk-num">3.</span>已撤销：并入 '
            '<a class="pk-ref" href="./#yasi-zeren-1">二、(一)1.</a>。</p>') in body
    assert "原第三项" not in body
    assert tables(mini_site, "documents/ceshi-fangan")[1] == [
        ["本文件条款", "引用它的条目"], ["二、(一)1.", "测试方案 二、(一)2."], ["二、(一)1.", "测试市党委主体责任清单 1."],
    ]


def test_sample_pages_show_the_notice(mini_site):
    for url in ("", "documents/ceshi-fangan", "roles/dangwei-shuji", "units/shiwei-ban",
                "standards/ceshi-biaozhun-2019", "cases/ceshi-wenze", "lists/ceshi-qingdan", "calendar/year"):
        assert '<p class="admonition-title">示例数据</p>' in article(mini_site, url), url
    assert "示例数据</p>" not in article(mini_site, "glossary")


def test_role_page_gathers_specific_roles_by_category(mini_site):
    assert tables(mini_site, "roles/dangwei-shuji") == [
        [["义务", "频次", "责任类型", "牵头/责任单位", "出处"],
         ["带头落实“三重一大”集体决策制度。", "", "第一责任人责任", "", "测试市党委主体责任清单 1."]],
        [["义务", "频次", "责任类型", "牵头/责任单位", "出处"],
         ["每年听取县党政正职履职情况汇报和开展谈心谈话活动 1 次以上", "每年1次以上", "第一责任人责任", "市委办",
          "测试方案 二、(一)1."]],
    ]
    body = article(mini_site, "roles/dangwei-shuji")
    assert re.findall(r"<h2 [^>]*>([^<]+)<", body) == ["政治建设", "组织建设"]
    # group anchors are the categories' slugs, stable whatever groups a role has
    assert re.findall(r'<h2 id="([^"]+)">', body) == ["political", "organizational"]
    assert '<h2 id="pk-dimensions">评价标准中的本类指标' in article(mini_site, "categories/political")
    assert '<a class="pk-ref" href="../../documents/ceshi-fangan/#yasi-zeren-1">测试方案 二、(一)1.</a>' in body


def test_unit_page_is_its_task_table(mini_site):
    assert tables(mini_site, "units/shiwei-ban")[0] == [
        ["任务", "牵头/参与", "频次", "协同单位", "出处"],
        ["1. 市委书记担负第一责任人责任，每年听取县党政正职履职情况汇报和开展谈心谈话活动 1 次以上； "
              "市纪委监委机关担负监督责任，每年对县党政正职开展廉政教育谈话 1 次以上。",
         "牵头", "每年1次以上；每年至少1次", "市纪委监委机关", "测试方案 二、(一)1."],
        ["2. 县党政正职 5 年内参加培训累计 550 学时以上，每 2—3 年至少选派一次系统理论教育。",
         "牵头", "每2—3年至少1次", "市纪委监委机关", "测试方案 二、(一)2."],
    ]
    assert tables(mini_site, "units/shijiwei")[0][1][1] == "参与"


def test_calendar_groups_by_recurrence(mini_site):
    assert tables(mini_site, "calendar") == [[["周期", "义务数"], ["每季度", "1"], ["每年", "2"],
                                              ["每 2–3 年（多年一次）", "1"]]]
    assert [row[0] for row in tables(mini_site, "calendar/year")[0][1:]] == [
        "每年听取县党政正职履职情况汇报和开展谈心谈话活动 1 次以上", "每年对县党政正职开展廉政教育谈话 1 次以上"]
    assert tables(mini_site, "calendar/quarter")[0][1] == [
        "每季度开展一次监督检查。", "每季度至少1次", "市纪委监委", "", "纪律建设", "测试市党委主体责任清单 1."]


def test_standard_scorecard_adds_up(mini_site):
    assert tables(mini_site, "standards/ceshi-biaozhun-2019")[1] == [
        ["维度", "指标", "分值"],
        ["政治建设", "1 重大事项请示报告", "40"], ["", "政治纪律 一票否决", "20"],
        ["政治建设小计", "40 + 20", "60"],
        ["纪律建设", "四种形态", "40"], ["纪律建设小计", "40", "40"],
        ["合计", "60 + 40", "100"], ["基本分", "各维度合计等于基本分", "100"],
    ]
    body = article(mini_site, "standards/ceshi-biaozhun-2019")
    assert ('<input type="number" min="0" step="1" value="0" inputmode="numeric" name="zhengzhi-1-k1" '
            'data-kind="deduction" data-points="2" data-cap="10">') in body
    assert '<input type="checkbox" name="jilv-1-k1" data-kind="deduction" data-once="1" data-points="5" data-cap="">' in body
    assert '<output class="pk-score">100 分</output>' in body
    assert "<li><span id=\"zhengzhi-1-k1\"></span>未按规定请示报告：每次扣 2 分，最多 10 分</li>" in body


def test_glossary_terms_are_marked_with_definition_and_link(mini_site):
    body = article(mini_site, "lists/ceshi-qingdan")
    assert ('带头落实<a class="pk-term" href="../../glossary/#sanzhong-yida"><abbr title="重大事项决策、重要干部任免、'
            '重大项目安排和大额资金使用，须集体研究决定。">“三重一大”</abbr></a>集体决策制度。') in body
    glossary = article(mini_site, "glossary")
    assert '<h2 id="sanzhong-yida">三重一大' in glossary
    assert '<p>相关术语：<a class="pk-chip" href="./#sanzhong-yida">三重一大</a></p>' in glossary


def test_navigation_is_the_same_small_set_of_tabs_on_every_page(mini_site):
    expected = tab_labels(mini_site, "")
    assert expected == ["首页", "文件", "按角色", "按单位", "按类别", "工作日历", "指标评价标准", "问责与容错", "术语",
                        "专题学习", "下载", "使用说明"]
    for url in ("documents/ceshi-fangan", "roles/dangwei-shuji", "glossary", "usage"):
        assert tab_labels(mini_site, url) == expected
    html = (mini_site / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('md-nav--primary'):html.index('</nav>', html.index('md-nav--primary'))]
    assert "documents/ceshi-fangan/" not in nav and "roles/dangwei-shuji/" not in nav


def test_header_search_box_is_the_sites_own_search_without_materials_index(mini_site):
    html = (mini_site / "documents" / "ceshi-fangan" / "index.html").read_text(encoding="utf-8")
    header = html[html.index('<header class="md-header'):html.index("</header>")]
    assert header.count('<label class="md-header__button md-icon" for="__search">') == 1
    assert header.count('<div class="md-search" data-pkb-search role="dialog">') == 1
    assert 'data-md-component="search"' not in html
    assert not (mini_site / "search").exists()  # no search/search_index.json from Material's plugin
    assert (mini_site / "assets" / "search" / "search.js").is_file()


def test_nothing_is_loaded_from_another_origin(mini_site):
    for page in mini_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<(?:link|script|img)[^>]+(?:href|src)="(?:https?:)?//', html), page


def test_term_marker_escapes_text_and_definitions():
    from generator.model import Term

    marker = TermMarker([Term(id="a", term="三重一大", aliases=["三重"], definition='x"]<b>'),
                         Term(id="b", term="谈话", definition="d")])
    assert marker("<script>三重一大与三重谈话") == (
        "&#60;script&#62;"
        '[<abbr title="x&#34;&#93;&#60;b&#62;">三重一大</abbr>](/glossary.md#a){ .pk-term }与'
        '[<abbr title="x&#34;&#93;&#60;b&#62;">三重</abbr>](/glossary.md#a){ .pk-term }'
        '[<abbr title="d">谈话</abbr>](/glossary.md#b){ .pk-term }')


@pytest.mark.parametrize("freq, text", [
    ({"per": "year", "at_least": 1}, "每年至少1次"),
    ({"per": "month"}, "每月"),
    ({"per": "quarter", "interval": 2}, "每2季度"),
    ({"per": "year", "interval": 2, "interval_max": 3, "at_least": 1}, "每2—3年至少1次"),
    ({"per": "year", "interval": 5, "cumulative": True}, "5年内累计"),
    ({"per": "term", "at_least": 1}, "任期内至少1次"),
    ({"per": "half_year", "label": "每半年1次"}, "每半年1次"),
])
def test_frequency_wording(freq, text):
    from generator.model import Frequency

    assert frequency_text(Frequency(**freq)) == text


def broken_copy(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "policies"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", root)
    doc = root / "documents" / "ceshi-fangan.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("units: [shiwei-ban, shijiwei]", "units: [shiwei-bann, shijiwei]"),
                   encoding="utf-8")
    return root


def test_mkdocs_build_stops_on_bad_data_with_the_validate_messages(tmp_path):
    root = broken_copy(tmp_path)
    config = tmp_path / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8")
                      .replace("policies_dir: policies", f"policies_dir: {root}")
                      .replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}"), encoding="utf-8")
    validate = subprocess.run([sys.executable, "-m", "generator.cli", "validate", str(root)], cwd=tmp_path,
                              capture_output=True, text=True)
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(tmp_path / "site")],
                           cwd=tmp_path, capture_output=True, text=True)
    assert validate.returncode == 1 and build.returncode == 1
    located = [line for line in validate.stdout.splitlines() if ":" in line and "错误" in line]
    assert located and located[0].startswith("policies/documents/ceshi-fangan.yaml:")
    for line in validate.stdout.splitlines():
        assert line in build.stderr.splitlines()
    assert "数据校验未通过，站点未构建。" in build.stderr
    assert "Traceback" not in build.stderr
    assert not (tmp_path / "site").exists()


def test_failed_policykb_build_leaves_the_previous_site(tmp_path):
    root = broken_copy(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--config", str(ROOT / "mkdocs.yml"),
                             "--policies", str(root), "--site-dir", str(site), "--index-dir", str(tmp_path / "idx")],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert "引用了不存在的单位 “shiwei-bann”" in result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name != "policies"] == ["site"]
    assert (site / "index.html").read_text(encoding="utf-8") == "previous"


def test_policykb_build_swaps_in_site_and_index(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "stale.html").write_text("old", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--config", str(ROOT / "mkdocs.yml"),
                             "--policies", str(ROOT / "tests/fixtures/mini"), "--site-dir", str(site),
                             "--index-dir", str(tmp_path / "idx")], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not (site / "stale.html").exists()
    assert (site / "documents" / "ceshi-fangan" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx", "site"]


def nav_labels(site: Path, url: str) -> list[str]:
    """Labels of the primary navigation in document order (sections, their pages, then the TOC)."""
    html = (site / url / "index.html").read_text(encoding="utf-8")
    return re.findall(r'md-ellipsis">\s*([^<]+?)\s*<', html[html.index("md-nav--primary"):])


def test_hand_written_pages_and_the_guide_sit_under_the_last_tab(mini_site):
    assert nav_labels(mini_site, "guide")[:16] == [
        "首页", "文件", "政策文件", "责任清单", "按角色", "按单位", "按类别", "工作日历", "指标评价标准", "问责与容错", "术语",
        "专题学习", "下载", "使用说明", "使用说明", "编写指南"]


# --------------------------------------------------------------------------- withdrawn provisions


def test_withdrawn_provision_and_its_children_keep_their_anchors_as_stubs(tmp_path):
    import shutil

    from generator.corpus import load_corpus
    from generator.pages import make_environment
    from generator.views import documents

    root = tmp_path / "policies"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", root)
    doc = root / "documents" / "ceshi-fangan.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "            withdrawn: {kind: 合并, to: [yasi-zeren-1]}\n",
        "            withdrawn: {kind: 合并, to: [yasi-zeren-1]}\n"
        "            children:\n"
        "              - {id: yasi-zeren-3-1, num: (1), text: 原第三项第一目。}\n"
        "              - id: yasi-zeren-3-2\n"
        "                num: (2)\n"
        "                text: 原第三项第二目。\n"
        "                status: 已撤销\n"
        "                withdrawn: {kind: 移动, to: [yasi-zeren-2], note: <b>见第二项</b>}\n"), encoding="utf-8")
    page = next(p for p in documents.pages(load_corpus(root), make_environment())
                if p.url == "documents/ceshi-fangan/")
    body = page.markdown[page.markdown.index('id="yasi-zeren-3"'):page.markdown.index("## 被引用")]
    assert body.split("\n\n")[:3] == [
        'id="yasi-zeren-3" markdown>\n<span class="pk-num">3.</span>已撤销：并入 '
        '[二、(一)1.](/documents/ceshi-fangan.md#yasi-zeren-1){ .pk-ref }。\n</div>',
        '<div class="pk-clause pk-withdrawn pk-depth-4" id="yasi-zeren-3-1" markdown>\n'
        '<span class="pk-num">(1)</span>已撤销（随上级条款 二、(一)3.）：并入 '
        '[二、(一)1.](/documents/ceshi-fangan.md#yasi-zeren-1){ .pk-ref }。\n</div>',
        '<div class="pk-clause pk-withdrawn pk-depth-4" id="yasi-zeren-3-2" markdown>\n'
        '<span class="pk-num">(2)</span>已撤销：移至 '
        '[二、(一)2.](/documents/ceshi-fangan.md#yasi-zeren-2){ .pk-ref }（&#60;b&#62;见第二项&#60;/b&#62;）。\n</div>',
    ]
    assert "原第三项" not in page.markdown


# --------------------------------------------------------------------------- editions of a standard

EDITIONS = ROOT / "tests" / "fixtures" / "editions" / "corpus"


@pytest.fixture(scope="module")
def editions_site(tmp_path_factory) -> Path:
    from sitebuild import build_site

    return build_site(EDITIONS, tmp_path_factory.mktemp("editions-site") / "site")


def history(site: Path, url: str, anchor: str) -> str:
    """The visible text of an indicator's 沿革 line, links as [text](href)."""
    body = article(site, url)
    section = body[body.index(f'id="{anchor}"'):]
    line = re.search(r'<span class="pk-history">(.*?)</span></p>', section, re.S).group(1)
    line = re.sub(r'<a class="pk-ref" href="([^"]+)">([^<]+)</a>', r"[\2](\1)", line)
    line = re.sub(r'<a href="([^"]+)">([^<]+)</a>', r"[\2](\1)", line)
    return re.sub(r"<[^>]+>", "", line)


def test_standard_page_labels_its_edition_and_links_the_series(editions_site):
    meta = tables(editions_site, "standards/ceshi-jiedao-2019")[0]
    assert meta[-4:] == [["版本", "2019年版 已有新版本"], ["历年版本", "2019年版（本页）、2020年版"],
                         ["修订对照表", "与 2020年版 对照"], ["版本沿革", "历年版本与指标沿革"]]
    old = article(editions_site, "standards/ceshi-jiedao-2019")
    assert ('<p class="admonition-title">非现行版本</p>\n<p>本页是已被修订的旧版本，现行版本为 '
            '<a href="../ceshi-jiedao-2020/">测试区街道党工委落实主体责任指标评价标准（2020年版）</a>。</p>') in old
    assert '<td><a href="../../revisions/ceshi-jiedao-2019-2020/">与 2020年版 对照</a></td>' in old
    assert '<td><a href="../../revisions/ceshi-jiedao/">历年版本与指标沿革</a></td>' in old
    assert tables(editions_site, "standards/ceshi-jiedao-2020")[0][-4:] == [
        ["版本", "2020年版 现行版本"], ["历年版本", "2019年版、2020年版（本页）"],
        ["修订对照表", "与 2019年版 对照"], ["版本沿革", "历年版本与指标沿革"]]
    current = article(editions_site, "standards/ceshi-jiedao-2020")
    assert '<span class="pk-chip pk-current">现行版本</span>' in current and "非现行版本" not in current
    assert '<td><a href="../ceshi-jiedao-2019/">2019年版</a>、<strong>2020年版（本页）</strong></td>' in current


def test_each_indicator_shows_its_history_across_editions(editions_site):
    new, old = "standards/ceshi-jiedao-2020", "standards/ceshi-jiedao-2019"
    revision = "../../revisions/ceshi-jiedao-2019-2020/"
    assert history(editions_site, new, "sx-1") == (
        f"沿革 2019年版首次出现 · [2020年版]({revision}#sx-1)实质修改（评价内容、分值 10 → 15）")
    assert history(editions_site, new, "zz-1") == (
        f"沿革 2019年版首次出现 · [2020年版]({revision}#zz-1)文字调整（评价内容、编号 1 → 2）；删除扣分情形；新增奖励情形")
    assert history(editions_site, new, "jl-2") == (
        f"沿革 2019年版首次出现 · [2020年版]({revision}#jl-2)文字调整（编号 8 → 7）；移动，从纪律建设移至[组织建设](./#zuzhi)")
    assert history(editions_site, new, "jl-3") == "沿革 2020年版首次出现"
    # on the older edition, the indicator that was later merged says where it went
    assert history(editions_site, old, "sx-2") == (
        f"沿革 2019年版首次出现 · [2020年版]({revision}#sx-2)合并，并入 [3 理论学习](../ceshi-jiedao-2020/#sx-1)")
    assert history(editions_site, old, "zu-2") == (
        f"沿革 2019年版首次出现 · [2020年版]({revision}#zu-2)拆分，拆分为 "
        "[5 三会一课](../ceshi-jiedao-2020/#zu-3)、[6 民主评议党员](../ceshi-jiedao-2020/#zu-4)")
    # the row each history links to exists on the 修订对照表
    table = (editions_site / "revisions" / "ceshi-jiedao-2019-2020" / "index.html").read_text(encoding="utf-8")
    for anchor in ("sx-1", "zz-1", "jl-2", "sx-2", "zu-2"):
        assert f'<tr id="{anchor}" ' in table


def test_withdrawn_indicator_keeps_its_anchor_on_the_newer_edition(editions_site):
    body = article(editions_site, "standards/ceshi-jiedao-2020")
    assert ('<h3 id="sx-2">学习制度（已撤销）<a class="headerlink" href="#sx-2" title="Permanent link">&para;</a></h3>\n'
            '<div class="pk-withdrawn">\n<p>已撤销：并入 <a class="pk-ref" href="./#sx-1">3 理论学习</a>。</p>\n</div>') in body
    assert ('<p>已撤销：拆分为 <a class="pk-ref" href="./#zu-3">5 三会一课</a>、'
            '<a class="pk-ref" href="./#zu-4">6 民主评议党员</a>。</p>') in body


def three_editions(tmp_path: Path) -> Path:
    """The editions fixture with a 2021 edition that no longer lists the indicators withdrawn in
    2020 (sx-2, zu-2) and deletes jl-3 outright."""
    import shutil

    root = tmp_path / "policies"
    shutil.copytree(EDITIONS, root)
    text = (root / "standards" / "ceshi-jiedao-2020.yaml").read_text(encoding="utf-8")
    text = text.replace("ceshi-jiedao-2020", "ceshi-jiedao-2021").replace("2020", "2021")
    for block in (
        "      - id: sx-2\n        num: \"4\"\n        name: 学习制度\n        content: 建立健全理论学习制度。\n"
        "        points: 10\n        status: 已撤销\n        withdrawn: {kind: 合并, to: [sx-1]}\n",
        "      - id: zu-2\n        num: \"5\"\n        name: 组织生活\n"
        "        content: 落实“三会一课”和组织生活会制度，按时开展民主评议党员。\n        points: 10\n"
        "        status: 已撤销\n        withdrawn: {kind: 拆分, to: [zu-3, zu-4]}\n",
        "      - id: jl-3\n        num: \"8\"\n        name: 警示教育\n        content: 每半年至少开展一次警示教育。\n"
        "        points: 5\n"):
        assert block in text
        text = text.replace(block, "")
    text = text.replace("      - id: jl-1\n        num: \"9\"\n        name: 四种形态\n        content: 运用监督执纪“四种形态”。\n"
                        "        points: 10\n", "      - id: jl-1\n        num: \"9\"\n        name: 四种形态\n"
                        "        content: 运用监督执纪“四种形态”。\n        points: 15\n")
    (root / "standards" / "ceshi-jiedao-2021.yaml").write_text(text, encoding="utf-8")
    return root


def test_indicators_no_longer_listed_keep_a_stub_leading_to_their_successor(tmp_path):
    from generator.corpus import load_corpus
    from generator.pages import make_environment
    from generator.views import standards

    pages = {p.url: p for p in standards.pages(load_corpus(three_editions(tmp_path)), make_environment())}
    markdown = pages["standards/ceshi-jiedao-2021/"].markdown
    departed = markdown[markdown.index("## 不再列出的指标 { #pk-departed }"):markdown.index("## 自评计算")]
    assert departed.strip().split("\n\n")[1:] == [
        '<div class="pk-withdrawn" id="sx-2" markdown>\n**4 学习制度**：2020年版已撤销：并入 '
        "[3 理论学习](/standards/ceshi-jiedao-2021.md#sx-1){ .pk-ref }"
        "（[2020年版原文](/standards/ceshi-jiedao-2020.md#sx-2){ .pk-ref }）\n</div>",
        '<div class="pk-withdrawn" id="zu-2" markdown>\n**5 组织生活**：2020年版已撤销：拆分为 '
        "[5 三会一课](/standards/ceshi-jiedao-2021.md#zu-3){ .pk-ref }、"
        "[6 民主评议党员](/standards/ceshi-jiedao-2021.md#zu-4){ .pk-ref }"
        "（[2020年版原文](/standards/ceshi-jiedao-2020.md#zu-2){ .pk-ref }）\n</div>",
        '<div class="pk-withdrawn" id="jl-3" markdown>\n**8 警示教育**：2021年版删除'
        "（[2020年版原文](/standards/ceshi-jiedao-2020.md#jl-3){ .pk-ref }）\n</div>",
    ]
    # the middle edition links both ways; the history of an indicator spans all three editions
    meta = pages["standards/ceshi-jiedao-2020/"].markdown
    assert ("| 修订对照表 | [与 2019年版 对照](/revisions/ceshi-jiedao-2019-2020.md)；"
            "[与 2021年版 对照](/revisions/ceshi-jiedao-2020-2021.md) |") in meta
    assert ("<span class=\"pk-ann-label\">沿革</span> 2019年版首次出现 · "
            "[2020年版](/revisions/ceshi-jiedao-2019-2020.md#jl-1)文字调整（编号 7 → 9） · "
            "[2021年版](/revisions/ceshi-jiedao-2020-2021.md#jl-1)实质修改（分值 10 → 15）</span>") in meta
    assert "<span class=\"pk-ann-label\">沿革</span> 2020年版首次出现 · 此后未变</span>" in meta  # zu-3


# --------------------------------------------------------------------------- mkdocs serve


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str, proc, limit: float = 120.0) -> float:
    """Seconds until the page at ``url`` contains ``text`` (polling; gives up after ``limit``)."""
    import time

    start = time.monotonic()
    while time.monotonic() - start < limit:
        assert proc.poll() is None, proc.stdout.read()
        page = fetch(url)
        if page is not None and text in page:
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"{url} did not show {text!r} within {limit:.0f} s")


def test_mkdocs_serve_rebuilds_when_a_policy_file_changes(tmp_path):
    import shutil

    root = tmp_path / "policies"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", root)
    config = tmp_path / "mkdocs.yml"
    config.write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8")
                      .replace("docs_dir: docs", f"docs_dir: {ROOT / 'docs'}"), encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/documents/ceshi-fangan/"
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(url, "压实教育管理责任", proc)
        doc = root / "documents" / "ceshi-fangan.yaml"
        text = doc.read_text(encoding="utf-8")
        assert "压实教育管理责任" in text
        doc.write_text(text.replace("压实教育管理责任", "压实日常教育管理责任&<改>"), encoding="utf-8")
        latency = wait_for(url, "压实日常教育管理责任&#38;&#60;改&#62;", proc)  # escaped, as any data text
        print(f"mkdocs serve showed the edit after {latency:.1f} s")
        assert "(一)压实教育管理责任" not in fetch(url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
