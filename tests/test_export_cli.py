"""policykb export as a user runs it: files written, exit codes, Chinese messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from generator.cli import main
from generator.export.files import atomic_output

MINI = str(Path(__file__).parent / "fixtures" / "mini")


def run(args, capsys):
    code = main(["export", *args, "--policies", MINI])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_each_export_writes_its_file(tmp_path, capsys):
    code, out, _ = run(["handout", "ceshi-xuexi", "-o", str(tmp_path / "h.pdf")], capsys)
    assert code == 0 and (tmp_path / "h.pdf").read_bytes()[:5] == b"%PDF-"
    assert out.startswith(f"已写入 {tmp_path / 'h.pdf'}（")
    code, _, _ = run(["tasks", "-o", str(tmp_path / "t.xlsx")], capsys)
    assert code == 0 and openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames[0] == "任务分解表"
    code, _, _ = run(["tasks", "-o", str(tmp_path / "t.txt"), "--format", "csv"], capsys)
    assert code == 0 and (tmp_path / "t.txt").read_bytes().startswith("\ufeff措施,文件".encode())
    code, _, _ = run(["tasks", "-o", str(tmp_path / "t.csv")], capsys)
    assert code == 0 and (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    code, _, _ = run(["scorecard", "ceshi-biaozhun-2019", "-o", str(tmp_path / "s.xlsx")], capsys)
    assert code == 0 and openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames == ["自评表", "计分说明"]
    code, out, _ = run(["json", "-o", str(tmp_path / "c.json")], capsys)
    assert code == 0 and json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["format"] == "policykb-corpus"
    assert len(out.splitlines()) == 2 and "c.schema.json" in out.splitlines()[1]


@pytest.mark.parametrize(("args", "message"), [
    (["handout", "meiyou"], "policykb export: 用法错误：没有标识为 “meiyou” 的专题学习。现有的专题学习：ceshi-xuexi\n"),
    (["scorecard", "meiyou"], "policykb export: 用法错误：没有标识为 “meiyou” 的指标评价标准。现有的指标评价标准：ceshi-biaozhun-2019\n"),
])
def test_unknown_id_is_a_usage_error_and_writes_nothing(tmp_path, capsys, args, message):
    code, out, err = run([*args, "-o", str(tmp_path / "x")], capsys)
    assert (code, out, err) == (2, "", message)
    assert list(tmp_path.iterdir()) == []


def test_missing_output_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "generator.cli", "export", "tasks"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "用法错误：缺少必需的参数: -o/--output" in result.stderr
    assert "Traceback" not in result.stderr


def test_data_errors_exit_1_with_located_report(tmp_path, capsys):
    bad = tmp_path / "policies" / "study"
    bad.mkdir(parents=True)
    (bad / "x.yaml").write_text("id: x\ntitle: 无条款\n", encoding="utf-8")
    code = main(["export", "json", "-o", str(tmp_path / "c.json"), "--policies", str(tmp_path / "policies")])
    err = capsys.readouterr().err
    assert code == 1
    assert "x.yaml:" in err and "共" in err
    assert not (tmp_path / "c.json").exists()


def test_atomic_output_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as temp:
            temp.write_bytes(b"half")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]
