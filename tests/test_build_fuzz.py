"""Fuzzing the whole build: mutated mini corpora with generated hostile and unicode text go
through load → pages → MkDocs build → search index in this process. Data problems end in
PolicyError; anything else is a crash.

POLICYKB_BUILD_FUZZ_EXAMPLES (else POLICYKB_FUZZ_EXAMPLES, else 8: seconds) sets how many
corpora are tried; set it high for a long run on demand."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.problems import PolicyError

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
EXAMPLES = int(os.environ.get("POLICYKB_BUILD_FUZZ_EXAMPLES", os.environ.get("POLICYKB_FUZZ_EXAMPLES", "8")))
PIECES = ["<script>window.__pwned=1</script>", "</title>", "{{ config }}", "{% raw %}", "{#", "**", "#", "|",
          "---", "![x](y)", "<!--", "\n\n", "\n", "  ", "[a](javascript:x)", '" onmouseover="x', "三重一大",
          "〔", "\u200b", "\u3000", "𠀀", "🀄", "\u202e", "&amp;", "\\", "`", "~~~"]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(min_size=1, max_size=8)), min_size=1, max_size=6).map("".join)


def _string_paths(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _string_paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _string_paths(v, path + (i,))
    elif isinstance(node, str) and path and path[-1] not in ("id", "ref", "series") and "#" not in node:
        yield path


@st.composite
def corpora(draw):
    """{relative path: YAML text} for the mini corpus with some string values replaced."""
    files = {p.relative_to(MINI).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8"))
             for p in sorted(MINI.rglob("*.yaml"))}
    for _ in range(draw(st.integers(1, 6))):
        name = draw(st.sampled_from(sorted(files)))
        paths = list(_string_paths(files[name]))
        path = draw(st.sampled_from(paths))
        parent = files[name]
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = draw(TEXT)
    return {name: yaml.safe_dump(tree, allow_unicode=True, sort_keys=False) for name, tree in files.items()}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_whole_build_ends_in_a_site_or_reported_problems(files):
    from generator.commands.build import build_site, load_mkdocs_config
    from generator.search import build_index
    from generator.corpus import load_corpus

    work = Path(tempfile.mkdtemp(prefix="policykb-fuzz-"))
    try:
        for name, text in files.items():
            (work / "policies" / name).parent.mkdir(parents=True, exist_ok=True)
            (work / "policies" / name).write_text(text, encoding="utf-8")
        try:
            corpus = load_corpus(work / "policies")
        except PolicyError as exc:
            assert exc.problems
            return
        config = load_mkdocs_config(ROOT / "mkdocs.yml", str(work / "site"), str(work / "policies"))
        build_site(config, corpus, work / "site")
        assert (work / "site" / "index.html").is_file()
        assert build_index(corpus, work / "search_index")
    finally:
        shutil.rmtree(work, ignore_errors=True)
