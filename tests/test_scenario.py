"""Scenario files: inheritance, resolution, hashing, and every bad-input case."""

from __future__ import annotations

import math

import pytest

from gzsim import LeverValueError, ScenarioError, load_scenario
from gzsim.timepaths import Ramp, Series, Step

from .conftest import FIXTURE_SCENARIOS


def load(path, catalogue):
    return load_scenario(path, catalogue=catalogue)


def error(path, catalogue, cls=ScenarioError) -> ScenarioError:
    with pytest.raises(cls) as info:
        load(path, catalogue)
    return info.value


# ----------------------------------------------------------------- resolution

def test_baseline_gives_every_lever_its_catalogue_default(catalogue):
    sc = load(FIXTURE_SCENARIOS / "baseline.toml", catalogue)
    assert sc.name == "baseline" and sc.title == "Baseline" and sc.title_for("zh") == "基准情景"
    assert sc.set_levers == ()
    assert dict(sc.levers) == {lv.id: lv.default for lv in catalogue.levers}
    assert sc.targets is not None and sc.targets.name == "plan_2025" and len(sc.targets) == 2


def test_child_overrides_parent_and_inherits_the_rest(catalogue):
    push = load(FIXTURE_SCENARIOS / "push.toml", catalogue)
    assert [p.name for p in push.chain] == ["push.toml", "plan.toml", "baseline.toml"]
    assert push.levers["st_budget_growth"] == 0.15                      # overridden by push
    assert push.levers["rd_subsidy"] == Step(2022, 0.0, 0.05)           # inherited from plan
    assert push.levers["talent_inflow"] == Series((2021, 2023, 2025), (10000.0, 50000.0, 100000.0))
    assert push.levers["gdp_growth"] == Ramp(2022, 2025, 0.06, 0.08)
    assert push.set_levers == ("st_budget_growth", "rd_subsidy", "talent_inflow", "gdp_growth")
    assert push.sources == {"st_budget_growth": "plan ch.10 s.2"}       # merged from plan
    assert push.uncertainty["gdp_growth"].kind == "triangular"
    assert push.targets is not None and push.targets.name == "plan_2025"  # inherited from baseline


def test_name_defaults_to_file_stem_and_titles_are_not_inherited(catalogue):
    push = load(FIXTURE_SCENARIOS / "push.toml", catalogue)
    assert push.name == "push" and push.title_zh == "" and push.title_for("zh") == "Push"


def test_resolved_scenario_is_frozen(catalogue):
    sc = load(FIXTURE_SCENARIOS / "plan.toml", catalogue)
    with pytest.raises(AttributeError):
        sc.name = "other"
    with pytest.raises(TypeError):
        sc.levers["st_budget_growth"] = 0.2


def test_extends_accepts_a_relative_path(write, catalogue):
    write("base/root.toml", "[levers]\nst_budget_growth = 0.2\n")
    child = write("deep/child.toml", 'extends = "../base/root.toml"\n[levers]\nrd_subsidy = 0.1\n')
    sc = load(child, catalogue)
    assert (sc.levers["st_budget_growth"], sc.levers["rd_subsidy"]) == (0.2, 0.1)


def test_uncertainty_is_merged_along_the_chain(write, catalogue):
    write("a.toml", '[uncertainty]\ngdp_growth = { distribution = "uniform", min = 0.04, max = 0.08 }\n'
                    'st_budget_growth = { distribution = "uniform", min = 0.05, max = 0.1 }\n')
    b = write("b.toml", 'extends = "a"\n[uncertainty]\n'
                        'gdp_growth = { distribution = "uniform", min = 0.05, max = 0.07 }\n')
    sc = load(b, catalogue)
    assert (sc.uncertainty["gdp_growth"].min, sc.uncertainty["gdp_growth"].max) == (0.05, 0.07)
    assert sc.uncertainty["st_budget_growth"].max == 0.1


def test_hash_is_a_stable_sha256_of_the_content(write, catalogue):
    a = load(write("a.toml", 'title_en = "A"\n[levers]\nst_budget_growth = 0.12\n'), catalogue)
    b = load(write("b.toml", 'title_en = "B"\n[levers]\nst_budget_growth = 0.12\n'), catalogue)
    c = load(write("c.toml", "[levers]\nst_budget_growth = 0.13\n"), catalogue)
    again = load(write("a2.toml", 'title_en = "A"\n[levers]\nst_budget_growth = 0.12\n'), catalogue)
    assert len(a.hash) == 64 and int(a.hash, 16) >= 0
    assert a.hash == b.hash == again.hash  # titles do not change the numbers
    assert a.hash != c.hash


def test_setting_a_lever_to_its_default_gives_the_baseline_hash(write, catalogue):
    base = load(FIXTURE_SCENARIOS / "baseline.toml", catalogue)
    same = load(write("same.toml", "[levers]\nst_budget_growth = 0.096\ntalent_inflow = 5000\n"), catalogue)
    assert same.hash == base.hash


def test_default_catalogue_is_used_when_none_is_given(monkeypatch, tmp_path):
    # GZSIM_ROOT points the bundled-file lookup at a folder holding the fixture catalogue.
    (tmp_path / "model").mkdir()
    text = (FIXTURE_SCENARIOS.parent / "model" / "levers.toml").read_text(encoding="utf-8")
    mdl = (FIXTURE_SCENARIOS.parent / "model" / "mini.mdl").as_posix()
    (tmp_path / "model" / "levers.toml").write_text(text.replace('"mini.mdl"', f'"{mdl}"'), encoding="utf-8")
    monkeypatch.setenv("GZSIM_ROOT", str(tmp_path))
    assert load_scenario(FIXTURE_SCENARIOS / "plan.toml").levers["st_budget_growth"] == 0.12


# ----------------------------------------------------------------- bad input

def test_unknown_lever_is_reported_with_suggestion(write, catalogue):
    path = write("push.toml", "[levers]\nrd_subsdy = 0.1\n")
    err = error(path, catalogue)
    assert str(err).endswith("push.toml: lever 'rd_subsdy' is unknown; did you mean 'rd_subsidy'?")
    assert err.path == path


def test_unknown_top_level_key_is_reported_with_suggestion(write, catalogue):
    err = error(write("s.toml", "[lever]\nrd_subsidy = 0.1\n"), catalogue)
    assert "unknown key 'lever'; did you mean 'levers'?" in str(err)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0.5", "lever 'st_budget_growth' = 0.5 is outside the lever's range [0, 0.3]"),
        ("-0.01", "lever 'st_budget_growth' = -0.01 is outside the lever's range [0, 0.3]"),
        ("nan", "lever 'st_budget_growth' must be a finite number, got nan"),
        ("inf", "lever 'st_budget_growth' must be a finite number, got inf"),
        ("-inf", "lever 'st_budget_growth' must be a finite number, got -inf"),
        ("true", "lever 'st_budget_growth' must be a number, got boolean true"),
        ('"0.1"', "lever 'st_budget_growth' must be a number, got string '0.1'"),
        ("[0.1]", "lever 'st_budget_growth' must be a number, got an array"),
    ],
    ids=["above", "below", "nan", "inf", "-inf", "bool", "string", "array"],
)
def test_bad_constant_value_is_a_lever_value_error(write, catalogue, value, message):
    err = error(write("s.toml", f"[levers]\nst_budget_growth = {value}\n"), catalogue, LeverValueError)
    assert message in str(err)
    assert isinstance(err, ScenarioError)


def test_path_points_are_range_checked(write, catalogue):
    err = error(write("s.toml", "[levers]\ntalent_inflow = { series = { 2022 = 10, 2025 = 200000 } }\n"),
                catalogue, LeverValueError)
    assert "lever 'talent_inflow' series 2025 = 200000 is outside the lever's range [0, 100000]" in str(err)


def test_step_values_are_range_checked(write, catalogue):
    err = error(write("s.toml", "[levers]\nrd_subsidy = { step = { year = 2023, before = 0, after = 0.9 } }\n"),
                catalogue, LeverValueError)
    assert "lever 'rd_subsidy' step 'after' = 0.9 is outside" in str(err)


def test_mixed_problems_raise_plain_scenario_error(write, catalogue):
    err = error(write("s.toml", "[levers]\nst_budget_growth = 0.5\nrd_subsdy = 1\n"), catalogue)
    assert type(err) is ScenarioError and len(err.problems) == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{ step = { year = 2023, before = 0 } }", "lever 'rd_subsidy' step: missing required key 'after'"),
        ("{ step = { year = 2023, before = 0, after = 0.1, when = 1 } }",
         "lever 'rd_subsidy' step: unknown key 'when'"),
        ("{ step = { year = 2023.5, before = 0, after = 0.1 } }",
         "'year' must be an integer year, got 2023.5"),
        ("{ ramp = { start_year = 2022, end = 0.1, start = 0 } }",
         "lever 'rd_subsidy' ramp: missing required key 'end_year'"),
        ("{ ramp = { start_year = 2025, end_year = 2022, start = 0, end = 0.1 } }",
         "end_year 2022 must be after start_year 2025"),
        ("{ series = { 2025 = 0.1, 2023 = 0.05 } }", "years must be strictly increasing, but 2023 follows 2025"),
        ('{ series = { 2022 = 0.1, "2023.5" = 0.05 } }', "key '2023.5' is not an integer year"),
        ("{ series = { abc = 0.1 } }", "key 'abc' is not an integer year"),
        ("{ series = { } }", "needs at least one 'year = value' entry"),
        ("{ linear = { a = 1 } }", "a time path must be exactly one of"),
        ("{ step = { year = 2023, before = 0, after = 0.1 }, ramp = { } }", "a time path must be exactly one of"),
        ("{ step = 3 }", "lever 'rd_subsidy' step: must be a table, got 3"),
    ],
    ids=["step-missing", "step-extra", "step-float-year", "ramp-missing", "ramp-reversed",
         "series-decreasing", "series-float-year", "series-word-year", "series-empty", "unknown-path",
         "two-paths", "not-a-table"],
)
def test_malformed_time_path_is_reported(write, catalogue, value, message):
    err = error(write("s.toml", f"[levers]\nrd_subsidy = {value}\n"), catalogue)
    assert message in str(err)


def test_malformed_toml_reports_parser_line_and_column(write, catalogue):
    err = error(write("s.toml", "[levers]\nst_budget_growth = = 0.1\n"), catalogue)
    assert "s.toml: invalid TOML:" in str(err) and "line 2, column" in str(err)


@pytest.mark.parametrize("text", ["", "   \n# only a comment\n"], ids=["empty", "comment-only"])
def test_empty_scenario_file_is_an_error(write, catalogue, text):
    assert "scenario file is empty" in str(error(write("s.toml", text), catalogue))


def test_non_utf8_file_is_an_error(tmp_path, catalogue):
    path = tmp_path / "s.toml"
    path.write_bytes('title_zh = "基准"\n'.encode("gbk"))
    assert "is not valid UTF-8" in str(error(path, catalogue))


def test_missing_scenario_file_is_an_error(tmp_path, catalogue):
    assert "scenario file not found" in str(error(tmp_path / "nope.toml", catalogue))


def test_missing_parent_names_the_chain(write, catalogue):
    write("a.toml", 'extends = "b"\n')
    write("b.toml", 'extends = "basline"\n')
    write("baseline.toml", 'title_en = "x"\n')
    err = error(write("a.toml", 'extends = "b"\n'), catalogue)
    text = str(err)
    assert "b.toml: extends 'basline', but" in text and "basline.toml does not exist" in text
    assert "did you mean 'baseline'?" in text
    assert "(chain: " in text and "a.toml -> " in text and "b.toml -> " in text


def test_extends_cycle_is_reported_with_the_chain(write, catalogue):
    write("b.toml", 'extends = "c"\n')
    write("c.toml", 'extends = "a"\n')
    err = error(write("a.toml", 'extends = "b"\n'), catalogue)
    assert "'extends' forms a cycle:" in str(err)
    assert "a.toml -> " in str(err) and "c.toml -> " in str(err)


def test_scenario_extending_itself_is_a_cycle(write, catalogue):
    assert "forms a cycle" in str(error(write("a.toml", 'extends = "a"\n'), catalogue))


def test_extends_must_be_a_string(write, catalogue):
    assert "'extends' must be a scenario name" in str(error(write("a.toml", "extends = 3\n"), catalogue))


def test_problems_in_a_parent_name_the_parent_file(write, catalogue):
    write("parent.toml", "[levers]\nst_budget_growth = 0.9\n")
    err = error(write("child.toml", 'extends = "parent"\n[levers]\nrd_subsidy = 5\n'), catalogue)
    lines = str(err).splitlines()
    assert any("parent.toml: lever 'st_budget_growth' = 0.9" in line for line in lines)
    assert any("child.toml: lever 'rd_subsidy' = 5" in line for line in lines)


def test_every_problem_in_a_file_is_reported_at_once(write, catalogue):
    text = ("nmae = 'x'\n[levers]\nrd_subsdy = 1\nst_budget_growth = nan\n"
            "talent_inflow = { series = { 2025 = 1, 2023 = 2 } }\n[sources]\nfoo = 'x'\n")
    assert len(error(write("s.toml", text), catalogue).problems) == 5


def test_unknown_distribution_in_uncertainty_is_reported(write, catalogue):
    err = error(write("s.toml", '[uncertainty]\ngdp_growth = { distribution = "gaussian", mean = 0.06, sd = 0.01 }\n'),
                catalogue)
    assert "[uncertainty] lever 'gdp_growth': distribution 'gaussian' is unknown" in str(err)


def test_uncertainty_bounds_must_lie_in_the_lever_range(write, catalogue):
    err = error(write("s.toml", '[uncertainty]\ngdp_growth = { distribution = "uniform", min = 0.1, max = 0.3 }\n'),
                catalogue)
    assert "outside the lever's range [0, 0.2]" in str(err)


def test_unbounded_normal_uncertainty_needs_min_and_max(write, catalogue):
    err = error(write("s.toml", '[uncertainty]\ngdp_growth = { distribution = "normal", mean = 0.06, sd = 0.01 }\n'),
                catalogue)
    assert "set min and max within the lever's range" in str(err)


def test_truncated_normal_uncertainty_is_accepted(write, catalogue):
    sc = load(write("s.toml", '[uncertainty]\ngdp_growth = { distribution = "normal", mean = 0.06, sd = 0.01, '
                              'min = 0.03, max = 0.09 }\n'), catalogue)
    assert sc.uncertainty["gdp_growth"].bounds == (0.03, 0.09)


def test_uncertainty_for_unknown_lever_is_reported(write, catalogue):
    err = error(write("s.toml", '[uncertainty]\nknowledge_depreciation = { distribution = "uniform", '
                                'min = 0.1, max = 0.2 }\n'), catalogue)
    assert "[uncertainty]: lever 'knowledge_depreciation' is unknown" in str(err)


def test_source_must_be_a_string(write, catalogue):
    err = error(write("s.toml", "[sources]\nrd_subsidy = 3\n"), catalogue)
    assert "[sources]: source of 'rd_subsidy' must be a string" in str(err)


def test_missing_targets_file_is_reported(write, catalogue):
    err = error(write("s.toml", 'targets = "targets/none.toml"\n'), catalogue)
    assert "none.toml: targets file not found" in str(err)


def test_target_for_unknown_indicator_is_reported(write, catalogue):
    write("targets/t.toml", '[[target]]\nid = "rd_intensty"\nyear = 2025\nthreshold = 1\ndirection = "at_least"\n')
    err = error(write("s.toml", 'targets = "targets/t.toml"\n'), catalogue)
    assert "t.toml: target 'rd_intensty' (2025): 'rd_intensty' is not an indicator" in str(err)
    assert "did you mean 'rd_intensity'?" in str(err)


def test_integer_values_are_accepted_as_floats(write, catalogue):
    sc = load(write("s.toml", "[levers]\ntalent_inflow = 20000\n"), catalogue)
    assert sc.levers["talent_inflow"] == 20000.0 and isinstance(sc.levers["talent_inflow"], float)
    assert not math.isnan(sc.levers["talent_inflow"])
