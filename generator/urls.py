"""Where each entity lives on the site: the one place URLs are decided.

Every output that links to the site (pages, search results, exports, diffs) asks here, so
a page can move without hunting for string templates. Paths are relative to the site root,
use directory URLs (``documents/x/``) and are built only from validated slugs.
"""

from __future__ import annotations


def document(doc_id: str) -> str:
    return f"documents/{doc_id}/"


def clause(ref: str) -> str:
    """``doc#prov`` → the document page with the clause's anchor."""
    doc_id, _, anchor = ref.partition("#")
    return f"{document(doc_id)}#{anchor}" if anchor else document(doc_id)


def responsibility_list(list_id: str, item_id: str | None = None) -> str:
    return f"lists/{list_id}/" + (f"#{item_id}" if item_id else "")


def standard(standard_id: str, anchor: str | None = None) -> str:
    return f"standards/{standard_id}/" + (f"#{anchor}" if anchor else "")


def revision(series: str, old_year: int, new_year: int, row: str | None = None) -> str:
    """The 修订对照表 between two consecutive editions of a series (at the row of ``row``)."""
    return f"revisions/{series}-{old_year}-{new_year}/" + (f"#{row}" if row else "")


def category_anchor(category_name: str) -> str:
    """The anchor of a category's group on pages grouped by 六大建设 (the slug of its page)."""
    return category(category_name).rstrip("/").rsplit("/", 1)[-1]


def series(series_id: str) -> str:
    """Every edition of a series, each indicator's history, and its 修订对照表 pages."""
    return f"revisions/{series_id}/"


def case_set(case_id: str, item_id: str | None = None) -> str:
    return f"cases/{case_id}/" + (f"#{item_id}" if item_id else "")


def role(role_id: str) -> str:
    return f"roles/{role_id}/"


def unit(unit_id: str) -> str:
    return f"units/{unit_id}/"


def category(category_name: str) -> str:
    from .model import CATEGORY_ORDER, Category

    slug = Category(category_name).name if category_name in CATEGORY_ORDER else "other"
    return f"categories/{slug}/"


def term(term_id: str) -> str:
    return f"glossary/#{term_id}"


def study(study_id: str) -> str:
    return f"study/{study_id}/"


def obligation_source(source_kind: str, source_id: str, anchor: str) -> str:
    """Link target of an Obligation (see corpus.Obligation)."""
    if source_kind == "list":
        return responsibility_list(source_id, anchor)
    return clause(f"{source_id}#{anchor}")


def listing(section: str, page: int = 1) -> str:
    """A section's index page (``documents/``, ``roles/`` …); long indexes continue on
    ``documents/page-2/`` and so on, so no index page grows with the corpus."""
    return paged(f"{section}/", page)


def paged(url: str, page: int = 1) -> str:
    """Page ``page`` of a long listing whose first page is ``url``."""
    return url if page <= 1 else f"{url}page-{page}/"


def calendar(bucket: str | None = None, page: int = 1) -> str:
    """工作日历: the overview, or the obligations of one recurrence bucket (``year``, ``month`` …)."""
    return paged(f"calendar/{bucket}/" if bucket else "calendar/", page)


def downloads() -> str:
    """The 下载 page; the files it lists sit beside it under ``downloads/``."""
    return "downloads/"


def handout_pdf(study_id: str) -> str:
    return f"downloads/handouts/{study_id}.pdf"


def tasks_table(fmt: str) -> str:
    """The 任务分解表 of the whole corpus, ``fmt`` is ``xlsx`` or ``csv``."""
    return f"downloads/tasks.{fmt}"


def scorecard(standard_id: str) -> str:
    return f"downloads/scorecards/{standard_id}.xlsx"


def corpus_json(schema: bool = False) -> str:
    return "downloads/corpus.schema.json" if schema else "downloads/corpus.json"


def page_source(url: str) -> str:
    """The Markdown source path MkDocs needs for a directory URL: ``roles/x/`` → ``roles/x.md``."""
    path = url.split("#", 1)[0].rstrip("/")
    return (path or "index") + ".md"
