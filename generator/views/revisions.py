"""修订对照表: consecutive editions of a series side by side, and each series' history.

For every series with two or more editions (``corpus.editions``) there is one comparison page
per consecutive pair — rows aligned by ID, 原条文 | 修订后条文, changed runs marked — and one
series page listing every edition, the current one labelled, with each indicator's history.
The comparison itself is ``generator.diff.compare_editions``; this module only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import urls
from ..corpus import Corpus
from ..diff import Change, Comparison, Detail, Record, compare_editions, display_text, standard_records
from ..model import IndicatorStandardFile
from ..pages import Page
from ..render import md
from . import _site
from ._site import link

SECTION = ("指标评价标准",)
CHANGE_CLASSES = {"新增": "added", "删除": "removed", "实质修改": "changed", "文字调整": "reworded",
                  "移动": "moved", "合并": "merged", "拆分": "split"}


def pages(corpus: Corpus, env):
    _site.prepare(corpus, env)
    series_list = {sid: eds for sid, eds in corpus.editions.items() if len(eds) >= 2}
    if not series_list:
        return
    for sid, editions in series_list.items():
        comparisons = [compare_editions(old, new) for old, new in zip(editions, editions[1:])]
        for (old, new), comparison in zip(zip(editions, editions[1:]), comparisons):
            yield revision_page(env, sid, old, new, comparison)
        yield series_page(env, sid, editions, comparisons)
    yield Page(url=urls.listing("revisions"), title="修订对照表", section=SECTION, order=(61,),
               markdown=env.get_template("revisions/index.md.j2").render(series=[
                   {"title": link(eds[-1].title, urls.series(sid)),
                    "years": "、".join(str(e.edition.year) for e in eds),
                    "pairs": [link(f"{a.edition.year} → {b.edition.year}", urls.revision(sid, a.edition.year, b.edition.year))
                              for a, b in zip(eds, eds[1:])],
                    "sample": any(e.sample for e in eds)}
                   for sid, eds in series_list.items()]),
               sample=any(e.sample for eds in series_list.values() for e in eds))


# --------------------------------------------------------------------------- the comparison page


@dataclass
class Cell:
    """One side of a row: lines of already-escaped HTML."""

    lines: list[str] = field(default_factory=list)


@dataclass
class Row:
    id: str
    family: str  # dimension / indicator / rule
    kinds: list[str]
    old: Cell | None
    new: Cell | None
    note: str = ""

    @property
    def kind_classes(self) -> list[tuple[str, str]]:
        return [(k, CHANGE_CLASSES[k]) for k in self.kinds]

    @property
    def css(self) -> str:
        return " ".join(f"pk-rev-{CHANGE_CLASSES[k]}" for k in self.kinds) or "pk-rev-same"


def revision_page(env, series: str, old: IndicatorStandardFile, new: IndicatorStandardFile,
                  comparison: Comparison) -> Page:
    counts = {k: n for k, n in comparison.counts().items() if n}
    totals = comparison.totals[0].rows if comparison.totals else _unchanged_totals(new)
    markdown = env.get_template("revisions/revision.md.j2").render(
        old=old, new=new, sample=old.sample or new.sample, counts=counts,
        old_link=link(old.title, urls.standard(old.id)), new_link=link(new.title, urls.standard(new.id)),
        series_link=link("历年版本与指标沿革", urls.series(series)),
        header_changes=[_header_line(c) for c in comparison.changes if c.family == "standard"],
        rows=comparison_rows(old, new, comparison),
        totals=[{"label": md(label), "old": md(a or "—"), "new": md(b or "—"), "changed": a != b}
                for label, a, b in totals])
    title = f"修订对照表：{new.title}（{old.edition.year} → {new.edition.year}）"
    return Page(url=urls.revision(series, old.edition.year, new.edition.year), title=title, markdown=markdown,
                section=SECTION, order=(62, series, new.edition.year), sample=old.sample or new.sample)


def _unchanged_totals(std: IndicatorStandardFile) -> list[tuple[str, str, str]]:
    rows = [(f"{d.category}（{d.id}）", f"{d.points:g}", f"{d.points:g}") for d in std.dimensions]
    return rows + [("基本分", f"{std.base_score:g}", f"{std.base_score:g}")]


def _header_line(change: Change) -> str:
    return "；".join(f"{md(d.label)}：{_side_html(d, '-')} → {_side_html(d, '+')}" for d in change.details)


def comparison_rows(old: IndicatorStandardFile, new: IndicatorStandardFile, comparison: Comparison) -> list[Row]:
    """One row per dimension, indicator and scoring rule present in either edition, in the new
    edition's order, a removed row just after the row that preceded it in the old edition."""
    old_records = {r.id: r for r in standard_records(old, old.id) if r.family != "standard"}
    new_records = {r.id: r for r in standard_records(new, new.id) if r.family != "standard"}
    by_id: dict[str, list[Change]] = {}
    for change in comparison.changes:
        by_id.setdefault(change.id, []).append(change)
    order = _aligned_order(list(old_records), list(new_records))
    rows = []
    for rid in order:
        before, after = old_records.get(rid), new_records.get(rid)
        changes = by_id.get(rid, [])
        details = {d.label: d for c in changes for d in c.details}
        rows.append(Row(
            id=rid, family=(after or before).family, kinds=[c.kind for c in changes],
            old=_cell(before, details, "-") if before else None,
            new=_cell(after, details, "+") if after else None,
            note="；".join(md(c.note) for c in changes if c.note)))
    return rows


def _aligned_order(old_ids: list[str], new_ids: list[str]) -> list[str]:
    order = list(new_ids)
    for i, rid in enumerate(old_ids):
        if rid in order:
            continue
        previous = next((p for p in reversed(old_ids[:i]) if p in order), None)
        order.insert(order.index(previous) + 1 if previous else 0, rid)
    return order


FACT_LABELS = ("编号", "类别", "类型", "分值", "计分单位", "封顶", "一票否决", "状态")


def _cell(record: Record, details: dict[str, Detail], side: str) -> Cell:
    """The texts of a record, then the facts a reader of a scorecard compares (points, cap …);
    the runs and values this side changed are wrapped in ``<del>``/``<ins>``."""
    facts = dict(record.facts)
    lines = []
    for label, text in record.texts:
        detail = details.get(label)
        if not text:
            continue
        body = _side_html(detail, side) if detail and detail.pieces else md(display_text(text))
        lines.append(_labelled(label, body))
    for label in FACT_LABELS:
        value, detail = facts.get(label), details.get(label)
        if label not in facts or (detail is None and value in (None, "", "否", "现行")):
            continue
        shown = md("—" if value in (None, "") else value)
        if detail is not None:
            tag = "del" if side == "-" else "ins"
            shown = f"<{tag}>{shown}</{tag}>"
        lines.append(_labelled(label, shown))
    return Cell(lines)


def _labelled(label: str, body: str) -> str:
    return f'<span class="pk-rev-label">{md(label)}</span>{body}'


def _side_html(detail: Detail, side: str) -> str:
    """One side of a marked text: unchanged runs plus this side's deleted or inserted runs."""
    if not detail.pieces:
        value = detail.old if side == "-" else detail.new
        return md("—" if value in (None, "") else value)
    tag = "del" if side == "-" else "ins"
    return "".join(md(p.text) if p.op == "=" else f"<{tag}>{md(p.text)}</{tag}>"
                   for p in detail.pieces if p.op in ("=", side))


# --------------------------------------------------------------------------- the series page


def series_page(env, series: str, editions: list[IndicatorStandardFile], comparisons: list[Comparison]) -> Page:
    current = editions[-1]
    markdown = env.get_template("revisions/series.md.j2").render(
        current=current, sample=any(e.sample for e in editions),
        editions=[{"year": e.edition.year, "label": md(e.edition.label or f"{e.edition.year} 年版"),
                   "title": link(e.title, urls.standard(e.id)), "current": e is current,
                   "indicators": sum(1 for d in e.dimensions for i in d.indicators if i.status == "现行"),
                   "revision": link(f"对照 {a.edition.year} 年版", urls.revision(series, a.edition.year, e.edition.year))
                   if (a := _previous(editions, e)) else ""}
                  for e in reversed(editions)],
        years=[e.edition.year for e in editions],
        history=indicator_history(editions, comparisons))
    return Page(url=urls.series(series), title=f"{current.title}：历年版本", markdown=markdown, section=SECTION,
                order=(62, series, 0), sample=any(e.sample for e in editions))


def _previous(editions, edition):
    i = editions.index(edition)
    return editions[i - 1] if i else None


@dataclass(frozen=True)
class Step:
    """What one edition of a series did to one indicator, against the edition before it.

    ``state`` is 首次出现, 修订 (the indicator's own fields changed), 已撤销 (still listed,
    withdrawn earlier), 未变, or 删除 (gone from this edition)."""

    edition: IndicatorStandardFile
    previous: IndicatorStandardFile | None
    state: str
    changes: tuple[Change, ...] = ()  # the indicator's own changes
    rule_changes: tuple[Change, ...] = ()  # changes of its deduction and bonus rules


def indicator_steps(editions: list[IndicatorStandardFile],
                    comparisons: list[Comparison]) -> dict[str, list[Step]]:
    """Indicator id → one step per edition it is in (or was deleted from), in edition order;
    indicators in order of first appearance."""
    steps: dict[str, list[Step]] = {}
    previous_ids: set[str] = set()
    for i, edition in enumerate(editions):
        previous = editions[i - 1] if i else None
        present = {ind.id: ind for d in edition.dimensions for ind in d.indicators}
        rule_owner = {r.id: ind.id for ind in present.values() for r in (*ind.deductions, *ind.bonuses)}
        if previous is not None:
            rule_owner.update({r.id: ind.id for d in previous.dimensions for ind in d.indicators
                               for r in (*ind.deductions, *ind.bonuses) if r.id not in rule_owner})
        own: dict[str, list[Change]] = {}
        rules: dict[str, list[Change]] = {}
        for change in comparisons[i - 1].changes if i else ():
            if change.family == "indicator":
                own.setdefault(change.id, []).append(change)
            elif change.family == "rule" and change.id in rule_owner:
                rules.setdefault(rule_owner[change.id], []).append(change)
        for ind_id, ind in present.items():
            if ind_id not in previous_ids:
                state = "首次出现"
            elif ind_id in own:
                state = "修订"
            elif ind.status != "现行":
                state = "已撤销"
            else:
                state = "未变"
            steps.setdefault(ind_id, []).append(Step(edition, previous, state, tuple(own.get(ind_id, ())),
                                                     tuple(rules.get(ind_id, ()))))
        for ind_id, changes in own.items():
            if ind_id not in present and any(c.kind == "删除" for c in changes):
                steps.setdefault(ind_id, []).append(Step(edition, previous, "删除", tuple(changes)))
        previous_ids = set(present)
    return steps


def series_steps(corpus: Corpus, env, series: str) -> dict[str, list[Step]]:
    """``indicator_steps`` of one series of the corpus, compared once per environment."""
    cache = env.globals.setdefault("_pk_series_steps", {})
    key = (id(corpus), series)
    if key not in cache:
        editions = corpus.editions[series]
        comparisons = [compare_editions(old, new) for old, new in zip(editions, editions[1:])]
        cache[key] = indicator_steps(editions, comparisons)
    return cache[key]


def indicator_history(editions: list[IndicatorStandardFile], comparisons: list[Comparison]) -> list[dict]:
    """Each indicator of any edition: its name, and per edition what happened to it
    (首次出现, 未变, a change kind with its note, 已撤销, 删除, or absent)."""
    rows = []
    for ind_id, steps in indicator_steps(editions, comparisons).items():
        name = next(f"{ind.num or ''} {ind.name}".strip() for step in reversed(steps) if step.state != "删除"
                    for d in step.edition.dimensions for ind in d.indicators if ind.id == ind_id)
        cells = {step.edition.edition.year: _step_cell(step) for step in steps}
        rows.append({"id": ind_id, "name": md(name),
                     "cells": [md(cells.get(e.edition.year, "")) for e in editions]})
    return rows


def _step_cell(step: Step) -> str:
    if step.state == "修订":
        return "；".join(c.kind + (f"（{c.note}）" if c.note else "") for c in step.changes)
    return step.state
