"""Chinese wording of model values, shared by every output (site pages, spreadsheets, diffs),
so a frequency reads the same on a role page, in a 任务分解表 and in a revision report."""

from __future__ import annotations

from .model import Frequency

_PERIOD_WORDS = {"week": "周", "month": "个月", "quarter": "季度", "half_year": "半年", "year": "年"}


def frequency_text(freq: Frequency | None) -> str:
    """How often, in the words a reader expects: the source's own wording when recorded."""
    if freq is None:
        return ""
    if freq.label:
        return freq.label
    times = f"至少{freq.at_least}次" if freq.at_least else ""
    if freq.per == "irregular":
        return "定期或不定期"
    if freq.per == "term":
        return "任期内" + times
    word = _PERIOD_WORDS[freq.per]
    span = f"{freq.interval}—{freq.interval_max}" if freq.interval_max else str(freq.interval)
    if freq.cumulative:
        return f"{span}{word}内累计" + times
    if freq.interval == 1 and not freq.interval_max:
        return "每" + {"个月": "月"}.get(word, word) + times
    return f"每{span}{word}" + times


def joined(names) -> str:
    """Names as a Chinese list: 市委办、市纪委监委机关."""
    return "、".join(n for n in names if n)
