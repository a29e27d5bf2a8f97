"""The app's analysis tab: small, quick versions of ``gzsim.analysis`` runs as one table each."""

from __future__ import annotations

from typing import Any

import pandas as pd

KINDS = ("attribution", "sensitivity", "goalseek")


def run_analysis(kind: str, model: Any, scenario: Any, baseline: Any, *, seed: int = 1) -> tuple[str, pd.DataFrame]:
    """Run one analysis with app-sized settings (seconds, not minutes): a one-line note and its table."""
    from .. import analysis

    if kind == "attribution":
        return "", analysis.attribute(model, scenario, baseline=baseline)
    if kind == "sensitivity":
        table = analysis.sensitivity(model, scenario, method="morris", samples=10, seed=seed, bootstrap=50)
        return "Morris, 10 trajectories", table
    if kind == "goalseek":
        result = analysis.goalseek(model, scenario, probability=0.8, draws=100, seed=seed, maxiter=20)
        return result.message, result.settings
    raise ValueError(f"unknown analysis {kind!r}; one of {', '.join(KINDS)}")
