"""Model: inputs per run (policy_start, time paths, draws) and tidy results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gzsim
from gzsim.catalogue import load_catalogue
from gzsim.errors import EngineError, UsageError
from gzsim.model import Model
from gzsim.simulation import COLUMNS

from .conftest import FIXTURE_SCENARIOS


# ------------------------------------------------------------ a pure-Python engine

class FakeEngine:
    """out = a + b; 'a lever' is 1.0 in the 'model' unless given. Half-year grid."""

    name = "fake"
    variable_names = frozenset({"a lever", "b param", "out"})
    initial_time, final_time, time_step = 2015.0, 2030.0, 0.5

    def __init__(self, fail_on=None, offset=0.0):
        self.calls: list[dict] = []
        self.fail_on = fail_on
        self.offset = offset

    def run(self, params, *, return_columns):
        self.calls.append(dict(params))
        if self.fail_on is not None and len(self.calls) == self.fail_on:
            raise EngineError("integration blew up")
        t = np.arange(2015.0, 2030.0 + 1e-9, 0.5) + self.offset

        def value(name, default):
            v = params.get(name, default)
            return np.interp(t, v.index, v.to_numpy()) if isinstance(v, pd.Series) else np.full(len(t), v)

        cols = {"a lever": value("a lever", 1.0), "b param": value("b param", 0.0)}
        cols["out"] = cols["a lever"] + cols["b param"]
        return pd.DataFrame({c: cols[c] for c in return_columns}, index=pd.Index(t, name="time"))


FAKE_CATALOGUE = """\
[model]
file = "fake.mdl"
policy_start = 2021
[[lever]]
id = "a"
vensim = "a lever"
unit = "1"
default = 2.0
min = 0.0
max = 10.0
label_en = "A"
label_zh = "甲"
[[uncertain]]
id = "b"
vensim = "b param"
unit = "1"
distribution = "uniform"
min = 0.0
max = 1.0
label_en = "B"
label_zh = "乙"
[[indicator]]
id = "out"
vensim = "out"
unit = "1"
label_en = "Out"
label_zh = "出"
[[indicator]]
id = "a_level"
vensim = "a lever"
unit = "1"
label_en = "A level"
label_zh = "甲值"
"""


@pytest.fixture
def fake(write):
    write("fake.mdl", "{UTF-8}\n")
    return Model(load_catalogue(write("levers.toml", FAKE_CATALOGUE)), FakeEngine())


def fake_run(fake, write, text, **kw):
    return fake.run(fake.load_scenario(write("s.toml", text)), **kw)


def series(df, indicator="out", sample=0):
    sel = df[(df.indicator == indicator) & (df["sample"] == sample)]
    return dict(zip(sel.year, sel.value))


def test_every_lever_is_given_to_the_engine_at_its_default_when_the_scenario_is_silent(fake, write):
    got = series(fake_run(fake, write, 'title_en = "base"\n'))
    assert set(got.values()) == {2.0}  # catalogue default 2.0, not the model's own 1.0
    assert fake.engine.calls[-1] == {"a lever": 2.0}


def test_time_paths_reach_the_engine_at_every_year(fake, write):
    got = series(fake_run(fake, write, "[levers]\na = { ramp = { start_year = 2022, end_year = 2026, "
                                       "start = 2, end = 6 } }\n"))
    assert [got[y] for y in range(2020, 2028)] == [2.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 6.0]
    got = series(fake_run(fake, write, "[levers]\na = { series = { 2021 = 4, 2025 = 8 } }\n"))
    assert [got[y] for y in (2015, 2021, 2023, 2025, 2030)] == [4.0, 4.0, 6.0, 8.0, 8.0]
    got = series(fake_run(fake, write, "[levers]\na = { step = { year = 2024, before = 3, after = 5 } }\n"))
    assert [got[y] for y in (2015, 2023, 2024, 2030)] == [3.0, 3.0, 5.0, 5.0]


def test_lever_input_is_a_series_on_the_time_grid_only_for_time_paths(fake, write):
    params = fake.inputs(fake.load_scenario(write("s.toml", "[levers]\na = 3.0\n")))
    assert params == {"a lever": 3.0}
    params = fake.inputs(fake.load_scenario(write("s.toml", "[levers]\na = { series = { 2020 = 1, 2022 = 3 } }\n")))
    s = params["a lever"]
    assert isinstance(s, pd.Series) and len(s) == 31 and s.index[0] == 2015 and s.index[-1] == 2030
    assert (s.loc[2015.0], s.loc[2021.0], s.loc[2030.0]) == (1.0, 2.0, 3.0)


def test_samples_replace_uncertain_parameters_but_not_sample_zero(fake, write):
    df = fake_run(fake, write, '[levers]\na = { series = { 2020 = 1, 2022 = 3 } }\n'
                               '[uncertainty]\na = { distribution = "uniform", min = 4, max = 5 }\n',
                  samples=3, seed=11)
    assert sorted(df["sample"].unique()) == [0, 1, 2, 3]
    assert series(df, sample=0)[2025] == 3.0
    draws = set()
    for s in (1, 2, 3):
        a = series(df, "a_level", s)
        out = series(df, "out", s)
        assert len(set(a.values())) == 1 and 4 <= a[2025] <= 5   # the draw replaces the time path
        assert 0 <= out[2025] - a[2025] <= 1                        # b drawn for the whole run
        assert out[2015] - a[2015] == pytest.approx(out[2025] - a[2025])
        draws.add(a[2025])
    assert len(draws) == 3


def test_engine_error_names_scenario_and_sample(write):
    write("fake.mdl", "{UTF-8}\n")
    model = Model(load_catalogue(write("levers.toml", FAKE_CATALOGUE)), FakeEngine(fail_on=2))
    with pytest.raises(EngineError, match="scenario 's', sample 1: integration blew up"):
        model.run(model.load_scenario(write("s.toml", 'title_en = "x"\n')), samples=2, seed=0)


def test_output_without_integer_years_is_an_engine_error(write):
    write("fake.mdl", "{UTF-8}\n")
    model = Model(load_catalogue(write("levers.toml", FAKE_CATALOGUE)), FakeEngine(offset=0.25))
    with pytest.raises(EngineError, match="no value at year 2015; make SAVEPER divide 1 year"):
        model.run(model.load_scenario(write("s.toml", 'title_en = "x"\n')))


# ------------------------------------------------------------ PySD fixture model

@pytest.fixture(scope="module")
def plan_result(mini_model):
    return mini_model.run(FIXTURE_SCENARIOS / "plan.toml")


def test_tidy_output_has_exact_columns_types_and_one_row_per_year_and_indicator(mini_model, plan_result):
    df = plan_result
    assert list(df.columns) == COLUMNS == ["scenario", "sample", "year", "indicator", "value"]
    assert len(df) == 16 * 3
    assert df["sample"].dtype == np.int64 and df["year"].dtype == np.int64 and df["value"].dtype == np.float64
    assert set(df["scenario"]) == {"plan"} and set(df["sample"]) == {0}
    assert sorted(df["year"].unique()) == list(range(2015, 2031))
    assert list(df["indicator"].unique()) == ["rd_intensity", "patents_per_10k", "gdp"]
    assert not df.duplicated(["scenario", "sample", "year", "indicator"]).any()
    assert np.isfinite(df["value"]).all()


def test_values_are_the_model_variables_at_time_equal_year(mini_model, plan_result):
    sc = mini_model.load_scenario(FIXTURE_SCENARIOS / "plan.toml")
    raw = mini_model.engine.run(mini_model.inputs(sc), return_columns=["GDP"])
    gdp = plan_result[plan_result.indicator == "gdp"].set_index("year")["value"]
    assert gdp[2015] == raw.loc[2015.0, "GDP"] and gdp[2027] == raw.loc[2027.0, "GDP"]


def test_scenarios_agree_before_the_models_policy_start_and_differ_after(mini_model, plan_result):
    # The fixture model switches levers on at Time 2020 (start of 2021), like the Ganzhou model.
    base = mini_model.run(FIXTURE_SCENARIOS / "baseline.toml")
    key = ["indicator", "year"]
    merged = base.merge(plan_result, on=key, suffixes=("_base", "_plan"))
    early = merged[merged.year <= 2020]
    late = merged[(merged.year == 2030) & (merged.indicator == "patents_per_10k")]
    assert (early.value_base == early.value_plan).all()
    assert (late.value_plan > late.value_base).all()


def test_same_seed_gives_identical_results_and_records_it(mini_model):
    a = mini_model.run(FIXTURE_SCENARIOS / "push.toml", samples=3, seed=5)
    b = mini_model.run(FIXTURE_SCENARIOS / "push.toml", samples=3, seed=5)
    c = mini_model.run(FIXTURE_SCENARIOS / "push.toml", samples=3, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not a["value"].equals(c["value"])
    assert a.attrs["seed"] == 5 and a.attrs["samples"] == 3 and len(a) == 4 * 48


def test_no_seed_draws_a_fresh_one_that_reproduces_the_run(mini_model):
    first = mini_model.run(FIXTURE_SCENARIOS / "plan.toml", samples=2)
    seed = first.attrs["seed"]
    assert isinstance(seed, int)
    pd.testing.assert_frame_equal(first, mini_model.run(FIXTURE_SCENARIOS / "plan.toml", samples=2, seed=seed))


def test_sample_zero_is_the_deterministic_run(mini_model, plan_result):
    mc = mini_model.run(FIXTURE_SCENARIOS / "plan.toml", samples=2, seed=1)
    pd.testing.assert_frame_equal(mc[mc["sample"] == 0].reset_index(drop=True), plan_result)


def test_run_many_stacks_scenarios_and_records_provenance(mini_model):
    df = mini_model.run_many([FIXTURE_SCENARIOS / "baseline.toml", FIXTURE_SCENARIOS / "plan.toml"])
    assert list(df["scenario"].unique()) == ["baseline", "plan"] and len(df) == 2 * 48
    plan = mini_model.load_scenario(FIXTURE_SCENARIOS / "plan.toml")
    assert df.attrs["scenarios"]["plan"] == plan.hash
    assert df.attrs["engine"] == "pysd" and df.attrs["model_file"] == "mini.mdl"
    assert len(df.attrs["model_sha256"]) == 64 and df.attrs["seed"] is None


def test_duplicate_scenario_names_are_refused(mini_model):
    with pytest.raises(UsageError, match="plan given more than once"):
        mini_model.run_many([FIXTURE_SCENARIOS / "plan.toml"] * 2)


@pytest.mark.parametrize(("kw", "message"), [
    ({"samples": -1}, "samples must be a whole number >= 0"),
    ({"samples": 1.5}, "samples must be a whole number >= 0"),
    ({"samples": True}, "samples must be a whole number >= 0"),
    ({"samples": 1, "seed": -3}, "seed must be a whole number >= 0"),
])
def test_bad_samples_or_seed_are_usage_errors(mini_model, kw, message):
    with pytest.raises(UsageError, match=message):
        mini_model.run(FIXTURE_SCENARIOS / "plan.toml", **kw)


def test_scenario_resolved_against_another_catalogue_is_refused(mini_model, write):
    write("fake.mdl", "{UTF-8}\n")
    other = load_catalogue(write("levers.toml", FAKE_CATALOGUE))
    sc = gzsim.load_scenario(write("s.toml", "[levers]\na = 3\n"), catalogue=other)
    with pytest.raises(UsageError, match="resolved against another catalogue"):
        mini_model.run(sc)


def test_load_model_accepts_the_mdl_with_levers_toml_beside_it():
    from .conftest import FIXTURE_MDL

    assert gzsim.load_model(FIXTURE_MDL).catalogue.model_file == FIXTURE_MDL.resolve()


def test_load_model_without_catalogue_beside_the_mdl_is_a_catalogue_error(tmp_path):
    (tmp_path / "x.mdl").write_text("{UTF-8}\n")
    with pytest.raises(gzsim.CatalogueError, match="no levers.toml next to x.mdl"):
        gzsim.load_model(tmp_path / "x.mdl")
