"""问责与容错: the accountability and fault-tolerance cases, each set on its own page."""

from __future__ import annotations

from .. import urls
from ..corpus import Corpus
from ..pages import Page
from ..render import md
from . import _site
from ._site import link

SECTION = ("问责与容错",)
KIND_ORDER = ["问责情形", "容错情形"]


def pages(corpus: Corpus, env):
    marker = _site.prepare(corpus, env)
    template = env.get_template("case_set.md.j2")
    for cs in corpus.case_sets.values():
        source = ""
        if cs.provision:
            source = _site.clause_link(corpus, cs.provision)
        elif cs.document:
            source = link(corpus.documents[cs.document].title, urls.document(cs.document), "pk-ref")
        items = [{"anchor": i.id, "num": md(i.num or ""), "text": marker(i.text)} for i in cs.items]
        markdown = template.render(cs=cs, items=items, source=source)
        yield Page(url=urls.case_set(cs.id), title=cs.title, markdown=markdown, section=SECTION,
                   order=(1, KIND_ORDER.index(cs.kind) if cs.kind in KIND_ORDER else 9, cs.title),
                   sample=cs.sample)
    groups = []
    for kind in KIND_ORDER:
        sets = sorted((c for c in corpus.case_sets.values() if c.kind == kind), key=lambda c: c.title)
        groups.append({"kind": kind, "rows": [
            {"title": link(c.title, urls.case_set(c.id)), "count": len(c.items) or (c.stated_count or 0),
             "sample": c.sample} for c in sets]})
    yield Page(url=urls.listing("cases"), title="问责与容错", section=SECTION, order=(70,),
               markdown=env.get_template("cases_index.md.j2").render(groups=groups))
