"""A full build on several cores: pages rendered by forked children and the artefacts (index,
browser search data, downloads) made by another child give the same site, byte for byte, as one
process; a child that fails fails the build, which leaves the previous site untouched."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from mkdocs.commands import build as engine

from generator import plugin as plugin_module
from generator import workers
from generator.commands import build as build_cmd

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"


def tree(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def build(out: Path, processes: int, policies: Path = MINI) -> Path:
    """``policykb build`` in this process with the plugin's ``processes`` option set."""
    config = build_cmd.load_mkdocs_config(ROOT / "mkdocs.yml", str(out / "site"), str(policies))
    build_cmd.plugin_of(config).config["processes"] = processes
    corpus = build_cmd.load_corpus(policies)
    site, index = out / "site", out / "search_index"
    with build_cmd.staging(site) as site_tmp, build_cmd.staging(index) as index_tmp:
        stats = build_cmd.build_site(config, corpus, site_tmp, (index_tmp, index))
        build_cmd.swap_in(site_tmp, site)
    assert stats is not None and stats["documents"] > 0
    return site


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> dict[str, str]:
    return tree(build(tmp_path_factory.mktemp("one"), processes=1))


def test_three_processes_write_the_same_site_as_one(single, tmp_path):
    split = []
    original = plugin_module.SplitRender.__init__

    def spy(self, files, processes):
        original(self, files, processes)
        if self.finish_child is None:  # the parent (children never return here normally)
            split.append((processes, len(self.others)))

    plugin_module.SplitRender.__init__ = spy
    try:
        site = build(tmp_path, processes=3)
    finally:
        plugin_module.SplitRender.__init__ = original
    assert split and split[0][0] == 3 and split[0][1] > 0, "the pages were not divided among processes"
    assert tree(site) == single
    assert not [p.name for p in site.iterdir() if p.name.startswith(plugin_module.ARTEFACTS_PREFIX)]
    assert engine._build_page.__module__ == "mkdocs.commands.build", "the engine's page loop was not restored"


def test_balanced_shares_divide_by_size():
    class F:
        def __init__(self, name, size):
            self.src_uri, self.content_string = name, "x" * size

    files = [F("a", 90), F("b", 50), F("c", 40), F("d", 10), F("e", 10)]
    shares = plugin_module.balanced_shares(files, 2, base=20)
    assert shares == [["b", "c"], ["a", "d", "e"]]
    sizes = [sum(len(f.content_string) for f in files if f.src_uri in s) for s in shares]
    assert sizes == [90, 110]


def assert_failed_cleanly(stopped, caplog, reason: str, out: Path, site: Path, before: dict) -> None:
    """The build stopped with the cause logged in Chinese (no traceback), the last site as it
    was, and no staging folder left beside it."""
    assert str(stopped.value) == "站点构建失败：原因见上"
    logged = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert reason in logged
    assert not any("Traceback" in m for m in logged)
    assert tree(site) == before
    assert not [p.name for p in out.iterdir() if ".building-" in p.name]


def test_a_failing_render_child_fails_the_build_and_keeps_the_last_site(single, tmp_path, caplog):
    out = tmp_path
    site = build(out, processes=1)
    before = tree(site)
    # Every generated page outside the navigation fails, in whichever child renders it.
    original = engine._build_page

    def page(p, *args, **kwargs):
        if os.getpid() != parent and isinstance(p.file, plugin_module.GeneratedPage) and p.file.inclusion.is_not_in_nav():
            raise RuntimeError("磁盘已满（测试）")
        return original(p, *args, **kwargs)

    parent = os.getpid()
    engine._build_page = page
    try:
        with pytest.raises(SystemExit) as stopped:
            build(out, processes=2)
    finally:
        engine._build_page = original
    assert_failed_cleanly(stopped, caplog, "页面渲染子进程失败：磁盘已满（测试）", out, site, before)


def test_a_failing_artefact_child_fails_the_build_and_keeps_the_last_site(tmp_path, monkeypatch, caplog):
    site = build(tmp_path, processes=1)
    before = tree(site)

    def broken(corpus, target, request):
        raise OSError("没有写入权限（测试）")

    monkeypatch.setattr(plugin_module, "make_artefacts", broken)
    with pytest.raises(SystemExit) as stopped:
        build(tmp_path, processes=2)
    assert_failed_cleanly(stopped, caplog, "检索索引与下载文件的生成失败：没有写入权限（测试）", tmp_path, site, before)


def test_warnings_of_a_render_child_reach_the_parent(tmp_path, caplog):
    """A warning logged while a child renders its pages is logged again by the parent (so
    ``mkdocs build --strict`` counts it)."""
    original = engine._build_page
    parent = os.getpid()

    def page(p, *args, **kwargs):
        if os.getpid() != parent:
            engine.log.warning("子进程警告：%s", p.file.src_uri)
        return original(p, *args, **kwargs)

    engine._build_page = page
    try:
        with caplog.at_level("WARNING", logger="mkdocs"):
            build(tmp_path, processes=2)
    finally:
        engine._build_page = original
    relayed = [r.getMessage() for r in caplog.records if r.getMessage().startswith("子进程警告：")]
    assert relayed, "no warning of the child was relayed"
    assert all(os.path.isfile(tmp_path / "site" / uri.removesuffix(".md") / "index.html")
               for uri in (m.split("：", 1)[1] for m in relayed))


def test_a_child_ends_with_its_killed_parent(tmp_path):
    """A forked worker ends when its parent is killed (PR_SET_PDEATHSIG): a killed build leaves
    nothing writing into its staging folder. The parent here is a small script whose worker
    appends to a file until it is stopped."""
    import signal
    import subprocess
    import sys
    import time

    log = tmp_path / "writes.log"
    script = (
        "import os, sys, time\n"
        "from generator import workers\n"
        "def write():\n"
        "    while True:\n"
        f"        with open({str(log)!r}, 'a') as f: f.write('x')\n"
        "        time.sleep(0.01)\n"
        "job = workers.ForkedJob('测试', write)\n"
        "print(job.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    deadline = time.monotonic() + 60
    while not (log.exists() and log.stat().st_size > 10) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert log.exists() and log.stat().st_size > 10, "the worker never wrote"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    while workers.process_alive(child) and time.monotonic() < deadline:
        # A killed child stays a zombie until reaped by init; it writes nothing either way.
        if Path(f"/proc/{child}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            break
        time.sleep(0.01)
    size = log.stat().st_size
    time.sleep(0.5)
    assert log.stat().st_size == size, "the worker kept writing after its parent was killed"
