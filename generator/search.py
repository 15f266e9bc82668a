"""Search: clause-level search documents → a Whoosh index → queries from the CLI and the site.

One search document per clause-like thing (document title, provision, list item, indicator,
glossary term, case item). Tokens come from ``generator.segment`` (jieba at build time only);
queries are cut against the index's own lexicon, so a query never loads jieba.

The browser gets the same index in static files: see ``generator.site_search``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import segment, urls

FORMAT = "policykb-search-7"
# Parts of the index's metadata kept beside meta.json and read only when asked for: the filter
# names (every document, unit and role name: 2.5 MB of JSON at a province's scale) are needed
# by a query with a filter, not by every query.
LAZY_META = {"filters": "filters.json"}
BOOSTS = {"title": 3.0, "text": 1.0}  # a title/term match outranks a passing mention
GRAM_BOOST = 1.0
# Human annotations: a clause that links the glossary term the query names, or whose subjects,
# duty actors or units include the role or unit it names, is about that thing; a clause that
# only mentions it is not. One tag per annotated entity, matched by any of its names.
TAG_BOOST = 2.0
# BM25F with Whoosh's standard length normalisation: a long paragraph that mentions a word once
# is less about it than a short clause. Tags are not normalised: an annotation is there or not,
# whatever else the clause is annotated with.
BM25_B, BM25_K1 = 0.75, 1.2
FIELD_B = {"tags_B": 0.0}
WORD_FIELDS = tuple(BOOSTS)
SCORED_FIELDS = ("title", "text", "tags", "grams")  # the fields BM25F scores (see FieldLengths)
FILTERS = {"role": "roles", "unit": "units", "category": "category", "doc": "doc"}
FILTER_WORDS = {"角色": "role", "单位": "unit", "类别": "category", "文件": "doc",
                "role": "role", "unit": "unit", "category": "category", "doc": "doc"}
FILTER_NAMES = {"role": "角色", "unit": "单位", "category": "类别", "doc": "文件"}
KIND_NAMES = {"document": "文件", "provision": "条款", "list_item": "清单条目", "indicator": "指标",
              "term": "术语", "case": "情形"}


class QueryError(ValueError):
    """A query the user must change (message in Chinese)."""


class IndexMissing(RuntimeError):
    """No built index where one was expected."""


# --------------------------------------------------------------------------- search documents


@dataclass(frozen=True)
class SearchDoc:
    id: str
    doc: str  # the containing document, list, standard, case set, or "glossary"
    kind: str
    heading: str  # clause heading, term, indicator name, or document title
    text: str
    container: str  # title of the containing document/list/standard
    number: str
    url: str
    roles: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    category: str = ""
    year: str = ""
    tags: tuple[str, ...] = ()  # annotated entities: "term:<id>", "role:<id>", "unit:<id>"


def search_documents(corpus) -> list[SearchDoc]:
    """Every searchable clause-like thing, in a stable order (site order)."""
    out: list[SearchDoc] = []
    term_sources: dict[str, list[str]] = {}  # clause → terms whose glossary entry cites it as source
    for term in corpus.terms.values():
        if term.source and term.source.provision:
            term_sources.setdefault(term.source.provision, []).append(term.id)
    for doc in corpus.documents.values():
        year = str(doc.year or (doc.period.start if doc.period else "") or (doc.issued.year if doc.issued else ""))
        out.append(SearchDoc(id=doc.id, doc=doc.id, kind="document", heading=doc.title,
                             text="\n".join(filter(None, [doc.short_title, doc.doc_number, doc.issuer, doc.summary])),
                             container=doc.title, number="", url=urls.document(doc.id), year=year))
        for clause in corpus.clauses_of(doc.id):
            if not clause.active:
                continue
            p = clause.provision
            subjects = [*p.subjects, *(s for d in p.duties for s in d.subjects)]
            roles = _lineage(corpus, subjects)
            units = tuple(dict.fromkeys([*clause.lead_units, *clause.units]))
            terms = [*p.terms, *term_sources.get(clause.ref, ())]
            out.append(SearchDoc(id=clause.ref, doc=doc.id, kind="provision", heading=p.heading or "",
                                 text=p.text or "", container=doc.title, number=clause.number,
                                 url=urls.clause(clause.ref), roles=roles, units=units,
                                 category=clause.category or "", year=year, tags=_tags(terms, roles, units)))
    for lst in corpus.lists.values():
        for section in lst.sections:
            for item in section.items:
                if item.status != "现行":
                    continue
                roles = _lineage(corpus, [section.subject, *item.subjects])
                units = tuple(dict.fromkeys([*item.lead_units, *item.units]))
                out.append(SearchDoc(id=f"{lst.id}#{item.id}", doc=lst.id, kind="list_item",
                                     heading=section.heading or "", text=item.text, container=lst.title,
                                     number=item.num or "", url=urls.responsibility_list(lst.id, item.id),
                                     roles=roles, units=units, category=item.category or "",
                                     tags=_tags(item.terms, roles, units)))
    for std in corpus.standards.values():
        for dim in std.dimensions:
            for ind in dim.indicators:
                if ind.status != "现行":
                    continue
                roles = _lineage(corpus, [*std.evaluated_roles, *ind.subjects])
                rules = [r.condition for r in (*ind.deductions, *ind.bonuses)]
                out.append(SearchDoc(id=f"{std.id}#{ind.id}", doc=std.id, kind="indicator", heading=ind.name,
                                     text="\n".join([ind.content, ind.rule or "", *rules, *ind.evidence]).strip(),
                                     container=std.title, number=ind.num or "",
                                     url=urls.standard(std.id, ind.id), roles=roles, category=dim.category,
                                     year=str(std.year or ""), tags=_tags((), roles, ())))
    for term in corpus.terms.values():
        names = [term.term, *term.aliases, *([term.expansion] if term.expansion else [])]
        out.append(SearchDoc(id=f"glossary#{term.id}", doc="glossary", kind="term",
                             heading="、".join(dict.fromkeys(names)), text=term.definition, container="术语",
                             number="", url=urls.term(term.id), tags=_tags([term.id], (), ())))
    for cases in corpus.case_sets.values():
        for item in cases.items:
            out.append(SearchDoc(id=f"{cases.id}#{item.id}", doc=cases.id, kind="case", heading="",
                                 text=item.text, container=cases.title, number=item.num or "",
                                 url=urls.case_set(cases.id, item.id)))
    return out


def _lineage(corpus, subjects: Iterable[str]) -> tuple[str, ...]:
    roles: list[str] = []
    for subject in subjects:
        roles += corpus.role_lineage(subject) or [subject]
    return tuple(dict.fromkeys(roles))


def _tags(terms, roles, units) -> tuple[str, ...]:
    """The annotated entities of a clause as tag tokens (roles with their lineage, so a clause
    of XX市纪委监委机关 is also a 纪委 clause, as on the role pages and in the role filter)."""
    return tuple(dict.fromkeys([*(f"term:{t}" for t in terms), *(f"role:{r}" for r in roles),
                                *(f"unit:{u}" for u in units)]))


def tag_names(corpus) -> dict[str, list[str]]:
    """Compacted name or alias → the tags of every entity it names (a term, role or unit)."""
    names: dict[str, list[str]] = {}
    entities = [(f"term:{t.id}", [t.term, *t.aliases, t.expansion or ""]) for t in corpus.terms.values()]
    entities += [(f"role:{r.id}", [r.name, *r.aliases]) for r in corpus.roles.values()]
    entities += [(f"unit:{u.id}", [u.name, *u.aliases]) for u in corpus.units.values()]
    for tag, given in entities:
        for key in dict.fromkeys(segment.compact(n) for n in given):
            if key and tag not in names.setdefault(key, []):
                names[key].append(tag)
    return names


def identity_key(d: SearchDoc) -> str | None:
    """Clauses with the same key say the same thing (the same indicator in several standards or
    editions): kind, heading and text compared without whitespace and punctuation. A clause
    without text of its own (a heading over children) is identical to nothing."""
    text = segment.compact(d.text)
    return f"{d.kind}\t{segment.compact(d.heading)}\t{text}" if text else None


def _year(year: str) -> int:
    return int(year) if year.isdigit() else 0


def identical_groups(docs: list[SearchDoc]) -> list[list[int]]:
    """Positions of identical clauses, groups of two or more, each in the order a result shows
    them: the newest edition (year) first, then corpus order."""
    groups: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        key = identity_key(d)
        if key is not None:
            groups.setdefault(key, []).append(i)
    return [sorted(g, key=lambda i: (-_year(docs[i].year), i)) for g in groups.values() if len(g) > 1]


# --------------------------------------------------------------------------- names the query understands


def synonym_groups(corpus) -> list[list[str]]:
    """Names that mean the same thing (unit/role/term with its aliases), compacted."""
    groups = []
    for names in ([u.name, *u.aliases] for u in corpus.units.values()):
        groups.append(names)
    for names in ([r.name, *r.aliases] for r in corpus.roles.values()):
        groups.append(names)
    for t in corpus.terms.values():
        groups.append([t.term, *t.aliases, *([t.expansion] if t.expansion else [])])
    result = []
    for names in groups:
        keys = list(dict.fromkeys(k for k in (segment.compact(n) for n in names) if k))
        if len(keys) > 1:
            result.append(keys)
    return result


def filter_names(corpus) -> dict[str, dict[str, str]]:
    """Filter kind → {name, alias or id (compacted) → id}."""
    names: dict[str, dict[str, str]] = {k: {} for k in FILTERS}
    for r in corpus.roles.values():
        for n in (r.id, r.name, *r.aliases):
            names["role"].setdefault(_filter_key(n), r.id)
    for u in corpus.units.values():
        for n in (u.id, u.name, *u.aliases):
            names["unit"].setdefault(_filter_key(n), u.id)
    from .model import CATEGORY_ORDER

    for c in CATEGORY_ORDER:
        names["category"][_filter_key(c)] = c
        names["category"].setdefault(_filter_key(c.removesuffix("建设")), c)
    for table in (corpus.documents, corpus.lists, corpus.standards, corpus.case_sets):
        for ident, entity in table.items():
            for n in (ident, entity.title, getattr(entity, "short_title", None)):
                if n:
                    names["doc"].setdefault(_filter_key(n), ident)
    names["doc"]["glossary"] = "glossary"
    names["doc"][_filter_key("术语")] = "glossary"
    return names


def _filter_key(name: str) -> str:
    norm = segment.normalize(name).strip()
    return norm if norm.isascii() else segment.compact(norm)


# --------------------------------------------------------------------------- building the index


@dataclass
class IndexStats:
    path: Path
    documents: int
    terms: int
    bytes: int
    seconds: float
    rebuilt: bool
    content_hash: str


def content_hash(docs: list[SearchDoc], words: list[str]) -> str:
    h = hashlib.sha256(FORMAT.encode())
    # vars(d) serialises as asdict(d) does (tuples as lists), without asdict's deep copy
    h.update(json.dumps([vars(d) for d in docs], ensure_ascii=False, sort_keys=True).encode())
    h.update("\n".join(words).encode())
    return h.hexdigest()


def current_dir(index_dir: Path) -> Path | None:
    """The index generation readers use now (``CURRENT`` names it), or None."""
    try:
        name = (Path(index_dir) / "CURRENT").read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    path = Path(index_dir) / name
    return path if name and (path / "meta.json").exists() else None


def build_index(corpus, out_dir: Path) -> IndexStats:
    """Build the Whoosh index into ``out_dir`` unless the content is unchanged.

    The index is written into a fresh generation directory, and ``CURRENT`` is switched with
    an atomic rename: a concurrent reader opens the old generation or the new one, never a
    half-written one. The previous generation is kept (a reader may still hold it); older
    ones are removed."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    stats = build_generation(corpus, out_dir, out_dir)
    if stats.rebuilt:
        publish(stats.path, out_dir)
    return IndexStats(out_dir / stats.path.name, stats.documents, stats.terms, stats.bytes,
                      time.perf_counter() - started, stats.rebuilt, stats.content_hash)


def build_generation(corpus, parent: Path, index_dir: Path) -> IndexStats:
    """Write the index of ``corpus`` as a generation directory inside ``parent``, unpublished.

    Returns ``rebuilt=False`` (and writes nothing) when ``index_dir`` already serves exactly
    this content. ``parent`` may be ``index_dir`` itself or a staging folder beside it on the
    same file system, from which ``publish`` moves the generation in."""
    started = time.perf_counter()
    docs = search_documents(corpus)
    words = segment.domain_words(corpus)
    digest = content_hash(docs, words)
    current = current_dir(index_dir)
    if current is not None and current.name == digest[:16]:
        meta = json.loads((current / "meta.json").read_text(encoding="utf-8"))
        return IndexStats(current, meta["documents"], meta["terms"], _size(current),
                          time.perf_counter() - started, False, digest)
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / digest[:16]
    staging = parent / f".building-{os.getpid()}-{digest[:8]}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        terms, docnums = _write_whoosh(staging, docs, segment.IndexSegmenter(words))
        same = [[docnums[docs[i].id] for i in group] for group in identical_groups(docs)]
        meta = {"format": FORMAT, "hash": digest, "documents": len(docs), "terms": terms,
                "synonyms": synonym_groups(corpus), "tags": tag_names(corpus), "same": same}
        for key, value in {"filters": filter_names(corpus)}.items():
            (staging / LAZY_META[key]).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        # meta.json last: its presence marks a complete generation (see current_dir)
        (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        if target != current:
            shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return IndexStats(target, len(docs), terms, _size(target), time.perf_counter() - started, True, digest)


def publish(generation: Path, index_dir: Path) -> None:
    """Make ``generation`` the one readers open: move it into ``index_dir`` (where no reader
    looks until ``CURRENT`` names it), switch ``CURRENT`` atomically, and remove generations
    older than the previous one, which a reader may still be using."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    previous = current_dir(index_dir)
    target = index_dir / generation.name
    if generation.resolve() != target.resolve():
        if target.exists() and target != previous:
            shutil.rmtree(target, ignore_errors=True)
        if not target.exists():
            os.replace(generation, target)
    pointer = index_dir / f".CURRENT-{os.getpid()}"
    pointer.write_text(target.name + "\n", encoding="utf-8")
    os.replace(pointer, index_dir / "CURRENT")
    _remove_old_generations(index_dir, keep={target.name, previous.name if previous else ""})


def _schema():
    from whoosh.analysis import SpaceSeparatedTokenizer
    from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

    tokens = SpaceSeparatedTokenizer()
    return Schema(
        id=ID(stored=True, unique=True), doc=ID(stored=True), kind=ID(stored=True),
        title=TEXT(analyzer=tokens, phrase=False), text=TEXT(analyzer=tokens, phrase=False),
        tags=TEXT(analyzer=tokens, phrase=False), grams=TEXT(analyzer=tokens, phrase=False),
        roles=KEYWORD(commas=False), units=KEYWORD(commas=False), category=ID(), year=ID(stored=True),
        data=STORED(),
    )


def _write_whoosh(path: Path, docs: list[SearchDoc], seg: segment.IndexSegmenter) -> tuple[int, dict[str, int]]:
    """Write the documents; returns the number of word terms and each clause id's docnum."""
    from whoosh import index

    ix = index.create_in(str(path), _schema())
    writer = _segment_writer(ix)
    for d in docs:
        writer.add_document(**whoosh_fields(d, seg))
    writer.commit(optimize=True)
    with ix.reader() as reader:
        terms = sum(1 for f in (*WORD_FIELDS, "grams") for _ in reader.lexicon(f))
        _write_lengths(path, reader)
        return terms, {fields["id"]: n for n, fields in reader.iter_docs()}


def whoosh_fields(d: SearchDoc, seg: segment.IndexSegmenter) -> dict:
    """The Whoosh document of a search document. Token fields are given as lists of tokens,
    which Whoosh indexes as its space tokenizer would index them joined by spaces (no token
    holds a space), without running the tokenizer over 10 million tokens at a province's scale."""
    return dict(
        id=d.id, doc=d.doc, kind=d.kind,
        title=seg.word_tokens(d.heading), text=seg.word_tokens(d.text),
        tags=list(d.tags),
        grams=segment.gram_tokens(f"{d.heading}\n{d.text}"),
        roles=" ".join(d.roles), units=" ".join(d.units), category=d.category, year=d.year,
        data=_stored(d),
    )


def _write_lengths(path: Path, reader) -> None:
    """Every clause's length in each scored field, as Whoosh stores it, one array after the
    other (little-endian 32-bit) in ``lengths.bin``: see ``FieldLengths``."""
    with open(path / FieldLengths.FILE, "wb") as out:
        for name in SCORED_FIELDS:
            values = array("I", (reader.doc_field_length(n, name, 1) or 0 for n in range(reader.doc_count_all())))
            if sys.byteorder == "big":
                values.byteswap()
            out.write(values.tobytes())


class FieldLengths:
    """The clause lengths of the scored fields, read from ``lengths.bin`` on first use.

    BM25F needs the field length of every clause it scores; Whoosh reads it through its
    per-document column, a chain of calls per scored posting (a sixth of a broad query at a
    province's scale: 10,000 matching clauses). Same lengths, read from an array."""

    FILE = "lengths.bin"

    def __init__(self, path: Path, documents: int):
        self.path, self.documents = path, documents
        self.arrays: dict[str, array] | None = None

    def __call__(self, fieldname: str) -> array | None:
        if self.arrays is None:
            data = array("I")
            data.frombytes((self.path / self.FILE).read_bytes())
            if sys.byteorder == "big":
                data.byteswap()
            n = self.documents
            self.arrays = {name: data[i * n:(i + 1) * n] for i, name in enumerate(SCORED_FIELDS)}
        return self.arrays.get(fieldname)


def _weighting(lengths: FieldLengths):
    """Whoosh's BM25F (same B, K1, field B, same function), its field lengths read from
    ``lengths`` where the searcher covers the whole index (one segment, as built here)."""
    from whoosh import scoring

    class BM25F(scoring.BM25F):
        def scorer(self, searcher, fieldname, text, qf=1):
            scorer = super().scorer(searcher, fieldname, text, qf=qf)
            if isinstance(scorer, scoring.BM25FScorer) and searcher.get_parent() is searcher:
                values = lengths(fieldname)
                if values is not None and len(values) == searcher.doc_count_all():
                    scorer.dfl = values.__getitem__
            return scorer

    return BM25F(B=BM25_B, K1=BM25_K1, **FIELD_B)


def _segment_writer(ix):
    """Whoosh's segment writer (what ``ix.writer()`` returns) with two changes of bookkeeping
    that leave the written index the same: postings kept in ``PostingLists``, and each
    field's lengths read once for the postings writer (which asks for the length of the
    clause of every posting it writes: 7.5 million column reads at a province's scale)."""
    from whoosh.writing import SegmentWriter

    class Writer(SegmentWriter):
        def __init__(self, ix):
            super().__init__(ix)
            self.pool = PostingLists()

        def per_document_reader(self):
            return _LengthsReadOnce(super().per_document_reader(), self.docnum)

    return Writer(ix)


class _LengthsReadOnce:
    """A per-document reader handing the postings writer each field's lengths as a list."""

    def __init__(self, reader, documents: int):
        self._reader, self._documents = reader, documents

    def doc_field_length_reader(self, fieldname, default=0):
        get = self._reader.doc_field_length_reader(fieldname, default)
        return [get(n) for n in range(self._documents)].__getitem__

    def close(self) -> None:
        self._reader.close()


class PostingLists:
    """Whoosh's posting pool, kept as one compact list per term instead of one tuple per posting.

    Whoosh's own pool holds every (field, term, docnum, weight, value) as a Python tuple
    (≈ 200 bytes each), sorts them all at commit, and past its memory limit pickles sorted
    runs to disk and merges them back: at 37,000 clauses (7.8 million postings) that was
    two thirds of the index build, and what made it grow faster than the corpus. Documents
    arrive in docnum order, so each term's postings are already in order; only the terms
    need sorting. ``iter_postings`` yields exactly the sequence Whoosh's pool yields."""

    def __init__(self):
        self.lists: dict[tuple[str, bytes], tuple[array, array, list]] = {}
        self.values: dict[bytes, bytes] = {}  # one object per distinct value (they are tiny)
        self.fieldnames: set[str] = set()

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, value = item
        try:
            docnums, weights, values = self.lists[fieldname, btext]
        except KeyError:  # a term's first posting
            docnums, weights, values = self.lists[fieldname, btext] = (array("I"), array("d"), [])
            self.fieldnames.add(fieldname)
        docnums.append(docnum)
        weights.append(weight)
        values.append(self.values.setdefault(value, value) if value is not None else None)

    def iter_postings(self):
        for key in sorted(self.lists):
            fieldname, btext = key
            docnums, weights, values = self.lists[key]
            for docnum, weight, value in zip(docnums, weights, values):
                yield fieldname, btext, docnum, weight, value

    def cleanup(self) -> None:
        self.lists.clear()


def _stored(d: SearchDoc) -> dict:
    return {"heading": d.heading, "text": d.text, "container": d.container, "number": d.number,
            "url": d.url, "kind": d.kind}


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _remove_old_generations(out_dir: Path, keep: set[str]) -> None:
    for child in out_dir.iterdir():
        if child.is_dir() and not child.name.startswith(".") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


# --------------------------------------------------------------------------- parsing queries


@dataclass
class ParsedQuery:
    words: list[str]
    filters: dict[str, str] = field(default_factory=dict)  # kind → value as typed


def parse_query(query: str) -> ParsedQuery:
    """Words (all must match) and ``角色:…`` / ``单位:…`` / ``类别:…`` / ``文件:…`` filters."""
    words, filters = [], {}
    for raw in segment.normalize(query).split():
        head, colon, value = raw.partition(":")
        if colon and head in FILTER_WORDS:
            if not value:
                raise QueryError(f"筛选条件 “{raw}” 缺少取值，应写作 {head}:名称")
            filters[FILTER_WORDS[head]] = value
            continue
        if segment.compact(raw):
            words.append(raw)
    if not words:
        raise QueryError("检索词为空：请输入至少一个汉字、字母或数字（标点不参与检索）")
    return ParsedQuery(words, filters)


def resolve_filters(filters: dict[str, str], names: dict[str, dict[str, str]]) -> dict[str, str]:
    resolved = {}
    for kind, value in filters.items():
        ident = names.get(kind, {}).get(_filter_key(value))
        if ident is None:
            raise QueryError(f"未找到{FILTER_NAMES[kind]} “{value}”（可用标识、名称或别称）")
        resolved[kind] = ident
    return resolved


def plan(words: list[str], known, synonyms: dict[str, list[str]]) -> list[list[list[segment.Leaf]]]:
    """Query words → alternatives (a word and its synonyms) → leaves that must all match."""
    result = []
    for word in words:
        key = segment.compact(word)
        alternatives = synonyms.get(key, [key])
        result.append([segment.query_leaves(alt, known) for alt in alternatives])
    return result


def word_tags(words: list[str], names: dict[str, list[str]], synonyms: dict[str, list[str]]) -> list[list[str]]:
    """For each query word, the tags of the entities it or one of its synonyms names whole
    (三重一大 → term:sanzhong-yida; 市纪委监委 → the unit, and the role also called
    XX市纪委监委机关); a word that names nothing has none."""
    result = []
    for word in words:
        key = segment.compact(word)
        tags = [t for alt in synonyms.get(key, [key]) for t in names.get(alt, [])]
        result.append(list(dict.fromkeys(tags)))
    return result


def collapse(ranked: list[tuple[float, int]], same: dict[int, list[int]]) -> list[tuple[float, int, list[int]]]:
    """Ranked (score, docnum) → one entry per answer: identical clauses (``same``: docnum → its
    group in display order) become one, at the rank of the best of them, shown as the first of
    the group that matched (the newest edition), with the others that matched after it."""
    out: list[tuple[float, int, list[int]]] = []
    at: dict[int, int] = {}
    for score, docnum in ranked:
        group = same.get(docnum)
        if group is None:
            out.append((score, docnum, [docnum]))
            continue
        key = group[0]
        if key in at:
            out[at[key]][2].append(docnum)
        else:
            at[key] = len(out)
            out.append((score, docnum, [docnum]))
    result = []
    for score, _, members in out:
        if len(members) > 1:
            order = same[members[0]]
            members = sorted(members, key=order.index)
        result.append((score, members[0], members))
    return result


# --------------------------------------------------------------------------- searching


@dataclass
class Hit:
    id: str
    doc: str
    kind: str
    title: str  # the containing document's (list's, standard's) title
    heading: str
    number: str
    text: str
    url: str
    score: float
    docnum: int
    snippet: list[tuple[str, bool]] = field(default_factory=list)  # (text, marked) pieces
    also: list["Hit"] = field(default_factory=list)  # identical clauses elsewhere (同见)
    year: str = ""

    def place(self) -> str:
        """Where the clause stands, for 同见: container (year) and number."""
        container = f"{self.title}（{self.year}）" if self.year and self.year not in self.title else self.title
        return " ".join(filter(None, [container, self.number]))

    def as_json(self) -> dict:
        return {"id": self.id, "doc": self.doc, "kind": self.kind, "title": self.title,
                "heading": self.heading, "number": self.number, "text": self.text, "url": self.url,
                "score": round(self.score, 4),
                "snippet": "".join(f"【{t}】" if marked else t for t, marked in self.snippet),
                "also": [h.id for h in self.also]}


class _Meta(dict):
    """meta.json, and on first use the parts kept in their own files (``LAZY_META``)."""

    def __init__(self, path: Path, values: dict):
        super().__init__(values)
        self._path = path

    def __missing__(self, key: str):
        if key not in LAZY_META:
            raise KeyError(key)
        value = self[key] = json.loads((self._path / LAZY_META[key]).read_text(encoding="utf-8"))
        return value


class Index:
    """An opened index generation: lexicon checks, query plans, Whoosh searches."""

    def __init__(self, index_dir: Path, generation: Path | None = None):
        path = Path(generation) if generation is not None else current_dir(Path(index_dir))
        if path is None:
            raise IndexMissing(str(index_dir))
        from whoosh import index

        self.path = path
        self.meta = _Meta(path, json.loads((path / "meta.json").read_text(encoding="utf-8")))
        self.ix = index.open_dir(str(path))
        self.searcher = self.ix.searcher(weighting=_weighting(FieldLengths(path, self.meta["documents"])))
        self.reader = self.searcher.reader()
        self.synonyms = {key: group for group in self.meta["synonyms"] for key in group}
        self.same = {docnum: group for group in self.meta["same"] for docnum in group}

    def close(self) -> None:
        self.searcher.close()

    def known(self, term: str) -> bool:
        return any((f, term) in self.reader for f in WORD_FIELDS)

    def plan(self, words: list[str]):
        return plan(words, self.known, self.synonyms)

    def search(self, query: str, *, role=None, unit=None, category=None, doc=None, limit=10) -> list[Hit]:
        parsed = parse_query(query)
        given = {k: v for k, v in dict(role=role, unit=unit, category=category, doc=doc).items() if v}
        wanted = {**parsed.filters, **given}
        filters = resolve_filters(wanted, self.meta["filters"]) if wanted else {}  # names read only if needed
        q = whoosh_query(self.plan(parsed.words), word_tags(parsed.words, self.meta["tags"], self.synonyms))
        from whoosh.query import And, Term

        restrict = And([Term(FILTERS[k], v) for k, v in filters.items()]) if filters else None
        matched = matched_scores(self.searcher, q, restrict)
        ranked = sorted(((score, docnum) for docnum, score in matched.items()), key=lambda sd: (-round(sd[0], 4), sd[1]))
        hits = []
        for score, docnum, members in collapse(ranked, self.same)[:limit]:
            hit = self._hit(docnum, score, parsed.words)
            hit.also = [self._hit(m, score, parsed.words) for m in members[1:]]
            hits.append(hit)
        return hits

    def _hit(self, docnum: int, score: float, words: list[str]) -> Hit:
        fields = self.reader.stored_fields(docnum)
        data = fields["data"]
        return Hit(id=fields["id"], doc=fields["doc"], kind=data["kind"], title=data["container"],
                   heading=data["heading"], number=data["number"], text=data["text"], url=data["url"],
                   score=score, docnum=docnum, snippet=snippet(data["text"] or data["heading"], words),
                   year=fields.get("year") or "")


def matched_scores(searcher, q, restrict=None) -> dict[int, float]:
    """Docnum → score of every clause ``q`` matches (within ``restrict``), as Whoosh scores them.

    Whoosh's collector walks its matcher tree one document at a time; a broad query (纪委 at
    a province's scale: 10,000 clauses, 15 terms) spends most of its time in that walk. Here
    the same matcher tree, built by Whoosh, is evaluated a posting list at a time: each term's
    postings are read and scored by Whoosh's own term matcher, and the tree's nodes combine
    them exactly as their ``score`` methods do (union: a + b where both match; intersection:
    a + b; ``best_of``: the larger; boost: times the boost), in the same tree order, so every
    score is the same number. Any other kind of node is walked as Whoosh walks it."""
    if not searcher.is_atomic():  # several segments: Whoosh's own collector
        results = searcher.search(q, limit=None, filter=restrict)
        return {docnum: score for docnum, score in results.items()}
    scores = _node_scores(q.matcher(searcher, searcher.context()))
    if restrict is not None:
        allowed = set(searcher.docs_for_query(restrict))
        scores = {d: v for d, v in scores.items() if d in allowed}
    return scores


def _node_scores(m) -> dict[int, float]:
    from whoosh.matching import IntersectionMatcher, UnionMatcher, WrappingMatcher

    kind, best = type(m), _best_classes()[0]
    if kind is UnionMatcher or kind is IntersectionMatcher or kind is best:
        a, b = _node_scores(m.a), _node_scores(m.b)
        if kind is IntersectionMatcher:
            return {d: a[d] + b[d] for d in a.keys() & b.keys()}
        combine = max if kind is best else float.__add__
        out = dict(a)
        for d, score in b.items():
            out[d] = combine(out[d], score) if d in out else score
        return out
    if kind is WrappingMatcher:
        boost = m.boost
        return {d: score * boost for d, score in _node_scores(m.child).items()}
    out = {}  # a term's postings, or a node of another kind: walked as Whoosh walks it
    while m.is_active():
        out[m.id()] = m.score()
        m.next()
    return out


def whoosh_query(word_plans, tags_per_word=None):
    """Every word must match, in its text (through one of its spellings: the word and its
    synonyms, all leaves of one) or in the annotations (a tag it names). A word scores its best
    spelling plus its best tag: a text that writes the longest alias is not counted once per
    alias it contains, and an annotated clause that also says the word ranks first."""
    from whoosh.query import And, NullQuery, Or

    words = []
    tags_per_word = tags_per_word or [[] for _ in word_plans]
    for alternatives, tags in zip(word_plans, tags_per_word):
        spellings = [And([leaf_query(leaf) for leaf in leaves]) for leaves in alternatives if leaves]
        parts = [_best(spellings), _best([tag_query(t) for t in tags])]
        parts = [p for p in parts if p is not None]
        if not parts:
            return NullQuery
        words.append(parts[0] if len(parts) == 1 else Or(parts))
    return words[0] if len(words) == 1 else And(words)


def _best(queries):
    return None if not queries else queries[0] if len(queries) == 1 else best_of(queries)


def best_of(queries):
    """Matches what any of ``queries`` matches, scored by the best of those that match there.

    Whoosh's own DisjunctionMax takes the maximum over its sub-matchers' current postings even
    when one of them sits on a later document (whoosh3 3.54: a clause scored with another
    clause's score); this one compares only the sub-matchers positioned on the document."""
    return _best_classes()[1](queries)


@functools.cache
def _best_classes():
    """(BestMatcher, BestOf) for ``best_of``, made once (Whoosh is imported only when a
    search needs it)."""
    from whoosh.matching.binary import DisjunctionMaxMatcher
    from whoosh.query import DisjunctionMax

    class BestMatcher(DisjunctionMaxMatcher):
        def score(self):
            a, b = self.a, self.b
            if not a.is_active():
                return b.score()
            if not b.is_active():
                return a.score()
            if a.id() != b.id():
                return a.score() if a.id() < b.id() else b.score()
            return max(a.score(), b.score())

    class BestOf(DisjunctionMax):
        def _matcher(self, subs, searcher, context):
            reader = searcher.reader()
            return self._tree_matcher(subs, BestMatcher, searcher, context, lambda q: q.estimate_size(reader))

    return BestMatcher, BestOf


def leaf_query(leaf: segment.Leaf):
    """A word of two or more Han characters matches where jieba made it a token (word fields,
    boosted) or where all its bigrams occur (述德 inside 述责述廉述德, whatever jieba cut there);
    scores add up, so a whole-word match ranks first. Other leaves are single terms."""
    from whoosh.query import And, Or

    kind, text = leaf
    if kind == "w" and segment.is_han_word(text):
        grams = And([gram_query(g) for g in segment.bigrams(text)])
        return Or([word_query(text), grams])
    return gram_query(text) if kind == "g" else word_query(text)


def word_query(term: str):
    from whoosh.query import Or, Term

    return Or([Term(f, term, boost=b) for f, b in BOOSTS.items()])


def tag_query(tag: str):
    from whoosh.query import Term

    return Term("tags", tag, boost=TAG_BOOST)


def gram_query(gram: str):
    from whoosh.query import Term

    return Term("grams", gram, boost=GRAM_BOOST)


def search(index_dir, query: str, *, role=None, unit=None, category=None, doc=None, limit=10) -> list[Hit]:
    """Clauses matching every word of ``query`` (with filters), best first."""
    return opened(index_dir).search(query, role=role, unit=unit, category=category, doc=doc, limit=limit)


_opened = threading.local()  # this thread's last opened index: (index_dir, generation key, Index)


def opened(index_dir) -> Index:
    """The generation ``CURRENT`` names in ``index_dir``, opened once and reused by this thread's
    later searches while it stays current (opening costs tens of milliseconds at a province's
    scale: metadata, segment files). Whoosh readers are not shared between threads. A
    generation is known by its name and its meta.json file: a rebuilt generation of the same
    name (same content) is a new meta.json, and is opened anew."""
    index_dir = Path(index_dir)
    generation = current_dir(index_dir)
    if generation is None:
        raise IndexMissing(str(index_dir))
    try:
        stat = (generation / "meta.json").stat()
    except FileNotFoundError:  # removed between the two reads: a newer build has published
        return opened(index_dir)
    key = (str(generation), stat.st_ino, stat.st_mtime_ns)
    cached = getattr(_opened, "index", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    index = Index(index_dir, generation=generation)
    _opened.index = (key, index)
    if cached is not None:
        cached[1].close()
    return index


def snippet(text: str, words: list[str], width: int = 90) -> list[tuple[str, bool]]:
    """A window of ``text`` around the first match, as (piece, marked) pairs; whole query words
    are marked (a word not present whole has its runs marked)."""
    text = " ".join((text or "").split())
    spans = segment.highlight_spans(text, [segment.compact(w) for w in words])
    start = 0
    if spans and len(text) > width:
        start = max(0, min(spans[0][0] - width // 4, len(text) - width))
    end = min(len(text), start + width)
    pieces: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > pos:
            pieces.append((text[pos:s], False))
        pieces.append((text[s:e], True))
        pos = e
    if pos < end:
        pieces.append((text[pos:end], False))
    if end < len(text):
        pieces.append(("…", False))
    return pieces
