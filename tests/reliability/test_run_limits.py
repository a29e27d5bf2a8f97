"""The Python API refuses run counts beyond memory too, before allocating anything.

The command line's limits are cases of test_bad_input.py; these are the functions behind them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import gzsim
from gzsim.errors import UsageError

REPO = Path(__file__).resolve().parents[2]

# ------------------------------------------------ the API refuses run counts beyond memory too

@pytest.fixture(scope="module")
def api_model():
    return gzsim.load_model(calibration=None)


@pytest.mark.parametrize("call", ["sobol", "morris", "attribute", "goalseek", "simulate", "draw"])
def test_api_refuses_run_counts_beyond_memory_before_allocating(api_model, call):
    from gzsim.analysis import attribute, goalseek, sensitivity

    base = api_model.load_scenario(REPO / "scenarios" / "baseline.toml")
    plan = api_model.load_scenario(REPO / "scenarios" / "plan.toml")
    calls = {
        "sobol": lambda: sensitivity(api_model, base, samples=2**16, seed=1),
        "morris": lambda: sensitivity(api_model, base, method="morris", samples=10**6, seed=1),
        "attribute": lambda: attribute(api_model, plan, baseline=base, samples=400_000, seed=1),
        "goalseek": lambda: goalseek(api_model, base, probability=0.9, draws=100_000, seed=1),  # x population
        "simulate": lambda: api_model.simulate(base, samples=10**12, seed=1),
        "draw": lambda: api_model.draw(base, 10**12, np.random.default_rng(1)),
    }
    with pytest.raises(UsageError, match=r"above the limit of [\d,]+: .*use"):
        calls[call]()
