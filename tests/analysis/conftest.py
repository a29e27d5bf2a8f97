"""Fixtures of the analysis tests: a toy model with analytic answers, the bundled model, a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

import gzsim

HERE = Path(__file__).parent
TOY_CATALOGUE = HERE / "fixtures" / "levers.toml"
TOY_SCENARIOS = HERE / "fixtures" / "scenarios"
TOY = ["--model", str(TOY_CATALOGUE), "--scenarios-dir", str(TOY_SCENARIOS)]


@pytest.fixture(scope="session")
def toy() -> gzsim.Model:
    """outcome = a + b + c/2 + noise (noise ~ U[0, 1]) from 2020; grower grows at 'growth'."""
    return gzsim.load_model(TOY_CATALOGUE)


@pytest.fixture(scope="session")
def toy_sc(toy):
    def load(name: str):
        return toy.load_scenario(TOY_SCENARIOS / f"{name}.toml")
    return load


@pytest.fixture(scope="session")
def ganzhou() -> gzsim.Model:
    return gzsim.load_model()


@pytest.fixture(scope="session")
def dask_address():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()
