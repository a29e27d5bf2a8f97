"""Prior densities: the batched forms the MCMC uses equal the per-parameter definition."""

import numpy as np

from gzsim.calibration import load_settings
from gzsim.calibration.objective import Objective
from gzsim.calibration.priors import log_density, triangular_log_density
from gzsim.calibration.setup import prepare
from gzsim.sampling import Distribution

from .conftest import SETTINGS


def test_triangular_priors_at_once_equal_one_at_a_time():
    # a mode inside, at the lower and at the upper end; the last one with narrower bounds
    priors = [Distribution("triangular", min=0.1, mode=0.24, max=0.3),
              Distribution("triangular", min=0.5, mode=0.5, max=2.0),
              Distribution("triangular", min=-2.0, mode=-0.5, max=-0.5),
              Distribution("triangular", min=0.0, mode=1.0, max=4.0)]
    lower = np.array([0.1, 0.5, -2.0, 0.5])
    upper = np.array([0.3, 2.0, -0.5, 3.0])
    rng = np.random.default_rng(7)
    x = rng.uniform(-2.5, 4.5, (200, 4))
    x[:4] = [[0.1, 0.5, -2.0, 0.5], [0.24, 2.0, -0.5, 3.0], [0.3, 0.5, -0.5, 1.0], [0.0, 0.4, -3, 3.5]]
    batched = triangular_log_density(
        x, *(np.array([getattr(d, f) for d in priors]) for f in ("min", "mode", "max")), lower, upper)
    one_by_one = np.column_stack([log_density(d, x[:, j], lower[j], upper[j]) for j, d in enumerate(priors)])
    np.testing.assert_array_equal(np.isinf(batched), np.isinf(one_by_one))
    np.testing.assert_allclose(batched[np.isfinite(batched)], one_by_one[np.isfinite(one_by_one)],
                               rtol=1e-14)
    assert np.isfinite(batched).sum() > 100 and np.isinf(batched).sum() > 50  # both cases exercised


def test_loguniform_prior_density_is_scipys_within_its_range():
    from scipy import stats

    d = Distribution("loguniform", min=0.1, max=50.7)
    x = np.array([0.05, 0.1, 0.3, 2.25, 11.0, 50.7, 60.0])
    got = log_density(d, x, 0.1, 50.7)
    inside = (x >= 0.1) & (x <= 50.7)
    np.testing.assert_allclose(got[inside], stats.loguniform(0.1, 50.7).logpdf(x[inside]), rtol=1e-12)
    assert np.isneginf(got[~inside]).all()


def test_objective_log_prior_sums_every_free_parameters_density():
    objective = Objective(prepare(load_settings(SETTINGS)))
    rng = np.random.default_rng(11)
    lo, hi = objective.bounds[:, 0], objective.bounds[:, 1]
    theta = lo + (hi - lo) * rng.uniform(-0.05, 1.05, (300, len(lo)))
    expected = sum(log_density(p.prior, theta[:, j], p.lower, p.upper)
                   for j, p in enumerate(objective.free))
    got = objective.log_prior(theta)
    np.testing.assert_array_equal(np.isinf(got), np.isinf(expected))
    assert np.isfinite(got).any()
    np.testing.assert_allclose(got[np.isfinite(got)], expected[np.isfinite(expected)], rtol=1e-12)
