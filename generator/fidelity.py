"""Fidelity: every transcribed clause must stand, letter for letter, in the seed it cites.

A document (or list, case set) names its source file in ``source.seed``; each of its
transcribed texts, with all whitespace removed, must occur in that file with all whitespace
removed. Typos in the seed are kept in the text and recorded in ``corrections``, so they
never make a clause differ from its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .corpus import Corpus, squash


@dataclass(frozen=True)
class Slip:
    """A transcribed text that does not occur in its seed."""

    where: str  # "file:line:column"
    ref: str
    field: str
    text: str

    def __str__(self) -> str:
        shown = self.text if len(self.text) <= 40 else self.text[:40] + "…"
        return f"{self.where}: 错误: {self.ref} 的 {self.field} 在原文中找不到：“{shown}”"


def transcribed_texts(corpus: Corpus) -> Iterator[tuple[str, object, tuple, str, str, str]]:
    """(seed, entity, loc, ref, field, text) for every text that claims to transcribe a seed."""
    for clause in corpus.clauses.values():
        source = clause.document.source
        if not (source and source.seed and clause.provision.transcribed):
            continue
        for name in ("heading", "text"):
            value = getattr(clause.provision, name)
            if value:
                yield source.seed, clause.document, clause.loc + (name,), clause.ref, name, value
    for lst in corpus.lists.values():
        if lst.source and lst.source.seed:
            for si, section in enumerate(lst.sections):
                for ii, item in enumerate(section.items):
                    if item.transcribed:
                        yield (lst.source.seed, lst, ("sections", si, "items", ii, "text"),
                               f"{lst.id}#{item.id}", "text", item.text)
    for cs in corpus.case_sets.values():
        if cs.source and cs.source.seed:
            for i, item in enumerate(cs.items):
                if item.transcribed:
                    yield cs.source.seed, cs, ("items", i, "text"), f"{cs.id}#{item.id}", "text", item.text


def check(corpus: Corpus, seeds_dir: Path) -> tuple[int, list[Slip]]:
    """How many texts were checked, and every one that is not in its seed."""
    cache: dict[str, str | None] = {}
    slips: list[Slip] = []
    checked = 0
    for seed, entity, loc, ref, name, text in transcribed_texts(corpus):
        if seed not in cache:
            path = seeds_dir / seed
            cache[seed] = squash(path.read_text(encoding="utf-8")) if path.is_file() else None
        f = corpus.source_file(entity)
        haystack = cache[seed]
        checked += 1
        if haystack is None:
            problem = f.problem(("source", "seed"), "")
            slips.append(Slip(f"{problem.path}:{problem.line}:{problem.column}", ref, "source.seed",
                              f"原文文件 {seed} 不存在于 {seeds_dir}"))
            continue
        if squash(text) not in haystack:
            problem = f.problem(loc, "")
            slips.append(Slip(f"{problem.path}:{problem.line}:{problem.column}", ref, name, text))
    return checked, slips
