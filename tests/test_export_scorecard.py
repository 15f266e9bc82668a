"""Self-assessment workbooks: layout, input validation, and formulas that score exactly as
``generator.scoring.score`` does (evaluated by pycel, an Excel formula engine)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycel import ExcelCompiler

from generator import scoring
from generator.corpus import load_corpus
from generator.export import UnknownEntity
from generator.export.scorecard import HEADERS, SHEET, VETO_VERDICT, scorecard_workbook, standard_named, write_scorecard
from generator.model import IndicatorStandardFile

MINI = Path(__file__).parent / "fixtures" / "mini"

# Small points and tight caps, so every rule of scoring.py is reached: a rule's cap, an
# indicator losing at most its points, the bonus cap, the floor at 0 (base below the points,
# which the corpus validator would refuse but the scoring rules still define), veto, and a
# withdrawn rule that must not count.
TIGHT = IndicatorStandardFile.model_validate({
    "id": "jin-biaozhun", "title": "紧凑测试标准", "evaluates": "街道党工委", "base_score": 6, "bonus_cap": 2.5,
    "dimensions": [
        {"id": "d1", "category": "政治建设", "points": 6, "indicators": [
            {"id": "a", "name": "甲", "content": "甲指标", "points": 4, "deductions": [
                {"id": "a-k1", "condition": "情形一", "points": 1.5, "per": "每次", "cap": 3},
                {"id": "a-k2", "condition": "情形二", "points": 2, "per": "一次性"},
                {"id": "a-k3", "condition": "已撤销情形", "points": 1, "per": "每次", "cap": 4,
                 "status": "已撤销", "withdrawn": {"kind": "废止"}}],
             "bonuses": [{"id": "a-j1", "condition": "奖励一", "points": 1, "per": "每项", "cap": 2}]},
            {"id": "b", "name": "乙", "content": "乙指标", "points": 2, "veto": True, "deductions": [
                {"id": "b-k1", "condition": "情形三", "points": 0.5, "per": "每人", "cap": 1.5}],
             "bonuses": [{"id": "b-j1", "condition": "奖励二", "points": 1.5, "per": "一次性", "cap": 1.5}]},
        ]},
        {"id": "d2", "category": "纪律建设", "points": 3, "indicators": [
            {"id": "c", "name": "丙", "content": "丙指标", "points": 3, "deductions": [
                {"id": "c-k1", "condition": "情形四", "points": 1, "per": "每起", "cap": 3},
                {"id": "c-k2", "condition": "情形五", "points": 0.5, "per": "每缺一项", "cap": 2}]},
        ]},
    ],
})
COUNT_RULES = ["a-k1", "a-j1", "b-k1", "c-k1", "c-k2"]
ONCE_RULES = ["a-k2", "b-j1"]


@pytest.fixture(scope="module")
def tight_engine(tmp_path_factory):
    card = scorecard_workbook(TIGHT)
    path = tmp_path_factory.mktemp("card") / "card.xlsx"
    card.workbook.save(path)
    return card, ExcelCompiler(filename=str(path))


def evaluate(card, engine, counts: dict, vetoes: set):
    for name in ("deducted", "bonus", "total", "vetoed", "verdict"):
        engine.evaluate(f"{SHEET}!{getattr(card, name)}")  # pycel learns the inputs' cells this way
    for rule_id, cell in card.counts.items():
        value = counts.get(rule_id, 0)
        engine.set_value(f"{SHEET}!{cell}", ("是" if value else "否") if rule_id in ONCE_RULES else value)
    for ind_id, cell in card.vetoes.items():
        engine.set_value(f"{SHEET}!{cell}", "是" if ind_id in vetoes else "否")
    return {name: engine.evaluate(f"{SHEET}!{getattr(card, name)}")
            for name in ("deducted", "bonus", "total", "vetoed", "verdict")}


def expected(counts: dict, vetoes: set) -> dict:
    a = scoring.score(TIGHT, counts, vetoes)
    return {"deducted": a.deducted, "bonus": a.bonus, "total": a.score,
            "vetoed": "是" if a.vetoed else "否", "verdict": VETO_VERDICT if a.vetoed else a.score}


CASES = [
    ({}, set()),
    ({"a-k1": 1}, set()),
    ({"a-k1": 5}, set()),  # rule cap: 7.5 → 3
    ({"a-k1": 2, "a-k2": True}, set()),  # indicator cap: 3 + 2 → 4
    ({"a-j1": 9, "b-j1": True}, set()),  # bonus caps: rule 2, standard 2.5
    ({"a-k1": 9, "a-k2": True, "b-k1": 9, "c-k1": 9, "c-k2": 9}, set()),  # floor at 0
    ({"b-k1": 1}, {"b"}),  # veto
    ({"c-k2": 3, "a-j1": 1, "b-k1": 2}, set()),
]


@pytest.mark.parametrize(("counts", "vetoes"), CASES)
def test_formulas_match_scoring(tight_engine, counts, vetoes):
    card, engine = tight_engine
    assert evaluate(card, engine, counts, vetoes) == pytest.approx(expected(counts, vetoes))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counts=st.fixed_dictionaries({r: st.integers(0, 6) for r in COUNT_RULES}
                                    | {r: st.booleans() for r in ONCE_RULES}),
       veto=st.booleans())
def test_formulas_match_scoring_for_any_input(tight_engine, counts, veto):
    card, engine = tight_engine
    vetoes = {"b"} if veto else set()
    assert evaluate(card, engine, counts, vetoes) == pytest.approx(expected(counts, vetoes))


def test_withdrawn_rules_have_no_row():
    card = scorecard_workbook(TIGHT)
    assert set(card.counts) == set(COUNT_RULES + ONCE_RULES)
    conditions = [row[2] for row in card.workbook[SHEET].iter_rows(values_only=True)]
    assert "已撤销情形" not in conditions


def test_mini_standard_rows_and_inputs(tmp_path):
    corpus = load_corpus(MINI)
    target = tmp_path / "card.xlsx"
    write_scorecard(standard_named(corpus, "ceshi-biaozhun-2019"), target)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == [SHEET, "计分说明"]
    ws = wb[SHEET]
    assert ws["A1"].value == "测试区街道党工委落实主体责任指标评价标准（2019年）"
    assert ws["A2"].value == "评价对象：街道党工委　年度：2019　基本分：100 分　奖励加分上限：5 分"
    assert tuple(c.value for c in ws[5]) == HEADERS
    body = [tuple(c.value for c in ws[r])[:9] for r in range(6, 12)]
    assert body == [
        ("政治建设（60分）", "1", "重大事项请示报告：严格执行重大事项请示报告制度。", "指标", 40,
         "未按规定请示报告的，每次扣 2 分，最多扣 10 分。", None, None, "=MIN(SUM(I7),E6)"),
        (None, None, "未按规定请示报告", "扣分情形", 2, "每次 2 分", 10, 0, "=MIN(E7*MAX(INT(N(H7)),0),G7)"),
        (None, None, "经验做法被上级推广", "奖励情形", 1, "每项 1 分", 3, 0, "=MIN(E8*MAX(INT(N(H8)),0),G8)"),
        ("政治建设（60分）", None, "政治纪律：严明政治纪律和政治规矩。", "一票否决指标", 20, None, None, "否", "=0"),
        ("纪律建设（40分）", None, "四种形态：运用监督执纪“四种形态”。", "指标", 40, None, None, None, "=MIN(SUM(I11),E10)"),
        (None, None, "未建立谈话函询台账", "扣分情形", 5, "一次性 5 分", None, "否", '=IF(H11="是",E11,0)'),
    ]
    validations = {str(dv.sqref): (dv.type, dv.operator, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert validations == {"H7 H8": ("whole", "greaterThanOrEqual", "0"), "H9 H11": ("list", None, '"是,否"')}
    assert [ws[c].protection.locked for c in ("H7", "H8", "H9", "H11", "I7")] == [False, False, False, False, True]
    assert ws.protection.sheet is True
    assert [ws.cell(r, 8).value for r in range(13, 19)] == ["基本分", "扣分合计", "奖励加分", "总分", "一票否决", "结论"]


def test_mini_standard_scores_like_the_calculator(tmp_path):
    corpus = load_corpus(MINI)
    standard = standard_named(corpus, "ceshi-biaozhun-2019")
    card = scorecard_workbook(standard)
    card.workbook.save(tmp_path / "card.xlsx")
    engine = ExcelCompiler(filename=str(tmp_path / "card.xlsx"))
    for counts, vetoes in [({"zhengzhi-1-k1": 7, "zhengzhi-1-j1": 4, "jilv-1-k1": True}, set()),
                           ({"zhengzhi-1-k1": 1}, {"zhengzhi-2"})]:
        engine.evaluate(f"{SHEET}!{card.verdict}")
        for rule_id, cell in card.counts.items():
            value = counts.get(rule_id, 0)
            engine.set_value(f"{SHEET}!{cell}", ("是" if value else "否") if rule_id == "jilv-1-k1" else value)
        for ind_id, cell in card.vetoes.items():
            engine.set_value(f"{SHEET}!{cell}", "是" if ind_id in vetoes else "否")
        a = scoring.score(standard, counts, vetoes)
        assert engine.evaluate(f"{SHEET}!{card.total}") == a.score
        assert engine.evaluate(f"{SHEET}!{card.verdict}") == (VETO_VERDICT if a.vetoed else a.score)


def test_unknown_standard():
    with pytest.raises(UnknownEntity, match="没有标识为 “x” 的指标评价标准。现有的指标评价标准：ceshi-biaozhun-2019"):
        standard_named(load_corpus(MINI), "x")


REAL = Path(__file__).parent.parent / "policies"


def _real_standards():
    if not (REAL / "standards").is_dir():
        return []
    return sorted(load_corpus(REAL).standards.values(), key=lambda s: s.id)


@pytest.mark.parametrize("standard", _real_standards(), ids=lambda s: s.id)
def test_every_published_standard_scores_like_the_calculator(standard, tmp_path):
    """Deterministic input sets: nothing happened, everything happened many times, and a mix."""
    card = scorecard_workbook(standard)
    card.workbook.save(tmp_path / "card.xlsx")
    engine = ExcelCompiler(filename=str(tmp_path / "card.xlsx"))
    once = {r.id for d in standard.dimensions for i in d.indicators for r in (*i.deductions, *i.bonuses)
            if r.per == "一次性"}
    rules = list(card.counts)
    input_sets = [
        ({}, set()),
        ({r: (True if r in once else 20) for r in rules}, set()),
        ({r: ((n % 2 == 0) if r in once else n % 4) for n, r in enumerate(rules)}, set(list(card.vetoes)[:1])),
    ]
    for name in ("total", "verdict"):
        engine.evaluate(f"{SHEET}!{getattr(card, name)}")
    for counts, vetoes in input_sets:
        for rule_id, cell in card.counts.items():
            value = counts.get(rule_id, 0)
            engine.set_value(f"{SHEET}!{cell}", ("是" if value else "否") if rule_id in once else value)
        for ind_id, cell in card.vetoes.items():
            engine.set_value(f"{SHEET}!{cell}", "是" if ind_id in vetoes else "否")
        a = scoring.score(standard, counts, vetoes)
        assert engine.evaluate(f"{SHEET}!{card.total}") == pytest.approx(a.score)
        verdict = engine.evaluate(f"{SHEET}!{card.verdict}")
        assert verdict == VETO_VERDICT if a.vetoed else verdict == pytest.approx(a.score)
