"""Catalogue loading and validation: every broken case is reported with the file name."""

from __future__ import annotations

import pytest

import gzsim
from gzsim.catalogue import load_catalogue, vensim_key
from gzsim.errors import CatalogueError

from .conftest import FIXTURE_CATALOGUE, FIXTURE_MDL

BASE = FIXTURE_CATALOGUE.read_text(encoding="utf-8").replace(
    'file = "mini.mdl"', f'file = "{FIXTURE_MDL.as_posix()}"')


def broken(write, *replacements: tuple[str, str], append: str = "") -> CatalogueError:
    """Write the fixture catalogue with *replacements* applied; return the load error."""
    text = BASE
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = write("levers.toml", text + append)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert info.value.path == path
    assert all(p.path == path for p in info.value.problems)
    assert "levers.toml: " in str(info.value)
    return info.value


def test_fixture_catalogue_loads_with_all_sections(catalogue):
    assert catalogue.policy_start == 2021
    assert catalogue.model_file == FIXTURE_MDL.resolve()
    assert catalogue.lever_ids == ("st_budget_growth", "rd_subsidy", "talent_inflow", "gdp_growth")
    assert catalogue.indicator_ids == ("rd_intensity", "patents_per_10k", "gdp")
    [u] = catalogue.uncertain
    assert u.distribution.kind == "uniform" and (u.distribution.min, u.distribution.max) == (0.10, 0.25)
    lever = catalogue.lever("st_budget_growth")
    assert (lever.default, lever.min, lever.max, lever.step) == (0.096, 0.0, 0.3, 0.005)
    assert lever.label("zh") == "市级财政科技支出增速" and lever.group == "fiscal"
    assert catalogue.lever("rd_subsidy").cost == ""


def test_integer_defaults_become_floats(catalogue):
    lever = catalogue.lever("talent_inflow")
    assert isinstance(lever.default, float) and lever.default == 5000.0


def test_unknown_lever_lookup_suggests_the_closest_id(catalogue):
    with pytest.raises(KeyError, match="did you mean 'rd_subsidy'"):
        catalogue.lever("rd_subsdy")


def test_missing_required_field_is_reported(write):
    err = broken(write, ('unit = "1/year"\ndefault = 0.096', 'default = 0.096'))
    assert "lever 'st_budget_growth': missing required key 'unit'" in str(err)


def test_wrong_type_is_reported(write):
    err = broken(write, ("default = 0.096", 'default = "0.096"'))
    assert "lever 'st_budget_growth': 'default' must be a number, got string '0.096'" in str(err)


def test_boolean_is_not_a_number(write):
    err = broken(write, ("max = 0.3", "max = true"))
    assert "'max' must be a number, got boolean true" in str(err)


def test_default_outside_min_max_is_reported(write):
    err = broken(write, ("default = 0.096", "default = 0.5"))
    assert "default 0.5 is outside [min, max] = [0, 0.3]" in str(err)


def test_min_not_below_max_is_reported(write):
    err = broken(write, ("min = 0.0\nmax = 0.3", "min = 0.3\nmax = 0.3"))
    assert "min 0.3 must be below max 0.3" in str(err)


def test_duplicate_ids_are_reported(write):
    err = broken(write, ('id = "rd_subsidy"', 'id = "st_budget_growth"'))
    assert "id 'st_budget_growth' is used twice" in str(err)


def test_lever_and_uncertain_ids_share_one_namespace(write):
    err = broken(write, ('id = "knowledge_depreciation"', 'id = "gdp_growth"'))
    assert "id 'gdp_growth' is used twice (also in [[lever]])" in str(err)


def test_indicator_may_share_an_id_with_a_lever(write, tmp_path):
    path = write("levers.toml", BASE.replace('id = "gdp"\n', 'id = "gdp_growth"\n'))
    assert "gdp_growth" in load_catalogue(path).indicator_ids


def test_non_snake_case_id_is_reported(write):
    err = broken(write, ('id = "talent_inflow"', 'id = "Talent-Inflow"'))
    assert "id must be a snake_case string" in str(err)


def test_unknown_key_is_reported_with_suggestion(write):
    err = broken(write, ("default = 0.096", "defualt = 0.096"))
    assert "unknown key 'defualt'; did you mean 'default'?" in str(err)


def test_missing_model_file_is_reported(write):
    err = broken(write, (f'file = "{FIXTURE_MDL.as_posix()}"', 'file = "nowhere.mdl"'))
    assert "model file 'nowhere.mdl' not found" in str(err)


def test_policy_start_must_be_an_integer(write):
    err = broken(write, ("policy_start = 2021", "policy_start = 2021.5"))
    assert "'policy_start' must be an integer" in str(err)


def test_missing_sections_are_reported(write):
    path = write("levers.toml", '[model]\nfile = "x.mdl"\npolicy_start = 2021\n')
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    text = str(info.value)
    assert "missing required key 'lever'" in text and "missing required key 'indicator'" in text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('distribution = "uniform"', 'distribution = "unifrom"',
         "distribution 'unifrom' is unknown; did you mean 'uniform'?"),
        ('distribution = "uniform"\nmin = 0.10\nmax = 0.25',
         'distribution = "triangular"\nmin = 0.10\nmode = 0.3\nmax = 0.25',
         "mode 0.3 must lie between min 0.1 and max 0.25"),
        ('distribution = "uniform"\nmin = 0.10\nmax = 0.25',
         'distribution = "normal"\nmean = 0.15\nsd = 0.0', "sd must be positive"),
        ('distribution = "uniform"\nmin = 0.10\nmax = 0.25',
         'distribution = "lognormal"\nmean = -0.15\nsd = 0.01', "lognormal mean must be positive"),
        ('distribution = "uniform"\nmin = 0.10\nmax = 0.25',
         'distribution = "loguniform"\nmin = 0.0\nmax = 0.25', "loguniform min must be positive"),
        ('distribution = "uniform"\nmin = 0.10\nmax = 0.25',
         'distribution = "uniform"\nmin = 0.10', "missing required key 'max'"),
        ('distribution = "uniform"\nmin = 0.10\nmax = 0.25',
         'distribution = "uniform"\nmin = 0.10\nmax = 0.25\nmode = 0.2', "unknown key 'mode'"),
        ('distribution = "uniform"\nmin = 0.10\nmax = 0.25',
         'distribution = "uniform"\nmin = 0.30\nmax = 0.25', "min 0.3 must be below max 0.25"),
        ('distribution = "uniform"\nmin = 0.10\nmax = 0.25',
         'distribution = "normal"\nmean = 0.15\nsd = 0.001\nmin = 0.5\nmax = 0.6',
         "holds almost none of the distribution's probability"),
    ],
    ids=["unknown", "triangular-mode", "normal-sd", "lognormal-mean", "loguniform-min", "missing-param",
         "extra-param", "min-max", "empty-truncation"],
)
def test_bad_distribution_is_reported(write, old, new, message):
    err = broken(write, (old, new))
    assert "uncertain 'knowledge_depreciation'" in str(err)
    assert message in str(err)


def test_two_entries_for_one_model_constant_are_reported(write):
    err = broken(write, ('vensim = "knowledge depreciation rate"', 'vensim = "GDP growth"'))
    assert "both set the model variable 'GDP growth'" in str(err)


def test_every_problem_is_reported_at_once(write):
    err = broken(write, ("default = 0.096", "default = 0.5"), ('id = "rd_subsidy"', 'id = "rd-subsidy"'),
                 ('label_en = "GDP"', 'label_en = 1'))
    assert len(err.problems) == 3


def test_malformed_toml_reports_line_and_column(write):
    path = write("levers.toml", BASE.replace("min = 0.0\n", "min = = 0.0\n", 1))
    with pytest.raises(CatalogueError, match=r"invalid TOML: .*line \d+, column \d+"):
        load_catalogue(path)


def test_empty_catalogue_is_an_error(write):
    with pytest.raises(CatalogueError, match="catalogue file is empty"):
        load_catalogue(write("levers.toml", "# nothing\n"))


def test_vensim_names_compare_like_vensim():
    assert vensim_key('"R&D  intensity"') == vensim_key("r&d_intensity") == "r&d intensity"


def test_vensim_name_missing_from_the_model_is_reported_with_suggestion(write):
    path = write("levers.toml", BASE.replace('vensim = "talent inflow"', 'vensim = "talent inflw"')
                 .replace('vensim = "GDP"', 'vensim = "GDP level"'))
    with pytest.raises(CatalogueError) as info:
        gzsim.load_model(path)
    text = str(info.value)
    assert "lever 'talent_inflow': vensim name 'talent inflw' is not a variable of mini.mdl; " \
           "did you mean 'talent inflow'?" in text
    assert "indicator 'gdp': vensim name 'GDP level' is not a variable of mini.mdl" in text
    assert len(info.value.problems) == 2


def test_vensim_names_match_ignoring_case_and_quotes(write):
    path = write("levers.toml", BASE.replace('vensim = "talent inflow"', 'vensim = "Talent_Inflow"'))
    model = gzsim.load_model(path)
    scenario = model.load_scenario(write("base.toml", 'title_en = "b"\n'))
    # The engine receives the model's own spelling of the name.
    assert model.inputs(scenario)["talent inflow"] == 5000.0


def test_policy_start_after_final_time_is_reported(write):
    path = write("levers.toml", BASE.replace("policy_start = 2021", "policy_start = 2040"))
    with pytest.raises(CatalogueError, match="policy_start 2040 is after the model's FINAL TIME 2030"):
        gzsim.load_model(path)
