"""``policykb diff``: two commits of a small corpus in a temporary git repository, and the
report a reviewer reads for each kind of change."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generator import diff
from generator.cli import main

EDITIONS = Path(__file__).parent / "fixtures" / "editions"
DOC = "policies/documents/ceshi-banfa.yaml"
STD = "policies/standards/ceshi-jiedao-2019.yaml"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository whose first commit is the editions fixture under policies/."""
    shutil.copytree(EDITIONS / "corpus", tmp_path / "policies")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "第一版")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(repo: Path, path: str, old: str, new: str, *, commit: bool = True) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    if commit:
        git(repo, "commit", "-q", "-am", "修订")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def body(output: str) -> list[str]:
    """The change lines of a text report: without the first line and the summary."""
    lines = output.rstrip("\n").split("\n")
    return [line for line in lines[1:-1] if line]


HEADER = "文件 ceshi-banfa：测试市落实全面从严治党主体责任实施办法（policies/documents/ceshi-banfa.yaml）"


# --------------------------------------------------------------------------- each kind of change


def test_added_provision(repo, capsys):
    edit(repo, DOC, "      - id: jiancha-2\n",
         "      - id: jiancha-9\n        num: (三)\n        text: 每年通报典型问题。\n      - id: jiancha-2\n")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert code == 1
    assert out == ("比较：HEAD~1 → HEAD\n\n" + HEADER + "\n"
                   "  新增 条款 jiancha-9「二、(三) 每年通报典型问题。」\n\n"
                   "共 1 处变化：新增 1。\n")


def test_removed_provision(repo, capsys):
    edit(repo, DOC, "      - id: jiancha-2\n        num: (二)\n        text: 对发现的问题建立台账，限期整改。\n", "")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert code == 1
    assert body(out) == [HEADER, "  删除 条款 jiancha-2「二、(二) 对发现的问题建立台账，限期整改。」"]
    assert out.endswith("共 1 处变化：删除 1。\n")


def test_substantive_rewording_marks_the_changed_run(repo, capsys):
    edit(repo, DOC, "及时提醒、批评教育。", "及时约谈提醒、批评教育，督促整改。")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert code == 1
    assert body(out) == [
        HEADER,
        "  实质修改 条款 zeren-2「一、(二) 市纪委监委机关担负监督责任，每年对县党政…」",
        "      正文（实质修改）：市纪委监委机关担负监督责任，每年对县党政正职开展廉政教育谈话，"
        "及时{+约谈+}提醒、批评教育{+，督促整改+}。",
    ]


def test_punctuation_and_function_words_are_wording_only(repo, capsys):
    edit(repo, DOC, "对发现的问题建立台账，限期整改。", "对发现问题建立台账、限期整改。")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert code == 1
    assert body(out) == [
        HEADER,
        "  文字调整 条款 jiancha-2「二、(二) 对发现问题建立台账、限期整改。」",
        "      正文（文字调整）：对发现[-的-]问题建立台账[-，-]{+、+}限期整改。",
    ]
    assert out.endswith("共 1 处变化：文字调整 1。\n")


def test_reordered_siblings_are_one_move(repo, capsys):
    text = (repo / DOC).read_text(encoding="utf-8")
    first = text.index("      - id: zeren-1\n")
    second = text.index("      - id: zeren-2\n")
    (repo / DOC).write_text(text[:first] + text[second:text.index("      - id: zeren-3\n")]
                            + text[first:second] + text[text.index("      - id: zeren-3\n"):], encoding="utf-8")
    git(repo, "commit", "-q", "-am", "调整顺序")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert code == 1
    # of two swapped siblings, one moved: the other kept its order relative to the rest
    assert body(out) == [HEADER, "  移动 条款 zeren-2「一、(二) 市纪委监委机关担负监督责任，每年对县党政…」：位置：第 2 项 → 第 1 项（zeren 之下）"]


def test_new_parent_is_a_move(repo, capsys):
    block = "      - id: jiancha-2\n        num: (二)\n        text: 对发现的问题建立台账，限期整改。\n"
    edit(repo, DOC, block, "", commit=False)
    edit(repo, DOC, "  - id: jiancha\n", block.replace("(二)", "(四)") + "  - id: jiancha\n")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert body(out) == [
        HEADER,
        "  文字调整 条款 jiancha-2「一、(四) 对发现的问题建立台账，限期整改。」",
        "      编号：(二) → (四)",
        "  移动 条款 jiancha-2「一、(四) 对发现的问题建立台账，限期整改。」：从 jiancha 移至 zeren",
    ]
    assert code == 1


def test_merge_follows_the_withdrawn_pointer(repo, capsys):
    edit(repo, DOC, "        subjects: [xian-zhengzhi]\n",
         "        subjects: [xian-zhengzhi]\n        status: 已撤销\n        withdrawn: {kind: 合并, to: [zeren-1]}\n")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert code == 1
    assert body(out) == [HEADER, "  合并 条款 zeren-3「一、(三) 县党政正职每年向市委书面述责述廉。」：并入 zeren-1"]
    assert out.endswith("共 1 处变化：合并 1。\n")


def test_split_follows_the_withdrawn_pointer(repo, capsys):
    edit(repo, DOC, "        subjects: [xian-zhengzhi]\n",
         "        subjects: [xian-zhengzhi]\n        status: 已撤销\n        withdrawn: {kind: 拆分, to: [zeren-5, zeren-6]}\n"
         "      - id: zeren-5\n        text: 县党政正职每年向市委书面述责。\n"
         "      - id: zeren-6\n        text: 县党政正职每年向市委书面述廉。\n")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert body(out) == [
        HEADER,
        "  拆分 条款 zeren-3「一、(三) 县党政正职每年向市委书面述责述廉。」：拆分为 zeren-5、zeren-6",
        "  新增 条款 zeren-5「一、 县党政正职每年向市委书面述责。」",
        "  新增 条款 zeren-6「一、 县党政正职每年向市委书面述廉。」",
    ]
    assert code == 1


def test_annotation_changes(repo, capsys):
    edit(repo, DOC, "        units: [shiwei-ban]\n        subjects: [shiwei-shuji]\n        frequency: {per: year, at_least: 1}\n"
         "        category: 组织建设\n",
         "        units: [shijiwei]\n        subjects: [shiwei-shuji, xian-zhengzhi]\n        frequency: {per: half_year, at_least: 1}\n"
         "        category: 政治建设\n")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert body(out) == [
        HEADER,
        "  实质修改 条款 zeren-1「一、(一) 市委书记每年听取县党政正职履职情况汇报1…」",
        "      责任单位：+shijiwei −shiwei-ban",
        "      责任主体：+xian-zhengzhi",
        "      频次：每年至少1次 → 每半年至少1次",
        "      类别：组织建设 → 政治建设",
    ]
    assert code == 1


def test_points_changes_show_the_new_totals(repo, capsys):
    edit(repo, STD, "    points: 20\n    indicators:\n      - id: sx-1", "    points: 25\n    indicators:\n      - id: sx-1",
         commit=False)
    edit(repo, STD, "        content: 党工委理论学习中心组每年集中学习不少于 12 次。\n        points: 10\n",
         "        content: 党工委理论学习中心组每年集中学习不少于 12 次。\n        points: 15\n", commit=False)
    edit(repo, STD, "base_score: 100\n", "base_score: 105\n")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert code == 1
    assert out == (
        "比较：HEAD~1 → HEAD\n\n"
        "指标评价标准 ceshi-jiedao-2019：测试区街道党工委落实主体责任指标评价标准（2019年版）（policies/standards/ceshi-jiedao-2019.yaml）\n"
        "  实质修改 指标评价标准 ceshi-jiedao-2019「测试区街道党工委落实主体责任指标评价标准（2019年版）」\n"
        "      基本分：100 → 105\n"
        "  实质修改 维度 sixiang「思想建设」\n"
        "      分值：20 → 25\n"
        "  实质修改 指标 sx-1「3 理论学习」\n"
        "      分值：10 → 15\n\n"
        "分值：测试区街道党工委落实主体责任指标评价标准（2019年版）（policies/standards/ceshi-jiedao-2019.yaml）\n"
        "  政治建设（zhengzhi）：40（未变）\n"
        "  思想建设（sixiang）：20 → 25\n"
        "  组织建设（zuzhi）：20（未变）\n"
        "  纪律建设（jilv）：20（未变）\n"
        "  基本分：100 → 105\n"
        "  各维度合计：100 → 105\n\n"
        "共 3 处变化：实质修改 3。\n")


# --------------------------------------------------------------------------- what is not a change


def test_reflowed_text_is_no_change(repo, capsys):
    edit(repo, DOC, "        text: 市委书记每年听取县党政正职履职情况汇报 1 次以上。\n",
         "        text: >-\n          市委书记每年听取县党政正职\n          履职情况汇报 1 次以上。\n")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert (code, out) == (0, "比较：HEAD~1 → HEAD\n\n没有变化。\n")


def test_full_width_forms_and_reordered_keys_are_no_change(repo, capsys):
    edit(repo, DOC, "        text: 市委书记每年听取县党政正职履职情况汇报 1 次以上。\n        units: [shiwei-ban]\n",
         "        units: [shiwei-ban]\n        text: 市委书记每年听取县党政正职履职情况汇报１次以上.\n", commit=False)
    code, out, _ = run(capsys)  # HEAD against the working tree
    assert (code, out) == (0, "比较：HEAD → 工作区\n\n没有变化。\n")


def test_wording_rule():
    assert diff.wording_change("每年 1 次以上。", "每年１次以上.") is None
    assert diff.wording_change("“三重一大”", '"三重一大"') is None
    assert diff.wording_change("每年一次", "每年1次") == "文字调整"
    assert diff.wording_change("建立台账和制度", "建立台账与制度") == "文字调整"
    assert diff.wording_change("每年一次", "每年两次") == "实质修改"
    assert diff.wording_change("不得参加", "不参加") == "实质修改"


# --------------------------------------------------------------------------- sides, formats, errors


def test_two_editions_compared_as_files(capsys, monkeypatch):
    monkeypatch.chdir(EDITIONS / "corpus")
    code, out, _ = run(capsys, "standards/ceshi-jiedao-2019.yaml", "standards/ceshi-jiedao-2020.yaml")
    assert code == 1
    assert out == (EDITIONS / "expected-editions-diff.txt").read_text(encoding="utf-8")


def test_revised_document_between_commits(repo, capsys):
    shutil.copy(EDITIONS / "revised" / "documents" / "ceshi-banfa.yaml", repo / DOC)
    git(repo, "commit", "-q", "-am", "修订")
    code, out, _ = run(capsys, "HEAD~1", "HEAD", "--", "policies/documents")
    assert code == 1
    assert body(out) == [
        HEADER,
        "  实质修改 条款 zeren-1「一、(一) 市委书记每年听取县党政正职履职情况汇报2…」",
        "      正文（实质修改）：市委书记每年听取县党政正职履职情况汇报[-1-]{+2+}次以上。",
        "      责任单位：+shijiwei",
        "      频次：每年至少1次 → 每年至少2次",
        "  移动 条款 zeren-3「一、(三) 县党政正职每年向市委书面述责述廉。」：移至 jiancha-3（移至监督检查部分）",
        "  新增 条款 zeren-4「一、(三) 班子其他成员落实“一岗双责”，每半年向党…」",
        "  文字调整 条款 jiancha-2「一、(四) 对发现的问题建立台账，限期整改。」",
        "      编号：(二) → (四)",
        "  移动 条款 jiancha-2「一、(四) 对发现的问题建立台账，限期整改。」：从 jiancha 移至 zeren",
        "  文字调整 条款 jiancha-1「二、(一) 每季度开展一次专项督查；」",
        "      正文（文字调整）：每季度开展一次专项督查[-。-]{+；+}",
        "  新增 条款 jiancha-3「二、(二) 县党政正职每年向市委全会书面述责述廉述德…」",
    ]
    assert out.endswith("共 7 处变化：新增 2，实质修改 1，文字调整 2，移动 2。\n")
    code, out, _ = run(capsys, "HEAD~1", "HEAD", "--", "policies/standards")
    assert (code, out) == (0, "比较：HEAD~1 → HEAD\n\n没有变化。\n")


def test_json_and_markdown(repo, capsys):
    edit(repo, DOC, "每季度开展一次专项督查。", "每季度开展一次<b>专项</b>督查。")
    code, out, _ = run(capsys, "HEAD~1", "HEAD", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["counts"]["实质修改"] == 1
    [change] = data["changes"]
    assert (change["kind"], change["id"], change["path"]) == ("实质修改", "jiancha-1", DOC)
    assert change["details"][0]["pieces"] == [["=", "每季度开展一次"], ["+", "<b>"], ["=", "专项"], ["+", "</b>"], ["=", "督查。"]]
    code, out, _ = run(capsys, "--format", "markdown", "HEAD~1", "HEAD")
    assert "<ins>&#60;b&#62;</ins>专项<ins>&#60;/b&#62;</ins>督查。" in out
    assert "<b>" not in out
    assert out.startswith("## 修订对照：HEAD&#126;1 → HEAD\n") or out.startswith("## 修订对照：HEAD~1 → HEAD\n")


def test_colour_only_when_asked_or_on_a_terminal(repo, capsys):
    edit(repo, DOC, "每季度开展一次专项督查。", "每月开展一次专项督查。")
    _, plain, _ = run(capsys, "HEAD~1", "HEAD")
    assert "\x1b[" not in plain and "[-季度-]{+月+}" in plain
    _, coloured, _ = run(capsys, "--color", "always", "HEAD~1", "HEAD")
    assert "\x1b[9;31m季度\x1b[0m\x1b[4;32m月\x1b[0m" in coloured


def test_bad_revision_is_exit_2(repo, capsys):
    code, out, err = run(capsys, "no-such-branch", "HEAD")
    assert (code, out) == (2, "")
    assert err == "错误：无效的版本：no-such-branch（不是本仓库中的提交、分支或标签）\n"


def test_invalid_data_is_exit_2_with_located_problems(repo, capsys):
    edit(repo, DOC, "        frequency: {per: quarter, at_least: 1}\n", "        frequency: {per: 每季度, at_least: 1}\n")
    code, out, err = run(capsys, "HEAD~1", "HEAD")
    assert (code, out) == (2, "")
    assert err.startswith("HEAD:policies/documents/ceshi-banfa.yaml:")
    assert "“per” 的取值 “每季度” 不在允许范围内" in err
    assert err.rstrip().endswith("共 1 个错误。")


def test_git_diff_driver(repo):
    """``.gitattributes``: ``policies/**/*.yaml diff=policykb``; git hands over both versions."""
    import sys

    (repo / ".gitattributes").write_text("policies/**/*.yaml diff=policykb\n", encoding="utf-8")
    edit(repo, DOC, "每季度开展一次专项督查。", "每月开展一次专项督查。", commit=False)
    command = f"{Path(sys.executable).parent / 'policykb'} diff --git"
    out = git(repo, "-c", f"diff.policykb.command={command}", "diff")
    assert out == ("比较：a/policies/documents/ceshi-banfa.yaml → b/policies/documents/ceshi-banfa.yaml\n\n" + HEADER + "\n"
                   "  实质修改 条款 jiancha-1「二、(一) 每月开展一次专项督查。」\n"
                   "      正文（实质修改）：每[-季度-]{+月+}开展一次专项督查。\n\n"
                   "共 1 处变化：实质修改 1。\n")


def test_editorial_annotations_are_wording_only(repo, capsys):
    edit(repo, DOC, "        text: 县党政正职每年向市委书面述责述廉。\n",
         "        text: 县党政正职每年向市委书面述责述廉。\n        terms: [tanxin-tanhua]\n        note: 编者据原文整理。\n")
    code, out, _ = run(capsys, "HEAD~1", "HEAD")
    assert code == 1
    assert body(out) == [
        HEADER,
        "  文字调整 条款 zeren-3「一、(三) 县党政正职每年向市委书面述责述廉。」",
        "      编者注（文字调整）：{+编者据原文整理。+}",
        "      术语：+tanxin-tanhua",
    ]
