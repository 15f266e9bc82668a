"""A build that fails or is stopped midway leaves the previous site/ and search_index/ exactly as
they were: ``policykb build`` runs as a subprocess, is killed (SIGKILL, or Ctrl-C's SIGINT) at
several points, or meets bad data, and both trees are hashed before and after."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
WAIT = 120  # seconds: an upper bound for a stage to be reached, never a timing assertion


def tree_hash(path: Path) -> dict[str, str]:
    """Every file (and directory) under ``path`` with the SHA-256 of its bytes."""
    result = {}
    for p in sorted(path.rglob("*")):
        rel = p.relative_to(path).as_posix()
        result[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return result


def build_command(policies: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "generator.cli", "build", "--policies", str(policies),
            "--site-dir", str(out / "site"), "--index-dir", str(out / "search_index")]


def run_build(policies: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(policies, out), cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A finished build of the mini corpus and a changed corpus whose build would replace it."""
    out = tmp_path_factory.mktemp("atomic")
    done = run_build(MINI, out)
    assert done.returncode == 0, done.stderr
    for name in ("site", "search_index"):
        shutil.copytree(out / name, out / "pristine" / name)
    changed = out / "changed"
    shutil.copytree(MINI, changed)
    doc = changed / "documents" / "ceshi-fangan.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("测试方案", "改过的测试方案"), encoding="utf-8")
    return out, changed, tree_hash(out / "site"), tree_hash(out / "search_index")


def staging_dirs(out: Path) -> set[str]:
    """Staging directories beside site/ (a SIGKILLed build cannot remove its own)."""
    return {p.name for p in out.iterdir() if p.name.startswith(".site.building-")}


def staging_exists(out: Path, before: set[str] = frozenset()) -> bool:
    return bool(staging_dirs(out) - before)


def restore(out: Path) -> None:
    for name in ("site", "search_index"):
        shutil.rmtree(out / name)
        shutil.copytree(out / "pristine" / name, out / name)


def wait_for(condition, proc) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"build ended before the stage was reached: {proc.returncode}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("stage not reached")
        time.sleep(0.005)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
@pytest.mark.parametrize("stage", ["staging", "site-built", "index-built"])
def test_stopped_build_leaves_previous_trees(previous, sig, stage):
    out, changed, site_before, index_before = previous
    staging_before = staging_dirs(out)
    proc = subprocess.Popen(build_command(changed, out), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        if stage == "staging":
            wait_for(lambda: staging_exists(out, staging_before), proc)
        else:
            # Read progress lines until the stage's line: the site is built (index not yet), or
            # the index is built too (the swap has not yet started).
            marker = "站点已生成" if stage == "site-built" else "检索索引已生成"
            for line in proc.stdout:
                if marker in line:
                    break
            else:
                pytest.fail(f"build ended without “{marker}”: {proc.wait()} {proc.stderr.read()}")
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    site_after, index_after = tree_hash(out / "site"), tree_hash(out / "search_index")
    if (site_after, index_after) == (site_before, index_before):
        assert proc.returncode == (-signal.SIGKILL if sig == signal.SIGKILL else 130), err
        if sig == signal.SIGINT:
            assert "Traceback" not in err and "已中断。" in err
            # its own staging is removed on the way out, and so are those of killed builds before it
            assert staging_dirs(out) == set()
    else:
        # The signal arrived after both swaps: the new build must then be there whole.
        assert stage == "index-built", (proc.returncode, err)
        assert "改过的测试方案" in (out / "site" / "documents" / "ceshi-fangan" / "index.html").read_text()
        restore(out)


def test_bad_data_exits_1_with_the_problems_and_touches_nothing(previous):
    out, changed, site_before, index_before = previous
    broken = out / "broken"
    shutil.rmtree(broken, ignore_errors=True)
    shutil.copytree(MINI, broken)
    lst = broken / "lists" / "ceshi-qingdan.yaml"
    lst.write_text(lst.read_text(encoding="utf-8").replace("subject: shijiwei", "subject: meiyou-zhege-juese"),
                   encoding="utf-8")
    staging_before = staging_dirs(out)
    done = run_build(broken, out)
    assert done.returncode == 1
    assert "ceshi-qingdan.yaml:" in done.stderr and "meiyou-zhege-juese" in done.stderr
    assert "Traceback" not in done.stderr
    assert tree_hash(out / "site") == site_before
    assert tree_hash(out / "search_index") == index_before
    assert staging_dirs(out) == staging_before


def test_successful_build_replaces_both(previous, tmp_path):
    out, changed, site_before, index_before = previous
    target = tmp_path / "copy"
    shutil.copytree(out / "site", target / "site")
    shutil.copytree(out / "search_index", target / "search_index")
    done = run_build(changed, target)
    assert done.returncode == 0, done.stderr
    assert tree_hash(target / "site") != site_before
    assert "改过的测试方案" in (target / "site" / "documents" / "ceshi-fangan" / "index.html").read_text()
    assert sorted(p.name for p in target.iterdir()) == ["search_index", "site"]


def test_next_build_removes_what_a_killed_build_left(tmp_path):
    out = tmp_path
    abandoned = out / ".site.building-999999999-x"  # no such process
    (abandoned / "sub").mkdir(parents=True)
    live = out / f".site.building-{os.getpid()}-y"  # a build still running keeps its folder
    live.mkdir()
    proc = run_build(MINI, out)
    assert proc.returncode == 0, proc.stderr
    assert not abandoned.exists() and live.exists()
