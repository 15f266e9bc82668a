"""What the site's views share: links between pages, annotation chips, recurrence wording,
glossary marking and paging. Views call ``prepare(corpus, env)`` before rendering.

Links are written as Markdown links to the target page's source path from the docs root
(``/roles/x.md#anchor``); the engine turns them into relative URLs and checks they exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence, TypeVar

import jinja2

from .. import urls
from ..corpus import Clause, Corpus, Obligation
from ..model import CATEGORY_ORDER, Frequency, ItemStatus, Term
from ..render import md
from ..wording import frequency_text

T = TypeVar("T")

# How many entries one listing page holds; longer listings continue on page-2/, page-3/ …
PAGE_SIZE = 100

SAMPLE_NOTICE = (
    '!!! warning "示例数据"\n\n'
    "    本页含有标记为示例数据（sample: true）的内容：原文未给出的事实（如日期、分值）系示例，"
    "不得作为正式依据。\n"
)


# --------------------------------------------------------------------------- links


def href(url: str) -> str:
    """A site URL from ``generator.urls`` → the Markdown link target MkDocs resolves."""
    path, _, anchor = url.partition("#")
    return "/" + urls.page_source(path) + (f"#{anchor}" if anchor else "")


def link(text: str, url: str, css: str | None = None) -> str:
    """A Markdown link whose text comes from data (escaped here)."""
    attrs = f"{{ .{css} }}" if css else ""
    return f"[{md(text)}]({href(url)}){attrs}"


def document_name(corpus: Corpus, doc_id: str) -> str:
    doc = corpus.documents[doc_id]
    return doc.short_title or doc.title


def source_link(corpus: Corpus, ob: Obligation) -> str:
    """Where an obligation is written, shown as the source's short name and its clause number
    (in print the link text is all that remains, so it must say which clause)."""
    if ob.source_kind == "list":
        name = corpus.lists[ob.source_id].title
    else:
        name = document_name(corpus, ob.source_id)
    label = f"{name} {ob.number}".strip()
    return link(label, urls.obligation_source(ob.source_kind, ob.source_id, ob.anchor), "pk-ref")


def clause_link(corpus: Corpus, ref: str) -> str:
    clause = corpus.clauses[ref]
    label = f"{document_name(corpus, clause.document.id)} {clause.number or clause.label}".strip()
    return link(label, urls.clause(ref), "pk-ref")


def unit_link(corpus: Corpus, unit_id: str) -> str:
    return link(corpus.units[unit_id].name, urls.unit(unit_id), "pk-chip")


def role_link(corpus: Corpus, role_id: str) -> str:
    return link(corpus.roles[role_id].name, urls.role(role_id), "pk-chip")


def category_link(category: str | None) -> str:
    return link(category or "未分类", urls.category(category or ""), "pk-chip")


def citing_link(corpus: Corpus, kind: str, ref: str) -> str:
    """A back-link from ``corpus.citations``: who cites this clause or document."""
    owner, _, anchor = ref.partition("#")
    if kind == "clause":
        return clause_link(corpus, ref)
    if kind == "document":
        return link(corpus.documents[owner].title, urls.document(owner), "pk-ref")
    if kind == "list":
        lst = corpus.lists[owner]
        item = next(i for s in lst.sections for i in s.items if i.id == anchor)
        return link(f"{lst.title} {item.num or ''}".strip(), urls.responsibility_list(owner, anchor), "pk-ref")
    std = corpus.standards[owner]
    ind = next(i for d in std.dimensions for i in d.indicators if i.id == anchor)
    return link(f"{std.title} {ind.name}", urls.standard(owner, anchor), "pk-ref")


# --------------------------------------------------------------------------- recurrence

@dataclass(frozen=True)
class Bucket:
    """A row of the 工作日历: obligations that recur on the same rhythm."""

    slug: str
    name: str
    rank: int


BUCKETS = [
    Bucket("week", "每周", 0),
    Bucket("month", "每月", 1),
    Bucket("quarter", "每季度", 2),
    Bucket("half-year", "每半年", 3),
    Bucket("year", "每年", 4),
    Bucket("years", "每 2–3 年（多年一次）", 5),
    Bucket("term", "任期内", 6),
    Bucket("cumulative", "多年累计", 7),
    Bucket("irregular", "定期或不定期", 8),
]
_BUCKET = {b.slug: b for b in BUCKETS}


def bucket_of(freq: Frequency) -> Bucket:
    if freq.cumulative:
        return _BUCKET["cumulative"]
    if freq.per == "year" and (freq.interval > 1 or freq.interval_max):
        return _BUCKET["years"]
    slug = {"half_year": "half-year"}.get(freq.per, freq.per)
    return _BUCKET[slug]


# --------------------------------------------------------------------------- glossary marking


class TermMarker:
    """Marks every occurrence of a glossary term (or alias) in a text: escaped text in, Markdown
    out, each occurrence a link to the term whose hover shows the definition.

    One regular expression built from a trie of all names, so marking costs time in proportion
    to the text, whatever the size of the glossary."""

    def __init__(self, terms: Iterable[Term]):
        self.by_name: dict[str, Term] = {}
        for term in terms:
            for name in (term.term, *term.aliases):
                self.by_name.setdefault(name, term)
        self.pattern = _trie_pattern(self.by_name) if self.by_name else None

    def __call__(self, text: object) -> str:
        if text is None:
            return ""
        raw = str(text)
        if self.pattern is None:
            return md(raw)
        out, last = [], 0
        for match in self.pattern.finditer(raw):
            term = self.by_name[match.group(0)]
            out.append(md(raw[last:match.start()]))
            out.append(f'[<abbr title="{md(term.definition)}">{md(match.group(0))}</abbr>]'
                       f"({href(urls.term(term.id))}){{ .pk-term }}")
            last = match.end()
        out.append(md(raw[last:]))
        return "".join(out)


def _trie_pattern(names: Iterable[str]) -> re.Pattern:
    trie: dict = {}
    for name in names:
        node = trie
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = True

    def pattern(node: dict) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A name ending here is accepted, but a longer name through this node is preferred.
        return f"(?:{body})?" if "" in node else body

    return re.compile(pattern(trie))


# --------------------------------------------------------------------------- paging


def chunks(items: Sequence[T], size: int = PAGE_SIZE) -> list[Sequence[T]]:
    """A long listing cut into pages (always at least one, possibly empty)."""
    return [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]


@dataclass(frozen=True)
class Slice:
    """One page of a long listing: its items, its URL and its 上一页/下一页 line."""

    number: int
    items: Sequence
    url: str
    pager: str
    start: int  # position of its first item in the whole listing


def paged(items: Sequence[T], first_url: str) -> Iterator[Slice]:
    """A long listing as pages of at most PAGE_SIZE items, the first at ``first_url``."""
    groups = chunks(items)
    for number, group in enumerate(groups, start=1):
        yield Slice(number, group, urls.paged(first_url, number), pager(first_url, number, len(groups)),
                    (number - 1) * PAGE_SIZE)


def pager(first_url: str, page: int, count: int) -> str:
    """The 上一页/下一页 line of a paged listing (empty when there is one page)."""
    if count <= 1:
        return ""
    parts = [f"第 {page} / {count} 页"]
    if page > 1:
        parts.insert(0, f"[上一页]({href(urls.paged(first_url, page - 1))})")
    if page < count:
        parts.append(f"[下一页]({href(urls.paged(first_url, page + 1))})")
    return " · ".join(parts)


# --------------------------------------------------------------------------- grouping


def clauses_by_document(corpus: Corpus) -> dict[str, list[Clause]]:
    """Document id → its clauses in document order (one pass, not one scan per document)."""
    grouped: dict[str, list[Clause]] = {doc_id: [] for doc_id in corpus.documents}
    for clause in corpus.clauses.values():
        grouped[clause.document.id].append(clause)
    for clauses in grouped.values():
        clauses.sort(key=lambda c: c.order)
    return grouped


def by_category(obligations: Iterable[Obligation]) -> list[tuple[str, list[Obligation]]]:
    """Obligations grouped under the 六大建设 in their fixed order, 未分类 last."""
    groups: dict[str, list[Obligation]] = {}
    for ob in obligations:
        groups.setdefault(ob.category or "未分类", []).append(ob)
    order = [*CATEGORY_ORDER, "未分类"]
    return [(name, groups[name]) for name in order if name in groups]


def lead_text(corpus: Corpus, ob: Obligation) -> str:
    """牵头 units, else the responsible units, as links."""
    ids = ob.lead_units or ob.units
    return " ".join(unit_link(corpus, u) for u in ids)


def obligation_row(corpus: Corpus, ob: Obligation, marker: TermMarker) -> dict:
    """The cells every obligation table shows."""
    return {
        "text": marker(ob.text),
        "frequency": md(frequency_text(ob.frequency)),
        "responsibility": md(ob.responsibility or ""),
        "lead": lead_text(corpus, ob),
        "subjects": " ".join(role_link(corpus, r) for r in ob.subjects if r in corpus.roles),
        "source": source_link(corpus, ob),
        "category": category_link(ob.category),
    }


# How the stub of a withdrawn item names where its content went (废止 has no successor).
WITHDRAWAL_VERBS = {"合并": "并入", "移动": "移至", "拆分": "拆分为"}


def uses_sample(corpus: Corpus, source_ids: Iterable[str]) -> bool:
    return any(corpus.is_sample(s) for s in source_ids)


def is_active(node) -> bool:
    return getattr(node, "status", ItemStatus.active.value) == ItemStatus.active.value


# --------------------------------------------------------------------------- environment


def prepare(corpus: Corpus, env: jinja2.Environment) -> TermMarker:
    """Install the site filters on ``env`` for this corpus (once) and return the term marker."""
    cached = env.globals.get("_pk_site")
    if cached is not None and cached[0] is corpus:
        return cached[1]
    marker = TermMarker(corpus.terms.values())
    env.globals["_pk_site"] = (corpus, marker)
    env.filters["terms"] = marker
    env.filters["href"] = href
    env.globals["sample_notice"] = SAMPLE_NOTICE
    return marker
