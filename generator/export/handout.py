"""Printable handouts of study sessions (专题学习): the session's clauses, terms and questions
laid out for A4 and rendered to PDF by WeasyPrint.

``handout_of`` gathers what a handout shows from the Corpus; the site's study pages use the
same gathering, so the page and the PDF always quote the same text.
"""

from __future__ import annotations

import functools

import json
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .. import urls
from ..corpus import Clause, Corpus, squash
from ..model import Excerpt, Provision, StudySessionFile, Term
from ..pages import TEMPLATES, template_environment
from . import UnknownEntity
from .files import atomic_output

_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True)
class Passage:
    """One provision's printed lines: number, heading, text (text may be an excerpt).

    ``prefix`` is the number printed in front (empty for the clause itself, whose number is
    in the clause's head); ``cut_before``/``cut_after`` mark text left out by an excerpt."""

    prefix: str
    heading: str | None
    text: str | None
    depth: int = 0
    cut_before: bool = False
    cut_after: bool = False


@dataclass(frozen=True)
class HandoutClause:
    ref: str
    document_title: str
    number: str
    url: str
    passages: tuple[Passage, ...]
    excerpted: bool  # only part of the clause text is quoted
    note: str | None


@dataclass(frozen=True)
class Handout:
    session: StudySessionFile
    clauses: tuple[HandoutClause, ...]
    terms: tuple[Term, ...]
    sample: bool

    @property
    def id(self) -> str:
        return self.session.id


def excerpt_text(text: str, excerpt: Excerpt) -> str:
    """The part of ``text`` from the first ``start`` to the following ``end``, both included.

    Whitespace is ignored while matching (as the validator does), and kept in the result."""
    positions = [m.start() for m in _NON_SPACE.finditer(text)]
    squashed = "".join(text[i] for i in positions)
    start, end = squash(excerpt.start), squash(excerpt.end)
    first = squashed.find(start)
    last = squashed.find(end, first) if first >= 0 else -1
    if first < 0 or last < 0:
        raise ValueError(f"excerpt {excerpt.start!r}…{excerpt.end!r} not in clause text")
    return text[positions[first]: positions[last + len(end) - 1] + 1]


def handout_of(corpus: Corpus, study_id: str) -> Handout:
    """What the handout of session ``study_id`` shows; UnknownEntity if there is no such session."""
    session = corpus.studies.get(study_id)
    if session is None:
        raise UnknownEntity("专题学习", study_id, sorted(corpus.studies))
    clauses = tuple(_handout_clause(corpus.clauses[item.ref], item.excerpt, item.note)
                    for item in session.clauses)
    terms = tuple(corpus.terms[t] for t in session.terms)
    sample = session.sample or any(corpus.is_sample(c.ref.split("#")[0]) for c in clauses)
    return Handout(session, clauses, terms, sample)


def _handout_clause(clause: Clause, excerpt: Excerpt | None, note: str | None) -> HandoutClause:
    p = clause.provision
    if excerpt is not None:
        full = " ".join((p.text or "").split())
        quoted = excerpt_text(p.text or "", excerpt)
        flat = " ".join(quoted.split())
        passages = (Passage("", p.heading, quoted, 0, cut_before=not full.startswith(flat),
                            cut_after=not full.endswith(flat)),)
    else:
        passages = tuple(_passages(p, "", 0))
    return HandoutClause(ref=clause.ref, document_title=clause.document.title, number=clause.number,
                         url=urls.clause(clause.ref), passages=passages,
                         excerpted=excerpt is not None, note=note)


def _passages(provision: Provision, prefix: str, depth: int):
    """The provision and every active descendant, in reading order: the clause in full."""
    yield Passage(prefix, provision.heading, provision.text, depth)
    for child in provision.children:
        if child.status == "现行":
            yield from _passages(child, child.num or "", depth + 1)


# --------------------------------------------------------------------------- HTML and PDF


def _environment() -> jinja2.Environment:
    """HTML output, so autoescape: every value from the data is escaped by Jinja2 itself."""
    env = template_environment(autoescape=True)
    env.filters["paragraphs"] = paragraphs
    return env


def paragraphs(text: str | None) -> list[str]:
    """Text split at blank lines; single line breaks inside a paragraph are layout only."""
    if not text:
        return []
    return [" ".join(p.split("\n")).strip() for p in text.replace("\r", "").split("\n\n") if p.strip()]


def handout_html(handout: Handout, site_url: str = "") -> str:
    """The handout as one self-contained HTML document (styles inline, no external resources)."""
    env = _environment()
    css = (TEMPLATES / "handout" / "handout.css").read_text(encoding="utf-8")
    return env.get_template("handout/handout.html.j2").render(
        h=handout, s=handout.session, css=css, site_url=site_url, answer_lines=4)


def local_only_fetcher():
    """A WeasyPrint fetcher that reads local files and data: URLs but never the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"file", "data"})


def handout_pdf(handout: Handout, site_url: str = "") -> bytes:
    return pdf_of_html(handout_html(handout, site_url))


@functools.lru_cache(maxsize=1)
def font_configuration():
    """One WeasyPrint font configuration for every handout a process renders: the CJK fonts
    are looked up once, not once per handout (the PDFs are byte for byte the same)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def pdf_of_html(html: str) -> bytes:
    """A handout's HTML (``handout_html``) rendered to PDF."""
    from weasyprint import HTML

    import gc

    pdf = HTML(string=html, base_url=str(TEMPLATES / "handout") + "/",
               url_fetcher=local_only_fetcher()).write_pdf(font_config=font_configuration())
    # WeasyPrint leaves each document's font data (~90 MiB with Noto CJK) in reference cycles
    # the collector reaches late: without this, 30 handouts in one build peak at 1.6 GiB.
    gc.collect()
    return pdf


def write_handout_pdf(handout: Handout, target: Path, site_url: str = "") -> None:
    data = handout_pdf(handout, site_url)
    with atomic_output(Path(target)) as temp:
        temp.write_bytes(data)


def render_job(job: Path) -> None:
    """Worker side of ``generator.export.site.PdfWorkers``: ``job`` holds a JSON list of handout
    HTML; the PDF of item ``k`` is written beside it as ``<job stem>-<k>.pdf``."""
    import gc

    job = Path(job)
    for k, html in enumerate(json.loads(job.read_text(encoding="utf-8"))):
        data = pdf_of_html(html)
        if k == 0:
            # What stays loaded after the first handout (WeasyPrint, the fonts) is left out of
            # the full collection that ends each of the following ones.
            gc.freeze()
        with atomic_output(job.with_name(f"{job.stem}-{k}.pdf")) as temp:
            temp.write_bytes(data)


if __name__ == "__main__":
    import sys

    render_job(Path(sys.argv[1]))
