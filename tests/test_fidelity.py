"""The sample corpus transcribes the seed documents letter for letter."""

import os
from pathlib import Path

import pytest

from generator.corpus import load_corpus
from generator.fidelity import check

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("POLICYKB_SEEDS", ROOT.parent / "shared" / "seeds"))


@pytest.fixture(scope="module")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"seed documents not found at {SEEDS}; CI must run with shared/seeds beside the checkout")
        pytest.skip(f"seed documents not found at {SEEDS} (set POLICYKB_SEEDS)")
    return SEEDS


def test_every_transcribed_clause_occurs_in_its_seed(seeds_dir):
    corpus = load_corpus(ROOT / "policies", display_base=ROOT)
    checked, slips = check(corpus, seeds_dir)
    assert checked > 100, "the sample corpus should transcribe well over a hundred texts"
    assert not slips, "\n".join(str(s) for s in slips)


def test_a_transcription_slip_is_reported_with_its_location(tmp_path, seeds_dir):
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "d.yaml").write_text(
        "id: d\ntitle: 测试\nkind: 实施方案\nsource: {seed: 003_c5611139e54cb762.txt}\nbody:\n"
        "  - id: a\n    text: 市委书记担负第一责任人责任\n"
        "  - id: b\n    text: 市委书记担负第二责任人责任\n", encoding="utf-8")
    corpus = load_corpus(tmp_path, display_base=tmp_path)
    checked, slips = check(corpus, seeds_dir)
    assert checked == 2
    assert [str(s) for s in slips] == ["documents/d.yaml:9:11: 错误: d#b 的 text 在原文中找不到：“市委书记担负第二责任人责任”"]
