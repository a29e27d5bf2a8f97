"""Monte-Carlo draws: reproducible with a seed, within bounds, right columns."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gzsim import load_scenario
from gzsim.sampling import Distribution, draw_parameters

from .conftest import FIXTURE_SCENARIOS


@pytest.fixture(scope="module")
def push(catalogue):
    return load_scenario(FIXTURE_SCENARIOS / "push.toml", catalogue=catalogue)


def test_draws_have_one_row_per_sample_and_vensim_name_columns(catalogue, push):
    draws = draw_parameters(catalogue, push, 5, np.random.default_rng(1))
    assert list(draws.index) == [1, 2, 3, 4, 5] and draws.index.name == "sample"
    assert list(draws.columns) == ["knowledge depreciation rate", "GDP growth"]


def test_same_seed_gives_the_same_numbers(catalogue, push):
    a = draw_parameters(catalogue, push, 20, np.random.default_rng(42))
    b = draw_parameters(catalogue, push, 20, np.random.default_rng(42))
    c = draw_parameters(catalogue, push, 20, np.random.default_rng(43))
    assert a.equals(b) and not a.equals(c)


def test_catalogue_draws_do_not_depend_on_the_scenario(catalogue, push):
    # Common random numbers: scenarios compared under one seed share the uncertain parameters.
    with_lever = draw_parameters(catalogue, push, 10, np.random.default_rng(7))
    without = draw_parameters(catalogue, None, 10, np.random.default_rng(7))
    assert with_lever["knowledge depreciation rate"].equals(without["knowledge depreciation rate"])


def test_draws_respect_distribution_bounds(catalogue, push):
    draws = draw_parameters(catalogue, push, 500, np.random.default_rng(0))
    k = draws["knowledge depreciation rate"]
    g = draws["GDP growth"]
    assert k.between(0.10, 0.25).all() and g.between(0.04, 0.08).all()
    assert abs(k.mean() - 0.175) < 0.01  # uniform mean
    assert abs(g.mean() - 0.06) < 0.003  # symmetric triangular mean


def test_zero_samples_gives_an_empty_frame_with_columns(catalogue):
    draws = draw_parameters(catalogue, None, 0, np.random.default_rng(0))
    assert len(draws) == 0 and list(draws.columns) == ["knowledge depreciation rate"]


def test_lognormal_mean_and_sd_are_those_of_the_variable():
    x = Distribution("lognormal", mean=2.0, sd=0.5).sample(20000, np.random.default_rng(3))
    assert abs(x.mean() - 2.0) < 0.03 and abs(x.std() - 0.5) < 0.03 and (x > 0).all()


def test_loguniform_draws_each_factor_of_ten_as_often():
    x = Distribution("loguniform", min=0.1, max=100.0).sample(30000, np.random.default_rng(4))
    assert ((x >= 0.1) & (x <= 100.0)).all()
    per_decade = np.histogram(np.log10(x), bins=[-1, 0, 1, 2])[0] / len(x)
    np.testing.assert_allclose(per_decade, 1 / 3, atol=0.01)
    assert abs(np.median(x) - np.sqrt(0.1 * 100.0)) < 0.1   # the geometric mean of min and max


def test_unbounded_normal_draws_are_finite():
    x = Distribution("normal", mean=0.0, sd=1.0).sample(1000, np.random.default_rng(5))
    assert np.isfinite(x).all()


@settings(max_examples=40, deadline=None)
@given(st.floats(-10, 10), st.floats(0.01, 5), st.floats(0.1, 3), st.integers(0, 2**32 - 1))
def test_truncated_normal_draws_stay_within_min_and_max(mean, sd, width, seed):
    lo, hi = mean - width * sd, mean + width * sd / 2
    x = Distribution("normal", min=lo, max=hi, mean=mean, sd=sd).sample(50, np.random.default_rng(seed))
    assert ((x >= lo) & (x <= hi)).all()


@settings(max_examples=40, deadline=None)
@given(st.floats(-5, 5), st.floats(0.01, 5), st.floats(0, 1), st.integers(0, 2**32 - 1))
def test_triangular_draws_stay_within_min_and_max(lo, width, where, seed):
    hi = lo + width
    d = Distribution("triangular", min=lo, max=hi, mode=lo + where * width)
    x = d.sample(50, np.random.default_rng(seed))
    assert ((x >= lo) & (x <= hi)).all()
