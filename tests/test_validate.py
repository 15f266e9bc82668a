"""`policykb validate`: every error class a clerk can cause, with its exact message and place.

Each test writes a small broken file into a copy of the mini corpus and asserts the full
report line (file:line:column: 错误: message（提示：hint）).
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.corpus import load_corpus
from generator.problems import PolicyError

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def corpus_dir(tmp_path):
    target = tmp_path / "policies"
    shutil.copytree(MINI, target)
    return target


def problems(root: Path) -> list[str]:
    try:
        load_corpus(root, display_base=root)
    except PolicyError as exc:
        return [str(p) for p in exc.problems]
    return []


def write(root: Path, rel: str, text: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


DOC = "documents/ceshi-fangan.yaml"
STD = "standards/ceshi-biaozhun-2019.yaml"


def test_the_mini_corpus_is_valid(corpus_dir):
    assert problems(corpus_dir) == []


# --------------------------------------------------------------------------- file and YAML level


def test_yaml_syntax_error_unclosed_quote(corpus_dir):
    write(corpus_dir, "units/x.yaml", 'units:\n  - id: a\n    name: "市委办\n')
    assert problems(corpus_dir) == [
        "units/x.yaml:4:1: 错误: YAML 语法错误：文件意外结束：引号或括号没有闭合（提示：检查最后一个带引号的值是否缺少结束引号）"]


def test_yaml_bad_indentation(corpus_dir):
    write(corpus_dir, "units/x.yaml", "units:\n  - id: a\n    name: 甲\n   aliases: [乙]\n")
    (line,) = problems(corpus_dir)
    assert line.startswith("units/x.yaml:4:4: 错误: YAML 语法错误：")


def test_tab_indentation(corpus_dir):
    write(corpus_dir, "units/x.yaml", "units:\n\t- id: a\n")
    assert problems(corpus_dir) == [
        "units/x.yaml:2:1: 错误: YAML 语法错误：使用了制表符（Tab）缩进，YAML 只允许空格缩进（提示：请把 Tab 换成空格（建议每级 2 个空格））"]


def test_duplicate_key_in_one_mapping(corpus_dir):
    write(corpus_dir, "units/x.yaml", "units:\n  - id: a\n    name: 甲\n    name: 乙\n")
    assert problems(corpus_dir) == [
        "units/x.yaml:4:5: 错误: 重复的键 “name”（第 3 行已有同名键）（提示：同一层级每个键只能出现一次；请合并或删除其中一个）"]


def test_empty_file(corpus_dir):
    write(corpus_dir, "units/x.yaml", "# 只有注释\n")
    assert problems(corpus_dir) == ["units/x.yaml:1:1: 错误: 文件是空的（提示：每个数据文件至少要有 id 等必填字段）"]


def test_gbk_file_is_named_with_how_to_resave(corpus_dir):
    write(corpus_dir, "units/x.yaml", "units:\n  - id: a\n    name: 市委办\n".encode("gb18030"))
    assert problems(corpus_dir) == [
        "units/x.yaml:3:11: 错误: 文件看起来是 GBK/GB18030 编码（常见于 Windows 记事本或 WPS 保存的文件），本项目只接受 UTF-8："
        "第 3 行第 11 个字节无法按 UTF-8 解读（提示：请用编辑器“另存为”UTF-8（VS Code：右下角编码 → 通过编码保存 → UTF-8），"
        "或运行 iconv -f GB18030 -t UTF-8 原文件 > 新文件）"]


def test_utf16_file(corpus_dir):
    write(corpus_dir, "units/x.yaml", "units:\n  - id: a\n    name: 甲\n".encode("utf-16"))
    assert problems(corpus_dir) == ["units/x.yaml:1:1: 错误: 文件是 UTF-16 编码，本项目只接受 UTF-8（提示：请用编辑器“另存为”并选择 UTF-8 编码）"]


def test_utf8_bom_is_accepted(corpus_dir):
    write(corpus_dir, "units/x.yaml", b"\xef\xbb\xbf" + "units:\n  - id: a\n    name: 甲\n".encode())
    assert problems(corpus_dir) == []


def test_control_character_pasted_from_word(corpus_dir):
    write(corpus_dir, "units/x.yaml", "units:\n  - id: a\n    name: 市委\x0b办\n")
    assert problems(corpus_dir) == [
        "units/x.yaml:3:13: 错误: 含有不可见的控制字符 U+000B（提示：常见于从 Word 或网页复制的文字，请删除该字符后保存）"]


def test_alias_bomb_is_refused_quickly(corpus_dir):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 10)]
    write(corpus_dir, "units/x.yaml", "\n".join(lines) + "\n")
    assert problems(corpus_dir) == [
        "units/x.yaml:1:5: 错误: 使用了 YAML 锚点与别名（& 与 *），本项目不支持（提示：请直接写出重复的内容；别名会让审阅和比对变得困难）"]


def test_two_yaml_documents_in_one_file(corpus_dir):
    write(corpus_dir, "units/x.yaml", "units:\n  - {id: a, name: 甲}\n---\nunits:\n  - {id: b, name: 乙}\n")
    assert problems(corpus_dir) == [
        "units/x.yaml:3:1: 错误: 一个文件只能包含一个 YAML 文档（出现了第二个 ---）（提示：把第二部分移到单独的文件中）"]


def test_file_outside_a_kind_folder(corpus_dir):
    write(corpus_dir, "misc.yaml", "id: a\n")
    (line,) = problems(corpus_dir)
    assert line.startswith("misc.yaml:1:1: 错误: 无法判断文件类型：数据文件必须放在以下目录之一：documents/（政策文件）")


def test_top_level_must_be_a_mapping(corpus_dir):
    write(corpus_dir, "units/x.yaml", "- id: a\n")
    assert problems(corpus_dir) == ["units/x.yaml:1:1: 错误: 单位文件的顶层应为映射（键: 值），实际为列表"]


def test_invalid_date(corpus_dir):
    replace(corpus_dir, DOC, "status: 现行", "status: 现行\nissued: 2019-02-30")
    assert problems(corpus_dir) == [
        "documents/ceshi-fangan.yaml:9:9: 错误: 日期 “2019-02-30” 无效（提示：日期格式为 YYYY-MM-DD，且必须是真实存在的日期）"]


# --------------------------------------------------------------------------- model level


def test_unknown_field_with_suggestion(corpus_dir):
    replace(corpus_dir, DOC, "short_title:", "shorttitle:")
    assert problems(corpus_dir) == ["documents/ceshi-fangan.yaml:4:1: 错误: 未知字段 “shorttitle”（提示：是否应为 “short_title”？）"]


def test_missing_required_field(corpus_dir):
    replace(corpus_dir, "units/units.yaml", "    name: 市委办\n", "")
    assert problems(corpus_dir) == ["units/units.yaml:5:5: 错误: 缺少必填字段 “name”"]


def test_wrong_type(corpus_dir):
    replace(corpus_dir, STD, "base_score: 100", "base_score: 一百")
    assert problems(corpus_dir) == ["standards/ceshi-biaozhun-2019.yaml:7:13: 错误: “base_score” 应为数字，实际为文本 “一百”"]


def test_wrong_type_list_expected(corpus_dir):
    replace(corpus_dir, DOC, "units: [shiwei-ban, shijiwei]", "units: shiwei-ban")
    assert problems(corpus_dir) == [
        "documents/ceshi-fangan.yaml:25:16: 错误: “units”（责任单位） 应为列表（每项以“- ”开头），实际为文本 “shiwei-ban”"]


def test_invalid_enum_lists_allowed_values(corpus_dir):
    replace(corpus_dir, DOC, "category: 组织建设", "category: 组织建")
    assert problems(corpus_dir) == [
        "documents/ceshi-fangan.yaml:27:19: 错误: “category”（类别） 的取值 “组织建” 不在允许范围内；"
        "允许的值：政治建设、思想建设、组织建设、作风建设、纪律建设、制度建设（提示：是否应为 “组织建设”？）"]


def test_id_with_full_width_characters(corpus_dir):
    replace(corpus_dir, "units/units.yaml", "id: shiwei-ban", "id: shiwei－ban")
    found = problems(corpus_dir)
    assert found[-1] == ("units/units.yaml:5:9: 错误: 标识 “shiwei－ban” 不合法（提示：标识中含有中文或全角字符；"
                         "只能使用小写 ASCII 字母、数字和连字符，如 shiwei-zuzhibu）")
    # references to the unit it meant to define are dangling now, and said so where they stand
    assert found[0].startswith("documents/ceshi-fangan.yaml:25:17: 错误: 引用了不存在的单位 “shiwei-ban”")


def test_withdrawn_without_pointer(corpus_dir):
    replace(corpus_dir, DOC, "            withdrawn: {kind: 合并, to: [yasi-zeren-1]}\n", "")
    assert problems(corpus_dir) == [
        "documents/ceshi-fangan.yaml:52:13: 错误: status 为“已撤销”时必须填写 withdrawn（合并/移动/拆分/废止 及去向）"]


def test_frequency_interval_range(corpus_dir):
    replace(corpus_dir, DOC, "interval: 2, interval_max: 3", "interval: 3, interval_max: 2")
    assert problems(corpus_dir) == ["documents/ceshi-fangan.yaml:48:24: 错误: interval_max（2）必须大于 interval（3）"]


# --------------------------------------------------------------------------- corpus level


def test_duplicate_provision_id_within_a_document(corpus_dir):
    replace(corpus_dir, DOC, "id: yasi-zeren-2", "id: yasi-zeren-1")
    assert problems(corpus_dir) == [
        "documents/ceshi-fangan.yaml:44:17: 错误: 条款标识 “yasi-zeren-1” 在本文件中重复（第 29 行已使用）（提示：同一文件内的条款标识必须唯一）"]


def test_duplicate_document_id_across_files(corpus_dir):
    shutil.copy(corpus_dir / DOC, corpus_dir / "documents" / "zz-copy.yaml")
    assert problems(corpus_dir) == [
        "documents/zz-copy.yaml:2:5: 错误: 标识 “ceshi-fangan” 重复：documents/ceshi-fangan.yaml 中的文件已使用"
        "（提示：标识在所有文件、清单、标准、情形集和专题学习中必须唯一）"]


def test_duplicate_unit_id_across_files(corpus_dir):
    write(corpus_dir, "units/zz.yaml", "units:\n  - id: shijiwei\n    name: 另一个纪委\n")
    assert problems(corpus_dir) == ["units/zz.yaml:2:9: 错误: 单位标识 “shijiwei” 重复（units/units.yaml 中已定义）"]


def test_dangling_unit_role_term_document_and_clause(corpus_dir):
    replace(corpus_dir, DOC, "units: [shiwei-ban, shijiwei]", "units: [shiwei-ban, shijiwe]")
    replace(corpus_dir, DOC, "subjects: [xian-zhengzhi]", "subjects: [xian-zhengzi]")
    replace(corpus_dir, DOC, "terms: [tanxin-tanhua]", "terms: [tanxin]")
    replace(corpus_dir, "lists/ceshi-qingdan.yaml", "document: ceshi-fangan", "document: ceshi")
    replace(corpus_dir, "study/ceshi-xuexi.yaml", 'ref: "ceshi-fangan#yasi-zeren-1"', 'ref: "ceshi-fangan#yasi-zeren-9"')
    assert problems(corpus_dir) == [
        "documents/ceshi-fangan.yaml:25:29: 错误: 引用了不存在的单位 “shijiwe”（提示：是否应为 “shijiwei”？）",
        "documents/ceshi-fangan.yaml:34:21: 错误: 引用了不存在的术语 “tanxin”（提示：是否应为 “tanxin-tanhua”？）",
        "documents/ceshi-fangan.yaml:47:24: 错误: 引用了不存在的角色 “xian-zhengzi”（提示：是否应为 “xian-zhengzhi”？）",
        "lists/ceshi-qingdan.yaml:3:11: 错误: 引用了不存在的文件 “ceshi”（提示：是否应为 “ceshi-fangan”？）",
        "study/ceshi-xuexi.yaml:7:10: 错误: 引用了不存在的条款 “ceshi-fangan#yasi-zeren-9”（文件 ceshi-fangan 中没有该条款）（提示：是否应为 “yasi-zeren-3”？）",
    ]


def test_unit_name_used_where_an_id_belongs(corpus_dir):
    replace(corpus_dir, DOC, "units: [shiwei-ban, shijiwei]", "units: [shiwei-ban, 市纪委监委]")
    assert problems(corpus_dir) == [
        "documents/ceshi-fangan.yaml:25:29: 错误: 标识 “市纪委监委” 不合法（提示：标识中含有中文或全角字符；只能使用小写 ASCII 字母、数字和连字符，如 shiwei-zuzhibu）"]


def test_circular_parent_units(corpus_dir):
    replace(corpus_dir, "units/units.yaml", "    aliases: [市委]\n", "    aliases: [市委]\n    parent: shiwei-ban\n")
    assert problems(corpus_dir) == ["units/units.yaml:5:13: 错误: 单位的上级关系形成循环：shiwei → shiwei-ban → shiwei"]


def test_circular_basis_between_documents(corpus_dir):
    replace(corpus_dir, DOC, "external_basis:", "basis: [ceshi-fangan]\nexternal_basis:")
    assert problems(corpus_dir) == ["documents/ceshi-fangan.yaml:14:8: 错误: 上位依据形成循环引用：ceshi-fangan → ceshi-fangan"]


def test_dimension_points_do_not_add_up(corpus_dir):
    replace(corpus_dir, STD, "        points: 40\n        deductions:\n          - {id: zhengzhi-1-k1",
            "        points: 35\n        deductions:\n          - {id: zhengzhi-1-k1")
    replace(corpus_dir, STD, "    points: 40\n    indicators:\n      - id: jilv-1", "    points: 45\n    indicators:\n      - id: jilv-1")
    assert problems(corpus_dir) == [
        "standards/ceshi-biaozhun-2019.yaml:7:13: 错误: 各维度分值合计 105 分，与基本分 100 分不符（多 5 分）",
        "standards/ceshi-biaozhun-2019.yaml:13:13: 错误: 维度 “政治建设”（zhengzhi）各指标分值合计 55 分，与维度分值 60 分不符（少 5 分）",
        "standards/ceshi-biaozhun-2019.yaml:33:13: 错误: 维度 “纪律建设”（jilv）各指标分值合计 40 分，与维度分值 45 分不符（少 5 分）",
    ]


def test_dimensions_do_not_add_up_to_base_score(corpus_dir):
    replace(corpus_dir, STD, "base_score: 100", "base_score: 90")
    assert problems(corpus_dir) == ["standards/ceshi-biaozhun-2019.yaml:7:13: 错误: 各维度分值合计 100 分，与基本分 90 分不符（多 10 分）"]


def test_deduction_cap_beyond_indicator_points(corpus_dir):
    replace(corpus_dir, STD, "points: 5, per: 一次性}", "points: 50, per: 一次性}")
    assert problems(corpus_dir) == ["standards/ceshi-biaozhun-2019.yaml:40:59: 错误: 扣分上限 50 分超过指标 “四种形态” 的分值 40 分"]


def test_deduction_without_cap(corpus_dir):
    replace(corpus_dir, STD, "points: 2, per: 每次, cap: 10}", "points: 2, per: 每次}")
    assert problems(corpus_dir) == ["standards/ceshi-biaozhun-2019.yaml:22:13: 错误: 按“每次”计分时必须填写封顶分值 cap"]


def test_duty_text_must_come_from_the_clause(corpus_dir):
    replace(corpus_dir, DOC, "text: 每年对县党政正职开展廉政教育谈话 1 次以上", "text: 每季度对县党政正职开展廉政教育谈话")
    assert problems(corpus_dir) == [
        "documents/ceshi-fangan.yaml:42:23: 错误: 义务语句必须摘自本条款正文，但在正文中找不到（提示：duties 的 text 应逐字复制条款 text 中的相应句子）"]


def test_errors_in_all_files_are_reported_together_sorted(corpus_dir):
    write(corpus_dir, "units/b.yaml", "units:\n\t- id: a\n")
    write(corpus_dir, "roles/a.yaml", "")
    found = problems(corpus_dir)
    assert [line.split(":")[0] for line in found] == ["roles/a.yaml", "units/b.yaml"]


# --------------------------------------------------------------------------- the command


def test_cli_json_output_lists_problems(corpus_dir, capsys):
    replace(corpus_dir, STD, "base_score: 100", "base_score: 90")
    assert main(["validate", str(corpus_dir), "--format", "json"]) == 1
    (item,) = json.loads(capsys.readouterr().out)
    assert item["line"] == 7 and item["column"] == 13
    assert item["path"].endswith("standards/ceshi-biaozhun-2019.yaml")
    assert item["message"] == "各维度分值合计 100 分，与基本分 90 分不符（多 10 分）"


def test_cli_usage_errors_exit_2_without_traceback(tmp_path):
    for args in (["validate", str(tmp_path / "missing")], ["validate", "--format", "xml"], ["frobnicate"]):
        proc = subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True)
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr + proc.stdout
        assert "用法错误" in proc.stderr + proc.stdout


def test_cli_data_error_exit_1_without_traceback(corpus_dir):
    write(corpus_dir, "units/x.yaml", "units:\n  - id: a\n    name: 甲\n    name: 乙\n")
    proc = subprocess.run([sys.executable, "-m", "generator.cli", "validate", str(corpus_dir)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "units/x.yaml:4:5: 错误: 重复的键 “name”" in proc.stdout
    assert proc.stdout.rstrip().endswith("共 1 个错误。")
