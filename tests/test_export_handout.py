"""Handout PDFs: the text, its order, the embedded CJK font, page numbers and escaping."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator.corpus import load_corpus
from generator.export import UnknownEntity
from generator.export.handout import excerpt_text, handout_of, local_only_fetcher, write_handout_pdf
from generator.model import Excerpt

MINI = Path(__file__).parent / "fixtures" / "mini"
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"

EXTRA_DOCUMENT = """\
id: ceshi-juece
title: 测试市“三重一大”集体决策制度实施办法
kind: 实施办法
sample: true
body:
  - id: di-yi-tiao
    num: 第一条
    text: 凡属“三重一大”事项，必须由领导班子集体讨论决定，任何个人不得擅自决定。
    units: [shiwei-ban]
  - id: di-er-tiao
    num: 第二条
    heading: 决策程序
    children:
      - id: di-er-tiao-1
        num: (一)
        text: 会前充分酝酿，<b>不得</b>临时动议。
      - id: di-er-tiao-2
        num: (二)
        text: =SUM(A1) 会议决定须形成纪要。
        units: [shijiwei]
"""

EXTRA_SESSION = """\
id: ceshi-juece-xuexi
title: “三重一大”集体决策<专题>
audience: 班子成员
duration_minutes: 60
objectives: [理解集体决策的程序, 掌握“三重一大”的范围]
clauses:
  - ref: "ceshi-juece#di-er-tiao"
    note: 重点学习决策程序。
  - ref: "ceshi-fangan#yasi-zeren-2"
  - ref: "ceshi-juece#di-yi-tiao"
    excerpt: {start: 必须由领导班子, end: 讨论决定，}
terms: [sanzhong-yida, tanxin-tanhua]
questions: [本单位哪些事项属于“三重一大”？, 集体决策中如何防止临时动议？]
"""


def extended_corpus(root: Path):
    """The mini corpus plus a second document and a second study session."""
    shutil.copytree(MINI, root)
    (root / "documents" / "ceshi-juece.yaml").write_text(EXTRA_DOCUMENT, encoding="utf-8")
    (root / "study" / "ceshi-juece-xuexi.yaml").write_text(EXTRA_SESSION, encoding="utf-8")
    return load_corpus(root)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return extended_corpus(tmp_path_factory.mktemp("corpus") / "policies")


@pytest.fixture(scope="module")
def pdf(corpus, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("pdf") / "handout.pdf"
    write_handout_pdf(handout_of(corpus, "ceshi-juece-xuexi"), target)
    return target


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def squashed(text: str) -> str:
    return "".join(text.split())


def test_excerpt_ignores_whitespace_while_matching_and_keeps_it_in_the_result():
    text = "市委书记担负第一责任人责任，每年开展谈心谈话 1 次以上；\n市纪委监委担负监督责任。"
    assert excerpt_text(text, Excerpt(start="每年开展", end="1次以上；")) == "每年开展谈心谈话 1 次以上；"
    assert excerpt_text(text, Excerpt(start="市委书记", end="监督责任。")) == text


def test_unknown_session_names_the_known_ones(corpus):
    with pytest.raises(UnknownEntity) as caught:
        handout_of(corpus, "meiyou")
    assert str(caught.value) == "没有标识为 “meiyou” 的专题学习。现有的专题学习：ceshi-juece-xuexi、ceshi-xuexi"


def test_handout_gathers_clauses_in_session_order_with_numbers_and_excerpts(corpus):
    h = handout_of(corpus, "ceshi-juece-xuexi")
    assert [(c.ref, c.number, c.excerpted) for c in h.clauses] == [
        ("ceshi-juece#di-er-tiao", "第二条", False),
        ("ceshi-fangan#yasi-zeren-2", "二、(一)2.", False),
        ("ceshi-juece#di-yi-tiao", "第一条", True),
    ]
    group = h.clauses[0].passages
    assert [(p.prefix, p.heading, p.text, p.depth) for p in group] == [
        ("", "决策程序", None, 0),
        ("(一)", None, "会前充分酝酿，<b>不得</b>临时动议。", 1),
        ("(二)", None, "=SUM(A1) 会议决定须形成纪要。", 1),
    ]
    quoted = h.clauses[2].passages[0]
    assert (quoted.text, quoted.cut_before, quoted.cut_after) == ("必须由领导班子集体讨论决定，", True, True)
    assert [t.id for t in h.terms] == ["sanzhong-yida", "tanxin-tanhua"]
    assert h.sample is True  # the session itself is not sample, its documents are


def test_pdf_text_has_every_part_in_order(pdf):
    text = squashed(pdf_text(pdf))
    expected = [
        "“三重一大”集体决策<专题>", "学习对象：班子成员", "时长：60分钟", "示例数据",
        "学习目标", "理解集体决策的程序", "掌握“三重一大”的范围",
        "学习条款",
        "测试市“三重一大”集体决策制度实施办法·第二条", "决策程序",
        "(一)会前充分酝酿，<b>不得</b>临时动议。", "(二)=SUM(A1)会议决定须形成纪要。", "说明：重点学习决策程序。",
        "测试市关于加强党政正职日常教育管理的实施方案·二、(一)2.",
        "县党政正职5年内参加培训累计550学时以上，每2—3年至少选派一次系统理论教育。",
        "测试市“三重一大”集体决策制度实施办法·第一条", "……必须由领导班子集体讨论决定，……",
        "术语解释", "三重一大", "重大事项决策、重要干部任免、重大项目安排和大额资金使用，须集体研究决定。",
        "谈心谈话", "领导干部之间、上下级之间的经常性谈心交流。",
        "讨论题", "本单位哪些事项属于“三重一大”？", "集体决策中如何防止临时动议？",
    ]
    position = 0
    for part in expected:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing or out of order after position {position}"
        position = found + len(part)
    assert "任何个人不得擅自决定" not in text  # outside the excerpt


def test_pdf_is_a4_with_page_numbers(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert "595.276 x 841.89 pts (A4)" in info
    text = squashed(pdf_text(pdf))
    for page in range(1, pages + 1):
        assert f"第{page}页/共{pages}页" in text


def test_pdf_embeds_a_cjk_font(pdf):
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    cjk = [row for row in rows if "CJK" in row[0]]
    assert cjk, listing
    # columns: name type... encoding emb sub uni object ID — every font embedded
    assert all(row[-5] == "yes" for row in rows), listing


def test_first_page_renders_to_png(pdf):
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = ARTIFACTS / "handout-page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
                   check=True)
    png = prefix.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000  # a blank A4 page at 60 dpi is far smaller


def test_fetcher_refuses_the_network_and_reads_local_files(tmp_path):
    fetcher = local_only_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://example.com/font.woff2")
    local = tmp_path / "a.css"
    local.write_text("p{}", encoding="utf-8")
    response = fetcher.fetch(local.as_uri())
    assert response.read() == b"p{}"
    response.close()


REAL = Path(__file__).parent.parent / "policies"


def _real_sessions():
    if not (REAL / "study").is_dir():
        return []
    return sorted(load_corpus(REAL).studies)


@pytest.mark.parametrize("study_id", _real_sessions())
def test_published_handouts_quote_their_clauses_in_order(study_id, tmp_path):
    corpus = load_corpus(REAL)
    handout = handout_of(corpus, study_id)
    write_handout_pdf(handout, tmp_path / "h.pdf")
    text = squashed(pdf_text(tmp_path / "h.pdf"))
    position = 0
    for clause in handout.clauses:
        for part in (f"{clause.document_title}·{clause.number}",
                     *(squashed(p.text)[:40] for p in clause.passages if p.text)):
            found = text.find(part, position)
            assert found >= 0, f"{clause.ref}: {part!r}"
            position = found + len(part)
