"""Chinese tokenisation for every search path: the one module that imports jieba.

Index side (``IndexSegmenter``): jieba's search mode with a domain dictionary, plus every
dictionary word that occurs anywhere in the text (search mode alone drops 从严治党 once
全面从严治党 is a word, and cuts 一把手约谈 into 一把手/约/谈), plus digits and Latin letters
(``550``, ``550学``, ``a级``'s ``a``), plus character bigrams in a separate field so that a run no
dictionary knows (述廉) is still found where it literally occurs.

Query side (``query_leaves``): no jieba at all. A query word is cut against the terms the
index actually holds (its lexicon) by a deterministic longest match, unknown runs falling back
to bigrams. ``generator/assets/search/search.js`` implements the same algorithm, so the
browser and the command line send the same terms to the same postings.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, Iterator

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[0-9a-z]+|[{HAN}]+")
_HAN_RUN = re.compile(rf"[{HAN}]+")
_IS_HAN = re.compile(rf"[{HAN}]")

# Longest word the longest match tries; longer runs are cut into known words or bigrams.
MAX_WORD = 16

VOCABULARY = Path(__file__).parent / "data" / "vocabulary.txt"


def normalize(text: str) -> str:
    """The form both sides compare: NFKC (full-width digits/letters/brackets folded), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def runs(text: str) -> list[tuple[int, int, str]]:
    """(start, end, run) for each run of Han characters or of ASCII letters/digits."""
    return [(m.start(), m.end(), m.group()) for m in _RUN.finditer(normalize(text))]


def is_han(run: str) -> bool:
    return bool(_IS_HAN.match(run))


def compact(text: str) -> str:
    """The runs of a text joined without separators: the key of names, aliases and words."""
    return "".join(r for _, _, r in runs(text))


def bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def gram_tokens(text: str) -> list[str]:
    """Every Han character and every Han bigram of the text (one per occurrence): a query of
    one character finds it inside any word (税 in 国税), a query word finds every clause that
    contains its bigrams, whatever jieba made of the surrounding text."""
    out: list[str] = []
    for run in _HAN_RUN.findall(normalize(text)):
        out += _run_grams(run)
    return out


@functools.lru_cache(maxsize=1 << 16)
def _run_grams(run: str) -> tuple[str, ...]:
    """A run's characters and bigrams. Cached: a large corpus repeats its sentences (at 37,000
    clauses: 440,000 Han runs, 8,800 distinct)."""
    return (*run, *bigrams(run))


def is_han_word(term: str) -> bool:
    """A term of two or more Han characters: matched as a word or as the bigrams it contains."""
    return len(term) >= 2 and bool(_HAN_RUN.fullmatch(term))


# --------------------------------------------------------------------------- dictionary


def vocabulary_words(path: Path = VOCABULARY) -> list[str]:
    """Words of the curated vocabulary file (first field of each line; # starts a comment).
    A missing file is an empty vocabulary: the glossary and registries still feed the dictionary."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    words = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line.split()[0])
    return words


def domain_words(corpus) -> list[str]:
    """Glossary terms, aliases and expansions, unit and role names and aliases, the vocabulary:
    the words jieba must never cut apart. Returned compacted, deduplicated, sorted."""
    names: list[str] = []
    for term in corpus.terms.values():
        names += [term.term, *term.aliases, term.expansion or ""]
    for unit in corpus.units.values():
        names += [unit.name, *unit.aliases]
    for role in corpus.roles.values():
        names += [role.name, *role.aliases]
    names += vocabulary_words()
    words = {compact(n) for n in names}
    return sorted(w for w in words if len(w) >= 2 and is_han(w) and len(w) <= 40)


def cache_dir() -> Path:
    """A stable, writable place for jieba's dictionary cache (not the shared /tmp)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "policykb" / "jieba"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        import tempfile

        path = Path(tempfile.gettempdir())
    return path


# --------------------------------------------------------------------------- index side


class IndexSegmenter:
    """jieba (search mode, domain dictionary) turned into the tokens the index stores."""

    def __init__(self, words: Iterable[str] = ()):
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = str(cache_dir())
        tokenizer.initialize()
        for word in words:
            tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word, False), 10))
        self._jieba = tokenizer
        self._freq = tokenizer.FREQ  # word → count; prefixes of words are present with 0
        # Han run → its tokens. A large corpus repeats its sentences (at 37,000 clauses: 440,000
        # Han runs, 8,800 distinct), and a run's tokens depend only on the run and the
        # dictionary, which is fixed for this segmenter's life.
        self._han_tokens: dict[str, list[str]] = {}

    def is_word(self, text: str) -> bool:
        return self._freq.get(text, 0) > 0

    def dictionary_words_in(self, run: str) -> list[str]:
        """Every dictionary word (≥ 2 characters) occurring in a Han run, once per occurrence."""
        freq, out = self._freq, []
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + 40) + 1):
                piece = run[i:j]
                if piece not in freq:  # FREQ holds every prefix of every word
                    break
                if freq[piece] > 0:
                    out.append(piece)
        return out

    def word_tokens(self, text: str) -> list[str]:
        """Tokens of the word fields: dictionary words anywhere, jieba's other search-mode
        tokens (new words, single characters), ASCII runs and ASCII run + following Han char."""
        norm = normalize(text)
        out: list[str] = []
        for start, end, run in runs(norm):
            if not is_han(run):
                out.append(run)
                following = _next_char(norm, end)
                if following:
                    out.append(run + following)
                continue
            out += self.han_tokens(run)
        return out

    def han_tokens(self, run: str) -> list[str]:
        """A Han run's tokens: every dictionary word in it, then jieba's other search-mode
        tokens (new words, single characters)."""
        tokens = self._han_tokens.get(run)
        if tokens is None:
            tokens = self.dictionary_words_in(run)
            tokens += [t for t in self._jieba.cut_for_search(run) if not self.is_word(t) or len(t) == 1]
            self._han_tokens[run] = tokens
        return tokens


def _next_char(text: str, end: int) -> str:
    """The Han character right after an ASCII run, spaces skipped (“550 学时” reads as 550学时)."""
    while end < len(text) and text[end] in " \t\u3000":
        end += 1
    return text[end] if end < len(text) and _IS_HAN.match(text[end]) else ""


# --------------------------------------------------------------------------- query side

Leaf = tuple[str, str]  # ("w", word term) or ("g", Han bigram or single Han character)


def query_words(query: str) -> list[str]:
    """The whitespace-separated words of a query (each must match: AND)."""
    return [w for w in normalize(query).split() if compact(w)]


def query_leaves(word: str, known: Callable[[str], bool]) -> list[Leaf]:
    """The terms one query word needs, all of which must match.

    ``known(term)`` says whether the index holds a word term. The whole word if known; else
    its runs: an ASCII run followed by a Han character becomes "run+char" (as indexed), and
    each Han run is cut by longest known words (≥ 2 chars), what no word covers by bigrams."""
    norm = normalize(word)
    whole = compact(norm)
    if not whole:
        return []
    if len(whole) == 1 and is_han(whole):
        return [("g", whole)]
    if known(whole):
        return [("w", whole)]
    leaves: list[Leaf] = []
    pieces = runs(norm)
    for k, (start, end, run) in enumerate(pieces):
        if is_han(run):
            glued = k > 0 and pieces[k - 1][1] == start and not is_han(pieces[k - 1][2])
            if not (glued and len(run) == 1):  # a lone char after digits is in "digits+char"
                leaves += han_leaves(run, known)
            continue
        following = pieces[k + 1] if k + 1 < len(pieces) else None
        if following and following[0] == end and is_han(following[2]):
            leaves.append(("w", run + following[2][0]))
        else:
            leaves.append(("w", run))
    return list(dict.fromkeys(leaves))


def han_leaves(run: str, known: Callable[[str], bool]) -> list[Leaf]:
    if len(run) == 1:  # one character: wherever it occurs, inside any word
        return [("g", run)]
    if known(run):
        return [("w", run)]
    leaves: list[Leaf] = []
    i, n, gap_start = 0, len(run), None
    while i < n:
        j = next((j for j in range(min(n, i + MAX_WORD), i + 1, -1) if known(run[i:j])), None)
        if j is None:
            gap_start = i if gap_start is None else gap_start
            i += 1
            continue
        if gap_start is not None:
            leaves += _gap_leaves(run, gap_start, i)
            gap_start = None
        leaves.append(("w", run[i:j]))
        i = j
    if gap_start is not None:
        leaves += _gap_leaves(run, gap_start, n)
    return leaves


def _gap_leaves(run: str, start: int, end: int) -> list[Leaf]:
    """Bigrams for a stretch no known word covers; a lone character pairs with a neighbour."""
    if end - start >= 2:
        return [("g", g) for g in bigrams(run[start:end])]
    return [("g", run[start - 1:start + 1] if start > 0 else run[start:start + 2])]


def highlight_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) spans of ``text`` to mark: every occurrence of each whole query word (compared
    after normalisation); a word that does not occur whole has its pieces marked instead."""
    norm = normalize(text)
    if len(norm) != len(text):  # NFKC changed lengths (rare ligatures): compare on the original
        norm = text.lower()
    spans: list[tuple[int, int]] = []
    for word in words:
        found = list(_occurrences(norm, word))
        if not found:
            for piece in _pieces(word):
                found += list(_occurrences(norm, piece))
        spans += found
    return _merge(spans)


def _pieces(word: str) -> list[str]:
    return [r for _, _, r in runs(word) if len(r) >= 1]


def _occurrences(text: str, needle: str) -> Iterator[tuple[int, int]]:
    if not needle:
        return
    start = text.find(needle)
    while start >= 0:
        yield start, start + len(needle)
        start = text.find(needle, start + len(needle))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
