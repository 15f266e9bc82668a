"""``policykb fmt``: the canonical layout, comments kept, values unchanged, idempotent."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.fmt import canonical_text, format_file
from generator.load import parse_yaml

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def mini(tmp_path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


def comments(text: str) -> list[str]:
    return re.findall(r"#[^\n]*", text)


def test_fmt_keeps_every_comment_and_value_and_is_idempotent(mini, capsys):
    doc = mini / "documents" / "ceshi-fangan.yaml"
    text = doc.read_text(encoding="utf-8")
    text = text.replace("body:\n", "# 条款树从这里开始\nbody:  # 正文\n")
    text = text.replace("            terms: [tanxin-tanhua]\n", "            terms: [tanxin-tanhua]  # 术语\n")
    doc.write_text(text, encoding="utf-8")
    before = {p: p.read_text(encoding="utf-8") for p in sorted(mini.rglob("*.yaml"))}

    assert main(["fmt", str(mini)]) == 0
    after = {p: p.read_text(encoding="utf-8") for p in before}
    for path in before:
        assert sorted(comments(after[path])) == sorted(comments(before[path])), path
        assert parse_yaml(after[path], "x")[0] == parse_yaml(before[path], "x")[0], path
    assert main(["validate", str(mini)]) == 0
    capsys.readouterr()

    assert main(["fmt", "--check", str(mini)]) == 0
    assert main(["fmt", str(mini)]) == 0
    assert {p: p.read_text(encoding="utf-8") for p in before} == after
    assert capsys.readouterr().out.count("已格式化") == 0


def test_canonical_layout():
    text = (
        "# 注释\n"
        "status: 现行\n"
        "body:\n"
        "- text: 第一项内容。\n"
        "  id: a\n"
        "  units:\n"
        "  - shiwei\n"
        "  - shijiwei\n"
        "  frequency:\n"
        "    at_least: 1\n"
        "    per: year\n"
        "kind: 实施方案\n"
        "title: 标题\n"
        "id: x\n"
        "external_basis: [甲, 乙]\n"
    )
    assert canonical_text(text, "documents") == (
        "# 注释\n"
        "id: x\n"
        "title: 标题\n"
        "kind: 实施方案\n"
        "status: 现行\n"
        "external_basis:\n"
        "  - 甲\n"
        "  - 乙\n"
        "body:\n"
        "  - id: a\n"
        "    text: 第一项内容。\n"
        "    units: [shiwei, shijiwei]\n"
        "    frequency: {per: year, at_least: 1}\n"
    )


def test_long_text_becomes_a_block_that_is_never_rewrapped():
    long_text = "市委书记担负第一责任人责任，" * 6
    folded = "  - id: b\n    text: >-\n      第一行文字，\n      第二行文字。\n"
    text = f"id: x\ntitle: t\nkind: 实施方案\nbody:\n  - id: a\n    text: {long_text}\n{folded}"
    out = canonical_text(text, "documents")
    assert f"    text: >-\n      {long_text}\n" in out
    assert folded in out  # the author's line breaks stay where they were
    assert canonical_text(out, "documents") == out


def test_check_lists_files_and_writes_nothing(mini, capsys):
    case_file = mini / "cases" / "ceshi-wenze.yaml"
    before = case_file.read_bytes()
    assert main(["fmt", "--check", str(mini)]) == 1
    out = capsys.readouterr()
    assert f"格式不规范：{case_file}" in out.out
    assert "运行 policykb fmt 可自动整理" in out.err
    assert case_file.read_bytes() == before


def test_rewrite_keeps_the_file_mode(mini):
    case_file = mini / "cases" / "ceshi-wenze.yaml"
    os.chmod(case_file, 0o640)
    assert main(["fmt", str(case_file)]) == 0
    assert case_file.stat().st_mode & 0o777 == 0o640
    assert "  - id: qingxing-1\n    num: (一)\n    text: 落实主体责任不到位的。\n" in case_file.read_text(encoding="utf-8")
    assert not [p for p in case_file.parent.iterdir() if p.name.endswith(".tmp")]


def test_invalid_file_is_reported_and_not_rewritten(mini, capsys):
    bad = mini / "cases" / "ceshi-wenze.yaml"
    text = bad.read_text(encoding="utf-8").replace("kind: 问责情形", "kind: 问责")
    bad.write_text(text, encoding="utf-8")
    assert main(["fmt", str(mini)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3:7: 错误: “kind”（类型） 的取值 “问责” 不在允许范围内" in err
    assert "（以上文件未改写）" in err
    assert bad.read_text(encoding="utf-8") == text
    result = format_file(bad)
    assert result.formatted is None and result.problems
