"""Fixtures for chart tests: the bundled Ganzhou model, small ensembles, history and targets."""

from __future__ import annotations

import pytest

import gzsim
from gzsim.charts import load_history
from gzsim.paths import scenarios_dir


@pytest.fixture(scope="session")
def ganzhou() -> gzsim.Model:
    # The model's hand-set values: charts do not depend on the calibration (tested elsewhere).
    return gzsim.load_model(engine="fast", calibration=None)


@pytest.fixture(scope="session")
def scenarios(ganzhou):
    return [ganzhou.load_scenario(scenarios_dir() / f"{name}.toml") for name in ("baseline", "plan")]


@pytest.fixture(scope="session")
def sims(ganzhou, scenarios):
    """Two scenarios, 20 Monte-Carlo samples each (small: the charts, not the statistics, are tested)."""
    return [ganzhou.simulate(sc, samples=20, seed=1) for sc in scenarios]


@pytest.fixture(scope="session")
def history(ganzhou):
    return load_history(indicators=ganzhou.catalogue.indicator_ids)


@pytest.fixture(scope="session")
def targets(scenarios):
    return {t.id: t for t in scenarios[0].targets}
