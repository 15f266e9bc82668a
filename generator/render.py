"""Text from YAML on its way into Markdown/HTML: escaping and small formatting filters.

Every string that came from a data file passes through ``md`` (inline text) or ``md_block``
before it reaches a page, so ``<script>``, Markdown syntax and template syntax in the data
show up as literal text.
"""

from __future__ import annotations

import html
import re

import jinja2
from markupsafe import Markup

# Characters Markdown (and its extensions, and Jinja-like syntax) would interpret: written as
# numeric character references, which Markdown leaves alone and the browser shows literally.
_ENTITIES = {c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]#+-!|~^="}
_TABLE = str.maketrans(_ENTITIES)


def md(text: object) -> str:
    """Inline text from data → safe Markdown: HTML and Markdown syntax shown as literal text."""
    if text is None:
        return ""
    return str(text).replace("\r", "").replace("\n", " ").translate(_TABLE)


def md_block(text: object) -> str:
    """Multi-line text from data: each paragraph escaped like ``md``, paragraphs kept."""
    if text is None:
        return ""
    paragraphs = [p.strip() for p in str(text).split("\n\n")]
    return "\n\n".join(md(p) for p in paragraphs if p)


def attr(text: object) -> str:
    """Text for an HTML attribute value (always double-quoted in templates)."""
    return html.escape("" if text is None else str(text), quote=True)


def install(env: jinja2.Environment) -> None:
    env.filters["md"] = md
    env.filters["md_block"] = md_block
    env.filters["attr"] = attr
    from . import urls

    env.globals["urls"] = urls
