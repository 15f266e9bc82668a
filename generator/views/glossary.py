"""术语: every term with its definition, aliases and source. The same terms are marked in
the text of every other page (see ``_site.TermMarker``)."""

from __future__ import annotations

from .. import urls
from ..corpus import Corpus
from ..pages import Page
from ..render import md
from . import _site
from ._site import link

SECTION = ("术语",)


def pages(corpus: Corpus, env):
    _site.prepare(corpus, env)
    terms = []
    for term in sorted(corpus.terms.values(), key=lambda t: t.term):
        source = ""
        if term.source and term.source.provision:
            source = _site.clause_link(corpus, term.source.provision)
        elif term.source and term.source.document:
            source = link(corpus.documents[term.source.document].title, urls.document(term.source.document), "pk-ref")
        terms.append({
            "anchor": term.id, "term": md(term.term), "aliases": md("、".join(term.aliases)),
            "expansion": md(term.expansion or ""), "definition": md_definition(term.definition),
            "editorial": term.definition_source == "编者", "source": source,
            "related": "、".join(link(corpus.terms[r].term, urls.term(r), "pk-chip") for r in term.related),
        })
    yield Page(url=urls.listing("glossary"), title="术语", section=SECTION, order=(80,),
               markdown=env.get_template("glossary.md.j2").render(terms=terms))


def md_definition(text: str) -> str:
    """Definitions are shown plain: marking terms inside the glossary itself only adds noise."""
    return md(text)
