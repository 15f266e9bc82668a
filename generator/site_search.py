"""The browser's copy of the search index: static files under ``assets/search/`` of the site.

Read from the Whoosh index, so the browser ranks with Whoosh's own scores: the lexicon in
shards by first character, and for every term its postings with the score Whoosh itself gives
that term in that clause. The browser adds those scores exactly as Whoosh's And/Or matchers do,
so it finds (and orders) the same clauses as ``search``.

A query needs only its best ten answers, and a frequent term occurs in thousands of clauses: so
each postings list is stored in impact order (highest score first) in blocks that grow
geometrically. The first block sits in the term's shard (by term hash); later blocks are files
of their own, each announced with the score it starts with. search.js fetches blocks only while
an unseen clause could still enter the ten (an exact top-k over the blocks), so what it ranks
is what summing the full lists would give.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from collections import deque
from pathlib import Path

from . import segment
from .search import BOOSTS, FILTERS, FORMAT, GRAM_BOOST, TAG_BOOST, Index, _size, build_index, word_tags


ASSETS = Path(__file__).parent / "assets" / "search"
SITE_DIR = "assets/search"  # under the built site: search.js, search.css, data/
DOC_CHUNK = 2  # clauses per stored-document file: results fetch only the chunks they show
POST_SHARD_BYTES = 3_000  # target size of one postings shard
FIRST_BLOCK = 48  # postings in a list's first block (in its shard); each later block doubles
LEX_SHARD_BYTES = 2_000  # target size of one lexicon shard


def shard_of(key: str, shards: int) -> int:
    """FNV-1a (32 bit) of the key's UTF-8 bytes, modulo ``shards``; search.js computes the same."""
    h = 0x811C9DC5
    for byte in key.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % shards


def default_index_dir(corpus) -> Path:
    """A private index per corpus folder in the user's cache: site builds (and ``mkdocs serve``
    rebuilds) reuse it while the content is unchanged, and never write into the project."""
    key = hashlib.sha256(str(Path(corpus.root).resolve()).encode()).hexdigest()[:12]
    return segment.cache_dir().parent / "site-index" / key


def write_site_search(corpus, site_dir: Path, index_dir: Path | None = None, generation: Path | None = None) -> dict:
    """Write the browser's search files into a built site; returns sizes for reports.

    Read from the Whoosh index, so the browser ranks with Whoosh's own scores: ``generation``
    (the one ``policykb build`` has just built) or else the index in ``index_dir`` (by default a
    private one in the user's cache), built only if the corpus changed. The files themselves
    are kept in the cache under the index's content hash: an unchanged corpus (every
    ``mkdocs serve`` rebuild that did not touch the data) links them in instead of writing them."""
    if generation is None:
        index_dir = Path(index_dir) if index_dir else default_index_dir(corpus)
        generation = build_index(corpus, index_dir).path
    generation = Path(generation)
    cached = site_search_cache(generation)
    if not (cached / "meta.json").exists():
        _write_site_data(generation, cached)
    out = Path(site_dir) / SITE_DIR
    data = out / "data"
    staging = out / f".data-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    link_tree(cached, staging)
    shutil.rmtree(data, ignore_errors=True)
    os.replace(staging, data)
    for asset in ASSETS.iterdir():
        if asset.is_file():
            shutil.copyfile(asset, out / asset.name)
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    return {"files": sum(1 for _ in data.rglob("*.json")), "bytes": _size(data), **meta}


def site_search_cache(generation: Path, keep: int = 4) -> Path:
    """Where the browser files of index ``generation`` are kept: the index's content hash and
    this module's own source name it (a change to how the files are written is a new entry).
    Only the ``keep`` most recently used entries stay."""
    index_hash = json.loads((Path(generation) / "meta.json").read_text(encoding="utf-8"))["hash"]
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    key = hashlib.sha256(f"{index_hash}\n{code}".encode()).hexdigest()[:20]
    root = segment.cache_dir().parent / "site-search"
    root.mkdir(parents=True, exist_ok=True)
    entry = root / key
    if entry.exists():
        os.utime(entry)
    entries = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        if old != entry:
            shutil.rmtree(old, ignore_errors=True)
    return entry


def _write_site_data(generation: Path, target: Path) -> None:
    """The browser's files for index ``generation``, written to ``target`` (atomically: a
    half-written entry is never taken for a complete one)."""
    staging = target.parent / f".{target.name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        index = Index(generation.parent, generation=generation)
        try:
            same = index.meta["same"]
            group_of = {d: g for g, members in enumerate(same) for d in members}
            blocks = BlockFiles(staging / "blk", group_of)
            entries = site_entries(index, blocks)
            docs = [_doc_row(index.reader.stored_fields(n)) for n in range(index.reader.doc_count_all())]
            meta_hash = index.meta["hash"][:16]
        finally:
            index.close()
        lexicon = [k[2:] for k in entries if k.startswith("w\t")]
        post_shards = _shard_count(sum(len(k) + _plain_length(v) for k, v in entries.items()), POST_SHARD_BYTES)
        lex_shards = _shard_count(sum(len(t.encode()) + 3 for t in lexicon), LEX_SHARD_BYTES)
        _write_encoded_buckets(staging / "post", entries.items(), lambda kv: shard_of(kv[0], post_shards), post_shards)
        _write_buckets(staging / "lex", ((t, None) for t in sorted(lexicon)), lambda kv: shard_of(kv[0][0], lex_shards),
                       lambda kvs: [k for k, _ in kvs], lex_shards)
        (staging / "docs").mkdir()
        for i, start in enumerate(range(0, len(docs), DOC_CHUNK)):
            _dump(staging / "docs" / f"{i}.json", docs[start:start + DOC_CHUNK])
        (staging / "grp").mkdir()
        for g, members in enumerate(same):
            # A group of identical clauses: its members in display order and what 同见 shows of each.
            _dump(staging / "grp" / f"{g}.json", {"m": members, "h": [_head(docs[d]) for d in members]})
        meta = {"format": FORMAT, "layout": 2, "hash": meta_hash, "documents": len(docs),
                "postShards": post_shards, "lexShards": lex_shards, "docChunk": DOC_CHUNK,
                "maxWord": segment.MAX_WORD}
        _dump(staging / "meta.json", meta)  # written last: its presence marks a complete entry
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


VLQ = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def membership(docnums) -> str:
    """Ascending docnums as a string of gaps, each gap minus one in base 32 digits, low digits
    first, every digit but the last of a gap marked by adding 32 (VLQ); search.js decodes it."""
    codes, out, prev = _codes(), [], -1
    for d in docnums:
        gap = d - prev - 1
        out.append(codes[gap] if gap < len(codes) else vlq(gap))
        prev = d
    return "".join(out)


class BlockFiles:
    """Postings lists in impact order, cut into blocks: the first is returned (it goes into the
    term's shard with the scores later blocks start with); later blocks are written as
    ``blk/<list>-<i>.json``; the first of them also carries the list's clauses without scores,
    in docnum order (a few bytes per clause: the browser learns which clauses do *not* contain
    a term without reading the term's whole list)."""

    def __init__(self, folder: Path, group_of: dict[int, int]):
        self.folder = folder
        self.group_of = group_of
        self.count = 0
        folder.mkdir()

    def entry(self, ids, scores, constant: bool = False) -> "Encoded":
        # Scores in millionths (what the browser receives), negated: tuples sort in impact
        # order, best score first, then docnum as search.py breaks ties.
        order = sorted(zip([-round(s * 1_000_000) for s in scores], ids))
        cuts, size = [0], FIRST_BLOCK
        while cuts[-1] + size < len(order):
            cuts.append(cuts[-1] + size)
            size *= 2
        cuts.append(len(order))
        fields = [f'"p":{self._block(order, 0, cuts[1])}']
        if len(cuts) > 2:
            n = self.count
            self.count += 1
            # The second block travels with the member list: the browser reads the members
            # before any later block, and one file fewer per list is less to write.
            _write(self.folder / f"{n}-1.json", f'["{membership(sorted(ids))}",{self._block(order, cuts[1], cuts[2])}]')
            for i in range(2, len(cuts) - 1):
                _write(self.folder / f"{n}-{i}.json", self._block(order, cuts[i], cuts[i + 1]))
            fields.append(f'"n":{n}')
            fields.append('"m":[' + ",".join(repr(-order[c][0] / 1_000_000) for c in cuts[1:-1]) + "]")
        if constant and order and order[0][0] == order[-1][0]:
            fields.append(f'"c":{-order[0][0] / 1_000_000!r}')
        return Encoded("{" + ",".join(fields) + "}")

    def _block(self, order, start: int, end: int) -> str:
        """``order[start:end]`` as one JSON string of ``vlq`` numbers: per clause its docnum
        times two, plus one when its group follows; then its score in millionths, the first as
        it is and every later one as the drop from the one before."""
        group_of, codes, out = self.group_of, _codes(), []
        limit = len(codes)
        prev = None
        for i in range(start, end):
            neg, docnum = order[i]
            g = group_of.get(docnum)
            head = docnum * 2 if g is None else docnum * 2 + 1
            out.append(codes[head] if head < limit else vlq(head))
            if g is not None:
                out.append(codes[g] if g < limit else vlq(g))
            drop = -neg if prev is None else neg - prev
            out.append(codes[drop] if drop < limit else vlq(drop))
            prev = neg
        return '"' + "".join(out) + '"'


@functools.cache
def _codes() -> list[str]:
    """``vlq(v)`` for every v below 2**17 (docnums of a province's corpus, most score drops)."""
    return [vlq(v) for v in range(1 << 17)]


def vlq(v: int) -> str:
    """A non-negative integer in base 32 digits, low digits first, each digit but the last
    marked by adding 32, written with the 64 characters of ``VLQ``."""
    out = []
    while v >= 32:
        out.append(VLQ[32 + (v & 31)])
        v >>= 5
    out.append(VLQ[v])
    return "".join(out)


def link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` made of hard links (no bytes copied), or of copies
    where links are impossible (another file system)."""
    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


def site_entries(index: Index, blocks: "BlockFiles") -> dict[str, object]:
    """Every key the browser may look up: postings with Whoosh's scores, synonyms, filters.

    Scores are read from the postings in one pass over each field's lexicon (``field_scores``)
    rather than by a query per term: the same numbers, without a matcher tree per term. Each
    postings list is kept as its JSON text (``Encoded``): at a province's scale the lists as
    Python numbers would take over a GiB."""
    entries: dict[str, object] = {}
    _encoded = blocks.entry
    titles = {term: (ids, scores) for term, ids, scores in field_scores(index, "title", BOOSTS["title"])}
    pending = deque(sorted(titles))  # title terms not yet written, in lexicon order
    for term, ids, scores in field_scores(index, "text", BOOSTS["text"]):
        while pending and pending[0] < term:
            only = pending.popleft()
            entries["w\t" + only] = _encoded(*titles.pop(only))
        if pending and pending[0] == term:
            pending.popleft()
            ids, scores = _summed(titles.pop(term), (ids, scores))
        entries["w\t" + term] = _encoded(ids, scores)
    for only in pending:
        entries["w\t" + only] = _encoded(*titles.pop(only))
    for gram, ids, scores in field_scores(index, "grams", GRAM_BOOST):
        entries["g\t" + gram] = _encoded(ids, scores)
    for group in index.meta["synonyms"]:
        for key in group:
            entries["s\t" + key] = group
    names, synonyms = index.meta["tags"], index.synonyms
    for key in sorted({*names, *synonyms}):
        tags = word_tags([key], names, synonyms)[0]
        if tags:
            entries["e\t" + key] = tags
    wanted = {t for tags in names.values() for t in tags}
    tagged = {tag: _encoded(ids, scores, constant=True)
              for tag, ids, scores in field_scores(index, "tags", TAG_BOOST, only=wanted)}
    for tag in sorted(wanted):
        if tag in tagged:
            entries["t\t" + tag] = tagged[tag]
    for kind, names in index.meta["filters"].items():
        for name, ident in names.items():
            entries[f"n\t{kind}\t{name}"] = ident
        for ident in sorted(set(names.values())):  # sorted: set order varies between runs
            docnums = list(index.reader.postings(FILTERS[kind], ident).all_ids()) \
                if (FILTERS[kind], ident) in index.reader else []
            entries[f"f\t{kind}\t{ident}"] = docnums
    return entries


def field_scores(index: Index, field: str, boost: float, only: set[str] | None = None):
    """(term, docnums, scores) for every term of ``field`` (or only those in ``only``), in
    lexicon order, each score computed as Whoosh's BM25F term matcher computes it (same
    function, same arguments: the term's idf, its weight in the clause, the clause's field
    length, the field's average length) and multiplied by the query boost as Whoosh's boost
    wrapper does."""
    from array import array

    from whoosh.scoring import bm25

    searcher, reader = index.searcher, index.reader
    weighting = searcher.weighting
    b = weighting._field_B.get(field, weighting.B)
    k1 = weighting.K1
    avgfl = searcher.avg_field_length(field) or 1
    lengths = [reader.doc_field_length(n, field, 1) for n in range(reader.doc_count_all())]
    for btext in reader.lexicon(field):
        term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
        if only is not None and term not in only:
            continue
        idf = searcher.idf(field, btext)
        ids, scores = array("l"), array("d")
        m = reader.postings(field, btext)
        while m.is_active():
            docnum = m.id()
            score = bm25(idf, m.weight(), lengths[docnum], avgfl, b, k1)
            ids.append(docnum)
            scores.append(score * boost if boost != 1.0 else score)
            m.next()
        yield term, ids, scores


def _summed(a, b):
    """One word's postings in two fields, added as Whoosh's Or adds them (a clause in both
    scores the sum), in docnum order."""
    total: dict[int, float] = dict(zip(*a))
    for docnum, score in zip(*b):
        total[docnum] = total[docnum] + score if docnum in total else score
    ordered = sorted(total.items())
    return [d for d, _ in ordered], [s for _, s in ordered]


def _doc_row(fields: dict) -> list:
    d = fields["data"]
    return [fields["id"], d["kind"], d["container"], d["heading"], d["number"], d["url"], d["text"],
            fields.get("year") or ""]


def _head(row: list) -> list:
    """What 同见 shows of a clause: id, container, number, url, year. A url that is a prefix
    followed by the id (``#`` as ``/#``; a whole document's with ``/``) is sent as [prefix]."""
    ident, url = row[0], row[5]
    tail = ident.replace("#", "/#", 1) if "#" in ident else ident + "/"
    short = [url[:-len(tail)]] if url.endswith(tail) else url
    return [ident, row[2], row[4], short, row[7]]


def _shard_count(total: int, target: int) -> int:
    count = 1
    while total / count > target:
        count *= 2
    return count


class Encoded(str):
    """A value already written as compact JSON (a postings list: numbers only)."""


def _plain_length(value) -> int:
    """``len(json.dumps(value))`` with json's default separators (", "), as shard sizes have
    always been counted; for an Encoded list of numbers, its compact text plus one space per comma."""
    return len(value) + value.count(",") if isinstance(value, Encoded) else len(json.dumps(value))


def _compact(value) -> str:
    return value if isinstance(value, Encoded) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write_encoded_buckets(folder: Path, items, bucket_of, count: int) -> None:
    """Shards as JSON objects, byte for byte what ``json.dumps(dict(bucket))`` compact would
    write, from values that are (mostly) JSON text already."""
    folder.mkdir()
    buckets: list[list] = [[] for _ in range(count)]
    for item in items:
        buckets[bucket_of(item)].append(item)
    for i, bucket in enumerate(buckets):
        body = ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_compact(v)}" for k, v in bucket)
        _write(folder / f"{i}.json", "{" + body + "}")


def _write_buckets(folder: Path, items, bucket_of, shape, count: int) -> None:
    folder.mkdir()
    buckets: list[list] = [[] for _ in range(count)]
    for item in items:
        buckets[bucket_of(item)].append(item)
    for i, bucket in enumerate(buckets):
        _dump(folder / f"{i}.json", shape(bucket))


def _dump(path: Path, value) -> None:
    _write(path, json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _write(path: Path, text: str) -> None:
    """A new file (tens of thousands at a province's scale: no text layer, one system call)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
