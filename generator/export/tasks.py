"""The 任务分解表: every clause that names responsible units, as a workbook (one sheet for the
whole corpus, one per unit up to ``MAX_UNIT_SHEETS`` units) or as CSV, for unit offices that keep their 台账 in Excel or WPS."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import astuple, dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.cell import WriteOnlyCell

from .. import urls
from ..corpus import Clause, Corpus
from .files import atomic_output, save_workbook
from ..wording import frequency_text as frequency_label, joined

HEADERS = ("措施", "文件", "条款号", "牵头单位", "参与单位", "责任主体", "频次", "类别", "链接")
WIDTHS = (60, 28, 12, 18, 24, 18, 16, 10, 42)
WRAPPED = {"措施", "文件", "牵头单位", "参与单位", "责任主体"}
ALL_SHEET = "任务分解表"


@dataclass(frozen=True)
class TaskRow:
    measure: str
    document: str
    number: str
    lead_units: str
    other_units: str
    subjects: str
    frequency: str
    category: str
    link: str


def task_rows(corpus: Corpus, base_url: str = "", unit_id: str | None = None) -> list[TaskRow]:
    """One row per clause with responsible units, in corpus order (or only ``unit_id``'s)."""
    if unit_id is None:
        clauses = _task_clauses(corpus)
    else:
        clauses = corpus.clauses_by_unit.get(unit_id, [])
    return [_row(corpus, c, base_url) for c in clauses]


def _task_clauses(corpus: Corpus) -> list[Clause]:
    """Every clause with responsible units, in corpus order."""
    wanted = {c.ref for clauses in corpus.clauses_by_unit.values() for c in clauses}
    return [c for ref, c in corpus.clauses.items() if ref in wanted]


def _row(corpus: Corpus, clause: Clause, base_url: str) -> TaskRow:
    p = clause.provision
    lead = clause.lead_units
    others = [u for u in clause.units if u not in lead]
    subjects = list(dict.fromkeys([*p.subjects, *(s for d in p.duties for s in d.subjects)]))
    return TaskRow(
        measure=_measure_text(p.text or ""),
        document=clause.document.title,
        number=clause.number,
        lead_units=joined(_unit_name(corpus, u) for u in lead),
        other_units=joined(_unit_name(corpus, u) for u in others),
        subjects=joined(corpus.roles[s].name if s in corpus.roles else s for s in subjects),
        frequency=_frequency_text(clause),
        category=clause.category or "",
        link=base_url + urls.clause(clause.ref),
    )


def _measure_text(text: str) -> str:
    paragraphs = [" ".join(p.split()) for p in text.replace("\r", "").split("\n\n")]
    return "\n".join(p for p in paragraphs if p)


def _frequency_text(clause: Clause) -> str:
    p = clause.provision
    if p.frequency is not None:
        return frequency_label(p.frequency)
    labels = dict.fromkeys(frequency_label(d.frequency) for d in p.duties if d.frequency)
    return "；".join(labels)


def _unit_name(corpus: Corpus, unit_id: str) -> str:
    unit = corpus.units.get(unit_id)
    return unit.name if unit else unit_id


# --------------------------------------------------------------------------- files

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (Excel: at most 31 characters, none of []:*?/\\)."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'") or "单位"
    title, n = base[:31], 2
    while title.casefold() in {t.casefold() for t in taken}:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


# Beyond this many units with tasks the workbook holds the whole table only: thousands of
# sheets (one per unit at a province's scale) make the sheet tabs unusable and the file slow to
# open, while the whole table's filter on 牵头单位/参与单位 gives any one unit's rows, and each
# unit's page on the site lists its tasks.
MAX_UNIT_SHEETS = 100


def unit_sheet_ids(corpus: Corpus) -> list[str]:
    """The units that get a sheet of their own (none when there are too many for sheets)."""
    units = _units_in_order(corpus)
    return units if len(units) <= MAX_UNIT_SHEETS else []


def tasks_workbook(corpus: Corpus, base_url: str = "") -> Workbook:
    """Written in openpyxl's write-only mode (rows streamed out as the file is saved, not held
    as cell objects): the whole table has one row per clause with units, tens of thousands at
    a province's scale."""
    wb = Workbook(write_only=True)
    styles = _Styles(base_url.startswith(("http://", "https://")))
    taken: set[str] = set()
    rows = task_rows(corpus, base_url)
    _fill_sheet(wb.create_sheet(sheet_title(ALL_SHEET, taken)), rows, styles)
    by_ref = dict(zip((c.ref for c in _task_clauses(corpus)), rows))
    for unit_id in unit_sheet_ids(corpus):
        unit_rows = [by_ref[c.ref] for c in corpus.clauses_by_unit.get(unit_id, [])]
        _fill_sheet(wb.create_sheet(sheet_title(_unit_name(corpus, unit_id), taken)), unit_rows, styles)
    return wb


def _units_in_order(corpus: Corpus) -> list[str]:
    """Units with tasks: registry order first, then any the registry lacks, by id."""
    having = corpus.clauses_by_unit
    known = [u for u in corpus.units if u in having]
    return known + sorted(u for u in having if u not in corpus.units)


class _Styles:
    """The cell styles of every sheet, made once (write-only cells take them at creation)."""

    def __init__(self, hyperlinks: bool):
        self.header_font = Font(bold=True)
        self.header_fill = PatternFill("solid", fgColor="F2E6D9")
        self.header_alignment = Alignment(vertical="center", horizontal="center")
        self.wrapped = Alignment(wrap_text=True, vertical="top")
        self.hyperlinks = hyperlinks


def _fill_sheet(ws, rows: list[TaskRow], styles: _Styles) -> None:
    """Column widths, frozen header and filter first: a write-only sheet takes them before rows."""
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(len(rows) + 1, 2)}"
    header = []
    for value in HEADERS:
        cell = WriteOnlyCell(ws, value=value)
        cell.font, cell.fill, cell.alignment = styles.header_font, styles.header_fill, styles.header_alignment
        header.append(cell)
    ws.append(header)
    wrapped = [h in WRAPPED for h in HEADERS]
    last = len(HEADERS) - 1
    for row in rows:
        cells = []
        for i, value in enumerate(astuple(row)):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"  # text from the data is never a formula, even if it starts with "="
            if wrapped[i]:
                cell.alignment = styles.wrapped
            if i == last and styles.hyperlinks:
                cell.hyperlink = value
                cell.style = "Hyperlink"
            cells.append(cell)
        ws.append(cells)


def write_tasks_xlsx(corpus: Corpus, target: Path, base_url: str = "") -> None:
    wb = tasks_workbook(corpus, base_url)
    with atomic_output(Path(target)) as temp:
        save_workbook(wb, temp)


def tasks_csv(corpus: Corpus, base_url: str = "") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([_inert(v) for v in astuple(r)] for r in task_rows(corpus, base_url))
    return out.getvalue()


def _inert(value: str) -> str:
    """A CSV cell spreadsheets will not run as a formula (a leading ' marks it as text)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def write_tasks_csv(corpus: Corpus, target: Path, base_url: str = "") -> None:
    """UTF-8 with a BOM: without it Excel reads the Chinese as the local ANSI code page."""
    with atomic_output(Path(target)) as temp:
        temp.write_bytes(tasks_csv(corpus, base_url).encode("utf-8-sig"))
