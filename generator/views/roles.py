"""按角色: one page per role with every obligation that falls on it, grouped by 六大建设."""

from __future__ import annotations

from .. import urls
from ..corpus import Corpus
from ..pages import Page
from ..render import md
from . import _site
from ._site import link

SECTION = ("按角色",)


def pages(corpus: Corpus, env):
    marker = _site.prepare(corpus, env)
    template = env.get_template("role.md.j2")
    children: dict[str, list[str]] = {}
    for role in corpus.roles.values():
        if role.parent:
            children.setdefault(role.parent, []).append(role.id)
    for role in corpus.roles.values():
        obligations = corpus.obligations_by_role.get(role.id, [])
        for page in _site.paged(obligations, urls.role(role.id)):
            sample = _site.uses_sample(corpus, {ob.source_id for ob in page.items})
            markdown = template.render(
                role=role, sample=sample, total=len(obligations),
                parent=_site.role_link(corpus, role.parent) if role.parent else "",
                children="、".join(_site.role_link(corpus, r) for r in children.get(role.id, [])),
                groups=[(name, urls.category_anchor(name), [_site.obligation_row(corpus, ob, marker) for ob in obs])
                        for name, obs in _site.by_category(page.items)],
                pager=page.pager)
            yield Page(url=page.url, title=role.name, markdown=markdown,
                       section=SECTION, order=(1, role.name, page.number), sample=sample)
    yield from index_pages(corpus, env)


def index_pages(corpus: Corpus, env):
    """All roles, organisation roles first, each with its number of obligations."""
    template = env.get_template("roles_index.md.j2")
    kinds = {"党组织": 0, "机构": 1, "个人": 2}
    roles = sorted(corpus.roles.values(), key=lambda r: (kinds.get(r.kind, 3), r.name))
    for page in _site.paged(roles, urls.listing("roles")):
        rows = [{"name": link(r.name, urls.role(r.id)), "kind": md(r.kind),
                 "aliases": md("、".join(r.aliases)),
                 "count": len(corpus.obligations_by_role.get(r.id, [])),
                 "parent": _site.role_link(corpus, r.parent) if r.parent else ""} for r in page.items]
        markdown = template.render(rows=rows, pager=page.pager)
        yield Page(url=page.url, title="按角色", markdown=markdown, section=SECTION, order=(20, page.number))
