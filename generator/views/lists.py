"""责任清单: each responsibility list by subject role and responsibility type, items anchored."""

from __future__ import annotations

from .. import urls
from ..corpus import Corpus
from ..pages import Page
from ..render import md
from . import _site
from ._site import link

SECTION = ("文件",)


def pages(corpus: Corpus, env):
    marker = _site.prepare(corpus, env)
    template = env.get_template("list.md.j2")
    for lst in corpus.lists.values():
        sections = []
        for section in lst.sections:
            items = []
            for item in section.items:
                row = {"anchor": item.id, "num": md(item.num or ""), "text": marker(item.text),
                       "active": _site.is_active(item), "chips": list_chips(corpus, item)}
                if not row["active"]:
                    row["kind"] = md(item.withdrawn.kind)
                    row["successors"] = "、".join(link(t, urls.responsibility_list(lst.id, t), "pk-ref")
                                                 for t in item.withdrawn.to)
                items.append(row)
            sections.append({"subject": _site.role_link(corpus, section.subject),
                             "heading": md(section.heading or corpus.roles[section.subject].name),
                             "responsibility": md(section.responsibility),
                             "stated_count": section.stated_count, "entries": items})
        markdown = template.render(lst=lst, sections=sections,
                                   document=link(corpus.documents[lst.document].title, urls.document(lst.document), "pk-ref")
                                   if lst.document else "")
        yield Page(url=urls.responsibility_list(lst.id), title=lst.title, markdown=markdown, section=SECTION,
                   order=(2, lst.title), sample=lst.sample)
    rows = [{"title": link(l.title, urls.responsibility_list(l.id)), "issuer": md(l.issuer or ""),
             "count": sum(len(s.items) for s in l.sections), "sample": l.sample}
            for l in sorted(corpus.lists.values(), key=lambda l: l.title)]
    yield Page(url=urls.listing("lists"), title="责任清单", section=SECTION, order=(11,),
               markdown=env.get_template("lists_index.md.j2").render(rows=rows),
               sample=any(r["sample"] for r in rows))


def list_chips(corpus: Corpus, item) -> list[dict]:
    chips = []
    if item.frequency:
        chips.append({"label": "频次", "links": f'<span class="pk-chip">{md(_site.frequency_text(item.frequency))}</span>'})
    if item.category:
        chips.append({"label": "类别", "links": _site.category_link(item.category)})
    if item.units:
        chips.append({"label": "责任单位", "links": " ".join(_site.unit_link(corpus, u) for u in item.units)})
    if item.cites:
        chips.append({"label": "依据", "links": " ".join(_site.clause_link(corpus, r) for r in item.cites)})
    return chips
