"""What a reader does on the site, in headless Chromium: find their role's obligations, follow
one to its clause, read a term's definition, score a self-assessment, print a page — with
every request staying on the site's own origin. Screenshots go to test-artifacts/site/."""

from __future__ import annotations

import pytest

from generator.scoring import score

pytestmark = pytest.mark.browser


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "site"
    folder.mkdir(exist_ok=True)
    return folder


def assert_same_origin(page, base_url: str) -> None:
    foreign = [url for url in page.requested if not url.startswith(base_url) and not url.startswith("data:")]
    assert page.requested and foreign == []


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
                           return r.top >= 0 && r.top < window.innerHeight; }""", selector)


def test_role_obligation_leads_to_its_clause(page, mini_url, shots):
    page.goto(mini_url)
    page.screenshot(path=str(shots / "1-home.png"))
    page.locator(".md-tabs__link", has_text="按角色").click()
    page.wait_for_url(mini_url + "roles/")
    page.get_by_role("link", name="党委书记", exact=True).first.click()
    page.wait_for_url(mini_url + "roles/dangwei-shuji/")
    assert page.locator("article h1").inner_text().rstrip("¶").strip() == "党委书记"
    page.screenshot(path=str(shots / "2-role.png"))
    page.get_by_role("link", name="测试方案 二、(一)1.").click()
    page.wait_for_url(mini_url + "documents/ceshi-fangan/#yasi-zeren-1")
    page.wait_for_function(
        """() => { const r = document.getElementById('yasi-zeren-1').getBoundingClientRect();
                   return r.top >= 0 && r.top < window.innerHeight; }""")
    assert in_viewport(page, "#yasi-zeren-1")
    assert page.locator("#yasi-zeren-1").inner_text().startswith("1.市委书记担负第一责任人责任")
    page.screenshot(path=str(shots / "3-clause.png"))
    assert_same_origin(page, mini_url)


def test_hovering_a_term_shows_its_definition(page, mini_url, shots):
    page.goto(mini_url + "lists/ceshi-qingdan/")
    term = page.locator("a.pk-term abbr").first
    assert term.inner_text() == "“三重一大”"
    term.hover()
    definition = "重大事项决策、重要干部任免、重大项目安排和大额资金使用，须集体研究决定。"
    tooltip = page.locator(".md-tooltip2", has_text=definition)
    tooltip.wait_for(state="visible")
    page.wait_for_function("() => getComputedStyle(document.querySelector('.md-tooltip2')).opacity === '1'")
    page.screenshot(path=str(shots / "4-term-tooltip.png"))
    assert page.locator("a.pk-term").first.evaluate("a => a.href") == mini_url + "glossary/#sanzhong-yida"
    assert_same_origin(page, mini_url)


def test_self_assessment_scores_like_generator_scoring(page, mini_url, mini_corpus, shots):
    standard = mini_corpus.standards["ceshi-biaozhun-2019"]
    page.goto(mini_url + "standards/ceshi-biaozhun-2019/")
    result = page.locator("form.pk-selfcheck .pk-score")
    assert result.inner_text() == score(standard, {}).verdict == "100 分"
    steps = [
        ({"zhengzhi-1-k1": 3}, set()),
        ({"zhengzhi-1-k1": 7, "zhengzhi-1-j1": 2}, set()),  # deduction capped at 10
        ({"zhengzhi-1-k1": 7, "zhengzhi-1-j1": 9, "jilv-1-k1": True}, set()),  # bonus capped at 3
        ({"zhengzhi-1-k1": 7, "zhengzhi-1-j1": 9, "jilv-1-k1": True}, {"zhengzhi-2"}),  # veto
    ]
    for counts, vetoes in steps:
        for rule_id, value in counts.items():
            field = page.locator(f'form.pk-selfcheck input[name="{rule_id}"]')
            if value is True:
                field.check()
            else:
                field.fill(str(value))
        veto = page.locator('input[name="veto-zhengzhi-2"]')
        veto.check() if vetoes else veto.uncheck()
        expected = score(standard, counts, vetoes)
        assert result.inner_text() == (expected.verdict if expected.vetoed else f"{expected.score:g} 分")
        assert page.locator("output.pk-deducted").inner_text() == f"{expected.deducted:g}"
        assert page.locator("output.pk-bonus").inner_text() == f"{expected.bonus:g}"
    assert result.inner_text() == "一票否决（不合格）"
    page.locator("form.pk-selfcheck button[type=reset]").click()
    page.wait_for_function("() => document.querySelector('.pk-score').textContent === '100 分'")
    page.locator('form.pk-selfcheck input[name="jilv-1-k1"]').check()
    assert result.inner_text() == f"{score(standard, {'jilv-1-k1': True}).score:g} 分" == "95 分"
    page.locator("#pk-selfcheck").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "5-self-assessment.png"), full_page=True)
    assert_same_origin(page, mini_url)


def test_print_hides_navigation(page, mini_url, shots):
    page.goto(mini_url + "documents/ceshi-fangan/")
    assert page.locator(".md-tabs").is_visible()
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"):
        assert page.locator(chrome).first.is_hidden(), chrome
    assert page.locator("#yasi-zeren-1").is_visible()
    page.screenshot(path=str(shots / "6-print.png"), full_page=True)
    page.pdf(path=str(shots / "6-print.pdf"), format="A4")
    assert_same_origin(page, mini_url)


def test_old_edition_indicator_leads_to_its_successor_in_the_current_edition(page, site_server, tmp_path_factory,
                                                                               shots):
    """An old link to a merged indicator: the 2019 page's history line takes the reader to the
    2020 edition, where the withdrawn indicator's anchor names its successor."""
    from pathlib import Path

    from sitebuild import build_site

    editions = Path(__file__).resolve().parent.parent / "fixtures" / "editions" / "corpus"
    base = site_server(build_site(editions, tmp_path_factory.mktemp("editions-browser") / "site"))
    page.goto(base + "standards/ceshi-jiedao-2020/#sx-2")
    page.wait_for_function("() => { const r = document.getElementById('sx-2').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight; }")
    stub = page.locator("#sx-2 + div.pk-withdrawn")
    assert stub.inner_text().strip() == "已撤销：并入 3 理论学习。"
    page.screenshot(path=str(shots / "7-withdrawn-indicator.png"))
    stub.get_by_role("link", name="3 理论学习").click()
    page.wait_for_url(base + "standards/ceshi-jiedao-2020/#sx-1")
    page.wait_for_function("() => { const r = document.getElementById('sx-1').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight; }")
    assert page.locator("#sx-1").inner_text().rstrip("¶").strip() == "3 理论学习（15 分）"
    page.goto(base + "standards/ceshi-jiedao-2019/")
    assert page.locator("article .pk-current, article .pk-superseded").inner_text() == "已有新版本"
    page.locator("#sx-2 ~ p .pk-history").first.get_by_role("link", name="3 理论学习").click()
    page.wait_for_url(base + "standards/ceshi-jiedao-2020/#sx-1")
    page.screenshot(path=str(shots / "8-successor.png"))
    assert_same_origin(page, base)
