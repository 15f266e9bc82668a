"""Chinese wording of model values shared by the exports (频次, unit and role names)."""

from __future__ import annotations

from ..model import Frequency, Period

# "每年", "每季度" … for a recurrence every single period.
_EVERY = {
    Period.week.value: "每周",
    Period.month.value: "每月",
    Period.quarter.value: "每季度",
    Period.half_year.value: "每半年",
    Period.year.value: "每年",
}
# The counted form, for "每 2 年", "每 3 个月", "5 年内累计".
_COUNTED = {
    Period.week.value: "周",
    Period.month.value: "个月",
    Period.quarter.value: "个季度",
    Period.half_year.value: "个半年",
    Period.year.value: "年",
}


def frequency_label(frequency: Frequency | None) -> str:
    """频次 in plain Chinese: 每年至少1次, 每2—3年至少1次, 5年内累计, 任期内, 不定期."""
    if frequency is None:
        return ""
    per = frequency.per
    if per == Period.term.value:
        base = "任期内"
    elif per == Period.irregular.value:
        base = "定期或不定期"
    elif frequency.cumulative:
        base = f"{_span(frequency)}{_COUNTED[per]}内累计"
    elif frequency.interval == 1 and frequency.interval_max is None:
        base = _EVERY[per]
    else:
        base = f"每{_span(frequency)}{_COUNTED[per]}"
    if frequency.at_least is not None:
        base += f"至少{frequency.at_least}次"
    return base


def _span(frequency: Frequency) -> str:
    if frequency.interval_max is not None:
        return f"{frequency.interval}—{frequency.interval_max}"
    return str(frequency.interval)


def joined(names) -> str:
    """Names as a Chinese list: 市委办、市纪委监委机关."""
    return "、".join(n for n in names if n)
