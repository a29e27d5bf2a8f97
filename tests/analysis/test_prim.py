"""PRIM finds a known box."""

from __future__ import annotations

import numpy as np
import pytest

from gzsim.analysis.prim import prim


def test_finds_the_box_of_a_toy_problem():
    rng = np.random.default_rng(0)
    x = rng.random((5000, 4))
    y = (x[:, 0] > 0.6) & (x[:, 1] < 0.3)
    res = prim(x, y, names=["a", "b", "c", "d"])
    box = res.boxes[0]
    assert box.restricted == (0, 1)
    assert box.lower[0] == pytest.approx(0.6, abs=0.02) and box.upper[1] == pytest.approx(0.3, abs=0.02)
    assert box.density == pytest.approx(1.0) and box.coverage > 0.9
    assert box.mass == pytest.approx(y.mean() * box.coverage / box.density)
    limits = res.limits().set_index("input")
    assert list(limits.index) == ["a", "b"] and limits.loc["a", "restricted"] == "lower"
    assert limits.loc["b", "restricted"] == "upper"
    traj = res.trajectories[0]
    assert traj["chosen"].sum() == 1 and traj["mass"].is_monotonic_decreasing
    assert res.base_density == pytest.approx(y.mean())


def test_noise_and_coverage_trade_off():
    rng = np.random.default_rng(1)
    x = rng.random((4000, 6))
    y = (x[:, 2] > 0.5) & (rng.random(4000) < 0.9) | (rng.random(4000) < 0.05)
    strict = prim(x, y, min_coverage=0.8).boxes[0]
    assert 2 in strict.restricted and strict.coverage >= 0.75
    assert strict.density > y.mean()


def test_covering_finds_two_boxes():
    rng = np.random.default_rng(2)
    x = rng.random((6000, 3))
    y = (x[:, 0] < 0.2) | (x[:, 1] > 0.85)
    res = prim(x, y, n_boxes=2, min_coverage=0.3)
    assert len(res.boxes) == 2
    dims = {res.boxes[0].restricted, res.boxes[1].restricted}
    assert dims == {(0,), (1,)}
    assert sum(b.coverage for b in res.boxes) > 0.8


def test_no_case_of_interest_gives_no_box():
    x = np.random.default_rng(0).random((100, 2))
    assert prim(x, np.zeros(100, dtype=bool)).boxes == ()
