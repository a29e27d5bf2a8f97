"""Error classes: one line per problem, naming the file."""

from __future__ import annotations

from pathlib import Path

from gzsim.errors import (
    CatalogueError,
    EngineError,
    GzsimError,
    LeverValueError,
    OutputError,
    Problem,
    ScenarioError,
    TargetsError,
    UsageError,
    display_path,
    scenario_error,
)


def test_every_error_is_a_gzsim_error():
    for cls in (CatalogueError, ScenarioError, LeverValueError, TargetsError, UsageError, EngineError,
                OutputError):
        assert issubclass(cls, GzsimError)
    assert issubclass(LeverValueError, ScenarioError)


def test_single_message_is_prefixed_with_the_path(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    err = ScenarioError("lever 'x' is unknown", path=tmp_path / "scenarios" / "push.toml")
    assert str(err) == "scenarios/push.toml: lever 'x' is unknown"
    assert err.path == tmp_path / "scenarios" / "push.toml" and err.message == "lever 'x' is unknown"


def test_several_problems_give_one_line_each_with_their_own_file(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    err = ScenarioError(path=a, problems=["first", Problem("second", b)])
    lines = str(err).splitlines()
    assert len(lines) == 2 and lines[0].endswith("a.toml: first") and lines[1].endswith("b.toml: second")
    assert err.message == "2 problems"


def test_error_without_path_is_just_the_message():
    assert str(UsageError("no scenario given")) == "no scenario given"


def test_display_path_keeps_paths_outside_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert display_path(Path("/elsewhere/x.toml")) == "/elsewhere/x.toml"


def test_scenario_error_is_a_lever_value_error_only_when_all_problems_are_values(tmp_path):
    p = tmp_path / "s.toml"
    assert type(scenario_error([Problem("v", p, "value")], path=p)) is LeverValueError
    assert type(scenario_error([Problem("v", p, "value"), Problem("k", p)], path=p)) is ScenarioError
