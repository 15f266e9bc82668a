"""``policykb build`` (validate + site + search index) and ``policykb serve`` (build, then serve
the site on 127.0.0.1).

Everything is built into temporary directories beside the targets and swapped in only when
every part succeeded: a failed or interrupted build leaves the previous ``site/`` and
``search_index/`` exactly as they were.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .. import workers
from ..corpus import Corpus, load_corpus

PLUGIN_NAME = "policykb"


def register(sub) -> None:
    build = sub.add_parser("build", help="校验数据，构建站点和检索索引")
    _common_options(build)
    build.set_defaults(func=cmd_build)
    serve = sub.add_parser("serve", help="构建后在 127.0.0.1 上提供站点")
    _common_options(serve)
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    serve.set_defaults(func=cmd_serve)


def _common_options(parser) -> None:
    parser.add_argument("--config", default="mkdocs.yml", help="MkDocs 配置文件（默认 mkdocs.yml）")
    parser.add_argument("--site-dir", default=None, help="站点输出目录（默认取配置中的 site_dir）")
    parser.add_argument("--index-dir", default="search_index", help="检索索引目录（默认 search_index）")
    parser.add_argument("--policies", default=None, help="数据目录（默认取配置中 policykb 插件的 policies_dir）")


# --------------------------------------------------------------------------- commands


def cmd_build(args) -> int:
    config_path = Path(args.config)
    if not config_path.is_file():
        print(f"用法错误：配置文件不存在：{args.config}", file=sys.stderr)
        return 2
    site_dir, index_dir = build_all(config_path, args.site_dir, Path(args.index_dir), args.policies)
    print(f"站点：{site_dir}")
    if index_dir is not None:
        print(f"检索索引：{index_dir}")
    return 0


def cmd_serve(args) -> int:
    """MkDocs' development server on 127.0.0.1, watching ``policies/``: after an edit only the
    pages whose Markdown changed are rendered again (a dirty rebuild, which the plugin makes
    exact for generated pages), so the edited page is served within seconds even for a large
    corpus; search data and downloads follow in the background."""
    if not 0 < args.port < 65536:
        print(f"用法错误：端口无效：{args.port}", file=sys.stderr)
        return 2
    config_path = Path(args.config)
    if not config_path.is_file():
        print(f"用法错误：配置文件不存在：{args.config}", file=sys.stderr)
        return 2
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import Abort

    config = load_mkdocs_config(config_path, None, None)
    for handler in logging.getLogger("mkdocs").handlers:
        if getattr(handler, "_policykb", False):
            handler.addFilter(_not_the_dirty_build_warning)
    if args.policies is not None:
        # The plugin instance lives across the server's rebuilds (MkDocs keeps plugins that
        # have on_startup), and each rebuild reloads its options from the file: keep the override.
        plugin_of(config).policies_override = Path(args.policies).resolve()
    print(f"站点将在 http://127.0.0.1:{args.port}/ 提供（修改数据后自动重建），按 Ctrl+C 停止。", flush=True)
    try:
        serve(str(config_path), livereload=True, build_type="dirty", dev_addr=f"127.0.0.1:{args.port}")
    except Abort:
        return 1  # the plugin has printed why (data errors with their locations)
    except OSError as exc:
        print(f"无法在 127.0.0.1:{args.port} 上提供站点：{exc.strerror}（可用 --port 换一个端口）", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    print("已停止。")
    return 0


# --------------------------------------------------------------------------- the build


def build_all(config_path: Path, site_dir: str | None, index_dir: Path, policies: str | None):
    """Validate, build site and index into temporary places, then swap both in."""
    config = load_mkdocs_config(config_path, site_dir, policies)
    policies_dir = plugin_of(config).policies_root(config)
    started = time.perf_counter()
    corpus = load_corpus(policies_dir)  # a PolicyError here stops everything, nothing touched
    print(f"校验通过：{corpus.summary_line()}", flush=True)
    target_site = Path(config.site_dir)
    remove_abandoned_staging(target_site)
    remove_abandoned_staging(index_dir)
    search = search_module()
    with staging(target_site) as site_tmp, staging(index_dir) as index_tmp:
        # The index is built with the site's other artefacts (while the pages render, when the
        # build runs on several cores); the browser's search data is read from this same
        # generation (one Whoosh build per build). It is published only after the site is swapped in.
        stats = build_site(config, corpus, site_tmp, (index_tmp, index_dir) if search is not None else None)
        if stats is not None:
            print("检索索引已生成（%.1f 秒）" % stats["seconds"] if stats["rebuilt"]
                  else "检索索引未变（内容相同，未重建）", flush=True)
        print(f"站点已生成（{time.perf_counter() - started:.1f} 秒）", flush=True)
        swap_in(site_tmp, target_site)
        if stats is not None and stats["rebuilt"]:
            search.publish(Path(stats["path"]), index_dir)
    return target_site, (index_dir if stats is not None else None)


def search_module():
    """generator.search when it is present (the site builds without it)."""
    try:
        return importlib.import_module("generator.search")
    except ModuleNotFoundError as exc:
        if exc.name in ("generator.search", "generator"):
            return None
        raise


def load_mkdocs_config(config_path: Path, site_dir: str | None, policies: str | None):
    from mkdocs.config import load_config

    _quiet_mkdocs_logging()
    overrides = {"site_dir": str(Path(site_dir).resolve())} if site_dir else {}
    config = load_config(config_file=str(config_path), **overrides)
    if policies is not None:
        plugin_of(config).config["policies_dir"] = str(Path(policies).resolve())
    return config


def resolve_site_dir(config_path: Path, site_dir: str | None) -> Path:
    if site_dir:
        return Path(site_dir).resolve()
    return Path(load_mkdocs_config(config_path, None, None).site_dir)


def plugin_of(config):
    try:
        return config.plugins[PLUGIN_NAME]
    except KeyError:
        raise SystemExit(f"配置文件中未启用 {PLUGIN_NAME} 插件（plugins: - {PLUGIN_NAME}）") from None


def build_site(config, corpus: Corpus, site_tmp: Path, index_request: tuple[Path, Path] | None = None) -> dict | None:
    """``mkdocs build`` in this process, into ``site_tmp``, with the corpus already validated;
    with ``index_request`` (staging folder, index folder) the search index generation is built
    too (the site's search data is read from it): its statistics are returned."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    config.site_dir = str(site_tmp)
    plugin = plugin_of(config)
    plugin.preloaded = corpus
    plugin.index_request = index_request
    plugin.index_stats = None
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except MkDocsException as exc:
        # MkDocs has logged the cause of a BuildError already; its own summary adds nothing.
        reason = "原因见上" if "BuildError" in str(exc) else str(exc)
        raise SystemExit(f"站点构建失败：{reason}") from None
    finally:
        config.plugins.on_shutdown()
    return plugin.index_stats


class staging:
    """A fresh temporary directory beside ``target`` (same file system, so the swap is a rename),
    removed on any failure. Its name carries this process's id, so a later build can tell an
    abandoned one (its process is gone) from one still running."""

    def __init__(self, target: Path):
        self.target = Path(target).resolve()

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{self.target.name}.building-{os.getpid()}-"
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=self.target.parent))
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def remove_abandoned_staging(target: Path) -> None:
    """Delete staging folders of builds that were killed (their process no longer exists)."""
    target = Path(target).resolve()
    if not target.parent.is_dir():
        return
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(?:building|old)-(\d+)-")
    for path in target.parent.iterdir():
        match = pattern.match(path.name)
        if match and path.is_dir() and not workers.process_alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two directories (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def swap_in(built: Path, target: Path) -> None:
    """Replace ``target`` by ``built``. Where the system can exchange two directories in one
    step, readers see the old tree or the new one and never a missing ``target``; elsewhere two
    renames are used. The old copy is removed afterwards."""
    target = Path(target).resolve()
    if target.is_dir() and _exchange(built, target):
        shutil.rmtree(built, ignore_errors=True)  # now holds the old tree
        built.mkdir()  # staging removes its (now empty) directory on exit
        return
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-", dir=target.parent))
        target.rename(old / target.name)
    built.rename(target)
    built.mkdir()
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _not_the_dirty_build_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns on every dirty rebuild that navigation may be stale; the plugin marks exactly
    the pages that changed (the navigation included), so the warning says nothing here."""
    return "'dirty' build" not in record.getMessage()


def _quiet_mkdocs_logging() -> None:
    """MkDocs' own warnings reach the terminal; its INFO chatter does not."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_policykb", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        handler._policykb = True
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
