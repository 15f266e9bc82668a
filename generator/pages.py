"""Which pages the site has: every view module contributes pages rendered from the Corpus.

A view is a module in ``generator/views/`` with a function ``pages(corpus, env)`` that yields
``Page`` objects (Markdown rendered by Jinja2 templates from ``generator/templates/``). This
module knows nothing of MkDocs: the plugin hands the pages to the engine, and another engine
could take them as they are.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import jinja2

from . import urls
from .corpus import Corpus

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes, what it is called, its Markdown, where it sits in nav."""

    url: str  # a directory URL from generator.urls, e.g. "roles/shiwei-shuji/"
    title: str
    markdown: str
    section: tuple[str, ...] = ()  # navigation path of the page's section, e.g. ("按角色",)
    order: tuple = ()  # sort key inside its section
    sample: bool = False  # uses data marked sample: true
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def src_path(self) -> str:
        return urls.page_source(self.url)


def template_environment(*, autoescape: bool) -> jinja2.Environment:
    """Jinja2 over generator/templates/: autoescaped for HTML outputs (handouts), not for the
    Markdown the views write, which escapes data itself (``make_environment``)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=not autoescape,
        autoescape=autoescape,
    )


def make_environment() -> jinja2.Environment:
    """The Jinja2 environment every view renders with (Markdown output, so no autoescape:
    views must pass text through the ``md`` filter, which escapes HTML and Markdown)."""
    from . import render

    env = template_environment(autoescape=False)
    render.install(env)
    return env


def view_modules() -> list:
    package = importlib.import_module(".views", __package__)
    # Modules named with a leading underscore hold helpers the views share; they are not views.
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f".views.{name}", __package__) for name in names]


def generate(corpus: Corpus, env: jinja2.Environment | None = None) -> list[Page]:
    """Every page of the site, in a stable order."""
    env = env or make_environment()
    pages: list[Page] = []
    for module in view_modules():
        pages.extend(module.pages(corpus, env))
    seen: dict[str, Page] = {}
    for page in pages:
        if page.url in seen:
            raise RuntimeError(f"two views produced the same page {page.url}")
        seen[page.url] = page
    return sorted(pages, key=lambda p: (p.section, p.order, p.url))


def iter_pages(corpus: Corpus) -> Iterable[Page]:
    return generate(corpus)
