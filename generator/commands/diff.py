"""``policykb diff [A] [B] [-- PATH...]``: what changed between two revisions, clause by clause.

A and B are git revisions (default: HEAD against the working tree) or two existing files or
folders. Exit 0 when nothing changed, 1 when something did, 2 when a side cannot be read.
As a git diff driver (``.gitattributes``: ``policies/**/*.yaml diff=policykb``, and
``git config diff.policykb.command "policykb diff --git"``) git passes the two file versions.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from .. import diff as d
from ..model import FILE_KINDS
from ..problems import PolicyError

FORMATS = ("text", "markdown", "json")


def register(sub) -> None:
    p = sub.add_parser("diff", help="按标识比较两个版本：新增、删除、修改、移动、合并、拆分",
                       description="比较两个 git 版本（默认 HEAD 与工作区）或两个文件/目录。"
                                   "用法：policykb diff [A] [B] [-- 路径...]")
    _options(p)
    # REMAINDER keeps "--", which separates the revisions from the path filters
    p.add_argument("items", nargs=argparse.REMAINDER, metavar="[A] [B] [-- 路径...]")
    p.set_defaults(func=run)


def _options(p) -> None:
    p.add_argument("--format", choices=FORMATS, default="text", help="输出格式：text / markdown / json")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="终端颜色")
    p.add_argument("--root", default=None, help="数据目录（相对仓库根目录；默认由路径推断，否则 policies）")
    p.add_argument("--git", action="store_true", help="作为 git diff 驱动运行（由 git 调用）")


def _reparsed(args) -> argparse.Namespace:
    """Options may also follow the revisions (``diff HEAD~1 --format json -- x``)."""
    from ..cli import ChineseParser

    items = list(args.items)
    filters: list[str] = []
    if "--" in items:
        items, filters = items[: items.index("--")], items[items.index("--") + 1:]
    parser = ChineseParser(prog="policykb diff")
    _options(parser)
    parser.add_argument("revisions", nargs="*")
    parser.set_defaults(**{k: getattr(args, k) for k in ("format", "color", "root", "git")})
    parsed = parser.parse_args(items)
    parsed.filters = filters
    return parsed


def run(args) -> int:
    args = _reparsed(args)
    try:
        comparison = _comparison(args, args.revisions, args.filters)
    except d.RevisionError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except PolicyError as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    if comparison is None:
        return 2
    print(render(comparison, args.format, colour=_want_colour(args)), end="")
    if args.git:
        return 0  # git stops at the first external diff that exits non-zero
    return 1 if comparison.changes or comparison.totals else 0


def _comparison(args, items: list[str], filters: list[str]):
    if args.git:
        # git diff driver: path old-file old-hex old-mode new-file new-hex new-mode
        if len(items) < 5:
            print("用法错误：作为 git diff 驱动时需要 git 传入的 7 个参数", file=sys.stderr)
            return None
        return _compare_paths(Path(items[1]), Path(items[4]), display=items[0])
    if len(items) > 2:
        print("用法错误：最多比较两个版本；路径请写在 -- 之后", file=sys.stderr)
        return None
    if len(items) == 2 and all(Path(x).exists() for x in items):
        return _compare_paths(Path(items[0]), Path(items[1]))
    repo = d.repository_top(Path.cwd())
    root = args.root or _root_for(filters, repo)
    prefixes = [_relative(Path(f), repo) for f in filters]
    with tempfile.TemporaryDirectory(prefix="policykb-diff-") as work:
        old_rev = items[0] if items else "HEAD"
        old = d.side_from_revision(repo, old_rev, root, work)
        new = d.side_from_revision(repo, items[1], root, work) if len(items) == 2 else d.side_from_worktree(repo, root)
    comparison = d.compare_sides(old, new)
    return d.filter_paths(comparison, prefixes)


def _compare_paths(old: Path, new: Path, display: str | None = None):
    if old.is_dir() != new.is_dir():
        print("用法错误：不能比较一个文件和一个目录", file=sys.stderr)
        return None
    if display:
        # git hands over temporary copies; load them under the real name so the kind is known
        with tempfile.TemporaryDirectory(prefix="policykb-diff-") as work:
            old_side = _copy_as(old, display, Path(work) / "a", f"a/{display}")
            new_side = _copy_as(new, display, Path(work) / "b", f"b/{display}")
        return d.compare_sides(old_side, new_side)
    return d.compare_sides(d.side_from_path(old), d.side_from_path(new), pair_single_files=True)


def _copy_as(source: Path, display: str, work: Path, name: str) -> d.Side:
    from ..fmt import kind_for
    from ..load import load_file

    target = work / display
    target.parent.mkdir(parents=True, exist_ok=True)
    if str(source) == os.devnull or not source.exists():
        return d.Side(name, [])
    target.write_bytes(source.read_bytes())
    kind = kind_for(target)
    if kind is None:
        from ..problems import Problem

        raise PolicyError([Problem(display, 1, 1, "无法判断文件类型：数据文件必须放在 "
                                   + "、".join(f"{k}/" for k in FILE_KINDS) + " 之一中", None, "kind")])
    return d.Side(name, [load_file(target, kind, display)])


def _relative(path: Path, repo: Path) -> str:
    try:
        return str(path.absolute().relative_to(repo))
    except ValueError:
        return str(path)


def _root_for(filters: list[str], repo: Path) -> str:
    """The corpus folder the filter paths lie in (the parent of their kind folder), or policies."""
    for raw in filters:
        path = Path(raw).absolute()
        for candidate in (path, *path.parents):
            if candidate.name in FILE_KINDS:
                return _relative(candidate.parent, repo)
            if candidate.is_dir() and any((candidate / k).is_dir() for k in FILE_KINDS):
                return _relative(candidate, repo)
    return "policies"


def _want_colour(args) -> bool:
    if args.color != "auto":
        return args.color == "always"
    return args.format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


# --------------------------------------------------------------------------- output


def render(comparison: d.Comparison, fmt: str, *, colour: bool = False) -> str:
    if fmt == "json":
        return json.dumps(comparison.as_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return render_markdown(comparison)
    return render_text(comparison, colour=colour)


_KIND_COLOURS = {"新增": "32", "删除": "31", "实质修改": "33", "文字调整": "36", "移动": "35", "合并": "35", "拆分": "35"}


def summary_line(comparison: d.Comparison) -> str:
    counts = comparison.counts()
    if not comparison.changes:
        return "没有变化。" if not comparison.totals else "分值有变化。"
    parts = "，".join(f"{kind} {n}" for kind, n in counts.items() if n)
    return f"共 {len(comparison.changes)} 处变化：{parts}。"


def render_text(comparison: d.Comparison, *, colour: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if colour else text

    def pieces(ps) -> str:
        out = []
        for p in ps:
            if p.op == "=":
                out.append(p.text)
            elif p.op == "-":
                out.append(paint(p.text, "9;31") if colour else f"[-{p.text}-]")
            else:
                out.append(paint(p.text, "4;32") if colour else f"{{+{p.text}+}}")
        return "".join(out)

    lines = [f"比较：{comparison.old_name} → {comparison.new_name}"]
    for group, changes in comparison.groups():
        lines += ["", paint(comparison.headers.get(group, group), "1")]
        for c in changes:
            head = f"  {paint(c.kind, _KIND_COLOURS[c.kind])} {c.family_name} {c.id}「{c.label}」"
            lines.append(head + (f"：{c.note}" if c.note else ""))
            for detail in c.details:
                lines.append("      " + _detail_text(detail, pieces))
    for totals in comparison.totals:
        lines += ["", paint(f"分值：{totals.label}（{totals.path}）", "1")]
        for label, old, new in totals.rows:
            lines.append(f"  {label}：{_points_change(old, new)}")
    lines += ["", summary_line(comparison)]
    return "\n".join(lines) + "\n"


def _detail_text(detail: d.Detail, pieces) -> str:
    if detail.pieces:
        return f"{detail.label}（{detail.wording}）：{pieces(detail.pieces)}"
    if detail.added or detail.removed:
        parts = [f"+{x}" for x in detail.added] + [f"−{x}" for x in detail.removed]
        return f"{detail.label}：{' '.join(map(str, parts))}"
    return f"{detail.label}：{_value(detail.old)} → {_value(detail.new)}"


def _value(value) -> str:
    return "（无）" if value in (None, "", ()) else str(value)


def _points_change(old, new) -> str:
    if old == new:
        return f"{old}（未变）"
    return f"{_value(old)} → {_value(new)}"


def render_markdown(comparison: d.Comparison) -> str:
    from ..render import md

    def pieces(ps) -> str:
        return "".join(md(p.text) if p.op == "=" else f"<{'del' if p.op == '-' else 'ins'}>{md(p.text)}</{'del' if p.op == '-' else 'ins'}>"
                       for p in ps)

    lines = [f"## 修订对照：{md(comparison.old_name)} → {md(comparison.new_name)}", ""]
    for group, changes in comparison.groups():
        lines += [f"### {md(comparison.headers.get(group, group))}", ""]
        for c in changes:
            lines.append(f"- **{c.kind}** {c.family_name} `{c.id}` {md(c.label)}" + (f"：{md(c.note)}" if c.note else ""))
            for detail in c.details:
                if detail.pieces:
                    lines.append(f"    - {md(detail.label)}（{detail.wording}）：{pieces(detail.pieces)}")
                else:
                    lines.append(f"    - {md(_detail_text(detail, pieces))}")
        lines.append("")
    for totals in comparison.totals:
        lines += [f"### 分值：{md(totals.label)}", "", "| 项目 | 原 | 新 |", "| --- | --- | --- |"]
        lines += [f"| {md(label)} | {md(_value(old))} | {md(_value(new))} |" for label, old, new in totals.rows]
        lines.append("")
    lines.append(summary_line(comparison))
    return "\n".join(lines) + "\n"
