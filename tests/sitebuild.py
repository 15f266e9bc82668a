"""Building a real site from a policies folder: shared by conftest and the tests that need
their own build (a module of its own, because tests/ and tests/browser/ each have a conftest)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_site(policies: Path, site_dir: Path, config: Path = ROOT / "mkdocs.yml") -> Path:
    """A real ``mkdocs build`` of ``policies`` with the project's mkdocs.yml, into ``site_dir``."""
    from generator.commands.build import build_site as build, load_mkdocs_config
    from generator.corpus import load_corpus

    mkdocs_config = load_mkdocs_config(config, str(site_dir), str(policies))
    build(mkdocs_config, load_corpus(policies), Path(site_dir))
    return Path(site_dir)
