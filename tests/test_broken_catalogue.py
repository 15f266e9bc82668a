"""The catalogue of broken inputs in tests/broken/: each ends in `policykb validate` exit 1
with exactly the expected messages, no traceback, within bounded time and memory.

A case is ``<name>.yaml`` (the bytes of one file, in whatever encoding it arrived) and
``<name>.expected``: where the file goes in a copy of the mini corpus (``target:``), an
optional second file (``also:`` → ``<name>.also.yaml``), an optional size to grow the file to
(``grow-to-bytes:``), the exit code, and after ``---`` the exact output.
"""

import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CATALOGUE = HERE / "broken"
MINI = HERE / "fixtures" / "mini"
CASES = sorted(p.stem for p in CATALOGUE.glob("*.expected"))
MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space the validator may use
TIME_LIMIT = 30  # seconds


def _read_case(name: str) -> tuple[dict, list[str]]:
    head, _, body = (CATALOGUE / f"{name}.expected").read_text(encoding="utf-8").partition("---\n")
    meta = dict(line.split(": ", 1) for line in head.splitlines() if line.strip())
    return meta, body.splitlines()


def _limit_resources() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def test_catalogue_has_at_least_sixty_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", CASES)
def test_broken_input(name, tmp_path):
    meta, expected = _read_case(name)
    root = tmp_path / "policies"
    shutil.copytree(MINI, root)
    target = root / meta["target"]
    target.parent.mkdir(parents=True, exist_ok=True)
    data = (CATALOGUE / f"{name}.yaml").read_bytes()
    if "grow-to-bytes" in meta:
        size = int(meta["grow-to-bytes"])
        filler = "    aliases: [" + ", ".join(["甲乙丙丁"] * 16) + "]\n"
        filler = "".join(f"  - id: a{i}\n    name: 名{i}\n{filler}" for i in range(100)).encode()
        data = data + filler * (size // len(filler) + 1)
    target.write_bytes(data)
    if "also" in meta:
        (root / meta["also"]).write_bytes((CATALOGUE / f"{name}.also.yaml").read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "generator.cli", "validate", "."],
        cwd=root, capture_output=True, text=True, timeout=TIME_LIMIT, preexec_fn=_limit_resources,
    )
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == int(meta["exit"]), proc.stdout + proc.stderr
    if proc.returncode:
        assert proc.stdout.splitlines() == expected
