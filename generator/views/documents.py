"""文件: one page per policy document (metadata, provisions with anchors and annotation chips,
back-links) and the paged index of all documents."""

from __future__ import annotations

from .. import urls
from ..corpus import Clause, Corpus
from ..model import DocumentFile, ItemStatus, Provision
from ..pages import Page
from ..render import md
from . import _site
from ._site import TermMarker, link

SECTION = ("文件",)
HEADING_DEPTH = 3  # provisions this deep or shallower with a heading become page headings


def pages(corpus: Corpus, env):
    marker = _site.prepare(corpus, env)
    by_document = _site.clauses_by_document(corpus)
    template = env.get_template("document.md.j2")
    for doc in corpus.documents.values():
        markdown = template.render(
            doc=doc, meta=metadata(corpus, doc), summary=doc.summary,
            rows=provision_rows(corpus, doc, by_document[doc.id], marker),
            cited_by=cited_by(corpus, doc, by_document[doc.id]),
            figures=[md(f.text) for f in doc.figures])
        yield Page(url=urls.document(doc.id), title=doc.title, markdown=markdown,
                   section=SECTION, order=(1, doc.title), sample=doc.sample)
    yield from index_pages(corpus, env)


def index_pages(corpus: Corpus, env):
    template = env.get_template("documents_index.md.j2")
    docs = sorted(corpus.documents.values(), key=lambda d: (d.status != "现行", str(d.issued or ""), d.title))
    for page in _site.paged(docs, urls.listing("documents")):
        rows = [{
            "title": link(d.title, urls.document(d.id)), "kind": md(d.kind), "issuer": md(d.issuer or ""),
            "number": md(d.doc_number or ""), "status": md(d.status), "sample": d.sample,
        } for d in page.items]
        sample = any(r["sample"] for r in rows)
        markdown = template.render(rows=rows, total=len(docs), pager=page.pager, sample=sample)
        yield Page(url=page.url, title="政策文件", markdown=markdown, section=SECTION,
                   order=(0, page.number), sample=sample)


def metadata(corpus: Corpus, doc: DocumentFile) -> list[tuple[str, str]]:
    """The 文号 / 发文机关 / dates / 状态 / 上位依据 block, each value ready Markdown."""
    issuer = md(doc.issuer or "")
    if doc.issuer_units:
        units = "、".join(_site.unit_link(corpus, u) for u in doc.issuer_units)
        names = "、".join(corpus.units[u].name for u in doc.issuer_units)
        # the units' own names say it all when they are the issuer as printed
        issuer = units if names == (doc.issuer or names) else f"{issuer}（{units}）"
    basis = [link(corpus.documents[b].title, urls.document(b), "pk-ref") for b in doc.basis]
    basis += [md(b) for b in doc.external_basis]
    rows = [
        ("文种", md(doc.kind)),
        ("发文机关", issuer),
        ("文号", md(doc.doc_number or "")),
        ("印发日期", md(doc.issued.isoformat() if doc.issued else "")),
        ("施行日期", md(doc.effective.isoformat() if doc.effective else "")),
        ("状态", md(doc.status)),
        ("地区与层级", md("　".join(x for x in (doc.region, doc.level) if x))),
        ("实施期间", md(f"{doc.period.start}—{doc.period.end} 年" if doc.period else "")),
        ("年份", md(str(doc.year) if doc.year else "")),
        ("结构", md(doc.structure or "")),
        ("上位依据", "；".join(basis)),
    ]
    return [(label, value) for label, value in rows if value]


def provision_rows(corpus: Corpus, doc: DocumentFile, clauses: list[Clause], marker: TermMarker) -> list[dict]:
    """The body in document order: one row per provision, already escaped and linked."""
    rows = []
    withdrawn: dict[str, dict] = {}  # id of a withdrawn provision → its stub row
    for clause in clauses:
        p = clause.provision
        depth = len(clause.parents) + 1
        row = {"id": p.id, "depth": depth, "num": md(p.num or ""), "heading": md(p.heading or ""),
               "text": marker(p.text) if p.text else "", "transcribed": p.transcribed,
               "note": md(p.note or ""), "chips": [], "duties": [], "fate": "", "with_parent": ""}
        ancestor = next((withdrawn[a.id] for a in reversed(clause.parents) if a.id in withdrawn), None)
        if p.status == ItemStatus.withdrawn.value or ancestor is not None:
            # The anchor stays, as a stub naming where the content went: old links keep working.
            row["kind"] = "withdrawn"
            if p.withdrawn is not None:
                row["fate"] = withdrawal_words(corpus, doc, p.withdrawn.kind, p.withdrawn.to)
                row["withdrawal_note"] = md(p.withdrawn.note or "")
            else:
                row["fate"], row["withdrawal_note"] = ancestor["fate"], ""
                row["with_parent"] = ancestor["number"]
            row["number"] = md(clause.number or p.id)
            withdrawn[p.id] = row
            rows.append(row)
            continue
        row["kind"] = "heading" if p.heading and depth <= HEADING_DEPTH else "clause"
        row["level"] = depth + 1
        row["chips"] = annotation_chips(corpus, p, marker)
        row["duties"] = [duty_row(corpus, d) for d in p.duties]
        rows.append(row)
    return rows


def withdrawal_words(corpus: Corpus, doc: DocumentFile, kind: str, targets: list[str]) -> str:
    """并入 / 移至 / 拆分为 the successor clauses as links (or 废止, which has none)."""
    if not targets:
        return md(kind)
    links = "、".join(link(corpus.clauses[f"{doc.id}#{t}"].number or t, urls.clause(f"{doc.id}#{t}"), "pk-ref")
                      for t in targets)
    return f"{_site.WITHDRAWAL_VERBS.get(kind, '见')} {links}"


def annotation_chips(corpus: Corpus, p: Provision, marker: TermMarker) -> list[dict]:
    """The annotations declared on this provision (its children inherit them silently)."""
    chips = []

    def add(label: str, values: list[str]) -> None:
        if values:
            chips.append({"label": label, "links": " ".join(values)})

    lead = [u for u in p.lead_units]
    add("牵头", [_site.unit_link(corpus, u) for u in lead])
    add("责任单位", [_site.unit_link(corpus, u) for u in p.units if u not in lead])
    add("责任主体", [_site.role_link(corpus, r) for r in p.subjects])
    if p.frequency:
        add("频次", [f'<span class="pk-chip">{md(_site.frequency_text(p.frequency))}</span>'])
    add("时限", [f'<span class="pk-chip">{md(p.deadline)}</span>'] if p.deadline else [])
    if p.category:
        add("类别", [_site.category_link(p.category)])
    add("目标", [f'<span class="pk-chip">{md(t.text)}</span>' for t in p.targets])
    add("术语", [link(corpus.terms[t].term, urls.term(t), "pk-chip") for t in p.terms])
    add("引用", [_site.clause_link(corpus, ref) for ref in p.cites])
    add("标签", [f'<span class="pk-chip">{md(t)}</span>' for t in p.tags])
    add("更正", [f'<span class="pk-chip">{md(c.original)} → {md(c.corrected)}</span>' for c in p.corrections])
    return chips


def duty_row(corpus: Corpus, duty) -> dict:
    return {
        "subjects": "、".join(_site.role_link(corpus, r) for r in duty.subjects),
        "responsibility": md(duty.responsibility or ""),
        "text": md(duty.text),
        "frequency": md(_site.frequency_text(duty.frequency)),
        "category": _site.category_link(duty.category) if duty.category else "",
    }


def cited_by(corpus: Corpus, doc: DocumentFile, clauses: list[Clause]) -> list[dict]:
    """Back-links: documents taking this one as 上位依据, and whatever cites one of its clauses."""
    rows = []
    for kind, ref in corpus.citations.get(doc.id, []):
        rows.append({"target": "本文件", "by": _site.citing_link(corpus, kind, ref)})
    for clause in clauses:
        for kind, ref in corpus.citations.get(clause.ref, []):
            target = link(clause.number or clause.label, urls.clause(clause.ref), "pk-ref")
            rows.append({"target": target, "by": _site.citing_link(corpus, kind, ref)})
    return rows
