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

# Exports load on first use: the CLI imports this package to register its commands, and the
# heavy modules (scipy.stats, matplotlib) should cost nothing until a command runs.
_EXPORTS = {
    "attribute": "attribution",
    "changed_levers": "attribution",
    "discover": "discover",
    "Execution": "distributed",
    "GoalSeekResult": "goalseek",
    "default_decision_levers": "goalseek",
    "goalseek": "goalseek",
    "Measure": "plan_period",
    "PlanPeriod": "plan_period",
    "measure_values": "plan_period",
    "plan_period_values": "plan_period",
    "Box": "prim",
    "PrimResult": "prim",
    "prim": "prim",
    "Status": "reach",
    "reach": "reach",
    "Method": "sensitivity",
    "sensitivity": "sensitivity",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["reach", "Status", "sensitivity", "Method", "goalseek", "GoalSeekResult",
           "default_decision_levers", "discover", "prim", "PrimResult", "Box", "attribute",
           "changed_levers", "Execution", "Measure", "PlanPeriod", "measure_values", "plan_period_values"]
