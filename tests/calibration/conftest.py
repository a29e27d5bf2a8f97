"""Helpers for the calibration tests: settings files with small budgets, written to tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SETTINGS = REPO / "calibration" / "settings.toml"
JIANGXI = REPO / "calibration" / "jiangxi" / "settings.toml"
DATA = REPO / "calibration" / "observations.csv"
CATALOGUE = REPO / "model" / "levers.toml"
TARGETS = REPO / "scenarios" / "targets" / "plan_2025.toml"

#: Small budgets: seconds, not minutes (the full run is benchmarks/calibrate.py).
TINY = """
[optimiser]
popsize = 4
maxiter = 15
[profile]
points = 3
refine = 0
local_evals = 12
[mcmc]
walkers = 28
steps = 40
burn = 0.5
min_sets = 20
max_sets = 200
"""


BUDGET_TABLES = ("[optimiser]", "[profile]", "[mcmc]")


def relocate(text: str, *, observations: Path = DATA, catalogue: Path = CATALOGUE,
             targets: Path | None = TARGETS) -> str:
    """Point a settings text's file entries at absolute paths (so it can live in tmp_path).

    The file's own budget tables are dropped: the tests append a small budget of their own.
    """
    out, in_budget = [], False
    for line in text.splitlines():
        if line.startswith("["):
            in_budget = line.strip() in BUDGET_TABLES
        if in_budget:
            continue
        if line.startswith("observations ="):
            line = f'observations = "{observations.as_posix()}"'
        elif line.startswith("model ="):
            line = f'model = "{catalogue.as_posix()}"'
        elif line.startswith("targets ="):
            line = f'targets = "{targets.as_posix()}"' if targets else ""
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.fixture
def settings_copy(tmp_path: Path):
    """Write a copy of a settings file (default: the Ganzhou one) with a small budget.

    Returns a function ``(extra="", source=SETTINGS, budget=TINY, **relocate_kw) -> Path``.
    """

    def _copy(extra: str = "", source: Path = SETTINGS, budget: str = TINY, name="settings.toml",
              **kw) -> Path:
        text = relocate(source.read_text(encoding="utf-8"), **kw)
        path = tmp_path / name
        path.write_text(text + textwrap.dedent(extra) + budget, encoding="utf-8")
        return path

    return _copy
