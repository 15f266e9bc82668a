"""专题学习: one page per study session laid out as its handout (title block, objectives, the
clauses in full, terms, questions with space to write) linking its PDF, the index of sessions,
and the 下载 page listing every file the build puts under ``downloads/``."""

from __future__ import annotations

import posixpath

from .. import urls
from ..corpus import Corpus
from ..export.handout import Handout, handout_of, paragraphs
from ..export.site import planned_downloads
from ..pages import Page
from ..render import attr, md
from . import _site

SECTION = ("专题学习",)
DOWNLOADS_SECTION = ("下载",)
ANSWER_LINES = 3


def relative(from_url: str, to_path: str) -> str:
    """A link from the page at directory URL ``from_url`` to a built file (not a Markdown page,
    so the engine does not resolve it; written as a plain relative href)."""
    return posixpath.relpath(to_path, from_url.rstrip("/") or ".")


def pages(corpus: Corpus, env):
    marker = _site.prepare(corpus, env)
    handouts = [handout_of(corpus, study_id) for study_id in sorted(corpus.studies)]
    template = env.get_template("study/session.md.j2")
    for h in handouts:
        url = urls.study(h.id)
        yield Page(url=url, title=h.session.title, markdown=template.render(
            s=h.session, sample=h.sample, pdf=attr(relative(url, urls.handout_pdf(h.id))),
            clauses=_clauses(corpus, h, marker), terms=_terms(h, marker),
            questions=[md(q) for q in h.session.questions], answer_lines=ANSWER_LINES),
            section=SECTION, order=(1, h.session.title), sample=h.sample)
    index_url = urls.listing("study")
    rows = [{"title": _site.link(h.session.title, urls.study(h.id)), "audience": md(h.session.audience),
             "minutes": h.session.duration_minutes, "clauses": len(h.clauses), "sample": h.sample,
             "pdf": attr(relative(index_url, urls.handout_pdf(h.id)))} for h in handouts]
    yield Page(url=index_url, title="专题学习", markdown=env.get_template("study/index.md.j2").render(rows=rows),
               section=SECTION, order=(85,), sample=any(h.sample for h in handouts))
    yield downloads_page(corpus, env)


def _clauses(corpus: Corpus, handout: Handout, marker) -> list[dict]:
    result = []
    for index, c in enumerate(handout.clauses, start=1):
        passages = [{
            "prefix": md(p.prefix), "heading": md(p.heading or ""), "depth": p.depth,
            "paragraphs": [marker(t) for t in paragraphs(p.text)],
            "cut_before": p.cut_before, "cut_after": p.cut_after,
        } for p in c.passages]
        result.append({"index": index, "source": _site.clause_link(corpus, c.ref), "document": md(c.document_title),
                       "number": md(c.number), "passages": passages, "note": md(c.note or "")})
    return result


def _terms(handout: Handout, marker) -> list[dict]:
    return [{"link": _site.link(t.term, urls.term(t.id)), "expansion": md(t.expansion or ""),
             "aliases": md("、".join(t.aliases)), "definition": md(t.definition)} for t in handout.terms]


def downloads_page(corpus: Corpus, env) -> Page:
    url = urls.downloads()
    groups: dict[str, list[dict]] = {}
    for d in planned_downloads(corpus):
        groups.setdefault(d.kind, []).append({"href": attr(relative(url, d.url)), "title": md(d.title),
                                              "name": md(posixpath.basename(d.url)),
                                              "description": md(d.description)})
    markdown = env.get_template("study/downloads.md.j2").render(groups=list(groups.items()))
    return Page(url=url, title="下载", markdown=markdown, section=DOWNLOADS_SECTION, order=(90,))
