"""``policykb search`` while ``policykb build`` rebuilds the index again and again: every search
answers with the old index's results or the new one's, never an error.

The corpus alternates between the mini fixture and a copy with one clause reworded, so every
rebuild really replaces the index. Loop counts are bounded; nothing is timed."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
REBUILDS = 4
QUERY = "廉政教育"


def build(policies: Path, out: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--policies", str(policies),
                           "--site-dir", str(out / "site"), "--index-dir", str(out / "search_index")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def ids(index: Path) -> tuple[str, ...]:
    from generator.search import search

    return tuple(h.id for h in search(index, QUERY, limit=20))


def test_search_during_rebuilds_sees_old_or_new(tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(MINI, changed)
    doc = changed / "documents" / "ceshi-fangan.yaml"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("县党政正职 5 年内参加培训", "县党政正职 5 年内参加廉政教育培训"), encoding="utf-8")
    out = tmp_path / "out"
    build(changed, out)
    index = out / "search_index"
    new = ids(index)
    build(MINI, out)
    old = ids(index)
    assert old != new and len(new) == len(old) + 1

    errors: list[str] = []
    seen: list[tuple[str, ...]] = []
    done = threading.Event()

    def in_process():
        while not done.is_set():
            try:
                seen.append(ids(index))
            except Exception as exc:  # noqa: BLE001 - any error is the failure being tested
                errors.append(f"in-process: {type(exc).__name__}: {exc}")

    def subprocesses():
        while not done.is_set():
            run = subprocess.run([sys.executable, "-m", "generator.cli", "search", "--json", "--index-dir",
                                  str(index), QUERY], cwd=ROOT, capture_output=True, text=True, timeout=120)
            if run.returncode != 0:
                errors.append(f"subprocess {run.returncode}: {run.stderr}")
            else:
                import json

                seen.append(tuple(h["id"] for h in json.loads(run.stdout)))

    workers = [threading.Thread(target=in_process), threading.Thread(target=subprocesses)]
    for w in workers:
        w.start()
    try:
        for i in range(REBUILDS):
            build(changed if i % 2 == 0 else MINI, out)
    finally:
        done.set()
        for w in workers:
            w.join(timeout=300)
    assert errors == []
    assert len(seen) >= REBUILDS
    assert set(seen) <= {old, new}
