"""Self-assessment workbooks (自评表) for indicator standards.

One row per indicator and per deduction/bonus case; the user fills the yellow cells (counts,
或 是/否) and the formulas score the standard exactly as ``generator.scoring.score`` does:
each rule ``points × count`` up to its cap (一次性: points when 是), each indicator loses at
most its points, bonuses up to the standard's bonus cap, the total never below 0, and any
triggered 一票否决 indicator makes the verdict 不合格.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..corpus import Corpus
from ..model import DeductionUnit, IndicatorStandardFile, ItemStatus, ScoreRule
from . import UnknownEntity
from .files import atomic_output, save_workbook

SHEET = "自评表"
HEADERS = ("维度", "编号", "指标 / 情形", "类型", "分值", "计分方式", "封顶", "填写", "得分 / 扣分", "佐证材料")
WIDTHS = (12, 8, 50, 14, 8, 16, 8, 10, 12, 30)
YES, NO = "是", "否"
VETO_VERDICT = "一票否决（不合格）"
HEADER_ROW = 5

_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD_FILL = PatternFill("solid", fgColor="F2E6D9")
_INDICATOR_FILL = PatternFill("solid", fgColor="F7F5F0")
_THIN = Side(style="thin", color="BBBBBB")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass
class Scorecard:
    """The workbook and where its inputs and results are, by rule and indicator id."""

    workbook: Workbook
    counts: dict[str, str] = field(default_factory=dict)  # rule id → input cell ("H7")
    vetoes: dict[str, str] = field(default_factory=dict)  # veto indicator id → input cell
    indicator_loss: dict[str, str] = field(default_factory=dict)  # indicator id → its deduction cell
    deducted: str = ""
    bonus: str = ""
    total: str = ""
    vetoed: str = ""
    verdict: str = ""


def standard_named(corpus: Corpus, standard_id: str) -> IndicatorStandardFile:
    standard = corpus.standards.get(standard_id)
    if standard is None:
        raise UnknownEntity("指标评价标准", standard_id, sorted(corpus.standards))
    return standard


def _active(items):
    return [i for i in items if i.status == ItemStatus.active.value]


def scorecard_workbook(standard: IndicatorStandardFile) -> Scorecard:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    card = Scorecard(wb)
    _title_block(ws, standard)
    row = HEADER_ROW + 1
    loss_cells: list[str] = []
    bonus_cells: list[str] = []
    counts_rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                 showErrorMessage=True, errorTitle="输入有误", error="请填写不小于 0 的整数（发生次数）")
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True,
                            showErrorMessage=True, errorTitle="输入有误", error=f"请选择“{YES}”或“{NO}”")
    ws.add_data_validation(counts_rule)
    ws.add_data_validation(yes_no)
    for dim in standard.dimensions:
        for ind in _active(dim.indicators):
            ind_row = row
            deductions, bonuses = _active(ind.deductions), _active(ind.bonuses)
            _cells(ws, ind_row, (f"{dim.category}（{dim.points:g}分）", ind.num or "", f"{ind.name}：{ind.content}",
                                 "一票否决指标" if ind.veto else "指标", ind.points, ind.rule or "", None, None, None,
                                 "；".join(ind.evidence)))
            for c in ws[ind_row]:
                c.fill = _INDICATOR_FILL
                c.font = Font(bold=c.column in (2, 3))
            if ind.veto:
                card.vetoes[ind.id] = _input(ws, ind_row, yes_no, NO)
            row += 1
            rule_cells = []
            for kind, rules in (("扣分情形", deductions), ("奖励情形", bonuses)):
                for rule in rules:
                    validation = yes_no if rule.per == DeductionUnit.once.value else counts_rule
                    _cells(ws, row, ("", "", rule.condition, kind, rule.points, _rule_text(rule),
                                     rule.cap, None, _rule_formula(rule, row), ""))
                    card.counts[rule.id] = _input(ws, row, validation, NO if validation is yes_no else 0)
                    (rule_cells if kind == "扣分情形" else bonus_cells).append(f"I{row}")
                    row += 1
            loss = f"MIN({_sum(rule_cells)},E{ind_row})" if rule_cells else "0"
            ws[f"I{ind_row}"] = f"={loss}"
            card.indicator_loss[ind.id] = f"I{ind_row}"
            loss_cells.append(f"I{ind_row}")
    _results(ws, row + 1, standard, card, loss_cells, bonus_cells)
    _finish(ws)
    _explanation(wb.create_sheet("计分说明"), standard)
    return card


def _title_block(ws: Worksheet, standard: IndicatorStandardFile) -> None:
    ws["A1"] = standard.title
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:J1")
    facts = [f"评价对象：{standard.evaluates}", f"基本分：{standard.base_score:g} 分"]
    if standard.year:
        facts.insert(1, f"年度：{standard.year}")
    if standard.bonus_cap is not None:
        facts.append(f"奖励加分上限：{standard.bonus_cap:g} 分")
    ws["A2"] = "　".join(facts)
    ws.merge_cells("A2:J2")
    note = "在黄色单元格中填写：发生次数（不小于 0 的整数）或 是/否；其余单元格自动计算。"
    if standard.sample:
        note += "示例数据：本标准含示例内容，不作为正式依据。"
    ws["A3"] = note
    ws["A3"].font = Font(color="7A4A00")
    ws.merge_cells("A3:J3")
    for col, header in enumerate(HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, col, header)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = _BOX


def _cells(ws: Worksheet, row: int, values) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row, col)
        if value is not None and value != "":
            cell.value = value
            if isinstance(value, str) and not (col == 9 and value.startswith("=")):
                cell.data_type = "s"  # text from the data is never a formula
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=col in (1, 3, 6, 10), vertical="top")


def _input(ws: Worksheet, row: int, validation: DataValidation, default) -> str:
    ref = f"H{row}"
    cell = ws[ref]
    cell.value = default
    cell.fill = _INPUT_FILL
    cell.protection = Protection(locked=False)
    cell.alignment = Alignment(horizontal="center", vertical="top")
    validation.add(ref)
    return ref


def _rule_text(rule: ScoreRule) -> str:
    if rule.per == DeductionUnit.once.value:
        return f"一次性 {rule.points:g} 分"
    return f"{rule.per} {rule.points:g} 分"


def _rule_formula(rule: ScoreRule, row: int) -> str:
    """points × count (一次性: points when 是), limited by the rule's cap in column G."""
    if rule.per == DeductionUnit.once.value:
        amount = f'IF(H{row}="{YES}",E{row},0)'
    else:
        amount = f"E{row}*MAX(INT(N(H{row})),0)"
    return f"=MIN({amount},G{row})" if rule.cap is not None else f"={amount}"


def _sum(cells: list[str]) -> str:
    return f"SUM({','.join(cells)})" if cells else "0"


def _results(ws: Worksheet, row: int, standard: IndicatorStandardFile, card: Scorecard,
             loss_cells: list[str], bonus_cells: list[str]) -> None:
    raw_bonus = _sum(bonus_cells)
    bonus = f"MIN({raw_bonus},{standard.bonus_cap:g})" if standard.bonus_cap is not None else raw_bonus
    ticked = ",".join(f'{cell}="{YES}"' for cell in card.vetoes.values())
    veto_test = f'IF(OR({ticked}),"{YES}","{NO}")' if card.vetoes else f'"{NO}"'
    lines = [
        ("基本分", f"={standard.base_score:g}", None),
        ("扣分合计", f"=ROUND({_sum(loss_cells)},4)", "deducted"),
        ("奖励加分", f"=ROUND({bonus},4)", "bonus"),
    ]
    for offset, (label, formula, name) in enumerate(lines):
        _summary_row(ws, row + offset, label, formula)
        if name:
            setattr(card, name, f"I{row + offset}")
    total_row, veto_row, verdict_row = row + 3, row + 4, row + 5
    _summary_row(ws, total_row, "总分", f"=ROUND(MAX(I{row}-I{row + 1}+I{row + 2},0),4)")
    _summary_row(ws, veto_row, "一票否决", f"={veto_test}")
    _summary_row(ws, verdict_row, "结论", f'=IF(I{veto_row}="{YES}","{VETO_VERDICT}",I{total_row})')
    card.total, card.vetoed, card.verdict = f"I{total_row}", f"I{veto_row}", f"I{verdict_row}"


def _summary_row(ws: Worksheet, row: int, label: str, formula: str) -> None:
    ws.cell(row, 8, label).font = Font(bold=True)
    ws.cell(row, 8).alignment = Alignment(horizontal="right")
    cell = ws.cell(row, 9, formula)
    cell.font = Font(bold=True)
    cell.border = _BOX


def _finish(ws: Worksheet) -> None:
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(ord("A") + col - 1)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    # Formulas are protected from accidental overwrite; no password, so anyone may unprotect.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _explanation(ws: Worksheet, standard: IndicatorStandardFile) -> None:
    lines = [
        "计分规则",
        "1. 每个扣分或奖励情形按“分值 × 发生次数”计分（一次性情形：填“是”时计该分值），不超过该情形的封顶分值。",
        "2. 每个指标扣分合计不超过该指标的分值。",
        "3. 奖励加分全表合计"
        + (f"不超过 {standard.bonus_cap:g} 分。" if standard.bonus_cap is not None else "不设上限。"),
        f"4. 总分 = 基本分 {standard.base_score:g} 分 − 扣分合计 + 奖励加分，最低为 0 分。",
        "5. 任一一票否决指标填“是”时，结论为不合格，不论总分多少。",
        "本表公式与知识库站点的在线评分计算器采用同一计分规则。",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 100


def write_scorecard(standard: IndicatorStandardFile, target: Path) -> None:
    card = scorecard_workbook(standard)
    with atomic_output(Path(target)) as temp:
        save_workbook(card.workbook, temp)
