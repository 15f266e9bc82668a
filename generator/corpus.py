"""The validated whole: every file loaded, cross-references checked, lookups ready.

Everything downstream (pages, search, exports, diff) reads a ``Corpus``; nothing reads YAML
again. Derived views that several outputs share (clauses with inherited annotations, the
obligations of each role, the tasks of each unit) are computed here once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .load import LoadedFile, Loc, load_tree
from .model import (
    CATEGORY_ORDER,
    CaseSetFile,
    DocumentFile,
    Frequency,
    IndicatorStandardFile,
    ItemStatus,
    Provision,
    ResponsibilityListFile,
    Role,
    StudySessionFile,
    Term,
    Unit,
)
from .problems import PolicyError, Problem

_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text with all whitespace removed: how clause texts are compared with each other."""
    return _WS.sub("", text or "")


# --------------------------------------------------------------------------- derived records


@dataclass(frozen=True)
class Clause:
    """A provision in its document, with the annotations it inherits from its ancestors."""

    document: DocumentFile
    provision: Provision
    parents: tuple[Provision, ...]
    loc: Loc
    order: int  # position in document order

    @property
    def ref(self) -> str:
        return f"{self.document.id}#{self.provision.id}"

    @property
    def number(self) -> str:
        """The clause's printed numbering from the top, e.g. 二、(一)1."""
        return "".join(p.num or "" for p in (*self.parents, self.provision))

    @property
    def label(self) -> str:
        """Heading, or the start of the text: what a link to this clause shows."""
        p = self.provision
        if p.heading:
            return p.heading
        text = squash(p.text or "")
        return text[:24] + ("…" if len(text) > 24 else "")

    def _inherit(self, name: str):
        for node in (self.provision, *reversed(self.parents)):
            value = getattr(node, name)
            if value:
                return value
        return None

    @property
    def units(self) -> list[str]:
        return list(self._inherit("units") or [])

    @property
    def lead_units(self) -> list[str]:
        return list(self._inherit("lead_units") or [])

    @property
    def category(self) -> str | None:
        return self._inherit("category")

    @property
    def active(self) -> bool:
        return all(p.status == ItemStatus.active.value for p in (*self.parents, self.provision))


@dataclass(frozen=True)
class Obligation:
    """Who must do what, how often, and where it is written — one row of a role's page."""

    key: str  # stable: "doc#prov", "doc#prov~2" (2nd duty), "list#item"
    text: str
    subjects: tuple[str, ...]
    responsibility: str | None
    frequency: Frequency | None
    category: str | None
    units: tuple[str, ...]
    lead_units: tuple[str, ...]
    source_kind: str  # "document" | "list"
    source_id: str
    anchor: str
    number: str


# --------------------------------------------------------------------------- the corpus


@dataclass
class Corpus:
    root: Path
    files: list[LoadedFile]
    documents: dict[str, DocumentFile] = field(default_factory=dict)
    lists: dict[str, ResponsibilityListFile] = field(default_factory=dict)
    standards: dict[str, IndicatorStandardFile] = field(default_factory=dict)
    case_sets: dict[str, CaseSetFile] = field(default_factory=dict)
    studies: dict[str, StudySessionFile] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    file_of: dict[int, LoadedFile] = field(default_factory=dict, repr=False)  # id(model) → file
    clauses: dict[str, Clause] = field(default_factory=dict)  # "doc#prov" → Clause

    # ---- lookups

    def forget_positions(self) -> None:
        """Drop the line:column of every value, kept for error messages: a validated corpus
        that is only rendered needs none, and for a large corpus they are a third of its memory."""
        for f in self.files:
            f.values, f.keys = {}, {}

    def source_file(self, entity) -> LoadedFile:
        return self.file_of[id(entity)]

    def clauses_of(self, document_id: str) -> list[Clause]:
        return list(self._clauses_by_document.get(document_id, ()))

    @cached_property
    def _clauses_by_document(self) -> dict[str, list[Clause]]:
        # One pass instead of a scan of every clause per document (quadratic at thousands of documents).
        by_doc: dict[str, list[Clause]] = {}
        for clause in self.clauses.values():
            by_doc.setdefault(clause.document.id, []).append(clause)
        return by_doc

    def unit_named(self, name: str) -> Unit | None:
        """A unit by its id, name or any alias (市纪委监委 and 市纪委监委机关 are one unit)."""
        return self._unit_names.get(name) or self.units.get(name)

    @cached_property
    def _unit_names(self) -> dict[str, Unit]:
        names = {}
        for unit in self.units.values():
            for name in (unit.name, *unit.aliases):
                names.setdefault(name, unit)
        return names

    def is_sample(self, entity_id: str) -> bool:
        for table in (self.documents, self.lists, self.standards, self.case_sets, self.studies):
            if entity_id in table:
                return bool(table[entity_id].sample)
        return False

    @cached_property
    def obligations(self) -> list[Obligation]:
        """Every obligation in the corpus, in document order then list order."""
        result: list[Obligation] = []
        for clause in self.clauses.values():
            if not clause.active:
                continue
            p = clause.provision
            common = dict(units=tuple(clause.units), lead_units=tuple(clause.lead_units),
                          source_kind="document", source_id=clause.document.id, anchor=p.id,
                          number=clause.number)
            if p.duties:
                for i, duty in enumerate(p.duties, start=1):
                    result.append(Obligation(
                        key=clause.ref if i == 1 else f"{clause.ref}~{i}", text=duty.text,
                        subjects=tuple(duty.subjects), responsibility=duty.responsibility,
                        frequency=duty.frequency or p.frequency,
                        category=duty.category or clause.category, **common))
            elif p.subjects and (p.text or p.heading):
                result.append(Obligation(
                    key=clause.ref, text=p.text or p.heading, subjects=tuple(p.subjects),
                    responsibility=None, frequency=p.frequency, category=clause.category, **common))
        for lst in self.lists.values():
            for section in lst.sections:
                for item in section.items:
                    if item.status != ItemStatus.active.value:
                        continue
                    subjects = tuple(dict.fromkeys([section.subject, *item.subjects]))
                    result.append(Obligation(
                        key=f"{lst.id}#{item.id}", text=item.text, subjects=subjects,
                        responsibility=section.responsibility, frequency=item.frequency,
                        category=item.category, units=tuple(item.units), lead_units=tuple(item.lead_units),
                        source_kind="list", source_id=lst.id, anchor=item.id, number=item.num or ""))
        return result

    @cached_property
    def obligations_by_role(self) -> dict[str, list[Obligation]]:
        """Role id → its obligations; a role also inherits those of its parent roles' children? No:
        a specific role (市委书记) is listed under itself and under each more general role it names
        as parent (党委书记), so the general page gathers every specific instance."""
        by_role: dict[str, list[Obligation]] = defaultdict(list)
        for ob in self.obligations:
            targets: list[str] = []
            for subject in ob.subjects:
                for role_id in self.role_lineage(subject):
                    if role_id not in targets:
                        targets.append(role_id)
            for role_id in targets:
                by_role[role_id].append(ob)
        return dict(by_role)

    def role_lineage(self, role_id: str) -> list[str]:
        """The role and every more general role above it (parent chain)."""
        chain, current = [], role_id
        while current and current not in chain and current in self.roles:
            chain.append(current)
            current = self.roles[current].parent
        return chain

    @cached_property
    def clauses_by_unit(self) -> dict[str, list[Clause]]:
        """Unit id → the clauses it is responsible for (the unit's 任务分解表).

        A clause counts when the unit is named on it or inherited from its group, and the clause
        itself carries text (group headings only pass their units down)."""
        by_unit: dict[str, list[Clause]] = defaultdict(list)
        for clause in self.clauses.values():
            if not clause.active or not clause.provision.text:
                continue
            for unit_id in dict.fromkeys([*clause.lead_units, *clause.units]):
                by_unit[unit_id].append(clause)
        return dict(by_unit)

    @cached_property
    def citations(self) -> dict[str, list[tuple[str, str]]]:
        """Clause ref or document id → [(citing entity kind, citing ref)]: back-links."""
        back: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for clause in self.clauses.values():
            for ref in clause.provision.cites:
                back[ref].append(("clause", clause.ref))
        for doc in self.documents.values():
            for basis in doc.basis:
                back[basis].append(("document", doc.id))
        for lst in self.lists.values():
            for section in lst.sections:
                for item in section.items:
                    for ref in item.cites:
                        back[ref].append(("list", f"{lst.id}#{item.id}"))
        for std in self.standards.values():
            for dim in std.dimensions:
                for ind in dim.indicators:
                    for ref in ind.cites:
                        back[ref].append(("indicator", f"{std.id}#{ind.id}"))
        return dict(back)

    @cached_property
    def editions(self) -> dict[str, list[IndicatorStandardFile]]:
        """Series id → its standards ordered by edition year."""
        series: dict[str, list[IndicatorStandardFile]] = defaultdict(list)
        for std in self.standards.values():
            if std.edition:
                series[std.edition.series].append(std)
        return {k: sorted(v, key=lambda s: s.edition.year) for k, v in sorted(series.items())}

    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "provisions": len(self.clauses),
            "list_items": sum(len(s.items) for l in self.lists.values() for s in l.sections),
            "indicators": sum(len(d.indicators) for s in self.standards.values() for d in s.dimensions),
            "cases": sum(len(c.items) for c in self.case_sets.values()),
            "lists": len(self.lists),
            "case_sets": len(self.case_sets),
            # what the sources state but do not list item by item (e.g. 共32项责任清单)
            "list_items_unlisted": sum(max((l.stated_count or 0) - sum(len(s.items) for s in l.sections), 0)
                                       for l in self.lists.values()),
            "cases_unlisted": sum(max((c.stated_count or 0) - len(c.items), 0) for c in self.case_sets.values()),
            "terms": len(self.terms),
            "units": len(self.units),
            "roles": len(self.roles),
            "studies": len(self.studies),
        }

    def summary_line(self) -> str:
        c = self.counts()
        return (f"{c['documents']} 份文件、{c['provisions']} 个条款、{c['list_items']} 个清单条目、"
                f"{c['indicators']} 个指标、{c['terms']} 个术语、{c['units']} 个单位、{c['roles']} 个角色")


# --------------------------------------------------------------------------- building and checking


def load_corpus(root: Path, display_base: Path | None = None) -> Corpus:
    """Load and validate everything under ``root``; raises PolicyError listing every problem."""
    files, problems, broken = load_tree(Path(root), display_base)
    corpus = Corpus(root=Path(root), files=files)
    problems += _register(corpus)
    problems += _check(corpus, broken)
    if problems:
        raise PolicyError(problems)
    return corpus


_TABLES = {
    "documents": "documents", "lists": "lists", "standards": "standards",
    "cases": "case_sets", "study": "studies",
}
_KIND_WORDS = {"documents": "文件", "lists": "责任清单", "standards": "指标评价标准",
               "cases": "情形集", "study": "专题学习", "glossary": "术语", "units": "单位", "roles": "角色"}


def _register(corpus: Corpus) -> list[Problem]:
    problems: list[Problem] = []
    top_seen: dict[str, tuple[LoadedFile, str]] = {}
    member_seen: dict[str, dict[str, LoadedFile]] = {"glossary": {}, "units": {}, "roles": {}}
    for f in corpus.files:
        model = f.model
        corpus.file_of[id(model)] = f
        if f.kind in _TABLES:
            if model.id in top_seen:
                other, kind = top_seen[model.id]
                problems.append(f.problem(("id",), f"标识 “{model.id}” 重复：{other.display} 中的{_KIND_WORDS[kind]}已使用",
                                          "标识在所有文件、清单、标准、情形集和专题学习中必须唯一"))
                continue
            top_seen[model.id] = (f, f.kind)
            getattr(corpus, _TABLES[f.kind])[model.id] = model
            continue
        attr, members = {"glossary": ("terms", model.__dict__.get("terms")),
                         "units": ("units", model.__dict__.get("units")),
                         "roles": ("roles", model.__dict__.get("roles"))}[f.kind]
        table = getattr(corpus, attr)
        for i, member in enumerate(members):
            corpus.file_of[id(member)] = f
            if member.id in table:
                first = member_seen[f.kind][member.id]
                problems.append(f.problem((attr, i, "id"), f"{_KIND_WORDS[f.kind]}标识 “{member.id}” 重复（{first.display} 中已定义）"))
                continue
            member_seen[f.kind][member.id] = f
            table[member.id] = member
    # clauses, with duplicate provision ids inside a document
    for doc in corpus.documents.values():
        f = corpus.source_file(doc)
        seen: dict[str, Loc] = {}
        order = 0
        stack = [((), (("body", i), p)) for i, p in reversed(list(enumerate(doc.body)))]
        while stack:
            parents, (loc, prov) = stack.pop()
            if prov.id in seen:
                line = f.values.get(seen[prov.id] + ("id",), (0, 0))[0]
                problems.append(f.problem(loc + ("id",), f"条款标识 “{prov.id}” 在本文件中重复（第 {line} 行已使用）",
                                          "同一文件内的条款标识必须唯一"))
                continue
            seen[prov.id] = loc
            clause = Clause(doc, prov, parents, loc, order)
            order += 1
            corpus.clauses[clause.ref] = clause
            corpus.file_of[id(prov)] = f
            for i, child in reversed(list(enumerate(prov.children))):
                stack.append(((*parents, prov), (loc + ("children", i), child)))
    return problems


def _check(corpus: Corpus, broken: dict[str, set[str]] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    checker = _RefChecker(corpus, problems, broken or {})
    basis_graph = {d.id: list(d.basis) for d in corpus.documents.values()}
    for doc in corpus.documents.values():
        f = corpus.source_file(doc)
        checker.many(f, ("issuer_units",), doc.issuer_units, "units")
        checker.many(f, ("basis",), doc.basis, "documents")
        doc_clauses = corpus.clauses_of(doc.id)
        siblings = {c.provision.id for c in doc_clauses}
        for clause in doc_clauses:
            _check_annotations(checker, f, clause.loc, clause.provision, container=doc.id, siblings=siblings)
            p = clause.provision
            for i, duty in enumerate(p.duties):
                checker.many(f, clause.loc + ("duties", i, "subjects"), duty.subjects, "roles")
                if p.text and squash(duty.text) not in squash(p.text):
                    problems.append(f.problem(clause.loc + ("duties", i, "text"),
                                              "义务语句必须摘自本条款正文，但在正文中找不到",
                                              "duties 的 text 应逐字复制条款 text 中的相应句子"))
        problems += _cycles(corpus, f, "documents", basis_graph, doc.id, ("basis",), "上位依据")
    for lst in corpus.lists.values():
        f = corpus.source_file(lst)
        checker.one(f, ("document",), lst.document, "documents")
        item_ids: dict[str, Loc] = {}
        for si, section in enumerate(lst.sections):
            checker.one(f, ("sections", si, "subject"), section.subject, "roles")
            for ii, item in enumerate(section.items):
                loc = ("sections", si, "items", ii)
                if item.id in item_ids:
                    problems.append(f.problem(loc + ("id",), f"清单条目标识 “{item.id}” 在本清单中重复"))
                item_ids.setdefault(item.id, loc)
        for si, section in enumerate(lst.sections):
            for ii, item in enumerate(section.items):
                _check_annotations(checker, f, ("sections", si, "items", ii), item, lst.id, set(item_ids))
    for std in corpus.standards.values():
        problems += _check_standard(corpus, checker, std)
    for cs in corpus.case_sets.values():
        f = corpus.source_file(cs)
        checker.one(f, ("document",), cs.document, "documents")
        checker.clause(f, ("provision",), cs.provision)
        _unique(problems, f, [(("items", i, "id"), it.id) for i, it in enumerate(cs.items)], "情形")
        if cs.stated_count and cs.items and len(cs.items) != cs.stated_count:
            problems.append(f.problem(("items",), f"原文所述情形为 {cs.stated_count} 个，但列出了 {len(cs.items)} 个"))
    for ti, term in enumerate(corpus.terms.values()):
        f = corpus.source_file(term)
        loc = _member_loc(f, "terms", term)
        if term.source:
            checker.one(f, loc + ("source", "document"), term.source.document, "documents")
            checker.clause(f, loc + ("source", "provision"), term.source.provision)
        checker.many(f, loc + ("related",), term.related, "terms")
    for unit in corpus.units.values():
        f = corpus.source_file(unit)
        checker.one(f, _member_loc(f, "units", unit) + ("parent",), unit.parent, "units")
    for role in corpus.roles.values():
        f = corpus.source_file(role)
        checker.one(f, _member_loc(f, "roles", role) + ("parent",), role.parent, "roles")
    problems += _parent_cycles(corpus, "units")
    problems += _parent_cycles(corpus, "roles")
    problems += _alias_clashes(corpus)
    for study in corpus.studies.values():
        f = corpus.source_file(study)
        for i, item in enumerate(study.clauses):
            clause = checker.clause(f, ("clauses", i, "ref"), item.ref)
            if clause and item.excerpt:
                text = squash(clause.provision.text or "")
                start, end = squash(item.excerpt.start), squash(item.excerpt.end)
                if start not in text or end not in text[text.find(start):]:
                    problems.append(f.problem(("clauses", i, "excerpt"),
                                              f"摘录范围在条款 {item.ref} 的正文中找不到",
                                              "start 与 end 须逐字取自条款正文，且 end 在 start 之后"))
        checker.many(f, ("terms",), study.terms, "terms")
    return problems


def _member_loc(f: LoadedFile, attr: str, member) -> Loc:
    for i, m in enumerate(getattr(f.model, attr)):
        if m is member:
            return (attr, i)
    return (attr,)


def _unique(problems, f: LoadedFile, pairs, word: str) -> None:
    seen: set[str] = set()
    for loc, ident in pairs:
        if ident in seen:
            problems.append(f.problem(loc, f"{word}标识 “{ident}” 重复"))
        seen.add(ident)


def _check_annotations(checker: "_RefChecker", f: LoadedFile, loc: Loc, node, container: str, siblings: set[str]) -> None:
    checker.many(f, loc + ("units",), node.units, "units")
    checker.many(f, loc + ("lead_units",), node.lead_units, "units")
    checker.many(f, loc + ("subjects",), node.subjects, "roles")
    checker.many(f, loc + ("terms",), node.terms, "terms")
    for i, ref in enumerate(node.cites):
        checker.clause(f, loc + ("cites", i), ref)
    if node.withdrawn:
        for i, target in enumerate(node.withdrawn.to):
            if target not in siblings:
                checker.problems.append(f.problem(loc + ("withdrawn", "to", i),
                                                  f"撤销去向 “{target}” 在本文件中不存在"))
            elif target == node.id:
                checker.problems.append(f.problem(loc + ("withdrawn", "to", i), "撤销去向不能指向自身"))


class _RefChecker:
    """Checks that references name things that exist, with a close-match hint."""

    _WORDS = {"units": "单位", "roles": "角色", "terms": "术语", "documents": "文件"}

    def __init__(self, corpus: Corpus, problems: list[Problem], broken: dict[str, set[str]]):
        self.corpus = corpus
        self.problems = problems
        self.broken = broken  # ids declared by files that failed: already reported there

    def _table(self, kind: str) -> dict:
        return {"units": self.corpus.units, "roles": self.corpus.roles,
                "terms": self.corpus.terms, "documents": self.corpus.documents}[kind]

    def one(self, f: LoadedFile, loc: Loc, ident: str | None, kind: str) -> None:
        if ident is None or ident in self._table(kind) or ident in self.broken.get(kind, ()):
            return
        from .load import _suggest

        hint = _suggest(ident, self._table(kind))
        if not hint and kind == "units":
            unit = self.corpus.unit_named(ident)
            hint = f"“{ident}” 是单位 {unit.id} 的名称，此处应填标识 {unit.id}" if unit else None
        self.problems.append(f.problem(loc, f"引用了不存在的{self._WORDS[kind]} “{ident}”",
                                       hint or f"请先在 policies/{kind if kind != 'terms' else 'glossary'}/ 中定义"))

    def many(self, f: LoadedFile, loc: Loc, idents, kind: str) -> None:
        for i, ident in enumerate(idents):
            self.one(f, loc + (i,), ident, kind)

    def clause(self, f: LoadedFile, loc: Loc, ref: str | None) -> Clause | None:
        if ref is None:
            return None
        clause = self.corpus.clauses.get(ref)
        if clause is None and ref in self.broken.get("clauses", ()):
            return None
        if clause is None:
            doc_id = ref.split("#", 1)[0]
            if doc_id not in self.corpus.documents:
                self.one(f, loc, doc_id, "documents")
            else:
                from .load import _suggest

                ids = [c.provision.id for c in self.corpus.clauses_of(doc_id)]
                hint = _suggest(ref.split("#", 1)[1], ids)
                self.problems.append(f.problem(loc, f"引用了不存在的条款 “{ref}”（文件 {doc_id} 中没有该条款）", hint))
        return clause


def _check_standard(corpus: Corpus, checker: _RefChecker, std: IndicatorStandardFile) -> list[Problem]:
    """Totals, caps, unique ids and withdrawal targets of one standard (references go to the
    checker's own list)."""
    f = corpus.source_file(std)
    found: list[Problem] = []
    checker.one(f, ("document",), std.document, "documents")
    checker.many(f, ("evaluated_roles",), std.evaluated_roles, "roles")
    ids: list[tuple[Loc, str]] = []
    total = 0.0
    for di, dim in enumerate(std.dimensions):
        ids.append((("dimensions", di, "id"), dim.id))
        total += dim.points
        dim_sum = sum(ind.points for ind in dim.indicators if ind.status == ItemStatus.active.value)
        if dim.indicators and abs(dim_sum - dim.points) > 1e-9:
            diff = dim_sum - dim.points
            found.append(f.problem(("dimensions", di, "points"),
                                   f"维度 “{dim.category}”（{dim.id}）各指标分值合计 {_num(dim_sum)} 分，"
                                   f"与维度分值 {_num(dim.points)} 分不符（{'多' if diff > 0 else '少'} {_num(abs(diff))} 分）"))
        for ii, ind in enumerate(dim.indicators):
            loc = ("dimensions", di, "indicators", ii)
            ids.append((loc + ("id",), ind.id))
            checker.many(f, loc + ("subjects",), ind.subjects, "roles")
            for ci, ref in enumerate(ind.cites):
                checker.clause(f, loc + ("cites", ci), ref)
            for word, rules in (("deductions", ind.deductions), ("bonuses", ind.bonuses)):
                for ri, rule in enumerate(rules):
                    ids.append((loc + (word, ri, "id"), rule.id))
                    limit = rule.cap if rule.cap is not None else rule.points
                    if word == "deductions" and limit > ind.points and not ind.veto:
                        found.append(f.problem(loc + (word, ri, "cap" if rule.cap is not None else "points"),
                                               f"扣分上限 {_num(limit)} 分超过指标 “{ind.name}” 的分值 {_num(ind.points)} 分"))
    if abs(total - std.base_score) > 1e-9:
        diff = total - std.base_score
        found.append(f.problem(("base_score",),
                               f"各维度分值合计 {_num(total)} 分，与基本分 {_num(std.base_score)} 分不符"
                               f"（{'多' if diff > 0 else '少'} {_num(abs(diff))} 分）"))
    _unique(found, f, ids, "维度/指标/计分规则")
    all_ids = {i for _, i in ids}
    for di, dim in enumerate(std.dimensions):
        for ii, ind in enumerate(dim.indicators):
            if ind.withdrawn:
                for ti, target in enumerate(ind.withdrawn.to):
                    if target not in all_ids:
                        found.append(f.problem(("dimensions", di, "indicators", ii, "withdrawn", "to", ti),
                                               f"撤销去向 “{target}” 在本标准中不存在"))
    if std.edition:
        same = [s for s in corpus.standards.values() if s.edition and s.edition.series == std.edition.series
                and s.edition.year == std.edition.year and s is not std]
        if same and corpus.source_file(same[0]).display < f.display:
            found.append(f.problem(("edition", "year"), f"系列 {std.edition.series} 已有 {std.edition.year} 年版本（{same[0].id}）"))
    return found


def _num(value: float) -> str:
    return f"{value:g}"


def _cycles(corpus, f, kind, graph: dict[str, list[str]], start: str, loc: Loc, word: str) -> list[Problem]:
    """A reference cycle that passes through ``start`` (reported once, at its smallest member)."""
    path, stack = [], [(start, iter(graph.get(start, [])))]
    on_path = {start}
    path.append(start)
    while stack:
        node, children = stack[-1]
        nxt = next(children, None)
        if nxt is None:
            stack.pop()
            on_path.discard(path.pop())
            continue
        if nxt == start:
            if start == min(path):
                return [f.problem(loc, f"{word}形成循环引用：{' → '.join(path + [start])}")]
            return []
        if nxt in graph and nxt not in on_path and len(path) < 200:
            on_path.add(nxt)
            path.append(nxt)
            stack.append((nxt, iter(graph.get(nxt, []))))
    return []


def _parent_cycles(corpus: Corpus, attr: str) -> list[Problem]:
    table = getattr(corpus, attr)
    problems = []
    reported: set[str] = set()
    for ident, member in table.items():
        chain, current = [], ident
        while current in table and current not in chain:
            chain.append(current)
            current = table[current].parent
        if current == ident and ident not in reported:
            reported.update(chain)
            f = corpus.source_file(member)
            word = "单位" if attr == "units" else "角色"
            problems.append(f.problem(_member_loc(f, attr, member) + ("parent",),
                                      f"{word}的上级关系形成循环：{' → '.join(chain + [ident])}"))
    return problems


def _alias_clashes(corpus: Corpus) -> list[Problem]:
    """One name (or alias) must mean one unit, one role, one term."""
    problems = []
    for attr, word, name_attr in (("units", "单位", "name"), ("roles", "角色", "name"), ("terms", "术语", "term")):
        owner: dict[str, str] = {}
        for member in getattr(corpus, attr).values():
            f = corpus.source_file(member)
            loc = _member_loc(f, attr if attr != "terms" else "terms", member)
            for name in dict.fromkeys([getattr(member, name_attr), *member.aliases]):
                if name in owner and owner[name] != member.id:
                    problems.append(f.problem(loc, f"{word}名称或别名 “{name}” 同时属于 {owner[name]} 和 {member.id}",
                                              "同一个名称只能指向一个条目"))
                owner.setdefault(name, member.id)
    return problems


def category_rank(category: str | None) -> int:
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER)
