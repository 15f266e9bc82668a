"""首页: what is here, for whom, how much of it, and where to start."""

from __future__ import annotations

from .. import urls
from ..corpus import Corpus
from ..pages import Page
from . import _site
from ._site import link

SHORTCUT_ROLES = 12  # the home page lists the roles with the most obligations, not all roles


def pages(corpus: Corpus, env):
    _site.prepare(corpus, env)
    counts = corpus.counts()
    busiest = sorted(corpus.roles.values(),
                     key=lambda r: (-len(corpus.obligations_by_role.get(r.id, [])), r.name))[:SHORTCUT_ROLES]
    roles = [{"link": link(r.name, urls.role(r.id), "pk-chip"),
              "count": len(corpus.obligations_by_role.get(r.id, []))} for r in busiest]
    sample = any(x.sample for table in (corpus.documents, corpus.lists, corpus.standards, corpus.case_sets)
                 for x in table.values())
    entries = [
        ("文件", urls.listing("documents"), f"{counts['documents']} 份政策文件、{counts['provisions']} 个条款，保留原文编号"),
        ("责任清单", urls.listing("lists"), f"{counts['lists']} 份责任清单、{counts['list_items']} 个已列明的条目"
                                           + _unlisted(counts["list_items_unlisted"], "项")),
        ("按角色", urls.listing("roles"), f"{counts['roles']} 个角色各自的全部义务"),
        ("按单位", urls.listing("units"), f"{counts['units']} 个单位的任务分解表"),
        ("按类别", urls.listing("categories"), "政治、思想、组织、作风、纪律、制度六大建设"),
        ("工作日历", urls.calendar(), "按每月、每季度、每年等周期排列的工作"),
        ("指标评价标准", urls.listing("standards"), f"{counts['indicators']} 个指标，可在页内自评计分"),
        ("问责与容错", urls.listing("cases"), f"{counts['case_sets']} 组问责、容错情形，已列明 {counts['cases']} 种"
                                          + _unlisted(counts["cases_unlisted"], "种")),
        ("术语", urls.listing("glossary"), f"{counts['terms']} 个术语和提法的释义"),
    ]
    markdown = env.get_template("home.md.j2").render(
        entries=[{"link": link(name, url), "note": note} for name, url, note in entries],
        roles=roles, sample=sample, summary=corpus.summary_line())
    yield Page(url="", title="首页", markdown=markdown, section=(), order=(0,), sample=sample)


def _unlisted(count: int, measure: str) -> str:
    """A note for what the sources state but do not list item by item."""
    return f"（另有原文所述的 {count} {measure}未逐条列出）" if count else ""
