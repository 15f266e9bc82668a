"""How the index is written and read fast, checked against Whoosh doing it its own way.

The index build keeps postings in ``PostingLists`` instead of Whoosh's pool and tokenises each
Han run once; queries score with lengths from ``lengths.bin`` and evaluate Whoosh's matcher
tree a posting list at a time (``matched_scores``). Each must give exactly what Whoosh itself
gives: the same index term for term, the same scores to the last bit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from generator import search, segment
from generator.corpus import load_corpus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
from test_search_support import eval_queries  # noqa: E402


@pytest.fixture(scope="module")
def real_corpus():
    return load_corpus(ROOT / "policies")


@pytest.fixture(scope="module")
def real_index(tmp_path_factory, real_corpus):
    return search.build_index(real_corpus, tmp_path_factory.mktemp("engine") / "search_index").path


def test_index_equals_whoosh_own_pool_and_uncached_tokens(tmp_path, real_corpus, real_index):
    """A reference index written by Whoosh's own writer (its posting pool, its length column
    reads, its space tokenizer over the joined tokens), every text tokenised by a fresh segmenter
    call with nothing remembered: the same terms, postings, weights, term statistics, field
    lengths and stored fields as the index ``build_index`` wrote."""
    from whoosh import index

    docs = search.search_documents(real_corpus)
    seg = segment.IndexSegmenter(segment.domain_words(real_corpus))
    reference = index.create_in(str(tmp_path), search._schema())
    writer = reference.writer()
    for d in docs:
        seg._han_tokens.clear()  # tokens computed afresh for every clause
        fields = search.whoosh_fields(d, seg)  # token lists joined, for Whoosh's own tokenizer
        writer.add_document(**{k: " ".join(v) if isinstance(v, list) else v for k, v in fields.items()})
    writer.commit(optimize=True)

    built = index.open_dir(str(real_index)).reader()
    ref = reference.reader()
    try:
        terms = list(ref.all_terms())
        assert list(built.all_terms()) == terms and len(terms) > 10_000
        for fieldname, text in terms:
            assert list(built.postings(fieldname, text).items_as("weight")) == \
                list(ref.postings(fieldname, text).items_as("weight")), (fieldname, text)
            assert vars(built.term_info(fieldname, text)) == vars(ref.term_info(fieldname, text))
        for fieldname in search.SCORED_FIELDS:
            assert built.field_length(fieldname) == ref.field_length(fieldname)
            assert [built.doc_field_length(n, fieldname) for n in range(len(docs))] == \
                [ref.doc_field_length(n, fieldname) for n in range(len(docs))]
        assert list(built.iter_docs()) == list(ref.iter_docs())
    finally:
        built.close()
        ref.close()


def test_lengths_file_holds_whoosh_field_lengths(real_index):
    ix = search.Index(real_index.parent, generation=real_index)
    try:
        lengths = search.FieldLengths(real_index, ix.meta["documents"])
        assert set(search.SCORED_FIELDS) == set(ix.ix.schema.scorable_names())
        for fieldname in search.SCORED_FIELDS:
            assert list(lengths(fieldname)) == [ix.reader.doc_field_length(n, fieldname, 1) or 0
                                                for n in range(ix.reader.doc_count_all())]
    finally:
        ix.close()


def test_scores_equal_whoosh_collector_and_plain_bm25f(real_index):
    """Every evaluation query (with its filters): the clauses and scores ``matched_scores``
    gives are exactly those of Whoosh's own collector walking the same query with Whoosh's
    plain BM25F (lengths from its per-document column)."""
    from whoosh import scoring
    from whoosh.query import And, Term

    ix = search.Index(real_index.parent, generation=real_index)
    plain = ix.ix.searcher(weighting=scoring.BM25F(B=search.BM25_B, K1=search.BM25_K1, **search.FIELD_B))
    compared = 0
    try:
        for q in eval_queries():
            filters = search.resolve_filters({k: q[k] for k in search.FILTERS if q.get(k)}, ix.meta["filters"])
            words = search.parse_query(q["query"]).words
            query = search.whoosh_query(ix.plan(words), search.word_tags(words, ix.meta["tags"], ix.synonyms))
            restrict = And([Term(search.FILTERS[k], v) for k, v in filters.items()]) if filters else None
            expected = dict(plain.search(query, limit=None, filter=restrict).items())
            assert search.matched_scores(ix.searcher, query, restrict) == expected, q["query"]
            compared += bool(expected)
    finally:
        plain.close()
        ix.close()
    assert compared >= 40


def test_search_reuses_the_open_index_until_a_new_generation_is_current(tmp_path, mini_corpus):
    out = tmp_path / "search_index"
    search.build_index(mini_corpus, out)
    first = search.opened(out)
    assert search.opened(out) is first
    mini_corpus.terms["sanzhong-yida"].definition += "变更"
    try:
        search.build_index(mini_corpus, out)
    finally:
        mini_corpus.terms["sanzhong-yida"].definition = mini_corpus.terms["sanzhong-yida"].definition[:-2]
    second = search.opened(out)
    assert second is not first and second.path == search.current_dir(out)
    assert [h.id for h in search.search(out, "三重一大")][:1] == ["glossary#sanzhong-yida"]
