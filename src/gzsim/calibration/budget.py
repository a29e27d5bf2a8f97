"""How much work each calibration step may do: the :class:`Budget` and its settings tables.

``[optimiser]`` (differential evolution), ``[profile]`` and ``[mcmc]`` of a
settings file set its fields; tests and ``gzsim backtest`` pass smaller ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._toml import Checker

__all__ = ["Budget", "BUDGET_SECTIONS", "read_budget"]


@dataclass(frozen=True)
class Budget:
    """How much work each step may do (tests pass small budgets).

    The defaults are sized for the Ganzhou model on 2 cores (< 5 minutes in
    all); every field can be set in the settings file or by a caller.
    """

    popsize: int = 12          # DE population = popsize x number of free parameters
    maxiter: int = 300         # DE generations at most
    tol: float = 1e-7          # DE relative convergence tolerance
    polish: bool = True        # L-BFGS-B polish of the DE optimum
    points: int = 15           # profile grid points per parameter
    refine: int = 4            # bisections per side placing each profile interval end
    local_evals: int = 60      # evaluations per local re-optimisation (profiles, polish)
    walkers: int = 192         # MCMC ensemble size (>= 2 x free parameters + 2)
    steps: int = 34000         # MCMC steps per walker (kept chain > 50 autocorrelation times)
    burn: float = 0.3          # share of the steps discarded as burn-in
    min_sets: int = 1000       # at least this many parameter sets in the ensemble
    max_sets: int = 4000       # at most this many (evenly thinned)


BUDGET_SECTIONS = {
    "optimiser": {"popsize": int, "maxiter": int, "tol": float, "polish": bool},
    "profile": {"points": int, "refine": int, "local_evals": int},
    "mcmc": {"walkers": int, "steps": int, "burn": float, "min_sets": int, "max_sets": int},
}



def read_budget(check: Checker, data: dict[str, Any]) -> Budget:
    """The budget of the settings' ``[optimiser]``, ``[profile]`` and ``[mcmc]`` tables; problems go to *check*."""
    values: dict[str, Any] = {}
    for section, keys in BUDGET_SECTIONS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            check.add(f"[{section}] must be a table")
            continue
        check.keys(table, f"[{section}]", required=(), optional=tuple(keys))
        for key, typ in keys.items():
            if key not in table:
                continue
            if typ is bool:
                values[key] = check.boolean(table, key, f"[{section}]", True)
            elif typ is int:
                v = check.integer(table, key, f"[{section}]")
                if v is not None and v < (0 if key == "refine" else 1):
                    check.add(f"[{section}]: {key} must be at least 1, got {v}")
                elif v is not None:
                    values[key] = v
            else:
                v = check.number(table, key, f"[{section}]")
                if v is not None:
                    values[key] = v
    if "burn" in values and not 0 <= values["burn"] < 1:
        check.add(f"[mcmc]: burn is the share of steps discarded, in [0, 1); got {values['burn']:g}")
    return Budget(**values)
