"""``policykb fmt``: rewrite data files into the canonical layout (see ``generator.fmt``)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..fmt import files_under, format_file, write_atomically
from ..problems import PolicyError


def register(sub) -> None:
    p = sub.add_parser("fmt", help="把数据文件整理为统一格式（保留注释，不改内容）")
    p.add_argument("paths", nargs="*", default=["policies"], help="文件或目录（默认 policies）")
    p.add_argument("--check", action="store_true", help="只列出格式不规范的文件，不改写（有则退出码 1）")
    p.set_defaults(func=run)


def run(args) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"用法错误：路径不存在：{'、'.join(missing)}", file=sys.stderr)
        return 2
    problems, differing, written = [], [], []
    for path in files_under(paths):
        result = format_file(path)
        if result.problems:
            problems.extend(result.problems)
            continue
        if not result.changed:
            continue
        differing.append(result.display)
        if not args.check:
            write_atomically(path, result.formatted)
            written.append(result.display)
    for display in differing if args.check else written:
        print(f"{'格式不规范' if args.check else '已格式化'}：{display}")
    if problems:
        print(PolicyError(problems).report() + "（以上文件未改写）", file=sys.stderr)
        return 1
    if args.check and differing:
        print(f"共 {len(differing)} 个文件格式不规范；运行 policykb fmt 可自动整理。", file=sys.stderr)
        return 1
    return 0
