"""The Whoosh index and ``policykb search`` over the mini fixture and the real sample corpus."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.corpus import load_corpus
from generator.search import build_index, current_dir, search

MINI = Path(__file__).parent / "fixtures" / "mini"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
from test_search_support import eval_queries, score, typed_query  # noqa: E402


@pytest.fixture(scope="module")
def mini_index(tmp_path_factory, mini_corpus):
    out = tmp_path_factory.mktemp("idx") / "search_index"
    build_index(mini_corpus, out)
    return out


@pytest.fixture(scope="module")
def real_index(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "search_index"
    build_index(load_corpus(ROOT / "policies"), out)
    return out


def test_rebuild_only_when_content_changes(tmp_path, mini_corpus):
    first = build_index(mini_corpus, tmp_path / "ix")
    again = build_index(mini_corpus, tmp_path / "ix")
    assert first.rebuilt and not again.rebuilt and again.path == first.path == current_dir(tmp_path / "ix")
    mini_corpus.terms["sanzhong-yida"].definition += "变更"
    try:
        changed = build_index(mini_corpus, tmp_path / "ix")
    finally:
        mini_corpus.terms["sanzhong-yida"].definition = mini_corpus.terms["sanzhong-yida"].definition[:-2]
    assert changed.rebuilt and changed.path != first.path and current_dir(tmp_path / "ix") == changed.path
    assert first.path.exists()  # a reader holding the previous generation keeps it


def test_term_outranks_passing_mention(mini_index):
    assert [h.id for h in search(mini_index, "三重一大")] == ["glossary#sanzhong-yida", "ceshi-qingdan#shuji-1"]


def test_numbers_aliases_and_filters(mini_index):
    assert [h.id for h in search(mini_index, "550学时")] == ["ceshi-fangan#yasi-zeren-2"]
    assert [h.id for h in search(mini_index, "监督检查", role="市纪委监委")] == ["ceshi-qingdan#jiwei-1"]
    assert [h.id for h in search(mini_index, "谈心谈话", role="dangwei-shuji")] == ["ceshi-fangan#yasi-zeren-1"]
    assert search(mini_index, "监督检查", category="政治") == []


def test_cli_json(mini_index, capsys):
    assert main(["search", "550学时", "--json", "--index-dir", str(mini_index)]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [(h["id"], h["doc"], h["url"]) for h in hits] == [
        ("ceshi-fangan#yasi-zeren-2", "ceshi-fangan", "documents/ceshi-fangan/#yasi-zeren-2")]
    assert hits[0]["title"] == "测试市关于加强党政正职日常教育管理的实施方案"
    assert hits[0]["snippet"] == "县党政正职 5 年内参加培训累计 【550】 【学时】以上，每 2—3 年至少选派一次系统理论教育。"


def test_cli_text_output_without_tty(mini_index, capsys):
    assert main(["search", "每季度", "--index-dir", str(mini_index)]) == 0
    assert capsys.readouterr().out == (
        "找到 1 条结果：\n\n1. 测试市党委主体责任清单  1.\n   【每季度】开展一次监督检查。\n"
        "   lists/ceshi-qingdan/#jiwei-1\n")


@pytest.mark.parametrize("argv, message", [
    (["角色:"], "检索式有误：筛选条件 “角色:” 缺少取值"),
    (["，。！"], "检索式有误：检索词为空"),
    (["纪委", "--role", "不存在的角色"], "检索式有误：未找到角色 “不存在的角色”"),
])
def test_malformed_query_exit_2(mini_index, capsys, argv, message):
    assert main(["search", *argv, "--index-dir", str(mini_index)]) == 2
    assert message in capsys.readouterr().err


def test_missing_index(tmp_path, capsys):
    assert main(["search", "纪委", "--index-dir", str(tmp_path / "none")]) == 2
    assert "请先运行 policykb build" in capsys.readouterr().err


def test_data_html_is_not_passed_through(tmp_path, mini_corpus, capsys):
    mini_corpus.terms["tanxin-tanhua"].definition = "<script>alert(1)</script>\x1b[31m谈心"
    try:
        build_index(mini_corpus, tmp_path / "ix")
    finally:
        mini_corpus.terms["tanxin-tanhua"].definition = "领导干部之间、上下级之间的经常性谈心交流。"
    assert main(["search", "谈心", "--index-dir", str(tmp_path / "ix")]) == 0
    out = capsys.readouterr().out
    assert "\x1b[31m" not in out and "&lt;" not in out and "<script>alert(1)</script>" in out


@pytest.mark.parametrize("char", ["税", "疏", "廉", "纪"])
def test_single_character_finds_every_clause_containing_it(real_index, char):
    """One character is matched inside any word (税 in 国税), in heading or text: exactly the
    clauses whose text contains it, found by reading the search documents, not the index."""
    from generator.search import search_documents

    containing = {d.id for d in search_documents(load_corpus(ROOT / "policies")) if char in d.heading + d.text}
    assert containing
    assert found_ids(search(real_index, char, limit=10_000)) == containing


def test_word_found_inside_a_longer_word_jieba_cut_otherwise(real_index):
    """述德 is no dictionary word; every clause with 述责述廉述德 contains it and is found."""
    from generator.search import search_documents

    containing = {d.id for d in search_documents(load_corpus(ROOT / "policies")) if "述德" in d.heading + d.text}
    assert len(containing) == 6
    assert found_ids(search(real_index, "述德", limit=100)) == containing


def found_ids(hits) -> set[str]:
    """Every clause a result list names: the hits and the identical clauses under 同见."""
    return {ident for h in hits for ident in (h.id, *(o.id for o in h.also))}


def test_identical_clauses_are_one_answer(real_index, capsys):
    """The 街道 indicator 一体推进… is identical in the 2019 and 2020 editions, the 部门 and 驻区
    ones are identical to each other: three answers, each shown once, the others under 同见."""
    hits = search(real_index, "一票否决")
    assert [(h.id, [o.id for o in h.also]) for h in hits] == [
        ("guangming-bumen-biaozhun-2019#jilv-1", ["guangming-zhuqu-biaozhun-2019#jilv-1"]),
        ("guangming-jiedao-biaozhun-2020#jilv-1", ["guangming-jiedao-biaozhun-2019#jilv-1"]),
        ("guangzhou-dangnei-zhengzhi-shenghuo-jihua#daibing-tiba-2", []),
    ]
    assert main(["search", "一票否决", "--json", "--index-dir", str(real_index)]) == 0
    assert [h["also"] for h in json.loads(capsys.readouterr().out)] == [
        ["guangming-zhuqu-biaozhun-2019#jilv-1"], ["guangming-jiedao-biaozhun-2019#jilv-1"], []]
    assert main(["search", "一票否决", "--index-dir", str(real_index)]) == 0
    assert ("   同见：光明区各街道党工委落实全面从严治党主体责任指标评价标准（2019） 1  "
            "standards/guangming-jiedao-biaozhun-2019/#jilv-1\n") in capsys.readouterr().out
    # a filter on the older edition shows that edition itself
    assert [h.id for h in search(real_index, "一票否决", doc="guangming-jiedao-biaozhun-2019")] == [
        "guangming-jiedao-biaozhun-2019#jilv-1"]


def test_annotation_outranks_a_passing_mention(tmp_path, real_index):
    """Two clauses name 三重一大 once each; the longer one is annotated with the term (terms:),
    the shorter one is not: the annotated clause ranks higher although it is longer. Names of a
    role or unit find their annotated entities."""
    import shutil

    from generator.corpus import load_corpus
    from generator.search import Index, build_index, word_tags

    root = tmp_path / "policies"
    shutil.copytree(MINI, root)
    (root / "documents" / "paixu.yaml").write_text(
        "id: paixu\ntitle: 排序测试\nkind: 实施意见\nbody:\n"
        "  - id: zhushi\n    terms: [sanzhong-yida]\n"
        "    text: 完善领导班子议事规则和决策程序，凡属三重一大决策事项，必须由领导班子集体讨论决定，"
        "健全决策前调查研究、征求意见和专家论证制度，完善决策执行情况的跟踪反馈。\n"
        "  - id: tiji\n    text: 检查三重一大事项集体决策制度落实情况。\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index(load_corpus(root), index_dir)
    ids = [h.id for h in search(index_dir, "三重一大", limit=20)]
    assert ids.index("paixu#zhushi") < ids.index("paixu#tiji")

    index = Index(real_index)
    try:
        assert word_tags(["市纪委监委"], index.meta["tags"], index.synonyms) == [
            ["unit:xx-shijiwei", "role:xx-shijiwei"]]
        assert word_tags(["约谈"], index.meta["tags"], index.synonyms) == [[]]
    finally:
        index.close()


def cli_results(index_dir) -> dict[str, list[str]]:
    results = {}
    for q in eval_queries():
        filters = {k: q[k] for k in ("role", "unit", "category", "doc") if q.get(k)}
        results[typed_query(q)] = [h.id for h in search(index_dir, q["query"], limit=10, **filters)]
    return results


def test_eval_set_cli(real_index):
    assert len(eval_queries()) >= 40
    recall, mrr, failures = score(cli_results(real_index))
    print(f"\nCLI search over the eval set: recall@5 = {recall:.3f}, MRR = {mrr:.3f}")
    assert failures == []
    assert recall == 1.0
