"""Engine adapters: PySD translation cache, fresh state per run, engine registry."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from gzsim import simulators
from gzsim.simulators import Engine, PysdEngine, make_engine, register_engine, time_grid
from gzsim.errors import EngineError, UsageError

from .conftest import FIXTURE_MDL


@pytest.fixture(scope="module")
def engine() -> PysdEngine:
    return PysdEngine(FIXTURE_MDL)


def test_translation_goes_to_the_cache_folder_not_next_to_the_model(monkeypatch, tmp_path):
    monkeypatch.setenv("GZSIM_CACHE", str(tmp_path))
    monkeypatch.setattr(simulators, "_TRANSLATED", {})
    eng = PysdEngine(FIXTURE_MDL)
    assert eng.py_file.is_relative_to(tmp_path / "gzsim-pysd")
    assert not (FIXTURE_MDL.parent / "mini.py").exists()
    assert sorted(p.name for p in FIXTURE_MDL.parent.iterdir()) == ["levers.toml", "mini.mdl"]


def test_translation_is_reused_without_translating_again(monkeypatch, engine):
    import pysd

    monkeypatch.setattr(simulators, "_TRANSLATED", {})  # only the on-disk cache is left

    def fail(*args, **kwargs):
        raise AssertionError("translated again")

    monkeypatch.setattr(pysd, "read_vensim", fail)
    assert PysdEngine(FIXTURE_MDL).py_file == engine.py_file


def test_pysd_engine_follows_the_engine_protocol(engine):
    assert isinstance(engine, Engine)
    assert {"R&D intensity", "S&T budget growth", "GDP", "knowledge depreciation rate"} <= engine.variable_names
    assert (engine.initial_time, engine.final_time, engine.time_step) == (2015, 2030, 0.25)
    grid = time_grid(engine)
    assert len(grid) == 61 and grid[0] == 2015 and grid[-1] == 2030


def test_run_returns_requested_columns_indexed_by_time(engine):
    out = engine.run({}, return_columns=["R&D intensity", "GDP"])
    assert list(out.columns) == ["R&D intensity", "GDP"]
    assert out.index[0] == 2015 and out.index[-1] == 2030
    assert out.loc[2015.0, "GDP"] == 2000


def test_parameters_do_not_persist_between_runs(engine):
    before = engine.run({}, return_columns=["GDP"])
    changed = engine.run({"GDP growth": 0.1}, return_columns=["GDP"])
    after = engine.run({}, return_columns=["GDP"])
    assert changed["GDP"].iloc[-1] > before["GDP"].iloc[-1]
    pd.testing.assert_frame_equal(before, after)


def test_series_parameter_is_interpolated_over_time_without_warning(engine):
    times = time_grid(engine)
    series = pd.Series(np.where(times < 2021, 0.0, 0.2), index=times)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = engine.run({"R&D subsidy rate": series}, return_columns=["R&D subsidy rate"])
    assert not [w for w in caught if "Replacing a constant value" in str(w.message)]
    assert out.loc[2020.75, "R&D subsidy rate"] == 0.0 and out.loc[2021.0, "R&D subsidy rate"] == 0.2


def test_unknown_variable_is_an_engine_error_with_suggestion(engine):
    with pytest.raises(EngineError, match="'GDP growht' is not a variable of the model; did you mean 'GDP growth'"):
        engine.run({"GDP growht": 0.1}, return_columns=["GDP"])


def test_untranslatable_model_is_an_engine_error_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GZSIM_CACHE", str(tmp_path / "cache"))
    bad = tmp_path / "bad.mdl"
    bad.write_text("{UTF-8}\nx = (((\n\t~\t~\t|\n", encoding="utf-8")
    with pytest.raises(EngineError) as info:
        PysdEngine(bad)
    assert "bad.mdl: cannot parse the equation of 'x'" in str(info.value) and "fix that equation" in str(info.value)
    assert not list((tmp_path / "cache" / "gzsim-pysd").glob("[!.]*"))  # nothing half-written cached


def test_missing_model_file_is_an_engine_error(tmp_path):
    with pytest.raises(EngineError, match="model file not found"):
        PysdEngine(tmp_path / "none.mdl")


def test_unknown_engine_name_is_a_usage_error():
    with pytest.raises(UsageError, match="engine 'pysdd' is unknown; did you mean 'pysd'"):
        make_engine("pysdd", FIXTURE_MDL)


def test_registered_engine_factory_receives_the_model_path(monkeypatch):
    monkeypatch.setattr(simulators, "_FACTORIES", dict(simulators._FACTORIES))
    seen = []
    register_engine("probe", lambda path: seen.append(path) or "engine")
    assert make_engine("probe", FIXTURE_MDL) == "engine" and seen == [FIXTURE_MDL]


def test_pysd_engine_translation_never_runs_code_from_the_model(tmp_path):
    # PySD's translator eval()s lookup range text; the adapter must parse with it disabled.
    from gzsim.simulators import make_engine
    from gzsim.errors import EngineError

    marker = tmp_path / "pwned"
    model = tmp_path / "hostile.mdl"
    model.write_text(
        "{UTF-8}\n"
        f"x = WITH LOOKUP(Time, ([__import__('os').system('touch {marker}')], (0,0),(10,10))) ~~|\n"
        "INITIAL TIME = 0 ~~|\nFINAL TIME = 5 ~~|\nTIME STEP = 1 ~~|\nSAVEPER = TIME STEP ~~|\n",
        encoding="utf-8",
    )
    with pytest.raises(EngineError):
        make_engine("pysd", model)
    assert not marker.exists()
