"""任务分解表: sheets, headers, rows, layout and the CSV, asserted cell by cell."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from generator.corpus import load_corpus
from generator.wording import frequency_text as frequency_label
from generator.export.tasks import HEADERS, sheet_title, write_tasks_csv, write_tasks_xlsx
from generator.model import Frequency

MINI = Path(__file__).parent / "fixtures" / "mini"

ROW_1 = (
    "市委书记担负第一责任人责任，每年听取县党政正职履职情况汇报和开展谈心谈话活动 1 次以上； "
    "市纪委监委机关担负监督责任，每年对县党政正职开展廉政教育谈话 1 次以上。",
    "测试市关于加强党政正职日常教育管理的实施方案", "二、(一)1.", "市委办", "市纪委监委机关",
    "市委书记、市纪委监委", "每年1次以上；每年至少1次", "组织建设", "documents/ceshi-fangan/#yasi-zeren-1",
)
ROW_2 = (
    "县党政正职 5 年内参加培训累计 550 学时以上，每 2—3 年至少选派一次系统理论教育。",
    "测试市关于加强党政正职日常教育管理的实施方案", "二、(一)2.", "市委办", "市纪委监委机关",
    "县党政正职", "每2—3年至少1次", "组织建设", "documents/ceshi-fangan/#yasi-zeren-2",
)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(MINI)


def test_workbook_has_the_whole_table_and_one_sheet_per_unit(corpus, tmp_path):
    target = tmp_path / "tasks.xlsx"
    write_tasks_xlsx(corpus, target)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["任务分解表", "市委办", "市纪委监委机关"]
    for ws in wb:
        rows = list(ws.iter_rows(values_only=True))
        assert rows == [HEADERS, ROW_1, ROW_2]  # the withdrawn clause 3 is not a task
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == "A1:I3"
        assert ws.column_dimensions["A"].width == 60
        assert ws.column_dimensions["I"].width == 42
        assert ws["A2"].alignment.wrap_text is True
        assert ws["A1"].font.bold is True


def test_links_become_absolute_hyperlinks_with_a_site_url(corpus, tmp_path):
    target = tmp_path / "tasks.xlsx"
    write_tasks_xlsx(corpus, target, "https://kb.example.org/")
    ws = openpyxl.load_workbook(target)["任务分解表"]
    assert ws["I2"].value == "https://kb.example.org/documents/ceshi-fangan/#yasi-zeren-1"
    assert ws["I2"].hyperlink.target == "https://kb.example.org/documents/ceshi-fangan/#yasi-zeren-1"


def test_csv_is_utf8_with_bom_and_the_same_rows(corpus, tmp_path):
    target = tmp_path / "tasks.csv"
    write_tasks_csv(corpus, target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [list(HEADERS), list(ROW_1), list(ROW_2)]


def test_text_from_the_data_never_becomes_a_formula(tmp_path):
    root = tmp_path / "policies"
    shutil.copytree(MINI, root)
    doc = root / "documents" / "ceshi-fangan.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "text: 县党政正职 5 年内", 'text: "=HYPERLINK(\\"http://x\\") 县党政正职 5 年内'), encoding="utf-8")
    doc.write_text(doc.read_text(encoding="utf-8").replace("系统理论教育。", '系统理论教育。"'), encoding="utf-8")
    corpus = load_corpus(root)
    write_tasks_xlsx(corpus, tmp_path / "t.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "t.xlsx")["任务分解表"]["A3"]
    assert cell.data_type == "s"
    assert cell.value.startswith('=HYPERLINK("http://x") 县党政正职')
    write_tasks_csv(corpus, tmp_path / "t.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8-sig"))))
    assert rows[2][0].startswith("'=HYPERLINK(")


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("市委办", taken) == "市委办"
    assert sheet_title("市委办", taken) == "市委办(2)"
    long_name = "某某市某某区某某街道党工委办公室纪检监察工作委员会综合协调科室分组"
    title = sheet_title(long_name, taken)
    assert len(title) == 31 and title == long_name[:31]
    assert sheet_title("a/b:c[d]", taken) == "a_b_c_d_"


@pytest.mark.parametrize(("frequency", "label"), [
    (Frequency(per="year", at_least=1), "每年至少1次"),
    (Frequency(per="quarter"), "每季度"),
    (Frequency(per="month", interval=3), "每3个月"),
    (Frequency(per="year", interval=2, interval_max=3, at_least=1), "每2—3年至少1次"),
    (Frequency(per="year", interval=5, cumulative=True), "5年内累计"),
    (Frequency(per="term", at_least=1), "任期内至少1次"),
    (Frequency(per="year", at_least=1, label="每年1次以上"), "每年1次以上"),
])
def test_frequency_label(frequency, label):
    assert frequency_label(frequency) == label
