"""Analysis layer: the analysts' questions as library functions (and ``gzsim`` commands).

Public API
----------
reach(model, scenarios, *, samples, seed, year=None, targets=None, execution=None) -> DataFrame
    Will we reach the targets?  Median, 5th/95th percentiles, probability, status per target,
    plus the joint probability of the headline targets (``gzsim reach``).
sensitivity(model, scenario, *, method="sobol"|"morris", samples, seed, ...) -> DataFrame
    What drives the outcome?  Sobol' S1/ST or Morris mu*/sigma with confidence intervals
    (``gzsim sensitivity``).
goalseek(model, scenario, *, probability, target_ids=None, levers=None, ...) -> GoalSeekResult
    What would it take?  Least-effort lever settings (``gzsim goalseek``).
discover(model, scenario, *, samples, seed, ...) -> DataFrame
    Under which conditions?  PRIM boxes (``gzsim discover``).
attribute(model, scenario, *, baseline, ...) -> DataFrame
    How much does each lever contribute?  Wedges, interaction, Shapley values (``gzsim attribute``).
prim(x, y, ...) -> PrimResult;  plan_period: Measure, PlanPeriod, measure_values
Execution(scheduler=None, chunk_size=2000, progress=False)
    Local or Dask runs with identical results; pass as ``execution=``.
Status, Method : enums.
"""

# Eager on purpose: several exports share their submodule's name (reach, goalseek...), and a
# lazy attribute would be shadowed by the submodule once it is imported.
from .attribution import attribute, changed_levers
from .discover import discover
from .distributed import Execution
from .goalseek import GoalSeekResult, default_decision_levers, goalseek
from .plan_period import Measure, PlanPeriod, measure_values, plan_period_values
from .prim import Box, PrimResult, prim
from .reach import Status, reach
from .sensitivity import Method, sensitivity


__all__ = ["reach", "Status", "sensitivity", "Method", "goalseek", "GoalSeekResult",
           "default_decision_levers", "discover", "prim", "PrimResult", "Box", "attribute",
           "changed_levers", "Execution", "Measure", "PlanPeriod", "measure_values", "plan_period_values"]
