"""指标评价标准: each standard as a scorecard whose points visibly add up to the base score,
with a self-assessment form that scores exactly as ``generator.scoring`` does."""

from __future__ import annotations

from .. import urls
from ..corpus import Corpus
from ..model import IndicatorStandardFile, ScoreRule
from ..pages import Page
from ..render import attr, md
from ..scoring import score
from . import _site, revisions
from ._site import link

SECTION = ("指标评价标准",)


def pages(corpus: Corpus, env):
    marker = _site.prepare(corpus, env)
    template = env.get_template("standard.md.j2")
    for std in corpus.standards.values():
        series = editions(corpus, std)
        markdown = template.render(
            std=std, meta=metadata(corpus, std) + [(k, v) for k, v in series["rows"] if v],
            summary=std.summary, scorecard=scorecard(std), current=series["current"],
            dimensions=dimension_sections(corpus, std, marker, indicator_histories(corpus, env, std)),
            departed=departed_indicators(corpus, env, std), form=form(std))
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


def dimension_sections(corpus: Corpus, std: IndicatorStandardFile, marker,
                       histories: dict[str, str]) -> list[dict]:
    sections = []
    for dim in std.dimensions:
        indicators = []
        for ind in dim.indicators:
            if not _site.is_active(ind):
                indicators.append({"withdrawn": True, "anchor": ind.id, "name": md(ind.name),
                                   "fate": withdrawal_words(std, ind.withdrawn),
                                   "note": md(ind.withdrawn.note or ""), "history": histories.get(ind.id, ""),
                                   "rules": [r.id for r in (*ind.deductions, *ind.bonuses)]})
                continue
            indicators.append({
                "withdrawn": False, "anchor": ind.id, "name": md(f"{ind.num or ''} {ind.name}".strip()),
                "history": histories.get(ind.id, ""),
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


def withdrawal_words(std: IndicatorStandardFile, withdrawal) -> str:
    """已撤销：并入 / 移至 / 拆分为 the successors on this page (or 废止)."""
    if not withdrawal.to:
        return md(withdrawal.kind)
    targets = "、".join(_indicator_link(std, t) for t in withdrawal.to)
    return f"{_site.WITHDRAWAL_VERBS.get(withdrawal.kind, '见')} {targets}"


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


# --------------------------------------------------------------------------- editions of a series


def series_of(corpus: Corpus, std: IndicatorStandardFile) -> list[IndicatorStandardFile]:
    """The editions of the series ``std`` belongs to, oldest first, when it has several."""
    editions = corpus.editions.get(std.edition.series, []) if std.edition else []
    return editions if len(editions) >= 2 else []


def edition_name(std: IndicatorStandardFile) -> str:
    return std.edition.label or f"{std.edition.year} 年版"


def editions(corpus: Corpus, std: IndicatorStandardFile) -> dict:
    """Where this edition stands in its series: the rows added to the metadata table (version
    label, every edition, the 修订对照表 with its neighbours, the series page) and, for an
    older edition, a link to the current one."""
    series = series_of(corpus, std)
    if not series:
        return {"rows": [], "current": ""}
    i = series.index(std)
    sid, year = std.edition.series, std.edition.year
    current = series[-1]
    state = ('<span class="pk-chip pk-current">现行版本</span>' if std is current
             else '<span class="pk-chip pk-superseded">已有新版本</span>')
    listed = [f"**{md(edition_name(e))}（本页）**" if e is std else link(edition_name(e), urls.standard(e.id))
              for e in series]
    compared = []
    if i > 0:
        before = series[i - 1]
        compared.append(link(f"与 {edition_name(before)} 对照", urls.revision(sid, before.edition.year, year)))
    if i + 1 < len(series):
        after = series[i + 1]
        compared.append(link(f"与 {edition_name(after)} 对照", urls.revision(sid, year, after.edition.year)))
    rows = [("版本", f"{md(edition_name(std))} {state}"), ("历年版本", "、".join(listed)),
            ("修订对照表", "；".join(compared)), ("版本沿革", link("历年版本与指标沿革", urls.series(sid)))]
    return {"rows": rows,
            "current": "" if std is current else link(f"{current.title}", urls.standard(current.id))}


def indicator_histories(corpus: Corpus, env, std: IndicatorStandardFile) -> dict[str, str]:
    """Indicator id → one line of its history across the series (Markdown), for this page."""
    series = series_of(corpus, std)
    if not series:
        return {}
    steps = revisions.series_steps(corpus, env, std.edition.series)
    return {ind_id: history_line(std.edition.series, ind_id, path) for ind_id, path in steps.items()}


def history_line(series: str, ind_id: str, steps: list) -> str:
    """首次出现, then every edition that changed, withdrew or deleted the indicator; editions
    that left it as it was are not listed."""
    parts = []
    for step in steps:
        edition = step.edition
        if step.state == "首次出现":
            parts.append(f"{md(edition_name(edition))}首次出现")
            continue
        if step.state not in ("修订", "删除") and not step.rule_changes:
            continue
        row = urls.revision(series, step.previous.edition.year, edition.edition.year, ind_id)
        what = [_change_words(edition, step.previous, ind_id, c) for c in step.changes]
        what += _rule_words(step.rule_changes)
        parts.append(f"{link(edition_name(edition), row)}{'；'.join(what)}")
    if len(parts) == 1 and len(steps) > 1:
        parts.append("此后未变")
    return " · ".join(parts)


def _change_words(edition, previous, ind_id: str, change) -> str:
    """One change of an indicator in a few words: its kind, then what changed or where it went."""
    if change.kind in ("合并", "拆分") or (change.kind == "移动" and _withdrawn_to(edition, ind_id)):
        targets = "、".join(_indicator_link(edition, t) for t in _withdrawn_to(edition, ind_id))
        return f"{change.kind}，{_site.WITHDRAWAL_VERBS[change.kind]} {targets}"
    if change.kind == "移动":
        before, after = _dimension_of(previous, ind_id), _dimension_of(edition, ind_id)
        if before and after and before.id != after.id:
            return f"移动，从{md(before.category)}移至{link(after.category, urls.standard(edition.id, after.id))}"
        return "移动（调整位置）"
    details = [_detail_words(d) for d in change.details]
    return change.kind + (f"（{'、'.join(details)}）" if details else "")


def _detail_words(detail) -> str:
    if detail.pieces or detail.added or detail.removed:
        return md(detail.label)
    return md(f"{detail.label} {detail.old if detail.old not in (None, '') else '—'} → "
              f"{detail.new if detail.new not in (None, '') else '—'}")


def _rule_words(changes) -> list[str]:
    words = []
    for change in changes:
        kind = change.label.split("：", 1)[0]  # 扣分 / 奖励, as the diff labels a rule
        verb = {"新增": "新增", "删除": "删除"}.get(change.kind, "修改")
        words.append(md(f"{verb}{kind}情形"))
    return list(dict.fromkeys(words))


def _indicators(std: IndicatorStandardFile) -> dict:
    return {ind.id: ind for d in std.dimensions for ind in d.indicators}


def _withdrawn_to(std: IndicatorStandardFile, ind_id: str) -> list[str]:
    ind = _indicators(std).get(ind_id)
    return list(ind.withdrawn.to) if ind is not None and ind.withdrawn else []


def _dimension_of(std: IndicatorStandardFile, ind_id: str):
    return next((d for d in std.dimensions for ind in d.indicators if ind.id == ind_id), None)


def _indicator_link(std: IndicatorStandardFile, ind_id: str) -> str:
    ind = _indicators(std).get(ind_id)
    name = f"{ind.num or ''} {ind.name}".strip() if ind is not None else ind_id
    return link(name, urls.standard(std.id, ind_id), "pk-ref")


def departed_indicators(corpus: Corpus, env, std: IndicatorStandardFile) -> list[dict]:
    """Indicators of earlier editions that this edition no longer lists at all: each keeps its
    anchor here as a stub saying where it went (its successor on this page when there is one)."""
    series = series_of(corpus, std)
    if not series:
        return []
    here = _indicators(std)
    stubs = []
    for ind_id, steps in revisions.series_steps(corpus, env, std.edition.series).items():
        earlier = [s for s in steps if s.edition.edition.year < std.edition.year and s.state != "删除"]
        if ind_id in here or not earlier:
            continue
        last = earlier[-1].edition
        ind = _indicators(last)[ind_id]
        name = f"{ind.num or ''} {ind.name}".strip()
        if ind.withdrawn and ind.withdrawn.to:
            verb = _site.WITHDRAWAL_VERBS.get(ind.withdrawn.kind, "见")
            fate = (f"{md(edition_name(last))}已撤销：{verb} "
                    + "、".join(_indicator_link(std, t) if t in here else _indicator_link(last, t)
                                for t in ind.withdrawn.to))
        else:
            gone = next((s for s in steps if s.state == "删除"), None)
            when = edition_name(gone.edition) if gone else edition_name(std)
            fate = f"{md(when)}删除"
        stubs.append({"anchor": ind_id, "name": md(name), "fate": fate,
                      "origin": link(f"{edition_name(last)}原文", urls.standard(last.id, ind_id), "pk-ref"),
                      "rules": [r.id for r in (*ind.deductions, *ind.bonuses)]})
    return stubs
