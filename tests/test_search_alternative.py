"""The alternative engine of the benchmark (bench/search_alternative.py) on the sample corpus:
Whoosh and tantivy built from the same cut, both answering through the product's query plan."""

from __future__ import annotations

from pathlib import Path

import pytest
import tantivy  # noqa: F401  the test extra installs it; without it this file fails, as it should

from bench import search_alternative as alt
from generator import search, segment
from generator.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    corpus = load_corpus(ROOT / "policies")
    docs = search.search_documents(corpus)
    words = segment.domain_words(corpus)
    cut = alt.cut_documents(docs, segment.IndexSegmenter(words))
    work = tmp_path_factory.mktemp("alternative")
    whoosh = alt.build_whoosh(work / "whoosh", corpus, docs, cut)
    tantivy_generation = alt.build_tantivy_generation(work / "tantivy", whoosh.path, docs, cut)
    engines = {"Whoosh": alt.WhooshEngine(whoosh.path), "tantivy": alt.TantivyEngine(tantivy_generation.path)}
    yield corpus, docs, work, engines
    engines["Whoosh"].close()


def ids(hits) -> list[str]:
    return [h.id for h in hits]


def test_both_engines_index_every_search_document(built):
    corpus, docs, _, engines = built
    assert len(docs) == 391
    assert engines["Whoosh"].documents() == engines["tantivy"].documents() == 391


def test_whoosh_from_the_replayed_cut_answers_as_the_product_build_with_jieba(built, tmp_path):
    corpus, _, _, engines = built
    product = search.build_generation(corpus, tmp_path, tmp_path)
    index = search.Index(tmp_path, generation=product.path)
    try:
        for query in ("三重一大", "纪委 廉政档案", "述德", "550学时", "税", "容错纠错"):
            assert ids(engines["Whoosh"].search(query)) == ids(index.search(query)), query
    finally:
        index.close()


@pytest.mark.parametrize("query, expected", [
    ("四重一大", ["glossary#sizhong-yida", "xx-zhengzhi-jiaoyu-guanli#zhongda-juece-2"]),
    ("凡提四必", ["glossary#fanti-sibi", "xx-zhengzhi-jiaoyu-guanli#xuanren-yongren-2"]),
    ("三超两乱", ["glossary#sanchao-liangluan", "xx-zhengzhi-jiaoyu-guanli#xuanren-yongren-4"]),
    ("三谈一访", ["glossary#santan-yifang", "xx-zhengzhi-jiaoyu-guanli#lianzheng-fengxian-3"]),
])
def test_both_engines_find_the_unambiguous_answers_in_their_top_five(built, query, expected):
    _, _, _, engines = built
    for name, engine in engines.items():
        top5 = ids(engine.search(query))[:5]
        assert set(expected) <= set(top5), (name, top5)


def test_tantivy_applies_the_products_filters_and_finds_nothing_for_absent_things(built):
    _, _, _, engines = built
    whoosh, tantivy_index = engines["Whoosh"].index, engines["tantivy"].index
    assert ids(tantivy_index.search("约谈", role="党委书记")) == ids(whoosh.search("约谈", role="党委书记"))
    assert ids(tantivy_index.search("家访 单位:市纪委监委")) == ids(whoosh.search("家访 单位:市纪委监委"))
    assert tantivy_index.search("量子计算") == []
    with pytest.raises(search.QueryError):
        tantivy_index.search("家访 单位:不存在的单位")


def test_tantivy_hits_carry_the_stored_payload(built):
    _, docs, _, engines = built
    hits = {h.id: h for h in engines["tantivy"].search("凡提四必")}
    hit = hits["xx-zhengzhi-jiaoyu-guanli#xuanren-yongren-2"]
    doc = next(d for d in docs if d.id == hit.id)
    assert (hit.doc, hit.kind, hit.heading, hit.text, hit.url, hit.title) == \
        (doc.doc, doc.kind, doc.heading, doc.text, doc.url, doc.container)
    assert any(marked and text == "凡提四必" for text, marked in hit.snippet)


def test_agreement_counts_overlap_identical_sets_and_first_places():
    a = {"q1": ["a", "b", "c"], "q2": ["x", "y"]}
    b = {"q1": ["b", "a", "c"], "q2": ["x", "z"]}
    assert alt.agreement(a, b) == {"top5_jaccard_mean": (1.0 + 1 / 3) / 2, "top5_identical_share": 0.5,
                                   "top1_same_share": 0.5}
