"""Semantic comparison of two revisions of the policy data: what changed, clause by clause.

Both sides are flattened into ``Record``s keyed by ID (a provision is ``doc#prov``, an indicator
``standard#indicator`` …), so a reordered key, a re-saved file or a reflowed paragraph is no
change, and a clause that moved is still the same clause. Each difference becomes one
``Change`` of one of seven kinds:

新增 / 删除   the ID exists on one side only (删除 also when an item is withdrawn as 废止);
合并 / 拆分   the item is withdrawn on the new side and its ``withdrawn`` pointer says so;
移动          a new parent, a new position among its siblings (only items whose relative order
              changed, found by a longest common subsequence, so an insertion moves nothing),
              or withdrawn with kind 移动;
实质修改      a text differs in content, or an annotation that states a requirement differs
              (units, lead units, subjects, duties, frequency, deadline, category, targets,
              points, caps, veto, document facts such as 文号 or 状态);
文字调整      texts differ only in punctuation, function words or the form of a digit, or only
              editorial annotations changed: the printed number (编号, e.g. after an insertion
              above), glossary links, tags, cross-references, editor's notes, corrections.

How texts are compared (``wording_change``):

1. ``normalise``: Unicode NFKC (full-width letters, digits and punctuation become half-width),
   Chinese and ASCII variants of one mark made one (“” "" 「」 → ", ‘’ → ', 〔〕【】 → [], —–― → -,
   。 → ., … → ...), whitespace removed next to any non-ASCII character and collapsed to one
   space between ASCII words. Texts equal after this are unchanged (reflowed, re-saved).
2. ``skeleton``: the normalised text without any punctuation or whitespace, without the
   function words in ``FUNCTION_WORDS`` and with the digits 〇一二…九 written as 0…9. Texts with
   equal skeletons differ only in wording: 文字调整. Anything else is 实质修改.

Changed characters are marked over runs, not single characters: a difflib opcode list over
characters whose changed parts separated by a single unchanged character are merged, so a
reworded phrase reads as one deletion and one insertion.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from . import model as m
from .load import LoadedFile
from .wording import frequency_text

KINDS = ("新增", "删除", "实质修改", "文字调整", "移动", "合并", "拆分")

# --------------------------------------------------------------------------- text normalisation

_VARIANTS = str.maketrans({
    "“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"',
    "‘": "'", "’": "'",
    "〔": "[", "〕": "]", "【": "[", "】": "]", "［": "[", "］": "]",
    "—": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "‒": "-", "−": "-", "～": "~",
    "。": ".", "｡": ".", "…": "...", "⋯": "...", "·": "·", "•": "·", "・": "·",
    "\u3000": " ",
})
_SPACE = re.compile(r"\s+")
_SPACE_NEAR_WIDE = re.compile(r"\s*([^\x00-\x7f])\s*")

# Words whose presence or absence does not change what a clause requires.
FUNCTION_WORDS = ("以及", "并且", "或者", "的", "之", "和", "与", "及", "并", "或", "等", "其", "了", "着")
_FUNCTION = re.compile("|".join(FUNCTION_WORDS))
_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def normalise(text: str | None) -> str:
    """What is left of a text once width, punctuation variants and line breaks are ignored."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_VARIANTS)
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_NEAR_WIDE.sub(r"\1", text)


def skeleton(text: str | None) -> str:
    """The content of a text: normalised, without punctuation, whitespace and function words."""
    kept = "".join(ch for ch in normalise(text) if not unicodedata.category(ch).startswith(("P", "Z"))
                   and not ch.isspace())
    return _FUNCTION.sub("", kept).translate(_DIGITS)


def wording_change(old: str | None, new: str | None) -> str | None:
    """None when two texts say the same, else 文字调整 or 实质修改 (see the module docstring)."""
    if normalise(old) == normalise(new):
        return None
    return "文字调整" if skeleton(old) == skeleton(new) else "实质修改"


def display_text(text: str | None) -> str:
    """A text as shown in a comparison: its own characters, line breaks of the source removed."""
    if not text:
        return ""
    return _SPACE_NEAR_WIDE.sub(r"\1", _SPACE.sub(" ", text).strip())


@dataclass(frozen=True)
class Piece:
    """A run of a compared text: ``=`` unchanged, ``-`` only in the old text, ``+`` only in the new."""

    op: str
    text: str


def text_pieces(old: str | None, new: str | None) -> list[Piece]:
    """The old and new text as one sequence of unchanged, deleted and inserted runs."""
    a, b = display_text(old), display_text(new)
    codes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged: list[list] = []  # [tag, i1, i2, j1, j2]
    for tag, i1, i2, j1, j2 in codes:
        if merged and tag != "equal" and merged[-1][0] != "equal":
            merged[-1] = ["replace", merged[-1][1], i2, merged[-1][3], j2]
        elif (tag in ("replace", "delete") and len(merged) >= 2 and merged[-1][0] == "equal"
              and merged[-1][2] - merged[-1][1] <= 1 and merged[-2][0] in ("replace", "delete")):
            # one unchanged character between two rewordings: one reworded phrase, not two
            merged.pop()
            merged[-1] = ["replace", merged[-1][1], i2, merged[-1][3], j2]
        else:
            merged.append([tag, i1, i2, j1, j2])
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in merged:
        if tag == "equal":
            pieces.append(Piece("=", a[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(Piece("-", a[i1:i2]))
        if j2 > j1:
            pieces.append(Piece("+", b[j1:j2]))
    return _join_equal(pieces)


def _join_equal(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if out and out[-1].op == piece.op:
            out[-1] = Piece(piece.op, out[-1].text + piece.text)
        else:
            out.append(piece)
    return out


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Record:
    """One comparable thing of one side, flattened: its texts and its facts, keyed by ID."""

    family: str  # provision, list-item, indicator, rule, dimension, case, document, …
    container: str  # id of the file-level entity it belongs to ("" for registry members)
    id: str
    parent: str | None  # parent within the container (provision id, dimension id, …)
    order: int  # position in reading order of its container
    label: str  # how a reader recognises it: number and heading, or name
    texts: tuple[tuple[str, str | None], ...]  # (field label, text)
    facts: tuple[tuple[str, object], ...]  # (field label, comparable value)
    path: str  # the file it comes from
    withdrawn: m.Withdrawal | None = None
    ordered: bool = True  # whether its position among siblings means anything
    shown_id: str | None = None  # the id a reader sees, when ``id`` was paired with another side's

    @property
    def display_id(self) -> str:
        return self.shown_id or self.id

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.family, self.container, self.id)


FAMILY_NAMES = {
    "document": "文件", "provision": "条款", "list": "责任清单", "list-item": "清单条目",
    "standard": "指标评价标准", "dimension": "维度", "indicator": "指标", "rule": "计分规则",
    "case-set": "情形集", "case": "情形", "term": "术语", "unit": "单位", "role": "角色",
    "study": "专题学习",
}


def _fact(value) -> object:
    """A field value in a form that compares and prints well."""
    if value is None:
        return None
    if isinstance(value, m.Frequency):
        return frequency_text(value)
    if isinstance(value, m.YearRange):
        return f"{value.start}—{value.end}"
    if isinstance(value, m.Edition):
        return f"{value.series} {value.year}" + (f"（{value.label}）" if value.label else "")
    if isinstance(value, m.Target):
        return value.text
    if isinstance(value, (m.Source, m.TermSource, m.Correction, m.Figure, m.Excerpt, m.Duty, m.StudyClause)):
        return repr(value.model_dump(exclude_defaults=True))
    if isinstance(value, list):
        return tuple(_fact(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value if isinstance(value, (str, int)) else str(value)


def _facts(entity, names: dict[str, str]) -> tuple[tuple[str, object], ...]:
    return tuple((label, _fact(getattr(entity, name, None))) for name, label in names.items())


_ANNOTATIONS = {
    "num": "编号", "units": "责任单位", "lead_units": "牵头单位", "subjects": "责任主体",
    "frequency": "频次", "deadline": "时限", "category": "类别", "targets": "量化目标", "tags": "标签",
    "terms": "术语", "cites": "引用条款", "corrections": "更正", "transcribed": "逐字转录",
}


def _clause_texts(entity) -> tuple:
    texts = []
    if hasattr(entity, "heading"):
        texts.append(("标题", entity.heading))
    texts.append(("正文", entity.text))
    texts.append(("编者注", entity.note))
    return tuple(texts)


def _duties_fact(provision: m.Provision) -> tuple:
    return tuple(f"{'、'.join(d.subjects)}：{normalise(d.text)}"
                 + (f"（{frequency_text(d.frequency)}）" if d.frequency else "")
                 + (f"〈{d.responsibility}〉" if d.responsibility else "") for d in provision.duties)


def records_of(loaded: LoadedFile) -> list[Record]:
    """Every record of one loaded file, in reading order."""
    model, path = loaded.model, loaded.display
    if isinstance(model, m.DocumentFile):
        return _document_records(model, path)
    if isinstance(model, m.ResponsibilityListFile):
        return _list_records(model, path)
    if isinstance(model, m.IndicatorStandardFile):
        return standard_records(model, path)
    if isinstance(model, m.CaseSetFile):
        return _case_records(model, path)
    if isinstance(model, m.StudySessionFile):
        return [Record("study", model.id, model.id, None, 0, model.title, (("标题", model.title),),
                       _facts(model, {"audience": "对象", "duration_minutes": "时长（分钟）", "objectives": "学习目标",
                                      "clauses": "学习条款", "terms": "术语", "questions": "讨论题", "sample": "示例数据"}),
                       path, ordered=False)]
    if isinstance(model, m.GlossaryFile):
        return [Record("term", "", t.id, None, i, t.term, (("术语", t.term), ("释义", t.definition)),
                       _facts(t, {"aliases": "别称", "expansion": "展开", "definition_source": "释义来源",
                                  "source": "出处", "related": "相关术语"}), path, ordered=False)
                for i, t in enumerate(model.terms)]
    if isinstance(model, m.UnitsFile):
        return [Record("unit", "", u.id, None, i, u.name, (("名称", u.name),),
                       _facts(u, {"aliases": "别称", "region": "地区", "parent": "上级单位"}), path, ordered=False)
                for i, u in enumerate(model.units)]
    if isinstance(model, m.RolesFile):
        return [Record("role", "", r.id, None, i, r.name, (("名称", r.name), ("说明", r.description)),
                       _facts(r, {"aliases": "别称", "kind": "类型", "parent": "上级角色"}), path, ordered=False)
                for i, r in enumerate(model.roles)]
    return []


def _document_records(doc: m.DocumentFile, path: str) -> list[Record]:
    records = [Record("document", doc.id, doc.id, None, 0, doc.title,
                      (("标题", doc.title), ("简称", doc.short_title), ("提要", doc.summary)),
                      _facts(doc, {"kind": "文种", "issuer": "发文机关", "issuer_units": "发文单位",
                                   "doc_number": "文号", "issued": "印发日期", "effective": "施行日期",
                                   "status": "状态", "region": "地区", "level": "层级", "period": "实施期间",
                                   "year": "年份", "basis": "上位依据", "external_basis": "其他上位依据",
                                   "structure": "结构", "sample": "示例数据"}),
                      path, ordered=False)]
    stack = [(None, "", p) for p in reversed(doc.body)]
    while stack:
        parent, number, prov = stack.pop()
        number = number + (prov.num or "")
        label = " ".join(x for x in (number, prov.heading or _start(prov.text)) if x)
        facts = _facts(prov, _ANNOTATIONS) + (("义务", _duties_fact(prov)), ("状态", prov.status))
        records.append(Record("provision", doc.id, prov.id, parent, len(records), label, _clause_texts(prov),
                              facts, path, prov.withdrawn))
        stack.extend((prov.id, number, child) for child in reversed(prov.children))
    return records


def _start(text: str | None, length: int = 20) -> str:
    text = display_text(text)
    return text[:length] + ("…" if len(text) > length else "")


def _list_records(lst: m.ResponsibilityListFile, path: str) -> list[Record]:
    records = [Record("list", lst.id, lst.id, None, 0, lst.title, (("标题", lst.title), ("提要", lst.summary)),
                      _facts(lst, {"document": "所属文件", "issuer": "印发机关", "stated_count": "原文所述条数",
                                   "sample": "示例数据"}), path, ordered=False)]
    for section in lst.sections:
        parent = f"{section.subject}·{section.responsibility}"
        for item in section.items:
            label = " ".join(x for x in (item.num, _start(item.text)) if x)
            facts = _facts(item, _ANNOTATIONS) + (("状态", item.status),)
            records.append(Record("list-item", lst.id, item.id, parent, len(records), label, _clause_texts(item),
                                  facts, path, item.withdrawn))
    return records


def standard_records(std: m.IndicatorStandardFile, path: str) -> list[Record]:
    """The records of an indicator standard: itself, dimensions, indicators, scoring rules."""
    records = [Record("standard", std.id, std.id, None, 0, std.title, (("标题", std.title), ("提要", std.summary)),
                      _facts(std, {"evaluates": "评价对象", "evaluated_roles": "评价对象角色", "document": "配套文件",
                                   "base_score": "基本分", "bonus_cap": "加分上限", "sample": "示例数据"}),
                      path, ordered=False)]
    for dim in std.dimensions:
        records.append(Record("dimension", std.id, dim.id, None, len(records), dim.category, (),
                              _facts(dim, {"category": "类别", "points": "分值"}), path))
        for ind in dim.indicators:
            label = " ".join(x for x in (ind.num, ind.name) if x)
            records.append(Record("indicator", std.id, ind.id, dim.id, len(records), label,
                                  (("指标名称", ind.name), ("评价内容", ind.content), ("评分规则", ind.rule)),
                                  _facts(ind, {"num": "编号", "points": "分值", "veto": "一票否决", "evidence": "佐证材料",
                                               "subjects": "责任主体", "cites": "依据条款", "status": "状态"}),
                                  path, ind.withdrawn))
            for word, rules in (("扣分", ind.deductions), ("奖励", ind.bonuses)):
                for rule in rules:
                    facts = (("类型", word),) + _facts(rule, {"points": "分值", "per": "计分单位", "cap": "封顶",
                                                             "status": "状态"})
                    records.append(Record("rule", std.id, rule.id, ind.id, len(records), f"{word}：{_start(rule.condition)}",
                                          (("情形", rule.condition),), facts, path, rule.withdrawn))
    return records


def _case_records(cs: m.CaseSetFile, path: str) -> list[Record]:
    records = [Record("case-set", cs.id, cs.id, None, 0, cs.title, (("标题", cs.title), ("提要", cs.summary)),
                      _facts(cs, {"kind": "类型", "document": "出处文件", "provision": "出处条款",
                                  "stated_count": "原文所述数量", "sample": "示例数据"}), path, ordered=False)]
    for item in cs.items:
        records.append(Record("case", cs.id, item.id, None, len(records), " ".join(x for x in (item.num, _start(item.text)) if x),
                              (("正文", item.text),), _facts(item, {"num": "编号", "transcribed": "逐字转录"}), path))
    return records


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class Detail:
    """One field of a changed record: a marked text, a value change, or items added/removed."""

    label: str
    old: object = None
    new: object = None
    pieces: tuple[Piece, ...] = ()
    added: tuple = ()
    removed: tuple = ()
    wording: str | None = None  # 文字调整 / 实质修改 for texts


@dataclass(frozen=True)
class Change:
    kind: str
    family: str
    container: str
    id: str
    label: str
    path: str
    order: float
    details: tuple[Detail, ...] = ()
    note: str | None = None  # e.g. 并入 yasi-zeren-1

    @property
    def family_name(self) -> str:
        return FAMILY_NAMES.get(self.family, self.family)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind, "family": self.family, "family_name": self.family_name,
            "container": self.container, "id": self.id, "label": self.label, "path": self.path,
            "note": self.note,
            "details": [_detail_dict(d) for d in self.details],
        }


def _detail_dict(d: Detail) -> dict:
    out: dict = {"label": d.label}
    if d.pieces:
        out["wording"] = d.wording
        out["old"], out["new"] = d.old, d.new
        out["pieces"] = [[p.op, p.text] for p in d.pieces]
    elif d.added or d.removed:
        out["added"], out["removed"] = list(d.added), list(d.removed)
    else:
        out["old"], out["new"] = d.old, d.new
    return out


@dataclass(frozen=True)
class Totals:
    """Points of one indicator standard on both sides, for the lines that differ."""

    container: str
    label: str
    path: str
    rows: tuple[tuple[str, str | None, str | None], ...]  # (what, old points, new points)

    def as_dict(self) -> dict:
        return {"container": self.container, "label": self.label, "path": self.path,
                "rows": [{"label": r[0], "old": r[1], "new": r[2]} for r in self.rows]}


@dataclass
class Comparison:
    """Everything that differs between two sides."""

    old_name: str
    new_name: str
    changes: list[Change] = field(default_factory=list)
    totals: list[Totals] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # group (see ``group_of``) → heading

    def groups(self) -> list[tuple[str, list[Change]]]:
        """Changes grouped by the file-level entity (or registry) they belong to, in order."""
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            grouped.setdefault(group_of(change), []).append(change)
        return list(grouped.items())

    def counts(self) -> dict[str, int]:
        counts = {kind: 0 for kind in KINDS}
        for change in self.changes:
            counts[change.kind] += 1
        return counts

    def as_dict(self) -> dict:
        return {"old": self.old_name, "new": self.new_name,
                "changes": [c.as_dict() for c in self.changes],
                "totals": [t.as_dict() for t in self.totals],
                "counts": self.counts()}


def group_of(item) -> str:
    """File-level entities group their parts; registry members group by kind (术语, 单位, 角色)."""
    return item.container or FAMILY_NAMES.get(item.family, item.family)


def headers_of(*sides: dict[tuple, Record]) -> dict[str, str]:
    """A heading per group, from the newest side that has it."""
    headers: dict[str, str] = {}
    for records in sides:
        for record in records.values():
            if record.container == "":
                headers[group_of(record)] = f"{FAMILY_NAMES[record.family]}（{record.path}）"
            elif record.id == record.container:
                headers[record.container] = f"{FAMILY_NAMES[record.family]} {record.display_id}：{record.label}（{record.path}）"
    return headers


def index_records(records: Iterable[Record]) -> dict[tuple, Record]:
    return {r.key: r for r in records}


def compare_records(old: dict[tuple, Record], new: dict[tuple, Record]) -> list[Change]:
    """Every change between two sides' records, in reading order of the new side."""
    changes: list[Change] = []
    moved = _moved_keys(old, new)
    for key, after in new.items():
        before = old.get(key)
        if before is None:
            changes.append(Change("新增", after.family, after.container, after.id, after.label, after.path, after.order))
            continue
        changes.extend(_changes_of(before, after, moved.get(key)))
    new_orders = {k: r.order for k, r in new.items()}
    for key, before in old.items():
        if key not in new:
            changes.append(Change("删除", before.family, before.container, before.id, before.label, before.path,
                                  _order_for_removed(key, old, new_orders)))
    containers = list(dict.fromkeys([*(k[1] for k in new), *(k[1] for k in old)]))
    rank = {c: i for i, c in enumerate(containers)}
    changes.sort(key=lambda c: (rank[c.container], c.order, KINDS.index(c.kind)))
    return changes


def _order_for_removed(key, old: dict, new_orders: dict) -> float:
    """A removed record sits just after the nearest preceding record that still exists."""
    before = old[key]
    best = -1.0
    for k, r in old.items():
        if k[1] == key[1] and r.order < before.order and k in new_orders:
            best = max(best, new_orders[k])
    return best + 0.5


def _changes_of(before: Record, after: Record, move: str | None) -> list[Change]:
    out: list[Change] = []
    base = dict(family=after.family, container=after.container, id=after.display_id, label=after.label,
                path=after.path, order=after.order)
    details = _text_details(before, after) + _fact_details(before, after)
    became_withdrawn = after.withdrawn is not None and before.withdrawn is None
    if became_withdrawn:
        w = after.withdrawn
        kind = {"合并": "合并", "拆分": "拆分", "移动": "移动", "废止": "删除"}[w.kind]
        note = {"合并": "并入 ", "拆分": "拆分为 ", "移动": "移至 ", "废止": "废止"}[w.kind] + "、".join(w.to)
        if w.note:
            note += f"（{w.note}）"
        details = tuple(d for d in details if d.label != "状态")
        out.append(Change(kind, details=details, note=note, **base))
    elif details:
        substantive = any(d.wording != "文字调整" for d in details)
        out.append(Change("实质修改" if substantive else "文字调整", details=details, **base))
    if move:
        out.append(Change("移动", note=move, **base))
    return out


def _text_details(before: Record, after: Record) -> tuple[Detail, ...]:
    old_texts = dict(before.texts)
    details = []
    for label, new_text in after.texts:
        old_text = old_texts.get(label)
        wording = wording_change(old_text, new_text)
        if wording is None:
            continue
        details.append(Detail(label, display_text(old_text) or None, display_text(new_text) or None,
                              tuple(text_pieces(old_text, new_text)),
                              wording="文字调整" if label in EDITORIAL else wording))
    return tuple(details)


def _fact_details(before: Record, after: Record) -> tuple[Detail, ...]:
    old_facts = dict(before.facts)
    details = []
    for label, new_value in after.facts:
        old_value = old_facts.get(label)
        if _same_fact(old_value, new_value):
            continue
        if isinstance(old_value, tuple) or isinstance(new_value, tuple):
            old_items, new_items = list(old_value or ()), list(new_value or ())
            added = tuple(x for x in new_items if x not in old_items)
            removed = tuple(x for x in old_items if x not in new_items)
            wording = _fact_wording(label)
            if added or removed:
                details.append(Detail(label, added=added, removed=removed, wording=wording))
            else:
                details.append(Detail(label, "、".join(map(str, old_items)), "、".join(map(str, new_items)),
                                      wording=wording))
        else:
            details.append(Detail(label, old_value, new_value, wording=_fact_wording(label)))
    return tuple(details)


# Annotations an editor adds for readers; changing them changes no requirement.
EDITORIAL = frozenset({"编号", "术语", "标签", "引用条款", "更正", "逐字转录", "编者注"})


def _fact_wording(label: str) -> str | None:
    return "文字调整" if label in EDITORIAL else None


def _same_fact(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return normalise(a) == normalise(b)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same_fact(x, y) for x, y in zip(a, b))
    if a in (None, (), "") and b in (None, (), ""):
        return True
    return a == b


def _moved_keys(old: dict[tuple, Record], new: dict[tuple, Record]) -> dict[tuple, str]:
    """Records with a new parent, or whose order among unchanged siblings changed."""
    moved: dict[tuple, str] = {}
    common = [k for k in new if k in old and new[k].ordered]
    siblings_old: dict[tuple, list] = defaultdict(list)
    siblings_new: dict[tuple, list] = defaultdict(list)
    for k in common:
        a, b = old[k], new[k]
        if a.parent != b.parent:
            moved[k] = f"从 {a.parent or '顶层'} 移至 {b.parent or '顶层'}"
            continue
        siblings_new[(k[0], k[1], b.parent)].append(k)
    for k in sorted(common, key=lambda k: old[k].order):
        if k not in moved:
            siblings_old[(k[0], k[1], old[k].parent)].append(k)
    for group, new_seq in siblings_new.items():
        old_seq = siblings_old[group]
        matcher = difflib.SequenceMatcher(None, old_seq, new_seq, autojunk=False)
        kept = {x for block in matcher.get_matching_blocks() for x in old_seq[block.a:block.a + block.size]}
        for k in new_seq:
            if k not in kept:
                moved[k] = (f"位置：第 {old_seq.index(k) + 1} 项 → 第 {new_seq.index(k) + 1} 项"
                            f"（{new[k].parent or '顶层'} 之下）")
    return moved


def standard_totals(old: m.IndicatorStandardFile | None, new: m.IndicatorStandardFile | None,
                    path: str) -> Totals | None:
    """Dimension points, active indicator sums and the base score, where either side differs."""
    def lines(std):
        if std is None:
            return {}
        out = {}
        for dim in std.dimensions:
            active = sum(i.points for i in dim.indicators if i.status == m.ItemStatus.active.value)
            out[f"{dim.category}（{dim.id}）"] = f"{dim.points:g}" + (f"（指标合计 {active:g}）" if abs(active - dim.points) > 1e-9 and dim.indicators else "")
        out["基本分"] = f"{std.base_score:g}"
        out["各维度合计"] = f"{sum(d.points for d in std.dimensions):g}"
        if std.bonus_cap is not None:
            out["加分上限"] = f"{std.bonus_cap:g}"
        return out
    a, b = lines(old), lines(new)
    if a == b:
        return None
    labels = list(dict.fromkeys([*b, *a]))
    rows = tuple((label, a.get(label), b.get(label)) for label in labels)
    std = new or old
    return Totals(std.id, std.title, path, rows)


def compare_files(old_files: list[LoadedFile], new_files: list[LoadedFile], old_name: str, new_name: str,
                  *, pair_containers: dict[str, str] | None = None) -> Comparison:
    """Compare two sides given as loaded files. ``pair_containers`` maps a new container id to
    the old one it continues (two editions of one standard compared with each other)."""
    pair = pair_containers or {}
    old_records = index_records(r for f in old_files for r in records_of(f))
    new_records = index_records(_renamed(r, pair) for f in new_files for r in records_of(f))
    comparison = Comparison(old_name, new_name, compare_records(old_records, new_records),
                            headers=headers_of(old_records, new_records))
    old_std = {f.model.id: f for f in old_files if isinstance(f.model, m.IndicatorStandardFile)}
    new_std = {pair.get(f.model.id, f.model.id): f for f in new_files if isinstance(f.model, m.IndicatorStandardFile)}
    for sid in dict.fromkeys([*new_std, *old_std]):
        a, b = old_std.get(sid), new_std.get(sid)
        if a and b:
            totals = standard_totals(a.model, b.model, b.display)
            if totals:
                comparison.totals.append(totals)
    return comparison


def _renamed(record: Record, pair: dict[str, str]) -> Record:
    if record.container not in pair:
        return record
    from dataclasses import replace

    old_id = pair[record.container]
    if record.id != record.container:
        return replace(record, container=old_id)
    return replace(record, container=old_id, id=old_id, shown_id=f"{old_id} → {record.id}")


def filter_paths(comparison: Comparison, prefixes: list[str]) -> Comparison:
    """Only the changes in files under one of ``prefixes`` (paths as displayed)."""
    if not prefixes:
        return comparison

    def keep(path: str) -> bool:
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)

    return Comparison(comparison.old_name, comparison.new_name,
                      [c for c in comparison.changes if keep(c.path)],
                      [t for t in comparison.totals if keep(t.path)], comparison.headers)


# --------------------------------------------------------------------------- sides: revisions, folders, files


class RevisionError(Exception):
    """A side that cannot be read: not a git repository, an unknown revision, a missing path."""


@dataclass
class Side:
    """One side of a comparison: a name for the reader and the files it holds."""

    name: str
    files: list[LoadedFile]


def side_from_path(path) -> Side:
    """A folder (a whole corpus, cross-references checked) or a single data file."""
    from pathlib import Path

    from .corpus import load_corpus
    from .fmt import kind_for
    from .load import load_file
    from .problems import PolicyError, Problem

    path = Path(path)
    if path.is_dir():
        return Side(str(path), load_corpus(path).files)
    kind = kind_for(path)
    if kind is None:
        raise PolicyError([Problem(str(path), 1, 1, "无法判断文件类型：数据文件必须放在 "
                                   + "、".join(f"{k}/" for k in m.FILE_KINDS) + " 之一中", None, "kind")])
    return Side(str(path), [load_file(path, kind, str(path))])


def git(repo, *args: str, binary: bool = False):
    import subprocess

    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True)
    if result.returncode != 0:
        raise RevisionError(result.stderr.decode("utf-8", "replace").strip())
    return result.stdout if binary else result.stdout.decode("utf-8").strip()


def repository_top(start) -> "Path":
    from pathlib import Path

    try:
        return Path(git(start, "rev-parse", "--show-toplevel"))
    except (RevisionError, FileNotFoundError):
        raise RevisionError(f"{start} 不在 git 仓库中") from None


def side_from_revision(repo, revision: str, root: str, workdir) -> Side:
    """The corpus folder ``root`` (relative to the repository top) as committed in ``revision``."""
    import io
    import tarfile
    from pathlib import Path

    from .corpus import load_corpus
    from .problems import PolicyError, Problem

    try:
        commit = git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except RevisionError:
        raise RevisionError(f"无效的版本：{revision}（不是本仓库中的提交、分支或标签）") from None
    target = Path(workdir) / commit[:12]
    target.mkdir(parents=True, exist_ok=True)
    if git(repo, "ls-tree", "-d", "--name-only", commit, "--", root.rstrip("/")):
        archive = git(repo, "archive", "--format=tar", commit, "--", root, binary=True)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    folder = target / root
    folder.mkdir(parents=True, exist_ok=True)
    try:
        corpus = load_corpus(folder, display_base=target)
    except PolicyError as exc:
        raise PolicyError([Problem(f"{revision}:{p.path}", p.line, p.column, p.message, p.hint, p.code)
                           for p in exc.problems]) from None
    return Side(revision, corpus.files)


def side_from_worktree(repo, root: str) -> Side:
    from pathlib import Path

    from .corpus import load_corpus

    folder = Path(repo) / root
    return Side("工作区", load_corpus(folder, display_base=Path(repo)).files if folder.exists() else [])


def compare_sides(old: Side, new: Side, *, pair_single_files: bool = False) -> Comparison:
    """Compare two sides; two single files of one kind are paired whatever their ids."""
    pair = {}
    if pair_single_files and len(old.files) == 1 and len(new.files) == 1:
        a, b = old.files[0].model, new.files[0].model
        if type(a) is type(b) and getattr(a, "id", None) and getattr(b, "id", None) and a.id != b.id:
            pair = {b.id: a.id}
    return compare_files(old.files, new.files, old.name, new.name, pair_containers=pair)


def compare_editions(old: m.IndicatorStandardFile, new: m.IndicatorStandardFile) -> Comparison:
    """Two editions of one series, aligned by the ids inside them."""
    old_records = index_records(standard_records(old, old.id))
    new_records = index_records(_renamed(r, {new.id: old.id}) for r in standard_records(new, new.id))
    comparison = Comparison(old.id, new.id, compare_records(old_records, new_records),
                            headers=headers_of(old_records, new_records))
    totals = standard_totals(old, new, new.id)
    if totals:
        comparison.totals.append(totals)
    return comparison
