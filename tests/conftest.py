"""Shared fixtures: the mini fixture corpus and a real MkDocs build of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
ARTIFACTS = ROOT / "test-artifacts"


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
