"""Files made from the Corpus for use outside the site: printable handouts (PDF), the
任务分解表 (XLSX/CSV), self-assessment scorecards (XLSX) and the whole corpus as JSON.

Each module turns the Corpus into one kind of file; ``site`` writes them all into a built
site, ``generator.commands.export`` writes one on request.
"""

from __future__ import annotations


class UnknownEntity(LookupError):
    """An export was asked for an id the corpus does not have; carries a Chinese message."""

    def __init__(self, kind: str, ident: str, known: list[str]):
        self.kind, self.ident, self.known = kind, ident, known
        listing = "、".join(known) if known else "（无）"
        super().__init__(f"没有标识为 “{ident}” 的{kind}。现有的{kind}：{listing}")
