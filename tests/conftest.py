"""Shared fixtures: the small fixture model in tests/fixtures and helpers to write TOML files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import gzsim
from gzsim.catalogue import Catalogue, load_catalogue

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_CATALOGUE = FIXTURES / "model" / "levers.toml"
FIXTURE_MDL = FIXTURES / "model" / "mini.mdl"
FIXTURE_SCENARIOS = FIXTURES / "scenarios"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The fixture catalogue (TOML only, no model translation)."""
    return load_catalogue(FIXTURE_CATALOGUE)


@pytest.fixture(scope="session")
def mini_model() -> gzsim.Model:
    """The fixture model with the PySD engine, loaded once per test session."""
    return gzsim.load_model(FIXTURE_CATALOGUE, engine="pysd")


@pytest.fixture
def write(tmp_path: Path):
    """Write dedented text to ``tmp_path/name`` and return the path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write
