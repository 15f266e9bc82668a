"""The synthetic corpus generator: deterministic, valid, made of the sample's own vocabulary."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from bench import synth
from generator.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "policies"


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "M"
    synth.generate("M", 7, out)
    return out


def tree_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_size_s_is_the_sample_copied(tmp_path):
    synth.generate("S", 1, tmp_path / "S")
    assert tree_files(tmp_path / "S") == tree_files(SAMPLE)
    _, mismatch, errors = filecmp.cmpfiles(SAMPLE, tmp_path / "S", tree_files(SAMPLE), shallow=False)
    assert mismatch == [] and errors == []


def test_same_seed_same_bytes_other_seed_other_text(medium, tmp_path):
    again = tmp_path / "again"
    synth.generate("M", 7, again)
    files = tree_files(medium)
    assert tree_files(again) == files
    _, mismatch, errors = filecmp.cmpfiles(medium, again, files, shallow=False)
    assert mismatch == [] and errors == []
    other = tmp_path / "other"
    synth.generate("M", 8, other)
    _, mismatch, _ = filecmp.cmpfiles(medium, other, files, shallow=False)
    assert mismatch  # the seed decides the recombined texts and place names


def test_medium_validates_with_ten_times_the_sample(medium):
    sample, corpus = load_corpus(SAMPLE), load_corpus(medium)
    s, m = sample.counts(), corpus.counts()
    assert m["provisions"] == 10 * s["provisions"]
    assert m["indicators"] == 10 * s["indicators"]
    assert m["units"] == 10 * s["units"] and m["roles"] == 10 * s["roles"] - 9 * len(
        [r for r in sample.roles.values() if sample.source_file(r).path.name == "common.yaml"])
    assert m["terms"] == s["terms"]  # one glossary for every region
    assert m["documents"] > 10 * s["documents"]  # sample documents re-issued part by part
    assert m["list_items"] == 9 * 3 * synth.LIST_ITEMS_PER_SECTION
    series = corpus.editions
    assert len(series) == 10 * len(sample.editions)
    assert all(len(eds) == len(sample.editions["guangming-jiedao-biaozhun"]) for name, eds in series.items()
               if name.startswith("guangming-jiedao-biaozhun"))


def test_every_generated_file_starts_with_its_schema_line(medium):
    generated = [p for p in medium.glob("*/*.yaml") if not (SAMPLE / p.parent.name / p.name).exists()]
    assert len(generated) > 300
    for path in generated:
        kind = synth.SCHEMA_OF[path.parent.name]
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schema/{kind}.schema.json", path


def test_texts_are_real_sentences_with_region_place_names(medium):
    pool = set(synth.sentence_pool(synth.read_sample(SAMPLE)))
    corpus = load_corpus(medium)
    region = [c for ref, c in corpus.clauses.items() if ref.split("#")[0].endswith(("-r3", "-r3-p2"))]
    assert region
    recombined = [c.provision.text for c in region if c.provision.text and not c.provision.transcribed]
    assert recombined
    real_places = ("光明区", "广州市", "枣阳市", "XX市", "深圳市")
    for text in recombined:
        assert not any(p in text for p in real_places)
        # every sentence of a recombined text is a sample sentence, up to the place names
        for sentence in filter(None, synth.SENTENCE_END.split(text)):
            assert any(_same_but_places(sentence, real) for real in pool), sentence


def _same_but_places(candidate: str, real: str) -> bool:
    if len(candidate) != len(real) and not any(p in real for p in synth.REAL_PLACES):
        return False
    import re

    pattern = re.escape(real)
    for place in sorted(synth.REAL_PLACES, key=len, reverse=True):
        pattern = pattern.replace(re.escape(place), r"\w{1,7}")
    return re.fullmatch(pattern, candidate) is not None
