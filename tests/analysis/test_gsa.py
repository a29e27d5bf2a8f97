"""Sobol' indices on the Ishigami function, Morris on a linear function."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from gzsim.analysis.gsa import ishigami, morris_analyze, morris_design, sobol_analyze, sobol_design

# Analytic indices of Ishigami with a = 7, b = 0.1 (Saltelli et al. 2008).
_A, _B = 7.0, 0.1
_V = _A**2 / 8 + _B * np.pi**4 / 5 + _B**2 * np.pi**8 / 18 + 0.5
_V1 = 0.5 * (1 + _B * np.pi**4 / 5) ** 2
_V2 = _A**2 / 8
_V13 = _B**2 * np.pi**8 * (1 / 18 - 1 / 50)
S1 = np.array([_V1, _V2, 0.0]) / _V
ST = np.array([_V1 + _V13, _V2, _V13]) / _V


def test_sobol_indices_of_ishigami_are_analytic():
    n, d = 8192, 3
    unit = sobol_design(d, n, np.random.default_rng(0))
    y = ishigami(-np.pi + 2 * np.pi * unit)
    res = sobol_analyze(y, n=n, d=d, rng=np.random.default_rng(1), n_boot=100)
    np.testing.assert_allclose(res.S1[0], S1, atol=0.02)
    np.testing.assert_allclose(res.ST[0], ST, atol=0.02)
    assert np.all(res.S1_low[0] <= res.S1[0]) and np.all(res.S1[0] <= res.S1_high[0])
    assert np.all(res.ST_low[0] - 0.01 <= ST) and np.all(ST <= res.ST_high[0] + 0.01)


def test_sobol_estimator_matches_scipy():
    n, d = 1024, 3
    unit = sobol_design(d, n, np.random.default_rng(4))
    y = ishigami(-np.pi + 2 * np.pi * unit)
    ours = sobol_analyze(y, n=n, d=d, rng=np.random.default_rng(0), n_boot=0)
    ref = stats.sobol_indices(func={"f_A": y[:n][None], "f_B": y[n:2 * n][None],
                                    "f_AB": y[2 * n:].reshape(d, n)[:, None, :]}, n=n)
    np.testing.assert_allclose(ours.S1[0], ref.first_order, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.ST[0], ref.total_order, rtol=1e-10, atol=1e-12)


def test_constant_output_gives_nan_indices():
    n, d = 64, 2
    res = sobol_analyze(np.ones(n * (d + 2)), n=n, d=d, rng=np.random.default_rng(0), n_boot=5)
    assert np.isnan(res.S1).all() and np.isnan(res.ST).all()


def test_sobol_design_needs_a_power_of_two():
    with pytest.raises(ValueError):
        sobol_design(2, 1000, np.random.default_rng(0))


def test_morris_on_a_linear_function():
    r, d = 50, 3
    unit = morris_design(d, r, np.random.default_rng(0))
    assert unit.shape == (r * (d + 1), d) and unit.min() >= 0 and unit.max() <= 1
    y = unit @ np.array([1.0, -2.0, 0.0])
    res = morris_analyze(unit, y, r=r, d=d, rng=np.random.default_rng(1))
    np.testing.assert_allclose(res.mu_star[0], [1, 2, 0], atol=1e-12)
    np.testing.assert_allclose(res.mu[0], [1, -2, 0], atol=1e-12)
    np.testing.assert_allclose(res.sigma[0], 0, atol=1e-12)
    np.testing.assert_allclose(res.mu_star_low[0], [1, 2, 0], atol=1e-12)


def test_morris_detects_interaction_through_sigma():
    r, d = 100, 2
    unit = morris_design(d, r, np.random.default_rng(2))
    y = unit[:, 0] * unit[:, 1]
    res = morris_analyze(unit, y, r=r, d=d, rng=np.random.default_rng(3))
    assert (res.sigma[0] > 0.1).all()
