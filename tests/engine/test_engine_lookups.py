"""Lookup and time-series interpolation primitives, against numpy and PySD's Lookups."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from gzsim.engine import compile_model
from gzsim.engine.lookups import interp_grid, scalar_lookup, vector_lookup

MODELS = Path(__file__).parent / "models"
XS = (0.0, 1.0, 2.5, 4.0, 7.0)
YS = (1.0, 3.0, -2.0, -2.0, 5.0)
POINTS = [-3.0, 0.0, 0.5, 1.0, 2.0, 2.5, 3.0, 4.0, 6.999, 7.0, 9.0, float("nan")]


def _pysd_lookup(mode):
    from pysd.py_backend.lookups import HardcodedLookups

    table = HardcodedLookups(list(XS), list(YS), {}, mode, {}, "table")
    table.initialize()
    return table


def test_interpolate_matches_numpy_bit_for_bit():
    f, v = scalar_lookup(XS, YS), vector_lookup(XS, YS)
    expected = np.interp(POINTS, XS, YS)
    got = [f(x) for x in POINTS]
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(v(np.array(POINTS)), expected)
    rng = np.random.default_rng(3)
    xs = rng.uniform(-2, 9, 500)
    np.testing.assert_array_equal([f(x) for x in xs], np.interp(xs, XS, YS))


@pytest.mark.parametrize("mode, pysd_mode", [("interpolate", "interpolate"),
                                             ("extrapolate", "extrapolate"),
                                             ("backward", "hold_backward")])
def test_modes_match_pysd_lookups(mode, pysd_mode):
    ref = _pysd_lookup(pysd_mode)
    f, v = scalar_lookup(XS, YS, mode), vector_lookup(XS, YS, mode)
    pts = [x for x in POINTS if x == x]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = [float(ref(x)) for x in pts]
    np.testing.assert_allclose([f(x) for x in pts], expected, rtol=1e-12)
    np.testing.assert_allclose(v(np.array(pts)), expected, rtol=1e-12)


def test_forward_mode_holds_next_point():
    f, v = scalar_lookup(XS, YS, "forward"), vector_lookup(XS, YS, "forward")
    pts = np.array([-1.0, 0.0, 0.5, 1.0, 3.0, 6.0, 7.0, 8.0])
    expected = [1.0, 1.0, 3.0, 3.0, -2.0, 5.0, 5.0, 5.0]
    assert [f(x) for x in pts] == expected
    np.testing.assert_array_equal(v(pts), expected)


def test_lookup_functions_in_a_model(tmp_path, write_model):
    path = write_model(tmp_path, "lk.mdl", """
tab((0,1),(1,3),(2.5,-2),(4,-2),(7,5)) ~~|
x = Time - 2 ~~|
ext = LOOKUP EXTRAPOLATE(tab, x) ~~|
fwd = LOOKUP FORWARD(tab, x) ~~|
bwd = LOOKUP BACKWARD(tab, x) ~~|
""", final_time=10)
    cm = compile_model(path)
    df = cm.run()
    x = df["x"].to_numpy()
    np.testing.assert_allclose(df["ext"], [scalar_lookup(XS, YS, "extrapolate")(v) for v in x])
    np.testing.assert_allclose(df["fwd"], [scalar_lookup(XS, YS, "forward")(v) for v in x])
    np.testing.assert_allclose(df["bwd"], [scalar_lookup(XS, YS, "backward")(v) for v in x])
    batch = cm.run_batch({}, n=2)
    for col in ("ext", "fwd", "bwd"):
        np.testing.assert_array_equal(batch[col][1], df[col].to_numpy())


def test_interp_grid_rows_match_numpy():
    rng = np.random.default_rng(5)
    xp = np.array([0.0, 0.7, 2.0, 2.0001, 5.0])
    fp = rng.normal(size=(7, 5))
    fp[2, 1:3] = np.inf   # numpy's nan fallback paths
    times = list(np.linspace(-1, 6, 57)) + [2.0, 5.0, 0.0]
    grid = interp_grid(times, xp, fp)
    for row in range(7):
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(grid[:, row], np.interp(times, xp, fp[row]))
    np.testing.assert_array_equal(interp_grid(times, xp, fp[0]), np.interp(times, xp, fp[0]))


def test_duplicate_x_in_table_is_an_error(tmp_path, write_model):
    from gzsim.engine import EngineError

    path = write_model(tmp_path, "dup.mdl", "tab((0,0),(1,1),(1,2)) ~~|\nx = tab(Time) ~~|")
    with pytest.raises(EngineError, match="repeats an x value"):
        compile_model(path)
