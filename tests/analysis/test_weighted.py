"""Weighted quantiles and probabilities: equal weights are numpy's, weights move them, bad input is refused."""

from __future__ import annotations

import numpy as np
import pytest

from gzsim.analysis.weighted import weighted_probability, weighted_quantile
from gzsim.errors import UsageError

QS = [0.0, 0.05, 0.25, 0.5, 0.9, 0.95, 1.0]


@pytest.mark.parametrize("n", [2, 3, 10, 501])
def test_equal_weights_give_numpys_hazen_quantiles(n):
    x = np.random.default_rng(n).normal(size=n)
    got = weighted_quantile(x, np.full(n, 3.7), QS)
    np.testing.assert_allclose(got, np.quantile(x, QS, method="hazen"), rtol=0, atol=1e-12)
    assert got[QS.index(0.5)] == pytest.approx(np.median(x), abs=1e-12)


def test_scale_of_the_weights_does_not_matter_and_zero_weights_drop_out():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=200), rng.uniform(size=200)
    np.testing.assert_allclose(weighted_quantile(x, w, QS), weighted_quantile(x, 1000 * w, QS))
    w2 = np.ones(200)
    w2[:50] = 0.0
    np.testing.assert_allclose(weighted_quantile(x, w2, QS), np.quantile(x[50:], QS, method="hazen"),
                               atol=1e-12)


def test_weight_pulls_the_median():
    x = np.arange(10.0)
    w = np.ones(10)
    assert weighted_quantile(x, w, 0.5) == pytest.approx(4.5)
    w[9] = 50.0  # 85 % of the mass on 9, the largest value
    assert weighted_quantile(x, w, 0.5) > 8.5 and weighted_quantile(x, w, 0.9) == 9.0
    assert weighted_quantile([4.0, 7.0], [0.0, 2.0], 0.3) == 7.0  # one value left


def test_nan_values_are_ignored_like_nanquantile():
    x = np.array([1.0, np.nan, 3.0, 2.0, np.nan])
    assert weighted_quantile(x, np.ones(5), [0.5, 0.7]) == pytest.approx(np.nanquantile(x, [0.5, 0.7], method="hazen"))
    assert np.isnan(weighted_quantile([np.nan], [1.0], 0.5))


def test_probability():
    ok = np.array([True, False, True, True])
    assert weighted_probability(ok, np.ones(4)) == pytest.approx(0.75)
    assert weighted_probability(ok, [0.0, 3.0, 0.5, 0.5]) == pytest.approx(0.25)
    assert np.isnan(weighted_probability(ok, np.zeros(4)))


@pytest.mark.parametrize("call, message", [
    (lambda: weighted_quantile([1, 2, 3], [1, 1], 0.5), "differ in length"),
    (lambda: weighted_quantile([1, 2], [1, -1], 0.5), "non-negative"),
    (lambda: weighted_quantile([1, 2], [1, np.nan], 0.5), "finite"),
    (lambda: weighted_quantile([1, 2], [1, 1], 1.5), r"within \[0, 1\]"),
    (lambda: weighted_quantile([1, 2], [1, 1], np.nan), r"within \[0, 1\]"),
    (lambda: weighted_probability([1, 0], [1, 1]), "must be booleans"),
])
def test_bad_input_is_refused(call, message):
    with pytest.raises(UsageError, match=message):
        call()
