"""The app's pure helpers (gzsim.ui): URL settings, scenario files, strings, model text."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import gzsim
from gzsim.paths import repo_root, scenarios_dir
from gzsim.timepaths import Ramp
from gzsim.ui import parse_query, query_from_overrides, scenario_toml, ui_text
from gzsim.ui.model_text import equation_block, variable_names
from gzsim.ui.strings import load_ui_strings

SCENARIOS = ["baseline", "plan", "plan_push", "slow_growth"]


@pytest.fixture(scope="module")
def model():
    return gzsim.load_model()


def test_good_query_parameters_become_settings(model):
    settings, problems = parse_query({"scenario": "plan", "lang": "zh", "st_budget_growth": "0.12",
                                      "talent_flats": ["1", "50000"]}, model.catalogue, scenarios=SCENARIOS)
    assert problems == []
    assert settings == {"scenario": "plan", "lang": "zh",
                        "levers": {"st_budget_growth": 0.12, "talent_flats": 50000.0}}


@pytest.mark.parametrize("key, value, reason", [
    ("st_budget_growt", "0.1", "unknown lever; did you mean 'st_budget_growth'?"),
    ("st_budget_growth", "lots", "not a number"),
    ("st_budget_growth", "nan", "not a finite number"),
    ("st_budget_growth", "9", "out of range [0, 0.3]"),
    ("scenario", "nope", "unknown scenario"),
    ("lang", "fr", "language must be en or zh"),
])
def test_bad_query_parameters_are_reported_and_ignored(model, key, value, reason):
    settings, problems = parse_query({key: value, "rd_post_subsidy": "0.05"}, model.catalogue, scenarios=SCENARIOS)
    assert [p.key for p in problems] == [key]
    assert problems[0].reason.startswith(reason.split(";")[0])
    assert str(problems[0]).startswith(f"{key}={value}: ")
    assert settings["levers"] == {"rd_post_subsidy": 0.05}


def test_query_round_trip(model):
    query = query_from_overrides("plan", {"st_budget_growth": 0.125, "rd_post_subsidy": 0.05}, "en")
    settings, problems = parse_query(query, model.catalogue, scenarios=SCENARIOS)
    assert not problems
    assert settings == {"scenario": "plan", "lang": "en",
                        "levers": {"st_budget_growth": 0.125, "rd_post_subsidy": 0.05}}


def _copy_scenarios(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    shutil.copytree(scenarios_dir(), folder)
    return folder


@pytest.mark.parametrize("base", SCENARIOS)
def test_a_downloaded_scenario_loads_back_with_the_same_levers(model, tmp_path, base):
    folder = _copy_scenarios(tmp_path)
    overrides = {"st_budget_growth": 0.2, "talent_flats": 30000.0,
                 "new_institute_rd": Ramp(start_year=2022, end_year=2025, start=0.0, end=3.0)}
    text = scenario_toml(base, overrides, name="mine", title_en='My "case"', title_zh="我的情景",
                         sources={"st_budget_growth": "set in the app"}, comment="line one\nline two")
    (folder / "mine.toml").write_text(text, encoding="utf-8")
    loaded = gzsim.load_scenario(folder / "mine.toml", catalogue=model.catalogue)
    as_file = {k: (v.to_dict() if hasattr(v, "to_dict") else v) for k, v in overrides.items()}
    expected = gzsim.scenario.with_levers(model.load_scenario(folder / f"{base}.toml"), as_file,
                                          catalogue=model.catalogue)
    assert loaded.name == "mine" and loaded.title_en == 'My "case"' and loaded.title_zh == "我的情景"
    assert dict(loaded.levers) == dict(expected.levers)
    assert loaded.content() == expected.content()
    assert loaded.sources["st_budget_growth"] == "set in the app"


def test_a_scenario_file_without_overrides_is_its_parent(model, tmp_path):
    folder = _copy_scenarios(tmp_path)
    (folder / "same.toml").write_text(scenario_toml("plan", {}), encoding="utf-8")
    assert gzsim.load_scenario(folder / "same.toml").hash == gzsim.load_scenario(folder / "plan.toml").hash


def test_every_ui_string_exists_in_both_languages():
    strings = load_ui_strings()
    assert set(strings["en"]) == set(strings["zh"])
    assert ui_text("levers", "zh") == "政策杠杆"
    assert ui_text("on_track", "en") == "on track"  # falls back to the chart strings
    with pytest.raises(ValueError):
        ui_text("levers", "fr")


def test_every_lever_group_has_a_label(model):
    for group in {lever.group for lever in model.catalogue.levers}:
        assert ui_text(f"group_{group}", "en") and ui_text(f"group_{group}", "zh")


def test_model_text_gives_each_variables_equation_block():
    text = (repo_root() / "model" / "ganzhou_sti.mdl").read_text(encoding="utf-8")
    names = variable_names(text)
    assert "ST budget growth rate" in names and len(names) > 50
    block = equation_block(text, "st budget   growth rate")
    assert block.startswith("ST budget growth rate=") and "~" in block and "1/Year" in block
    assert equation_block(text, "no such variable") is None
