"""按类别: the six 建设 categories, each with its obligations and the indicator dimensions
that evaluate it."""

from __future__ import annotations

from .. import urls
from ..corpus import Corpus
from ..model import CATEGORY_ORDER
from ..pages import Page
from . import _site
from ._site import link

SECTION = ("按类别",)
UNCATEGORISED = "未分类"


def pages(corpus: Corpus, env):
    marker = _site.prepare(corpus, env)
    grouped = dict(_site.by_category(corpus.obligations))
    dimensions = dimensions_by_category(corpus)
    template = env.get_template("category.md.j2")
    for name in [*CATEGORY_ORDER, UNCATEGORISED]:
        obligations = grouped.get(name, [])
        if name == UNCATEGORISED and not obligations:
            continue
        for page in _site.paged(obligations, urls.category(name if name != UNCATEGORISED else "")):
            sample = _site.uses_sample(corpus, {ob.source_id for ob in page.items})
            markdown = template.render(
                name=name, total=len(obligations), sample=sample,
                rows=[_site.obligation_row(corpus, ob, marker) for ob in page.items],
                dimensions=dimensions.get(name, []) if page.number == 1 else [], pager=page.pager)
            yield Page(url=page.url, title=name, markdown=markdown, section=SECTION,
                       order=(1, CATEGORY_ORDER.index(name) if name in CATEGORY_ORDER else 9, page.number),
                       sample=sample)
    rows = [{"name": link(name, urls.category(name)), "count": len(grouped.get(name, []))}
            for name in CATEGORY_ORDER]
    if grouped.get(UNCATEGORISED):
        rows.append({"name": link(UNCATEGORISED, urls.category("")), "count": len(grouped[UNCATEGORISED])})
    yield Page(url=urls.listing("categories"), title="按类别",
               markdown=env.get_template("categories_index.md.j2").render(rows=rows),
               section=SECTION, order=(40,))


def dimensions_by_category(corpus: Corpus) -> dict[str, list[str]]:
    """Category → links to the indicator-standard dimensions that score it."""
    found: dict[str, list[str]] = {}
    for std in corpus.standards.values():
        for dim in std.dimensions:
            found.setdefault(dim.category, []).append(
                link(f"{std.title}（{dim.points:g} 分）", urls.standard(std.id, dim.id), "pk-ref"))
    return found
