"""Finding the project folder and resolving scenario names."""

from __future__ import annotations

import pytest

from gzsim.errors import UsageError
from gzsim.paths import bundled_catalogue, repo_root, resolve_scenario, scenarios_dir

from .conftest import FIXTURE_SCENARIOS, REPO


def test_repo_root_is_this_checkout():
    assert repo_root() == REPO
    assert bundled_catalogue() == REPO / "model" / "levers.toml"
    assert scenarios_dir() == REPO / "scenarios"


def test_gzsim_root_overrides_the_project_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("GZSIM_ROOT", str(tmp_path))
    assert repo_root() == tmp_path.resolve() and scenarios_dir() == tmp_path.resolve() / "scenarios"


def test_bare_name_is_looked_up_in_the_scenarios_folder():
    assert resolve_scenario("plan", FIXTURE_SCENARIOS) == FIXTURE_SCENARIOS / "plan.toml"


def test_path_is_taken_as_is():
    path = FIXTURE_SCENARIOS / "plan.toml"
    assert resolve_scenario(str(path)) == path


def test_unknown_bare_name_suggests_and_lists_the_available_ones():
    with pytest.raises(UsageError) as info:
        resolve_scenario("pln", FIXTURE_SCENARIOS)
    text = str(info.value)
    assert "scenario 'pln' not found" in text and "did you mean 'plan'?" in text
    assert "available: baseline, plan, push" in text


def test_missing_path_is_reported(tmp_path):
    with pytest.raises(UsageError, match="scenario file '.*nope.toml' not found"):
        resolve_scenario(str(tmp_path / "nope.toml"))
