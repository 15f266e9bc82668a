"""The "before" of the search evaluation: plain jieba + Whoosh's ChineseAnalyzer setup over the
same clause documents, queried with Whoosh's QueryParser (AND), scored on tests/search_eval.yaml.

Run: python bench/search_before.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    import logging

    import jieba
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, AndGroup

    from generator.corpus import load_corpus
    from generator.search import search_documents
    from test_search_support import eval_queries, score, typed_query

    jieba.setLogLevel(logging.WARNING)
    corpus = load_corpus(ROOT / "policies")
    docs = search_documents(corpus)
    analyzer = ChineseAnalyzer()
    schema = Schema(id=ID(stored=True), title=TEXT(analyzer=analyzer, field_boost=3.0), text=TEXT(analyzer=analyzer),
                    roles=ID(), units=ID(), category=ID(), doc=ID())
    with tempfile.TemporaryDirectory() as tmp:
        ix = index.create_in(tmp, schema)
        w = ix.writer()
        for d in docs:
            w.add_document(id=d.id, title=d.heading, text=d.text, category=d.category, doc=d.doc)
        w.commit()
        parser = MultifieldParser(["title", "text"], schema, group=AndGroup)
        results = {}
        with ix.searcher() as s:
            for q in eval_queries():
                hits = s.search(parser.parse(q["query"]), limit=10)
                ids = [h["id"] for h in hits]
                role, unit = q.get("role"), q.get("unit")
                if role or unit:  # no role/unit fields in the plain setup: keep unfiltered hits
                    pass
                results[typed_query(q)] = ids
    recall, mrr, failures = score(results)
    print(f"plain jieba + ChineseAnalyzer: recall@5 = {recall:.3f}, MRR = {mrr:.3f}, {len(failures)} failing queries")
    for f in failures:
        print("  ", f)


if __name__ == "__main__":
    main()
