"""policykb export: handout PDFs, the 任务分解表, self-assessment workbooks and the corpus JSON.

Every export reads the validated Corpus. An unknown id is a usage error (exit 2); data errors
exit 1 with the same located report ``policykb validate`` prints. Files are written whole or
not at all.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("export", help="导出讲义 PDF、任务分解表、自评表或全部数据 JSON")
    kinds = p.add_subparsers(dest="kind", metavar="类型", parser_class=type(p))
    kinds.required = True

    h = kinds.add_parser("handout", help="专题学习讲义（PDF）")
    h.add_argument("id", help="专题学习标识")
    _common(h, "讲义.pdf")
    h.add_argument("--site-url", default="", help="站点地址；给出时在每个条款下印出其网址")
    h.set_defaults(func=run_handout)

    t = kinds.add_parser("tasks", help="任务分解表（XLSX 或 CSV）")
    _common(t, "任务分解表.xlsx")
    t.add_argument("--format", choices=["xlsx", "csv"], default=None,
                   help="输出格式（默认按文件扩展名，否则 xlsx）")
    t.add_argument("--site-url", default="", help="站点地址；给出时“链接”列为完整网址")
    t.set_defaults(func=run_tasks)

    s = kinds.add_parser("scorecard", help="指标评价标准的自评工作簿（XLSX）")
    s.add_argument("id", help="指标评价标准标识")
    _common(s, "自评表.xlsx")
    s.set_defaults(func=run_scorecard)

    j = kinds.add_parser("json", help="全部数据（JSON，另写 JSON Schema 于同目录）")
    _common(j, "corpus.json")
    j.set_defaults(func=run_json)


def _common(parser, example: str) -> None:
    parser.add_argument("-o", "--output", required=True, help=f"输出文件，如 {example}")
    parser.add_argument("--policies", default="policies", help="数据目录（默认 policies）")


def _corpus(args):
    from ..corpus import load_corpus

    root = Path(args.policies)
    if not root.is_dir():
        raise _Usage(f"数据目录不存在：{args.policies}")
    return load_corpus(root)


class _Usage(Exception):
    """A usage error found after parsing: printed in Chinese, exit code 2."""


def _run(args, export) -> int:
    from ..export import UnknownEntity

    started = time.perf_counter()
    try:
        corpus = _corpus(args)
        written = export(corpus, Path(args.output))
    except (UnknownEntity, _Usage) as exc:
        print(f"policykb export: 用法错误：{exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"policykb export: 无法写入 {args.output}：{exc.strerror or exc}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    for path in written:
        print(f"已写入 {path}（{path.stat().st_size:,} 字节，{seconds:.2f} 秒）")
    return 0


def run_handout(args) -> int:
    def export(corpus, target):
        from ..export.handout import handout_of, write_handout_pdf

        write_handout_pdf(handout_of(corpus, args.id), target, args.site_url)
        return [target]

    return _run(args, export)


def run_tasks(args) -> int:
    fmt = args.format or ("csv" if args.output.lower().endswith(".csv") else "xlsx")

    def export(corpus, target):
        from ..export.tasks import write_tasks_csv, write_tasks_xlsx

        (write_tasks_csv if fmt == "csv" else write_tasks_xlsx)(corpus, target, args.site_url)
        return [target]

    return _run(args, export)


def run_scorecard(args) -> int:
    def export(corpus, target):
        from ..export.scorecard import standard_named, write_scorecard

        write_scorecard(standard_named(corpus, args.id), target)
        return [target]

    return _run(args, export)


def run_json(args) -> int:
    def export(corpus, target):
        from ..export.jsonexport import write_corpus_json

        schema = write_corpus_json(corpus, target)
        return [target, schema]

    return _run(args, export)
