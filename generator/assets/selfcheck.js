/* policykb self-assessment: scores a standard's form exactly as generator/scoring.py does.
   1. a rule counts points x count (一次性: points when ticked), limited by its own cap;
   2. an indicator loses at most its own points;
   3. bonuses add up over the standard, limited by the standard's bonus cap (if any);
   4. score = base - deductions + bonus, never below 0;
   5. a triggered 一票否决 indicator makes the result 不合格 whatever the score.
   Listens at the document level, so it keeps working across instant navigation. */
(function () {
  "use strict";

  function ruleAmount(input) {
    var points = Number(input.dataset.points);
    var amount;
    if (input.dataset.once) {
      amount = input.checked ? points : 0;
    } else {
      var count = Math.trunc(Number(input.value) || 0);
      amount = points * Math.max(count, 0);
    }
    if (input.dataset.cap !== "") amount = Math.min(amount, Number(input.dataset.cap));
    return amount;
  }

  function round4(x) {
    return Math.round(x * 1e4) / 1e4;
  }

  /* Python's format(x, "g"): six significant digits, no trailing zeros. */
  function formatG(x) {
    if (x === 0) return "0";
    var exponent = Math.floor(Math.log10(Math.abs(x)));
    if (exponent < -4 || exponent >= 6) {
      var parts = x.toExponential(5).split("e");
      var mantissa = String(Number(parts[0]));
      var e = Number(parts[1]);
      return mantissa + "e" + (e < 0 ? "-" : "+") + String(Math.abs(e)).padStart(2, "0");
    }
    return String(Number(x.toPrecision(6)));
  }

  function assess(form) {
    var deducted = 0, bonus = 0, vetoed = [];
    form.querySelectorAll("fieldset[data-indicator]").forEach(function (fieldset) {
      var lost = 0;
      fieldset.querySelectorAll('input[data-kind="deduction"]').forEach(function (input) {
        lost += ruleAmount(input);
      });
      deducted += Math.min(lost, Number(fieldset.dataset.points));
      fieldset.querySelectorAll('input[data-kind="bonus"]').forEach(function (input) {
        bonus += ruleAmount(input);
      });
      var veto = fieldset.querySelector('input[data-kind="veto"]');
      if (veto && veto.checked) vetoed.push(fieldset.dataset.indicator);
    });
    if (form.dataset.bonusCap !== "") bonus = Math.min(bonus, Number(form.dataset.bonusCap));
    var score = Math.max(Number(form.dataset.base) - deducted + bonus, 0);
    return { score: round4(score), deducted: round4(deducted), bonus: round4(bonus), vetoed: vetoed };
  }

  function show(form) {
    var result = assess(form);
    form.querySelector("output.pk-score").textContent =
      result.vetoed.length ? "一票否决（不合格）" : formatG(result.score) + " 分";
    form.querySelector("output.pk-deducted").textContent = formatG(result.deducted);
    form.querySelector("output.pk-bonus").textContent = formatG(result.bonus);
  }

  function onChange(event) {
    var form = event.target.closest && event.target.closest("form.pk-selfcheck");
    if (form) show(form);
  }

  document.addEventListener("input", onChange);
  document.addEventListener("change", onChange);
  document.addEventListener("reset", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form.pk-selfcheck")) setTimeout(function () { show(form); }, 0);
  });
  window.policykbAssess = assess;
})();
