"""The 任务分解表: every clause that names responsible units, as a workbook (one sheet for the
whole corpus, one per unit) or as CSV, for unit offices that keep their 台账 in Excel or WPS."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import astuple, dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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
        wanted = {c.ref for clauses in corpus.clauses_by_unit.values() for c in clauses}
        clauses = [c for ref, c in corpus.clauses.items() if ref in wanted]
    else:
        clauses = corpus.clauses_by_unit.get(unit_id, [])
    return [_row(corpus, c, base_url) for c in clauses]


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


def tasks_workbook(corpus: Corpus, base_url: str = "") -> Workbook:
    wb = Workbook()
    taken: set[str] = set()
    _fill_sheet(wb.active, sheet_title(ALL_SHEET, taken), task_rows(corpus, base_url), base_url)
    for unit_id in _units_in_order(corpus):
        ws = wb.create_sheet()
        _fill_sheet(ws, sheet_title(_unit_name(corpus, unit_id), taken),
                    task_rows(corpus, base_url, unit_id), base_url)
    return wb


def _units_in_order(corpus: Corpus) -> list[str]:
    """Units with tasks: registry order first, then any the registry lacks, by id."""
    having = corpus.clauses_by_unit
    known = [u for u in corpus.units if u in having]
    return known + sorted(u for u in having if u not in corpus.units)


def _fill_sheet(ws: Worksheet, title: str, rows: list[TaskRow], base_url: str) -> None:
    ws.title = title
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2E6D9")
        cell.alignment = Alignment(vertical="center", horizontal="center")
    for row in rows:
        ws.append(astuple(row))
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # text from the data is never a formula, even if it starts with "="
    for index, (header, width) in enumerate(zip(HEADERS, WIDTHS), start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width
        if header in WRAPPED:
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if base_url.startswith(("http://", "https://")):
        for cell in ws[get_column_letter(len(HEADERS))][1:]:
            cell.hyperlink = cell.value
            cell.style = "Hyperlink"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(len(rows) + 1, 2)}"


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
