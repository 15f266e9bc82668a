"""The CLI search's alternative engine, measured: tantivy-py beside Whoosh, same tokens, same plan.

    python -m bench.search_alternative --sizes S M L [--out bench-out] [--profile-whoosh]

For each size the corpus in ``bench-out/work/<size>/policies`` is loaded and its search
documents cut once with the product's own tokenisation (``generator.segment``); that cut is
timed on its own, since both engines index the same tokens. Then:

* Whoosh: the product's own ``generator.search.build_generation`` with jieba's word cut replayed
  from the shared cut; its figure is the engine's part (``search._write_whoosh``), and
  ``generator.search.Index`` opens the generation as the CLI does;
* tantivy: a generation of the same shape (the product's meta files copied, the tantivy index in
  ``index/``): the same fields with a whitespace tokenizer (the tokens are already cut and
  normalised: nothing is re-segmented, lower-cased or stemmed), the same stored payload and
  boosts, one segment in document order so a tantivy doc id is the Whoosh docnum;
* ``TantivyIndex`` answers through the product's query plan (``parse_query``, ``plan`` against
  the index's own lexicon, ``word_tags``, ``collapse``) with a query built leaf for leaf like
  ``whoosh_query``, and returns the product's ``Hit`` objects.

Both engines then answer ``bench.run.benchmark_queries``: in-process p50/p95 through the search
interface and for the engine alone, agreement of their top five, and whole-process time of a
fresh interpreter that opens the index and answers one query. Scores differ by construction:
Whoosh runs the product's BM25F settings (``search.BM25_B``, ``BM25_K1``, per-field ``B``) with
Whoosh's idf; tantivy's BM25 has k1 = 1.2, b = 0.75 on every field and its own idf.

Wall-clock figures are ``time.perf_counter``; CPU figures are ``time.process_time`` (every
thread of the process, tantivy's included). One table per size on stdout, JSON in
``<out>/alternative-<sizes>.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from generator import search, segment
from generator.search import Hit, SearchDoc

ROOT = Path(__file__).resolve().parents[1]
TANTIVY_DIR = "index"  # inside a generation, beside the product's meta.json (tantivy writes its own)
WRITER_HEAP = 256 * 1024 * 1024  # the Whoosh writer's limitmb=256
WHOLE_PROCESS_RUNS = 5


# --------------------------------------------------------------------------- the shared cut


@dataclass(frozen=True)
class CutDoc:
    """One search document's tokens as the index stores them, space-separated."""

    title: str
    text: str
    grams: str
    tags: str


def cut_documents(docs: list[SearchDoc], seg: segment.IndexSegmenter) -> list[CutDoc]:
    """The product's tokens of every search document (as ``search._write_whoosh`` makes them)."""
    return [CutDoc(title=" ".join(seg.word_tokens(d.heading)), text=" ".join(seg.word_tokens(d.text)),
                   grams=" ".join(segment.gram_tokens(f"{d.heading}\n{d.text}")), tags=" ".join(d.tags))
            for d in docs]


class ReplaySegmenter:
    """Hands ``search._write_whoosh`` the word tokens already cut, so Whoosh's build is timed
    without jieba (the gram tokens it cuts itself, as the tantivy build does)."""

    def __init__(self, docs: list[SearchDoc], cut: list[CutDoc]):
        self._tokens: dict[str, list[str]] = {}
        for d, c in zip(docs, cut):
            self._tokens[d.heading] = c.title.split()
            self._tokens[d.text] = c.text.split()

    def word_tokens(self, text: str) -> list[str]:
        return self._tokens[text]


# --------------------------------------------------------------------------- building


@dataclass
class Built:
    path: Path  # the generation directory
    seconds: float  # the engine's own writing, wall
    cpu_seconds: float


def build_whoosh(parent: Path, corpus, docs: list[SearchDoc], cut: list[CutDoc]) -> Built:
    """The product's index generation (``search.build_generation``: Whoosh files and meta)
    with jieba's word cut replayed from ``cut``; the figure is ``search._write_whoosh`` alone,
    the engine's part, without the meta both engines share."""
    replay = ReplaySegmenter(docs, cut)
    timing: list[float] = []
    write, segmenter = search._write_whoosh, segment.IndexSegmenter

    def timed_write(*args):
        result, wall, cpu = timed(write, *args)
        timing.extend([wall, cpu])
        return result

    search._write_whoosh, segment.IndexSegmenter = timed_write, lambda words=(): replay
    try:
        stats = search.build_generation(corpus, parent, parent)
    finally:
        search._write_whoosh, segment.IndexSegmenter = write, segmenter
    return Built(stats.path, *timing)


def product_meta_files(generation: Path) -> list[Path]:
    """The product's own files in a generation (meta.json and the parts kept beside it)."""
    return [generation / name for name in ("meta.json", *search.LAZY_META.values()) if (generation / name).exists()]


def tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in ("id", "doc", "kind", "year"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    for name in ("title", "text", "tags", "grams"):  # Whoosh: TEXT(phrase=False), i.e. no positions
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    for name in ("roles", "units"):  # Whoosh: KEYWORD
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field("category", tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field("data", stored=True)
    return builder.build()


def build_tantivy(path: Path, docs: list[SearchDoc], cut: list[CutDoc]) -> None:
    """The same documents, fields and stored payload in a tantivy index at ``path``."""
    import tantivy

    path.mkdir(parents=True)
    index = tantivy.Index(tantivy_schema(), path=str(path))
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)  # one segment, document order
    for d, c in zip(docs, cut):
        grams = " ".join(segment.gram_tokens(f"{d.heading}\n{d.text}"))  # as the Whoosh build does
        writer.add_document(tantivy.Document(
            id=d.id, doc=d.doc, kind=d.kind, year=d.year, title=c.title, text=c.text, tags=c.tags,
            grams=grams, roles=" ".join(d.roles), units=" ".join(d.units), category=d.category,
            data=json.dumps(search._stored(d), ensure_ascii=False).encode()))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    if searcher.num_segments != 1 or searcher.num_docs != len(docs):
        raise RuntimeError(f"tantivy index has {searcher.num_segments} segments, {searcher.num_docs} documents")


def build_tantivy_generation(generation: Path, whoosh_generation: Path, docs: list[SearchDoc],
                             cut: list[CutDoc]) -> Built:
    """A generation of the same shape for tantivy: the product's meta files copied from the
    Whoosh generation, the tantivy index in ``index/``."""
    shutil.rmtree(generation, ignore_errors=True)
    generation.mkdir(parents=True)
    for meta in product_meta_files(whoosh_generation):
        shutil.copyfile(meta, generation / meta.name)
    _, wall, cpu = timed(build_tantivy, generation / TANTIVY_DIR, docs, cut)
    return Built(generation, wall, cpu)


def engine_bytes(generation: Path) -> int:
    """Bytes of the engine's own files: the product's meta, the same for both, left out."""
    shared = set(product_meta_files(generation))
    return sum(p.stat().st_size for p in generation.rglob("*") if p.is_file() and p not in shared)


# --------------------------------------------------------------------------- searching tantivy


class TantivyIndex:
    """A tantivy index behind ``generator.search.Index``'s interface: same plan, same hits."""

    def __init__(self, path: Path):
        import tantivy

        self.path = Path(path)
        self.meta = search._Meta(self.path, json.loads((self.path / "meta.json").read_text(encoding="utf-8")))
        self.index = tantivy.Index.open(str(self.path / TANTIVY_DIR))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.synonyms = {key: group for group in self.meta["synonyms"] for key in group}
        self.same = {docnum: group for group in self.meta["same"] for docnum in group}

    def known(self, term: str) -> bool:
        return any(self.searcher.doc_freq(f, term) > 0 for f in search.WORD_FIELDS)

    def plan(self, words: list[str]):
        return search.plan(words, self.known, self.synonyms)

    def query(self, words: list[str], filters: dict[str, str] | None = None):
        """The tantivy query of ``search.Index.search`` for these words and resolved filters."""
        import tantivy

        q = tantivy_query(self.schema, self.plan(words), search.word_tags(words, self.meta["tags"], self.synonyms))
        if not filters:
            return q
        restrict = [(tantivy.Occur.Must, tantivy.Query.const_score_query(
            tantivy.Query.term_query(self.schema, search.FILTERS[k], v), 0.0)) for k, v in filters.items()]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q), *restrict])

    def ranked(self, query) -> list[tuple[float, int]]:
        """Every match as (score, docnum), best first, ties in docnum order (as the product)."""
        found = self.searcher.search(query, limit=max(1, self.searcher.num_docs), count=False).hits
        return sorted(((score, address.doc) for score, address in found), key=lambda sd: (-round(sd[0], 4), sd[1]))

    def search(self, query: str, *, role=None, unit=None, category=None, doc=None, limit=10) -> list[Hit]:
        parsed = search.parse_query(query)
        given = {k: v for k, v in dict(role=role, unit=unit, category=category, doc=doc).items() if v}
        filters = search.resolve_filters({**parsed.filters, **given}, self.meta["filters"])
        ranked = self.ranked(self.query(parsed.words, filters))
        hits = []
        for score, docnum, members in search.collapse(ranked, self.same)[:limit]:
            hit = self._hit(docnum, score, parsed.words)
            hit.also = [self._hit(m, score, parsed.words) for m in members[1:]]
            hits.append(hit)
        return hits

    def _hit(self, docnum: int, score: float, words: list[str]) -> Hit:
        import tantivy

        stored = self.searcher.doc(tantivy.DocAddress(0, docnum))
        data = json.loads(stored.get_first("data"))
        return Hit(id=stored.get_first("id"), doc=stored.get_first("doc"), kind=data["kind"],
                   title=data["container"], heading=data["heading"], number=data["number"], text=data["text"],
                   url=data["url"], score=score, docnum=docnum,
                   snippet=search.snippet(data["text"] or data["heading"], words), year=stored.get_first("year") or "")


def tantivy_query(schema, word_plans, tags_per_word=None):
    """``search.whoosh_query`` leaf for leaf: words ANDed, a word's spellings and tags scored by
    the best of them, Han words as the word term OR all its bigrams, the same boosts."""
    import tantivy

    Query, Occur = tantivy.Query, tantivy.Occur

    def all_of(queries):
        return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Must, q) for q in queries])

    def any_of(queries):
        return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Should, q) for q in queries])

    def best(queries):
        return None if not queries else queries[0] if len(queries) == 1 else Query.disjunction_max_query(queries, 0.0)

    def term(field, value, boost):
        q = Query.term_query(schema, field, value, index_option="freq")
        return q if boost == 1.0 else Query.boost_query(q, boost)

    def word(text):
        return any_of([term(f, text, b) for f, b in search.BOOSTS.items()])

    def gram(text):
        return term("grams", text, search.GRAM_BOOST)

    def leaf(kind_text):
        kind, text = kind_text
        if kind == "w" and segment.is_han_word(text):
            return any_of([word(text), all_of([gram(g) for g in segment.bigrams(text)])])
        return gram(text) if kind == "g" else word(text)

    words = []
    tags_per_word = tags_per_word or [[] for _ in word_plans]
    for alternatives, tags in zip(word_plans, tags_per_word):
        spellings = [all_of([leaf(x) for x in leaves]) for leaves in alternatives if leaves]
        parts = [p for p in (best(spellings), best([term("tags", t, search.TAG_BOOST) for t in tags])) if p is not None]
        if not parts:
            return Query.empty_query()
        words.append(any_of(parts))
    return all_of(words)


# --------------------------------------------------------------------------- engines side by side


class WhooshEngine:
    """The product's ``search.Index`` plus its engine call alone, for the engine-only figure."""

    name = "Whoosh"

    def __init__(self, path: Path):
        self.index = search.Index(path.parent, generation=path)

    def documents(self) -> int:
        return self.index.reader.doc_count()

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        return self.index.search(query, limit=limit)

    def prepared(self, query: str):
        words = search.parse_query(query).words
        return search.whoosh_query(self.index.plan(words), search.word_tags(words, self.index.meta["tags"], self.index.synonyms))

    def ranked(self, prepared) -> list[tuple[float, int]]:
        """All matches scored as ``Index.search`` scores them (the product's own evaluation of
        Whoosh's matcher tree where it has one, else Whoosh's collector), best first."""
        evaluate = getattr(search, "matched_scores", None)
        if evaluate is not None:
            matched = evaluate(self.index.searcher, prepared).items()
        else:
            matched = ((r.docnum, r.score) for r in self.index.searcher.search(prepared, limit=None))
        return sorted(((score, docnum) for docnum, score in matched), key=lambda sd: (-round(sd[0], 4), sd[1]))

    def close(self) -> None:
        self.index.close()


class TantivyEngine:
    name = "tantivy"

    def __init__(self, path: Path):
        self.index = TantivyIndex(path)

    def documents(self) -> int:
        return self.index.searcher.num_docs

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        return self.index.search(query, limit=limit)

    def prepared(self, query: str):
        return self.index.query(search.parse_query(query).words)

    def ranked(self, prepared) -> list[tuple[float, int]]:
        return self.index.ranked(prepared)

    def close(self) -> None:
        pass


WHOLE_PROCESS = {
    "Whoosh": "from pathlib import Path; from generator.search import Index; "
              "p = Path({path!r}); print(len(Index(p.parent, generation=p).search({query!r})))",
    "tantivy": "from bench.search_alternative import TantivyIndex; "
               "print(len(TantivyIndex({path!r}).search({query!r})))",
}


def timed(fn, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(math.ceil(q * len(ordered))) - 1)]


def open_median(cls, path: Path, runs: int = 5) -> float:
    """Median seconds to open an index in-process (meta included), files in the page cache."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        engine = cls(path)
        times.append(time.perf_counter() - t)
        engine.close()
    return statistics.median(times)


def query_figures(engine, queries: list[str]) -> tuple[dict, dict[str, list[str]]]:
    """In-process latency through the search interface and for the engine alone; each query's
    top-5 answer ids."""
    engine.search(queries[0])  # first query pays lazy loading; the figures are the warm case
    interface, alone, top5, answered = [], [], {}, 0
    for q in queries:
        t = time.perf_counter()
        hits = engine.search(q, limit=10)
        interface.append(time.perf_counter() - t)
        top5[q] = [h.id for h in hits[:5]]
        answered += bool(hits)
        prepared = engine.prepared(q)
        t = time.perf_counter()
        engine.ranked(prepared)
        alone.append(time.perf_counter() - t)
    slowest = sorted(zip(interface, queries), reverse=True)[:5]
    return {"query_p50_s": statistics.median(interface), "query_p95_s": percentile(interface, 0.95),
            "engine_p50_s": statistics.median(alone), "engine_p95_s": percentile(alone, 0.95),
            "answered": answered, "slowest": [[q, t] for t, q in slowest]}, top5


def whole_process_figures(paths: dict[str, Path], query: str) -> dict[str, dict]:
    """Median wall and CPU seconds of a fresh interpreter that opens each index and answers
    ``query``, imports included; the engines take turns so a busy moment hits both alike."""
    import resource

    wall: dict[str, list[float]] = {name: [] for name in paths}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(WHOLE_PROCESS_RUNS):
        for name, path in paths.items():
            code = WHOLE_PROCESS[name].format(path=str(path.resolve()), query=query)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
            wall[name].append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if proc.returncode != 0 or not proc.stdout.strip().isdigit():
                raise RuntimeError(f"{name} whole-process query failed: {proc.stderr[-2000:]}")
    return {name: {"whole_process_median_s": statistics.median(wall[name]),
                   "whole_process_cpu_median_s": statistics.median(cpu[name])} for name in paths}


def agreement(a: dict[str, list[str]], b: dict[str, list[str]]) -> dict:
    """Overlap of two engines' top-5 answers over the same queries."""
    jaccard, same_set, same_top = [], 0, 0
    for q, ids in a.items():
        x, y = set(ids), set(b[q])
        jaccard.append(len(x & y) / len(x | y) if x | y else 1.0)
        same_set += x == y
        same_top += ids[:1] == b[q][:1]
    n = len(a)
    return {"top5_jaccard_mean": statistics.fmean(jaccard), "top5_identical_share": same_set / n,
            "top1_same_share": same_top / n}


# --------------------------------------------------------------------------- one size


def measure(corpus_root: Path, work: Path, queries: list[str] | None = None, whole_process: bool = True) -> dict:
    """Every figure of the comparison for one corpus; indexes are written under ``work``."""
    from bench.run import benchmark_queries
    from generator.corpus import load_corpus

    corpus, load_s, _ = timed(load_corpus, corpus_root)
    docs = search.search_documents(corpus)
    words = segment.domain_words(corpus)
    cut, cut_s, cut_cpu = timed(lambda: cut_documents(docs, segment.IndexSegmenter(words)))
    _, gram_s, gram_cpu = timed(lambda: [segment.gram_tokens(f"{d.heading}\n{d.text}") for d in docs])
    shutil.rmtree(work, ignore_errors=True)
    whoosh = build_whoosh(work / "whoosh", corpus, docs, cut)
    tantivy = build_tantivy_generation(work / "tantivy", whoosh.path, docs, cut)
    paths = {"Whoosh": whoosh.path, "tantivy": tantivy.path}
    result = {"documents": len(docs), "load_s": load_s, "segment_s": cut_s, "segment_cpu_s": cut_cpu,
              "gram_cut_s": gram_s, "gram_cut_cpu_s": gram_cpu, "search_format": search.FORMAT,
              "engines": {name: {"build_s": built.seconds, "build_cpu_s": built.cpu_seconds}
                          for name, built in (("Whoosh", whoosh), ("tantivy", tantivy))}}
    queries = queries or benchmark_queries(corpus_root)
    result["queries"] = len(queries)
    tops = {}
    for cls in (WhooshEngine, TantivyEngine):
        name = cls.name
        figures = result["engines"][name]
        figures["bytes"] = engine_bytes(paths[name])
        figures["open_median_s"] = open_median(cls, paths[name])
        engine = cls(paths[name])
        figures["documents"] = engine.documents()
        found, tops[name] = query_figures(engine, queries)
        figures.update(found)
        engine.close()
    if whole_process:
        for name, figures in whole_process_figures(paths, queries[0]).items():
            result["engines"][name].update(figures)
    result["agreement"] = agreement(tops["Whoosh"], tops["tantivy"])
    result["top5"] = tops
    return result


def profile_whoosh_build(corpus_root: Path, work: Path, top: int = 25) -> str:
    """cProfile of the product's index build with the word cut replayed (``build_whoosh``):
    the top entries by own time and by cumulative time."""
    from generator.corpus import load_corpus

    corpus = load_corpus(corpus_root)
    docs = search.search_documents(corpus)
    cut = cut_documents(docs, segment.IndexSegmenter(segment.domain_words(corpus)))
    shutil.rmtree(work, ignore_errors=True)
    profiler = cProfile.Profile()
    profiler.enable()
    build_whoosh(work, corpus, docs, cut)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# --------------------------------------------------------------------------- report


def table(size: str, r: dict) -> str:
    w, t = r["engines"]["Whoosh"], r["engines"]["tantivy"]
    rows = [("index build, wall s", "build_s", 3), ("index build, CPU s", "build_cpu_s", 3),
            ("index bytes", "bytes", 0), ("open index in-process, wall ms", "open_median_s", 2),
            ("search p50, wall ms (interface)", "query_p50_s", 2),
            ("search p95, wall ms (interface)", "query_p95_s", 2), ("engine only p50, wall ms", "engine_p50_s", 2),
            ("engine only p95, wall ms", "engine_p95_s", 2), ("whole process median, wall s", "whole_process_median_s", 3),
            ("whole process median, CPU s", "whole_process_cpu_median_s", 3),
            ("queries answered", "answered", 0), ("documents indexed", "documents", 0)]
    lines = [f"## {size}: {r['documents']:,} search documents, {r['queries']} queries",
             f"shared segmentation (jieba word cut): {r['segment_s']:.2f} s wall, {r['segment_cpu_s']:.2f} s CPU; "
             f"gram cut (inside both builds): {r['gram_cut_s']:.2f} s",
             "", "| figure | Whoosh | tantivy | ratio |", "| --- | --- | --- | --- |"]
    for label, key, digits in rows:
        if key not in w:
            continue
        scale = 1000 if key.endswith("_s") and "ms" in label else 1
        a, b = w[key] * scale, t[key] * scale
        ratio = f"{a / b:.1f}×" if b and key not in ("answered", "documents") else ""
        lines.append(f"| {label} | {a:,.{digits}f} | {b:,.{digits}f} | {ratio} |")
    ag = r["agreement"]
    lines.append(f"\nagreement of top 5: mean Jaccard {ag['top5_jaccard_mean']:.3f}, identical sets "
                 f"{ag['top5_identical_share']:.1%}, same top 1 {ag['top1_same_share']:.1%}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["S"], choices=["S", "M", "L"])
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--profile-whoosh", action="store_true", help="print a cProfile of each Whoosh build")
    args = parser.parse_args(argv)
    results = {}
    for size in args.sizes:
        corpus_root = args.out / "work" / size / "policies"
        if not corpus_root.is_dir():
            parser.error(f"no corpus at {corpus_root}: python -m bench.synth --size {size} --seed 1 -o {corpus_root}")
        work = args.out / "alternative" / size
        results[size] = measure(corpus_root, work)
        print(table(size, results[size]), flush=True)
        if args.profile_whoosh:
            print(profile_whoosh_build(corpus_root, work / "profile"), flush=True)
    path = args.out / f"alternative-{''.join(args.sizes)}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\n{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
