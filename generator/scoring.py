"""How a self-assessment is scored: the one definition the site's calculator and the
spreadsheet formulas both follow (their tests compare against ``score``).

Rules, in order:
1. A deduction or bonus rule counts ``points × count`` (``一次性`` rules: ``points`` when ticked),
   limited by the rule's own ``cap``.
2. An indicator loses at most its own points, whatever its deductions add up to.
3. Bonuses add up over the whole standard, limited by the standard's ``bonus_cap`` (if any).
4. score = base_score − Σ indicator deductions + bonus, never below 0.
5. If any veto indicator (一票否决) is triggered, the result is 不合格 whatever the score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import DeductionUnit, IndicatorStandardFile, ItemStatus, ScoreRule


def rule_amount(rule: ScoreRule, count: int | bool) -> float:
    """Points one rule contributes for ``count`` occurrences (a bool for 一次性 rules)."""
    if rule.per == DeductionUnit.once.value:
        amount = rule.points if count else 0.0
    else:
        amount = rule.points * max(int(count), 0)
    return min(amount, rule.cap) if rule.cap is not None else amount


@dataclass
class Assessment:
    score: float
    deducted: float
    bonus: float
    vetoed: list[str] = field(default_factory=list)  # ids of triggered veto indicators
    per_indicator: dict[str, float] = field(default_factory=dict)  # indicator id → points lost

    @property
    def verdict(self) -> str:
        return "一票否决（不合格）" if self.vetoed else f"{self.score:g} 分"


def score(standard: IndicatorStandardFile, counts: dict[str, int | bool], vetoes: set[str] = frozenset()) -> Assessment:
    """Score ``standard`` given occurrence counts by rule id and the ids of triggered veto indicators."""
    deducted = bonus = 0.0
    per_indicator: dict[str, float] = {}
    vetoed: list[str] = []
    for dim in standard.dimensions:
        for ind in dim.indicators:
            if ind.status != ItemStatus.active.value:
                continue
            lost = sum(rule_amount(r, counts.get(r.id, 0)) for r in ind.deductions if r.status == ItemStatus.active.value)
            lost = min(lost, ind.points)
            per_indicator[ind.id] = lost
            deducted += lost
            bonus += sum(rule_amount(r, counts.get(r.id, 0)) for r in ind.bonuses if r.status == ItemStatus.active.value)
            if ind.veto and ind.id in vetoes:
                vetoed.append(ind.id)
    if standard.bonus_cap is not None:
        bonus = min(bonus, standard.bonus_cap)
    total = max(standard.base_score - deducted + bonus, 0.0)
    return Assessment(round(total, 4), round(deducted, 4), round(bonus, 4), vetoed, per_indicator)
