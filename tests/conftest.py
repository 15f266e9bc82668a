"""Shared fixtures: the mini fixture corpus and a real MkDocs build of it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
ARTIFACTS = ROOT / "test-artifacts"


def build_site(policies: Path, site_dir: Path, config: Path = ROOT / "mkdocs.yml") -> Path:
    """A real ``mkdocs build`` of ``policies`` with the project's mkdocs.yml, into ``site_dir``."""
    from generator.commands.build import build_site as build, load_mkdocs_config
    from generator.corpus import load_corpus

    mkdocs_config = load_mkdocs_config(config, str(site_dir), str(policies))
    build(mkdocs_config, load_corpus(policies), Path(site_dir))
    return Path(site_dir)


@pytest.fixture(scope="session")
def mini_corpus():
    from generator.corpus import load_corpus

    return load_corpus(MINI)


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory) -> Path:
    """The site of tests/fixtures/mini, built once per test session."""
    return build_site(MINI, tmp_path_factory.mktemp("mini-site") / "site")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
