"""``policykb search``: clauses matching a query, from the index ``policykb build`` writes.

Imports nothing heavy at registration (every ``policykb`` call registers every command) and
never loads jieba: queries are cut against the index's own lexicon (see generator.segment).
"""

from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser("search", help="检索条款、清单条目、指标、术语和情形",
                       description="检索条款。多个词用空格分隔，须全部命中；"
                                   "也可在检索词中写 角色:名称、单位:名称、类别:名称、文件:标识 来筛选。")
    p.add_argument("query", nargs="+", help="检索词，如 一把手 约谈")
    p.add_argument("--role", help="只看该角色（标识、名称或别称，含其下级角色）的条款")
    p.add_argument("--unit", help="只看该责任单位（标识、名称或别称）的条款")
    p.add_argument("--category", help="只看该类别（如 纪律建设 或 纪律）")
    p.add_argument("--doc", help="只看该文件（或清单、标准、情形集）的条款")
    p.add_argument("--limit", type=int, default=10, help="最多显示几条（默认 10）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--index-dir", default="search_index", help="索引目录（默认 search_index）")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..search import IndexMissing, QueryError, search

    if args.limit < 1:
        print("用法错误：--limit 须为正整数", file=sys.stderr)
        return 2
    try:
        hits = search(args.index_dir, " ".join(args.query), role=args.role, unit=args.unit,
                      category=args.category, doc=args.doc, limit=args.limit)
    except IndexMissing:
        print(f"找不到检索索引（{args.index_dir}）：请先运行 policykb build 生成索引。", file=sys.stderr)
        return 2
    except QueryError as exc:
        print(f"检索式有误：{exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([h.as_json() for h in hits], ensure_ascii=False, indent=2))
        return 0
    print(render_hits(hits, colour=sys.stdout.isatty()))
    return 0


def render_hits(hits, colour: bool) -> str:
    """Readable terminal lines: title and clause number, snippet with the query words marked, URL."""
    if not hits:
        return "没有找到匹配的条款。"
    bold, mark, dim, reset = ("\x1b[1m", "\x1b[1;33m", "\x1b[2m", "\x1b[0m") if colour else ("", "", "", "")
    lines = [f"找到 {len(hits)} 条结果：", ""]
    for i, hit in enumerate(hits, 1):
        where = " ".join(filter(None, [hit.number, hit.heading if hit.kind != "document" else ""]))
        lines.append(f"{i}. {bold}{_clean(hit.title)}{reset}" + (f"  {_clean(where)}" if where else ""))
        marked = "".join(f"{mark}{_clean(t)}{reset}" if m and colour else (f"【{_clean(t)}】" if m else _clean(t))
                         for t, m in hit.snippet)
        if marked:
            lines.append(f"   {marked}")
        lines.append(f"   {dim}{hit.url}{reset}")
        for other in hit.also:  # the same clause in other standards or editions
            lines.append(f"   同见：{_clean(other.place())}  {dim}{other.url}{reset}")
        lines.append("")
    return "\n".join(lines).rstrip()


def _clean(text: str) -> str:
    """Data text for a terminal: control characters (escape sequences) removed, C1 controls
    included (U+009B is an escape sequence introducer on its own for some terminals)."""
    return "".join(c for c in text if (c >= " " or c == "\t") and not "\x7f" <= c <= "\x9f")
