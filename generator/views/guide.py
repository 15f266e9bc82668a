"""编写指南: the field reference for people who write the YAML files, from the model itself."""

from __future__ import annotations

from pathlib import Path

from ..model import FILE_KIND_NAMES, FILE_KINDS
from ..pages import Page
from ..schema import field_reference, schema_file_name

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"


def _example(kind: str) -> str:
    files = sorted((EXAMPLES / kind).glob("*.yaml"))
    return files[0].read_text(encoding="utf-8") if files else ""


def pages(corpus, env):
    kinds = [
        {"folder": kind, "name": FILE_KIND_NAMES[kind], "schema": schema_file_name(kind),
         "models": field_reference(kind), "example": _example(kind)}
        for kind in FILE_KINDS
    ]
    markdown = env.get_template("guide.md.j2").render(kinds=kinds)
    yield Page(url="guide/", title="编写指南", markdown=markdown, section=("使用说明",), order=(1,))
