"""Compiled (numba) runners against the numpy runner, the reference.

A hot plan (``jit.HOT_CALLS`` calls) runs compiled; it must give the numpy runner's numbers,
fall back to it for what it does not compile, and let it refuse what it refuses.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gzsim.engine import EngineError, compile_model, jit

from .model_fuzzing import models

pytest.importorskip("numba", reason="numba is an optional accelerator; the numpy runner is tested "
                    "everywhere else")

MODELS = Path(__file__).parent / "models"
GANZHOU = Path(__file__).parents[2] / "model" / "ganzhou_sti.mdl"
COMPILED = ["arithmetic", "control", "delay", "delay_fixed", "initial", "integ", "logic", "lookups",
            "math_functions", "odd_grid", "sample_if_true", "smooth",
            "step_ramp_pulse", "trend_forecast", "xidz_zidz"]


#: Outputs whose state PySD holds as integers (:mod:`gzsim.engine.pysdtypes`): numpy runs them.
INT_TYPED = {"dn int time", "s1i int", "s3i int", "reference income", "patent expiry",
             "score level"}


@pytest.fixture
def hot_at_once(monkeypatch):
    monkeypatch.setattr(jit, "HOT_CALLS", 1)
    monkeypatch.setenv("GZSIM_JIT", "1")


def _numpy_batch(path: Path, params, columns, n, monkeypatch, **control):
    monkeypatch.setenv("GZSIM_JIT", "0")
    try:
        return compile_model(path, cache=False).run_batch(params, columns, n=n, **control)
    finally:
        monkeypatch.setenv("GZSIM_JIT", "1")


def _compiled_runners(model) -> list:
    return [r for r in model._jits.values() if r is not None and not r.failed]


def _perturbed(model, n: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {name: value * rng.uniform(0.8, 1.2, n) for name, value in model.constants.items()
            if value != 0}


@pytest.mark.parametrize("name", COMPILED)
def test_compiled_batch_equals_numpy_batch(name, hot_at_once, monkeypatch):
    path = MODELS / f"{name}.mdl"
    model = compile_model(path, cache=False)
    params = _perturbed(model, 5, seed=1)
    columns = [c for c in model.columns if c not in INT_TYPED]
    got = model.run_batch(params, columns, n=5)
    assert _compiled_runners(model), f"{name}: the plan did not compile"
    ref = _numpy_batch(path, params, columns, 5, monkeypatch)
    assert got.keys() == ref.keys()
    for column in ref:
        np.testing.assert_allclose(got[column], ref[column], rtol=1e-13, atol=0, equal_nan=True,
                                   err_msg=f"{name}: {column}")


@pytest.mark.parametrize("name, columns", [("delay", ["dn int time"]), ("realistic", None)])
def test_int_typed_states_stay_with_numpy(name, columns, hot_at_once, monkeypatch):
    """PySD rounds the input of a SMOOTH or DELAY N whose state it holds as integers: the
    numpy runner copies that quirk, so those runs are not compiled."""
    path = MODELS / f"{name}.mdl"
    model = compile_model(path, cache=False)
    got = model.run_batch({}, columns, n=2)
    assert not model._jits
    ref = _numpy_batch(path, {}, columns, 2, monkeypatch)
    for column in ref:
        np.testing.assert_array_equal(got[column], ref[column])


@pytest.mark.parametrize("name", COMPILED)
def test_compiled_run_equals_numpy_run(name, hot_at_once, monkeypatch):
    path = MODELS / f"{name}.mdl"
    columns = [c for c in compile_model(path).columns if c not in INT_TYPED]
    got = compile_model(path, cache=False).run(return_columns=columns)
    monkeypatch.setenv("GZSIM_JIT", "0")
    ref = compile_model(path, cache=False).run(return_columns=columns)
    assert list(got.columns) == list(ref.columns)
    assert got.index.equals(ref.index)
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=1e-13, atol=0,
                               equal_nan=True)


def test_plans_numba_refuses_stay_with_numpy(hot_at_once, monkeypatch):
    """A plan that fails to compile is run by numpy, and not tried again."""
    model = compile_model(MODELS / "integ.mdl", cache=False)
    monkeypatch.setattr(jit, "_load", lambda source: _refusing)
    got = model.run_batch({}, n=2)
    assert model._jits and all(r.failed for r in model._jits.values())
    ref = _numpy_batch(MODELS / "integ.mdl", {}, None, 2, monkeypatch)
    for column in ref:
        np.testing.assert_array_equal(got[column], ref[column])


def _refusing(*args):
    from numba.core.errors import TypingError
    raise TypingError("refused")


def test_ganzhou_compiled_batch_is_bit_for_bit_the_numpy_batch(monkeypatch):
    """Every stock and output, 300 sets with every constant perturbed: the same bits."""
    monkeypatch.setenv("GZSIM_JIT", "1")
    model = compile_model(GANZHOU, cache=False)
    params = _perturbed(model, 300, seed=7)
    columns = list(model.stocks) + ["rd intensity", "high tech firms", "Time"]
    for _ in range(jit.HOT_CALLS):
        got = model.run_batch(params, columns, final_time=2025)
    assert _compiled_runners(model)
    ref = _numpy_batch(GANZHOU, params, columns, 300, monkeypatch, final_time=2025)
    for column in columns:
        np.testing.assert_array_equal(got[column], ref[column], err_msg=column)


def test_time_series_parameters_compile(hot_at_once, monkeypatch):
    import pandas as pd

    path = MODELS / "integ.mdl"
    params = {"birth_rate": pd.Series([0.01, 0.05, 0.02], index=[0, 20, 50])}
    model = compile_model(path, cache=False)
    got = model.run_batch(params, n=2)
    assert _compiled_runners(model)
    ref = _numpy_batch(path, params, None, 2, monkeypatch)
    for column in ref:
        np.testing.assert_array_equal(got[column], ref[column])


def test_inputs_numpy_refuses_are_refused_the_same_way(hot_at_once):
    """A DELAY FIXED with a delay of nan: the compiled runner hands over, numpy says why."""
    model = compile_model(MODELS / "delay_fixed.mdl", cache=False)
    with pytest.raises(EngineError, match="not finite"):
        model.run_batch({"lag": np.array([1.0, np.nan])})


def test_one_off_plans_are_not_compiled(monkeypatch):
    monkeypatch.setenv("GZSIM_JIT", "1")
    model = compile_model(MODELS / "integ.mdl", cache=False)
    for _ in range(jit.HOT_CALLS - 1):
        model.run_batch({}, n=2)
    assert not model._jits


def test_switched_off_by_the_environment(hot_at_once, monkeypatch):
    monkeypatch.setenv("GZSIM_JIT", "0")
    model = compile_model(MODELS / "integ.mdl", cache=False)
    model.run_batch({}, n=2)
    assert not model._jits


def test_random_models_compiled_equal_numpy(tmp_path, hot_at_once, monkeypatch):
    """Differential fuzzing of the compiled runner against numpy (seeded, a few models)."""
    from hypothesis import HealthCheck, given, seed, settings

    count = iter(range(10**6))

    @settings(max_examples=8, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @seed(20261203)
    @given(models())
    def agree(text: str) -> None:
        path = tmp_path / f"m{next(count)}.mdl"
        path.write_text(text, encoding="utf-8")
        try:
            with np.errstate(all="ignore"):
                ref = _numpy_batch(path, {}, None, 2, monkeypatch)
        except EngineError:
            return
        model = compile_model(path, cache=False)
        with np.errstate(all="ignore"):
            got = model.run_batch({}, n=2)
        for column in ref:
            np.testing.assert_allclose(got[column], ref[column], rtol=1e-12, atol=1e-300,
                                       equal_nan=True, err_msg=f"{column}\n{text}")

    agree()


def test_a_model_can_keep_to_the_numpy_runners(hot_at_once):
    model = compile_model(MODELS / "integ.mdl", cache=False)
    model.use_jit = False
    model.run_batch({}, n=2)
    model.run()
    assert not model._jits


def test_renaming_one_results_axes_leaves_the_next_result_alone():
    model = compile_model(MODELS / "integ.mdl", cache=False)
    first = model.run()
    first.index.name, first.columns.name = "year", "variable"
    second = model.run()
    assert second.index.name == "time" and second.columns.name is None
