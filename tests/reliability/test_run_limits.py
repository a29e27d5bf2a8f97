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


# ------------------------------------------------ a custom model's time grid, under a memory cap

@pytest.mark.parametrize("final", ["1e8", "3e8"])
def test_a_model_period_beyond_the_step_limit_is_refused_before_allocating(tmp_path, final):
    """FINAL TIME 1e8 passed `validate` after 6.4 GB; now refused from the control values, in a child
    process that may not use more than 1.5 GiB of address space."""
    import subprocess
    import sys

    fixtures = REPO / "tests" / "fixtures"
    (tmp_path / "m").mkdir()
    mdl = (fixtures / "model" / "mini.mdl").read_text(encoding="utf-8")
    (tmp_path / "m" / "mini.mdl").write_text(mdl.replace("FINAL TIME  = 2030", f"FINAL TIME  = {final}"),
                                             encoding="utf-8")
    (tmp_path / "m" / "levers.toml").write_text((fixtures / "model" / "levers.toml").read_text(encoding="utf-8"),
                                                encoding="utf-8")
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (3 << 29, 3 << 29))\n"
            "from gzsim.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    for command in ("validate", "run"):
        done = subprocess.run([sys.executable, "-c", code, command, str(fixtures / "scenarios" / "baseline.toml"),
                               "--model", "m/levers.toml"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stderr[-2000:]
        assert "the model's time settings cannot be run" in done.stderr and "above the limit of 10,000,000" in done.stderr
        assert "Traceback" not in done.stderr
