"""按单位: each unit's 任务分解表 (measure, 牵头/参与, frequency, source) and the unit index."""

from __future__ import annotations

from .. import urls
from ..corpus import Clause, Corpus
from ..pages import Page
from ..render import md
from . import _site
from ._site import link

SECTION = ("按单位",)


def pages(corpus: Corpus, env):
    marker = _site.prepare(corpus, env)
    template = env.get_template("unit.md.j2")
    for unit in corpus.units.values():
        clauses = corpus.clauses_by_unit.get(unit.id, [])
        for page in _site.paged(clauses, urls.unit(unit.id)):
            sample = _site.uses_sample(corpus, {c.document.id for c in page.items})
            rows = [task_row(corpus, unit.id, c, marker) for c in page.items]
            markdown = template.render(unit=unit, rows=rows, total=len(clauses), sample=sample, start=page.start,
                                       parent=_site.unit_link(corpus, unit.parent) if unit.parent else "",
                                       pager=page.pager)
            yield Page(url=page.url, title=unit.name, markdown=markdown,
                       section=SECTION, order=(1, unit.name, page.number), sample=sample)
    yield from index_pages(corpus, env)


def task_row(corpus: Corpus, unit_id: str, clause: Clause, marker) -> dict:
    """One line of the 任务分解表."""
    p = clause.provision
    lead = clause.lead_units
    if unit_id in lead:
        role = "牵头"
    elif lead:
        role = "参与"
    else:
        role = "责任单位"
    frequencies = [p.frequency] if p.frequency else [d.frequency for d in p.duties if d.frequency]
    others = [u for u in dict.fromkeys([*lead, *clause.units]) if u != unit_id]
    return {
        "task": marker(p.text),
        "role": role,
        "frequency": md("；".join(dict.fromkeys(_site.frequency_text(f) for f in frequencies))),
        "others": "、".join(_site.unit_link(corpus, u) for u in others),
        "source": _site.clause_link(corpus, clause.ref),
    }


def index_pages(corpus: Corpus, env):
    template = env.get_template("units_index.md.j2")
    units = sorted(corpus.units.values(), key=lambda u: (u.region or "", u.name))
    for page in _site.paged(units, urls.listing("units")):
        rows = [{"name": link(u.name, urls.unit(u.id)), "aliases": md("、".join(u.aliases)),
                 "region": md(u.region or ""), "count": len(corpus.clauses_by_unit.get(u.id, []))}
                for u in page.items]
        markdown = template.render(rows=rows, pager=page.pager)
        yield Page(url=page.url, title="按单位", markdown=markdown, section=SECTION, order=(30, page.number))
