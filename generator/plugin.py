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
from typing import Iterable

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from . import workers
from .corpus import Corpus, load_corpus
from .pages import Page, generate
from .problems import PolicyError

log = logging.getLogger("mkdocs.plugins.policykb")

ASSETS = Path(__file__).parent / "assets"
THEME = Path(__file__).parent / "theme"
ASSET_PREFIX = "assets/policykb/"
HELP_SECTION = "使用说明"  # hand-written pages from docs/ are listed under this tab
SMALL_SECTION = 20  # a section without an index page is listed in full only up to this size
MIN_PAGES_TO_SPLIT = 200  # fewer pages outside the navigation render faster in one process
ARTEFACTS_PREFIX = ".policykb-artefacts-"  # hidden: MkDocs' cleaning of the site leaves it alone


class PolicyPluginConfig(base.Config):
    policies_dir = c.Type(str, default="policies")
    # The site's own clause search (assets/search/): the theme's header shows its search box
    # when this is on, so the engine's whole-site search plugin is not needed.
    search = c.Type(bool, default=True)
    # Processes a full build renders pages in (0: one per CPU core). Dirty rebuilds under
    # ``mkdocs serve`` render the few changed pages in one process.
    processes = c.Type(int, default=0)


class PolicyPlugin(BasePlugin[PolicyPluginConfig]):
    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self.pages: list[Page] = []
        self.policies_path: Path | None = None
        self.preloaded: Corpus | None = None  # set by ``policykb build``, which has validated already
        # Under ``mkdocs serve`` the plugin lives across rebuilds (it has on_startup): what each
        # generated page was last built from, so a dirty rebuild renders only the pages whose
        # Markdown (or the navigation and theme around it) changed.
        self.serving = False
        self.built: dict[str, str] = {}
        self.pending: dict[str, str] = {}
        self.artefacts: threading.Thread | None = None
        self.artefacts_lock = threading.Lock()
        # A full build forks its artefacts (index, browser search data, downloads) off to a
        # child process writing into a hidden folder of the site, and its pages off to children
        # rendering shares of them (``SplitRender``): both cores work, the output is the same.
        self.dirty = False
        self.artefact_job: workers.ForkedJob | None = None
        self.artefact_dir: Path | None = None
        self.artefact_report: dict = {}
        self.split: SplitRender | None = None
        # Set by ``policykb build``: (staging folder, index folder) for the search index
        # generation built with the artefacts; its statistics come back in ``index_stats``.
        self.index_request: tuple[Path, Path] | None = None
        self.index_stats: dict | None = None

    def on_startup(self, *, command, dirty) -> None:
        self.serving = command == "serve"
        self.dirty = dirty
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
        self.corpus.forget_positions()  # validated: rendering needs no line numbers
        if self.parallel():
            self.start_artefacts(Path(config.site_dir))
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
        if self.split is not None and self.split.finish_child is not None:  # pragma: no cover - child
            self.split.finish_child(str(error) or type(error).__name__)
        # Pages may be half written: the next build renders every page again.
        self.built, self.pending = {}, {}
        if self.split is not None:
            self.split.restore()
            self.split = None
        self.stop_artefacts()

    # ---- serve: rebuild when data changes

    def on_serve(self, server, *, config, builder):
        if self.policies_path is not None:
            server.watch(str(self.policies_path))
        return server

    # ---- after the build: artefacts other modules add to the site

    def on_nav(self, nav, *, config, files):
        if self.parallel():
            processes = self.processes()
            movable = sum(1 for f in files.documentation_pages()
                          if isinstance(f, GeneratedPage) and f.inclusion.is_not_in_nav())
            if processes > 1 and (self.config.processes > 1 or movable >= MIN_PAGES_TO_SPLIT):
                self.split = SplitRender(files, processes)
        return nav

    def on_post_build(self, *, config) -> None:
        site_dir = Path(config.site_dir)
        if self.split is not None:
            self.split.restore()
            self.split = None
        rebuild = self.serving and bool(self.built)
        self.built, self.pending = self.pending, {}
        if self.artefact_job is not None:
            self.finish_artefacts(site_dir)
            return
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
        self.stop_artefacts()
        self.serving, self.built, self.pending, self.artefacts = False, {}, {}, None

    def _artefacts_in_background(self, site_dir: Path, corpus: Corpus) -> None:
        with self.artefacts_lock:
            try:
                self.write_artefacts(site_dir, corpus)
            except Exception as exc:  # a dev server keeps serving; the next rebuild tries again
                log.warning("policykb: 检索数据或下载文件未能更新：%s", exc)

    def write_artefacts(self, site_dir: Path, corpus: Corpus | None = None) -> None:
        """The search index (when ``policykb build`` asked for one), the browser's search data
        and the downloads, written into the built site in this process."""
        request, self.index_request = self.index_request, None
        self.artefact_report = make_artefacts(corpus or self.corpus, site_dir, request)
        self.index_stats = self.artefact_report.get("index")

    # ---- artefacts in a child process (full builds)

    def parallel(self) -> bool:
        return not self.serving and not self.dirty and self.processes() > 1 and workers.can_fork()

    def processes(self) -> int:
        return self.config.processes if self.config.processes > 0 else workers.cpu_count()

    def start_artefacts(self, site_dir: Path) -> None:
        remove_abandoned_artefacts(site_dir)
        self.artefact_dir = site_dir / f"{ARTEFACTS_PREFIX}{os.getpid()}"
        workers.remove_tree(self.artefact_dir)
        self.artefact_dir.mkdir(parents=True)
        request, self.index_request = self.index_request, None
        corpus, target = self.corpus, self.artefact_dir
        self.artefact_job = workers.ForkedJob("检索索引与下载文件的生成",
                                              lambda: make_artefacts(corpus, target, request))

    def finish_artefacts(self, site_dir: Path) -> None:
        """Wait for the artefacts and move them into the site (a failure fails the build)."""
        from mkdocs.exceptions import PluginError

        job, self.artefact_job = self.artefact_job, None
        try:
            self.artefact_report = job.wait()
        except workers.JobFailed as exc:
            self.stop_artefacts()
            raise PluginError(str(exc)) from None
        self.artefact_report["cpu_s"] = job.report.get("cpu_s", 0.0)
        self.artefact_report["peak_rss_b"] = job.report.get("peak_rss_b", 0)
        self.index_stats = self.artefact_report.get("index")
        workers.merge_tree(self.artefact_dir, site_dir)
        self.artefact_dir = None

    def stop_artefacts(self) -> None:
        if self.artefact_job is not None:
            self.artefact_job.cancel()
            self.artefact_job = None
        if self.artefact_dir is not None:
            workers.remove_tree(self.artefact_dir)
            self.artefact_dir = None


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


def make_artefacts(corpus: Corpus, target: Path, index_request) -> dict:
    """The search index (into ``index_request``'s staging folder, if given), the browser's search
    data and the downloads, written under ``target``; returns what was made and what each took
    (wall seconds, and CPU seconds including the worker processes it waited for)."""
    report: dict = {}
    generation = None
    search_module = optional_module("generator.search")
    if index_request is not None and search_module is not None:
        index_tmp, index_dir = index_request
        with _spent(report, "index"):
            stats = search_module.build_generation(corpus, Path(index_tmp), Path(index_dir))
        report["index"] = {"path": str(stats.path), "rebuilt": stats.rebuilt, "seconds": stats.seconds,
                           "documents": stats.documents, "terms": stats.terms, "bytes": stats.bytes}
        generation = stats.path
    site_search = optional_module("generator.site_search")
    if site_search is not None and hasattr(site_search, "write_site_search"):
        with _spent(report, "site_search"):
            site_search.write_site_search(corpus, target, generation=generation)
    exports = optional_module("generator.export.site")
    if exports is not None and hasattr(exports, "write_downloads"):
        with _spent(report, "downloads"):
            exports.write_downloads(corpus, target)
    return report


class _spent:
    """Wall and CPU seconds of a block into ``report`` as ``<name>_s`` and ``<name>_cpu_s``."""

    def __init__(self, report: dict, name: str):
        self.report, self.name = report, name

    def __enter__(self):
        import time

        self.wall, self.cpu = time.perf_counter(), _cpu_now()

    def __exit__(self, *exc) -> None:
        import time

        self.report[f"{self.name}_s"] = time.perf_counter() - self.wall
        self.report[f"{self.name}_cpu_s"] = _cpu_now() - self.cpu


def _cpu_now() -> float:
    import resource

    return workers.cpu_seconds() + workers.cpu_seconds(resource.RUSAGE_CHILDREN)


def remove_abandoned_artefacts(site_dir: Path) -> None:
    """Hidden artefact folders left in the site by builds that were killed."""
    if not site_dir.is_dir():
        return
    for child in site_dir.iterdir():
        if child.name.startswith(ARTEFACTS_PREFIX):
            pid = child.name[len(ARTEFACTS_PREFIX):]
            if not pid.isdigit() or not workers.process_alive(int(pid)) or int(pid) == os.getpid():
                workers.remove_tree(child)


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


# --------------------------------------------------------------------------- rendering on every core


class SplitRender:
    """A full build's pages rendered by several processes at once.

    MkDocs renders pages one after another in one process; most of a large site's pages are
    generated pages outside the navigation (a role's, a unit's, a document's), which nothing
    else in the build reads once written. Those are divided into shares of about equal
    Markdown size; after the navigation is known each extra share is rendered by a forked
    child that runs MkDocs' own page loop over its pages only (and reads the navigation pages
    too, whose titles and tables of contents every page's navigation shows). The parent renders
    the rest and, after its last page, takes from each child the anchor ids and anchor links of
    its pages (so MkDocs' link validation covers every page) and its warnings (re-logged here,
    so ``--strict`` counts them). Output is byte for byte that of one process; a child that
    fails fails the build."""

    finish_child = None  # set in a child: reports its pages (or its error) and ends it

    def __init__(self, files: Files, processes: int):
        from mkdocs.commands import build as engine

        self.engine = engine
        self.saved = {name: getattr(engine, name) for name in
                      ("_populate_page", "_build_page", "_build_theme_template", "_build_extra_template")}
        pages = list(files.documentation_pages())
        movable = [f for f in pages if isinstance(f, GeneratedPage) and f.inclusion.is_not_in_nav()]
        shared = {f.src_uri for f in pages} - {f.src_uri for f in movable}
        shares = balanced_shares(movable, processes, base=sum(_weight(f) for f in pages if f.src_uri in shared))
        self.children: list[workers.Child] = []
        self.shared = shared
        self.mine = set(shares[0]) | shared
        self.others: set[str] = set().union(*shares[1:]) if len(shares) > 1 else set()
        self.files = files
        for share in shares[1:]:
            child, write = workers.Child.fork()
            if child is None:  # pragma: no cover - the child renders its share and ends in os._exit
                self._become_child(set(share), write)
                return
            self.children.append(child)
        self._install(populate=self.mine, build=self.mine, on_last=self._collect)

    # ---- parent

    def _collect(self) -> None:
        """After the parent's last page: every child's results, or the first child's error."""
        errors = []
        for handle in self.children:
            report = handle.wait()
            for name, level, message in report.get("logs", []):
                logging.getLogger(name).log(level, message)
            if not report.get("ok"):
                errors.append(report.get("error") or "未知错误")
                continue
            for src_uri, (anchors, links) in report["pages"].items():
                page = self.files.get_file_from_path(src_uri).page
                page.present_anchor_ids = set(anchors)
                page.links_to_anchors = {}
                for target, by_anchor in links.items():
                    target_file = self.files.get_file_from_path(target)
                    if target_file is not None:
                        page.links_to_anchors[target_file] = by_anchor
        self.children = []
        if errors:
            from mkdocs.exceptions import PluginError

            raise PluginError("页面渲染子进程失败：" + "；".join(errors))

    def restore(self) -> None:
        for name, function in self.saved.items():
            setattr(self.engine, name, function)
        for handle in self.children:
            handle.kill()
        self.children = []

    # ---- both

    def _install(self, populate: set[str], build: set[str], on_last) -> None:
        populate_page, build_page = self.saved["_populate_page"], self.saved["_build_page"]

        def populate_share(page, config, files, dirty=False):
            if page.file.src_uri in populate:
                populate_page(page, config, files, dirty)

        def build_share(page, config, doc_files, nav, env, dirty=False, excluded=False):
            if page.file.src_uri in build:
                build_page(page, config, doc_files, nav, env, dirty, excluded)
            if page.file is doc_files[-1]:
                on_last()

        self.engine._populate_page = populate_share
        self.engine._build_page = build_share

    # ---- child

    def _become_child(self, share: set[str], write: int) -> None:  # pragma: no cover - child
        collected: list[tuple[str, int, str]] = []
        collector = _Collector(collected)
        mkdocs_log = logging.getLogger("mkdocs")
        for handler in mkdocs_log.handlers:
            handler.addFilter(lambda record: record.levelno < logging.WARNING)
        mkdocs_log.addHandler(collector)
        # Static files, the theme's own templates (sitemap, 404) and validation are the parent's.
        self.files.copy_static_files = lambda *args, **kwargs: None
        self.engine._build_theme_template = lambda *args, **kwargs: None
        self.engine._build_extra_template = lambda *args, **kwargs: None

        def finish(error: str | None = None) -> None:
            pages = {}
            if error is None:
                for src_uri in share:
                    page = self.files.get_file_from_path(src_uri).page
                    links = {target.src_uri: dict(by_anchor) for target, by_anchor in (page.links_to_anchors or {}).items()}
                    pages[src_uri] = (sorted(page.present_anchor_ids or ()), links)
            report = {"ok": error is None, "error": error, "pages": pages, "logs": collected}
            workers.end_child(write, report, 0 if error is None else 1)

        self.finish_child = finish
        self._install(populate=share | self.shared, build=share, on_last=finish)


class _Collector(logging.Handler):
    def __init__(self, into: list):
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append((record.name, record.levelno, record.getMessage()))


def _weight(file: File) -> int:
    try:
        return len(file.content_string)
    except Exception:  # noqa: BLE001 - a file that cannot be read weighs as an average page
        return 4096


def balanced_shares(files: Iterable[File], count: int, base: int = 0) -> list[list[str]]:
    """``count`` lists of source paths of about equal total size (the largest first, each to the
    lightest share); the first share, the parent's, starts with ``base`` already on it."""
    loads = [base] + [0] * (count - 1)
    shares: list[list[str]] = [[] for _ in range(count)]
    for file in sorted(files, key=lambda f: (-_weight(f), f.src_uri)):
        lightest = min(range(count), key=lambda i: (loads[i], i))
        shares[lightest].append(file.src_uri)
        loads[lightest] += _weight(file)
    return shares
