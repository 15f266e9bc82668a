"""指标评价标准: each standard as a scorecard whose points visibly add up to the base score,
with a self-assessment form that scores exactly as ``generator.scoring`` does."""

from __future__ import annotations

from .. import urls
from ..corpus import Corpus
from ..model import IndicatorStandardFile, ScoreRule
from ..pages import Page
from ..render import attr, md
from ..scoring import score
from . import _site
from ._site import link

SECTION = ("指标评价标准",)


def pages(corpus: Corpus, env):
    marker = _site.prepare(corpus, env)
    template = env.get_template("standard.md.j2")
    for std in corpus.standards.values():
        markdown = template.render(
            std=std, meta=metadata(corpus, std), summary=std.summary,
            scorecard=scorecard(std), dimensions=dimension_sections(corpus, std, marker),
            form=form(std), editions=editions(corpus, std))
        yield Page(url=urls.standard(std.id), title=std.title, markdown=markdown, section=SECTION,
                   order=(1, std.title), sample=std.sample)
    rows = [{"title": link(s.title, urls.standard(s.id)), "evaluates": md(s.evaluates),
             "year": s.year or (s.edition.year if s.edition else ""), "base": f"{s.base_score:g}",
             "sample": s.sample}
            for s in sorted(corpus.standards.values(), key=lambda s: (s.evaluates, -(s.year or 0), s.title))]
    yield Page(url=urls.listing("standards"), title="指标评价标准", section=SECTION, order=(60,),
               markdown=env.get_template("standards_index.md.j2").render(rows=rows),
               sample=any(r["sample"] for r in rows))


def _active(items):
    return [i for i in items if _site.is_active(i)]


def metadata(corpus: Corpus, std: IndicatorStandardFile) -> list[tuple[str, str]]:
    rows = [
        ("评价对象", md(std.evaluates) + "".join(" " + _site.role_link(corpus, r) for r in std.evaluated_roles)),
        ("年度", md(str(std.year) if std.year else "")),
        ("基本分", f"{std.base_score:g} 分"),
        ("奖励加分上限", f"{std.bonus_cap:g} 分" if std.bonus_cap is not None else ""),
        ("配套文件", link(corpus.documents[std.document].title, urls.document(std.document), "pk-ref")
         if std.document else ""),
    ]
    return [(label, value) for label, value in rows if value]


def scorecard(std: IndicatorStandardFile) -> dict:
    """Rows of the points table: each indicator, each dimension's subtotal as a visible sum,
    and the total against the base score."""
    dims = []
    for dim in std.dimensions:
        indicators = _active(dim.indicators)
        dims.append({
            "category": md(dim.category), "anchor": dim.id, "points": f"{dim.points:g}",
            "sum": " + ".join(f"{i.points:g}" for i in indicators) or "—",
            "indicators": [{"anchor": i.id, "name": md(f"{i.num or ''} {i.name}".strip()),
                            "points": f"{i.points:g}", "veto": i.veto} for i in indicators],
        })
    total = sum(d.points for d in std.dimensions)
    return {"dimensions": dims, "sum": " + ".join(d["points"] for d in dims), "total": f"{total:g}",
            "base": f"{std.base_score:g}", "balanced": abs(total - std.base_score) < 1e-9}


def _rule_text(rule: ScoreRule, sign: str) -> str:
    if rule.per == "一次性":
        return f"{sign}{rule.points:g} 分"
    cap = f"，最多 {rule.cap:g} 分" if rule.cap is not None else ""
    return f"{rule.per}{sign}{rule.points:g} 分{cap}"


def dimension_sections(corpus: Corpus, std: IndicatorStandardFile, marker) -> list[dict]:
    sections = []
    for dim in std.dimensions:
        indicators = []
        for ind in dim.indicators:
            if not _site.is_active(ind):
                successors = "、".join(link(t, urls.standard(std.id, t), "pk-ref") for t in ind.withdrawn.to)
                indicators.append({"withdrawn": True, "anchor": ind.id, "name": md(ind.name),
                                   "kind": md(ind.withdrawn.kind), "successors": successors})
                continue
            indicators.append({
                "withdrawn": False, "anchor": ind.id, "name": md(f"{ind.num or ''} {ind.name}".strip()),
                "points": f"{ind.points:g}", "veto": ind.veto, "content": marker(ind.content),
                "rule": marker(ind.rule) if ind.rule else "",
                "deductions": [{"anchor": r.id, "condition": marker(r.condition), "amount": _rule_text(r, "扣 ")}
                               for r in _active(ind.deductions)],
                "bonuses": [{"anchor": r.id, "condition": marker(r.condition), "amount": _rule_text(r, "加 ")}
                            for r in _active(ind.bonuses)],
                "evidence": [md(e) for e in ind.evidence],
                "subjects": "、".join(_site.role_link(corpus, r) for r in ind.subjects),
                "cites": "、".join(_site.clause_link(corpus, ref) for ref in ind.cites),
            })
        sections.append({"anchor": dim.id, "category": md(dim.category), "points": f"{dim.points:g}",
                         "indicators": indicators})
    return sections


def form(std: IndicatorStandardFile) -> dict:
    """The self-assessment form: every active rule as an input carrying the numbers the script
    needs, and the starting result computed by ``generator.scoring``."""
    indicators = []
    for dim in std.dimensions:
        for ind in _active(dim.indicators):
            rules = [_form_rule(r, "deduction") for r in _active(ind.deductions)]
            rules += [_form_rule(r, "bonus") for r in _active(ind.bonuses)]
            if rules or ind.veto:
                indicators.append({"id": ind.id, "name": md(f"{ind.num or ''} {ind.name}".strip()),
                                   "points": f"{ind.points:g}", "veto": ind.veto, "rules": rules})
    start = score(std, {})
    return {"id": std.id, "base": f"{std.base_score:g}",
            "bonus_cap": f"{std.bonus_cap:g}" if std.bonus_cap is not None else "",
            "indicators": indicators, "verdict": start.verdict,
            "deducted": f"{start.deducted:g}", "bonus": f"{start.bonus:g}"}


def _form_rule(rule: ScoreRule, kind: str) -> dict:
    return {"id": rule.id, "kind": kind, "once": rule.per == "一次性", "points": f"{rule.points:g}",
            "cap": f"{rule.cap:g}" if rule.cap is not None else "", "per": attr(rule.per),
            # md, not attr: the form sits in an HTML block that a blank line in the text would end,
            # after which Markdown (fences, links) would be interpreted.
            "condition": md(rule.condition),
            "amount": attr(_rule_text(rule, "扣 " if kind == "deduction" else "加 "))}


def editions(corpus: Corpus, std: IndicatorStandardFile) -> list[str]:
    """Links to the other yearly editions of the same series."""
    if not std.edition:
        return []
    return [link(f"{s.edition.year} 年版", urls.standard(s.id), "pk-ref")
            for s in corpus.editions.get(std.edition.series, []) if s.id != std.id]
