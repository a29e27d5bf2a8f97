"""Fixtures of the app tests: the bundled model and catalogue, as the app loads them."""
from __future__ import annotations

import pytest

import gzsim
from gzsim.paths import bundled_catalogue


@pytest.fixture(scope="session")
def model() -> gzsim.Model:
    """The bundled, calibrated model (shared: a run never changes it, as in the app)."""
    return gzsim.load_model()


@pytest.fixture(scope="session")
def catalogue():
    """The bundled lever catalogue (for the app tests, instead of the fixture model's)."""
    return gzsim.load_catalogue(bundled_catalogue())
