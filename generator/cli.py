"""The ``policykb`` command: validate / build / serve / search / diff / fmt / export.

Exit codes: 0 success, 1 data errors (or differences, for ``diff`` and ``fmt --check``),
2 usage errors. No command ever prints a Python traceback for something a user caused.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from .problems import PolicyError

_ARGPARSE_ZH = [
    ("unrecognized arguments", "无法识别的参数"),
    ("the following arguments are required", "缺少必需的参数"),
    ("invalid choice", "无效的选项"),
    ("expected one argument", "需要一个参数值"),
    ("invalid int value", "应为整数"),
    ("choose from", "可选"),
    ("argument", "参数"),
]


class ChineseParser(argparse.ArgumentParser):
    """argparse with usage errors in Chinese and exit code 2."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        for english, chinese in _ARGPARSE_ZH:
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 用法错误：{message}", file=sys.stderr)
        sys.exit(2)


def _add_validate(sub) -> None:
    p = sub.add_parser("validate", help="校验数据文件，列出全部错误")
    p.add_argument("paths", nargs="*", default=["policies"], help="数据目录（默认 policies）")
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
    p.add_argument("--seeds", metavar="目录", help="同时逐字核对转录内容与该目录中的原文（source.seed）")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args) -> int:
    from .corpus import load_corpus

    problems = []
    for raw in args.paths:
        root = Path(raw)
        if not root.exists():
            print(f"用法错误：路径不存在：{raw}", file=sys.stderr)
            return 2
        try:
            corpus = load_corpus(root)
        except PolicyError as exc:
            problems.extend(exc.problems)
            continue
        if args.seeds:
            from .fidelity import check

            checked, slips = check(corpus, Path(args.seeds))
            if slips:
                for slip in slips:
                    print(slip)
                print(f"逐字核对：{checked} 段转录文字中有 {len(slips)} 段在原文中找不到。")
                return 1
            if args.format == "text":
                print(f"逐字核对：{checked} 段转录文字均与原文一致。")
        if args.format == "text":
            print(f"{raw}：校验通过（{corpus.summary_line()}）")
    if problems:
        error = PolicyError(problems)
        print(error.as_json() if args.format == "json" else error.report())
        return 1
    if args.format == "json":
        print("[]")
    return 0


def build_parser(only: str | None = None) -> ChineseParser:
    parser = ChineseParser(prog="policykb", description="全面从严治党政策知识库工具")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseParser)
    sub.required = True
    _add_validate(sub)
    for register in _extra_commands(only):
        register(sub)
    return parser


EXTRA_COMMANDS = ("build", "search", "diff", "fmt", "export", "schema")


def _extra_commands(only: str | None = None):
    """Commands defined beside the code they drive; each module exposes ``register(sub)``.

    With ``only`` naming one of them, only that module is imported: ``policykb search`` then
    skips the model and loader the other commands import (a third of its whole-process time)."""
    import importlib

    found = []
    for name in (only,) if only in EXTRA_COMMANDS else EXTRA_COMMANDS:
        try:
            module = importlib.import_module(f".commands.{name}", __package__)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.endswith(f"commands.{name}"):
                continue
            raise
        found.append(module.register)
    return found


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(words[0] if words else None)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PolicyError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Stopping now: a further Ctrl+C (or one still pending from a worker's fork) must not
        # cut the way out short, whose exit status says "interrupted".
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
