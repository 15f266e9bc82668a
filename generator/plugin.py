"""The MkDocs glue: corpus in, generated pages and their navigation out.

Everything the site shows is decided by ``generator.pages.generate``; this plugin only hands
those pages to MkDocs, builds a bounded navigation from their sections, serves the site's own
assets and watches ``policies/``. Moving to another engine means rewriting this file only.

Navigation stays the same size however large the corpus grows: a section's index pages (URLs
one level deep, such as ``documents/`` or ``calendar/``) form the tabs; every other generated
page is built but left out of the navigation, and reached from those indexes.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import sys
import threading
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from .corpus import Corpus, load_corpus
from .pages import Page, generate
from .problems import PolicyError

log = logging.getLogger("mkdocs.plugins.policykb")

ASSETS = Path(__file__).parent / "assets"
THEME = Path(__file__).parent / "theme"
ASSET_PREFIX = "assets/policykb/"
HELP_SECTION = "使用说明"  # hand-written pages from docs/ are listed under this tab
SMALL_SECTION = 20  # a section without an index page is listed in full only up to this size


class PolicyPluginConfig(base.Config):
    policies_dir = c.Type(str, default="policies")
    # The site's own clause search (assets/search/): the theme's header shows its search box
    # when this is on, so the engine's whole-site search plugin is not needed.
    search = c.Type(bool, default=True)


class PolicyPlugin(BasePlugin[PolicyPluginConfig]):
    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self.pages: list[Page] = []
        self.policies_path: Path | None = None
        self.preloaded: Corpus | None = None  # set by ``policykb build``, which has validated already
        # Set by ``policykb build``: the search index generation it built for this corpus, which
        # the browser's search data is read from instead of building a second index.
        self.search_generation: Path | None = None
        # Under ``mkdocs serve`` the plugin lives across rebuilds (it has on_startup): what each
        # generated page was last built from, so a dirty rebuild renders only the pages whose
        # Markdown (or the navigation and theme around it) changed.
        self.serving = False
        self.built: dict[str, str] = {}
        self.pending: dict[str, str] = {}
        self.artefacts: threading.Thread | None = None
        self.artefacts_lock = threading.Lock()

    def on_startup(self, *, command, dirty) -> None:
        self.serving = command == "serve"
        self.built, self.pending = {}, {}

    policies_override: Path | None = None  # ``policykb serve --policies``

    def policies_root(self, config) -> Path:
        """The data directory, relative to mkdocs.yml unless given as an absolute path."""
        if self.policies_override is not None:
            return self.policies_override
        return (Path(config.config_file_path).parent / self.config.policies_dir).resolve()

    # ---- configuration: load the corpus, register the site's own assets and theme overrides

    def on_config(self, config):
        self.policies_path = self.policies_root(config)
        self.corpus, self.preloaded = self.preloaded or load_or_abort(self.policies_path), None
        self.pages = generate(self.corpus)
        for asset in site_assets():
            target = config.extra_css if asset.suffix == ".css" else config.extra_javascript
            if asset.suffix in (".css", ".js") and ASSET_PREFIX + asset.name not in target:
                target.append(ASSET_PREFIX + asset.name)
        if THEME.is_dir() and str(THEME) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(THEME))
        return config

    # ---- files and navigation

    def on_files(self, files: Files, *, config) -> Files:
        handwritten = sorted(f.src_uri for f in files.documentation_pages() if "/" not in f.src_uri)
        nav_sources = {p.src_path for p in nav_pages(self.pages)}
        config.nav = navigation(self.pages, handwritten)
        surroundings = page_surroundings(config)
        self.pending = {}
        for page in self.pages:
            inclusion = InclusionLevel.INCLUDED if page.src_path in nav_sources else InclusionLevel.NOT_IN_NAV
            existing = files.get_file_from_path(page.src_path)
            if existing is not None:
                files.remove(existing)  # generated pages win over stale copies in docs/
            file = GeneratedPage.generated(config, page.src_path, content=page.markdown, inclusion=inclusion)
            digest = hashlib.sha256(f"{surroundings}\n{page.markdown}".encode()).hexdigest()
            file.unchanged = self.built.get(page.src_path) == digest
            self.pending[page.src_path] = digest
            files.append(file)
        for asset in site_assets():
            files.append(File.generated(config, ASSET_PREFIX + asset.name, abs_src_path=str(asset)))
        self.pages = []  # the Markdown now lives in the files only (dropped once each page is written)
        return files

    def on_post_page(self, output: str, *, page, config) -> str:
        """A written page's Markdown, HTML and table of contents are read by nothing later in
        the build (other pages use its title, URL and anchor ids, which stay): at ~20,000
        pages, holding them until the build ends is most of the build's memory."""
        if isinstance(page.file, GeneratedPage):
            page.file._content = ""
            page.markdown = ""
            page.content = None
            page.toc = []
        return output

    def on_build_error(self, *, error) -> None:
        # Pages may be half written: the next build renders every page again.
        self.built, self.pending = {}, {}

    # ---- serve: rebuild when data changes

    def on_serve(self, server, *, config, builder):
        if self.policies_path is not None:
            server.watch(str(self.policies_path))
        return server

    # ---- after the build: artefacts other modules add to the site

    def on_post_build(self, *, config) -> None:
        site_dir = Path(config.site_dir)
        rebuild = self.serving and bool(self.built)
        self.built, self.pending = self.pending, {}
        if not rebuild:
            self.write_artefacts(site_dir)
            return
        # A rebuild under ``mkdocs serve``: the edited page is served now; the browser's search
        # data and the downloads (cached by their inputs, so usually only linked in) follow in
        # the background, one such update at a time.
        log.info("policykb: 检索数据与下载文件在后台更新")
        self.artefacts = threading.Thread(target=self._artefacts_in_background, args=(site_dir, self.corpus),
                                          name="policykb-artefacts", daemon=True)
        self.artefacts.start()

    def on_shutdown(self) -> None:
        # MkDocs keeps this instance for later builds in the same process: forget this session.
        if self.artefacts is not None:
            self.artefacts.join()
        self.serving, self.built, self.pending, self.artefacts = False, {}, {}, None

    def _artefacts_in_background(self, site_dir: Path, corpus: Corpus) -> None:
        with self.artefacts_lock:
            try:
                self.write_artefacts(site_dir, corpus)
            except Exception as exc:  # a dev server keeps serving; the next rebuild tries again
                log.warning("policykb: 检索数据或下载文件未能更新：%s", exc)

    def write_artefacts(self, site_dir: Path, corpus: Corpus | None = None) -> None:
        """The browser's search data and the downloads, written into the built site."""
        corpus = corpus or self.corpus
        site_search = optional_module("generator.site_search")
        if site_search is not None and hasattr(site_search, "write_site_search"):
            generation, self.search_generation = self.search_generation, None
            site_search.write_site_search(corpus, site_dir, generation=generation)
        exports = optional_module("generator.export.site")
        if exports is not None and hasattr(exports, "write_downloads"):
            exports.write_downloads(corpus, site_dir)


class GeneratedPage(File):
    """A generated page that tells MkDocs' dirty builds (``mkdocs serve --dirty``, which
    ``policykb serve`` uses) whether it changed: MkDocs treats every in-memory file as
    modified, which would render every page again on each rebuild."""

    unchanged = False  # built before from the same Markdown, navigation and theme

    def is_modified(self) -> bool:
        return not self.unchanged or not os.path.isfile(self.abs_dest_path)


def page_surroundings(config) -> str:
    """What every page's HTML depends on besides its own Markdown: the navigation, the site's
    name and address, and the theme overrides and site assets (by name, size and time)."""
    parts = [json.dumps(config.nav, ensure_ascii=False), config.site_name or "", config.site_url or ""]
    for folder in (THEME, ASSETS):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    parts.append(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}")
    if config.config_file_path and os.path.isfile(config.config_file_path):
        stat = os.stat(config.config_file_path)
        parts.append(f"config:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def load_or_abort(root: Path) -> Corpus:
    """The validated corpus, or the same located messages ``policykb validate`` prints and a
    clean stop of the build (no traceback)."""
    if not root.is_dir():
        raise Abort(f"数据目录不存在：{root}")
    try:
        return load_corpus(root)
    except PolicyError as exc:
        message = "数据校验未通过，站点未构建。"
        print(exc.report(), message, sep="\n", file=sys.stderr)
        raise Abort(message) from None


def optional_module(name: str):
    """Import ``name`` if that module exists; errors inside an existing module still surface."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == name or name.startswith(exc.name + ".")):
            return None
        raise


def site_assets() -> list[Path]:
    """Stylesheets and scripts served from the site itself (nothing comes from elsewhere)."""
    if not ASSETS.is_dir():
        return []
    return sorted(p for p in ASSETS.iterdir() if p.is_file() and p.suffix in (".css", ".js"))


def _depth(page: Page) -> int:
    return len([part for part in page.url.split("/") if part])


def _order_key(page: Page):
    return (tuple(str(x) if not isinstance(x, (int, float)) else f"{x:012.3f}" for x in page.order), page.url)


def nav_pages(pages: list[Page]) -> list[Page]:
    """The pages that appear in the navigation: home, section indexes, and small sections."""
    chosen: list[Page] = []
    by_section: dict[str, list[Page]] = {}
    for page in pages:
        if _depth(page) == 0:
            chosen.append(page)
        elif page.section:
            by_section.setdefault(page.section[0], []).append(page)
    for members in by_section.values():
        indexes = [p for p in members if _depth(p) == 1]
        if indexes:
            chosen.extend(indexes)
        elif len(members) <= SMALL_SECTION:
            chosen.extend(members)
    return chosen


def navigation(pages: list[Page], handwritten: list[str]) -> list:
    """MkDocs ``nav``: home first, then one tab per section (ordered by the ``order`` of its
    first index page, so views rank their tabs with it), 使用说明 with the hand-written pages last."""
    home = [{p.title: p.src_path} for p in pages if _depth(p) == 0]
    sections: dict[str, list[Page]] = {}
    for page in sorted(nav_pages(pages), key=_order_key):
        if _depth(page) == 0:
            continue
        sections.setdefault(page.section[0] if page.section else page.title, []).append(page)
    extra = [src for src in handwritten if src != "index.md"]
    if extra:
        sections.setdefault(HELP_SECTION, [])
    tabs = sorted(sections.items(), key=lambda item: (item[0] == HELP_SECTION,
                                                      _order_key(item[1][0]) if item[1] else ((), "")))
    nav: list = list(home)
    for name, members in tabs:
        entries = [{p.title: p.src_path} for p in members]
        if name == HELP_SECTION:
            entries = [*extra, *entries]
        if len(entries) == 1 and isinstance(entries[0], dict):
            nav.append({name: next(iter(entries[0].values()))})
        else:
            nav.append({name: entries})
    return nav
