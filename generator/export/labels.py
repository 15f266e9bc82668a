"""Chinese wording shared by the exports. 频次 is worded by the site's own formatter, so a
spreadsheet says exactly what the role and unit pages say."""

from __future__ import annotations

from ..views._site import frequency_text as frequency_label

__all__ = ["frequency_label", "joined"]


def joined(names) -> str:
    """Names as a Chinese list: 市委办、市纪委监委机关."""
    return "、".join(n for n in names if n)
