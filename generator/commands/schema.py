"""``policykb schema``: write the JSON Schemas editors use into policies/schema/."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("schema", help="由数据模型生成编辑器用的 JSON Schema")
    p.add_argument("--out", default="policies/schema", help="输出目录（默认 policies/schema）")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..schema import write_schemas

    written = write_schemas(Path(args.out))
    print(f"已更新 {len(written)} 个 JSON Schema 文件（{args.out}）。" if written else "JSON Schema 已是最新。")
    return 0
