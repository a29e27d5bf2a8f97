"""discover: PRIM over the toy model's levers and noise."""

from __future__ import annotations

import pandas as pd
import pytest

from gzsim.analysis.discover import DISCOVER_COLUMNS, discover
from gzsim.errors import UsageError


def test_box_restricts_the_levers_that_matter(toy, toy_sc):
    sc = toy_sc("hard")  # outcome = a + b + c/2 + u >= 2.2
    table = discover(toy, sc, samples=4000, seed=1, min_coverage=0.6)
    assert list(table.columns) == DISCOVER_COLUMNS
    restricted = set(table["input"])
    assert {"lever_a", "lever_b"} <= restricted and "growth" not in restricted
    lows = table.set_index("input")["lower"]
    assert lows["lever_a"] > 0.2 and lows["lever_b"] > 0.2
    row = table.iloc[0]
    assert row.density > max(0.9, table.attrs["base_density"] + 0.2) and row.coverage >= 0.6
    assert table.attrs["targets"] == ["outcome"]


def test_deterministic(toy, toy_sc):
    a = discover(toy, toy_sc("hard"), samples=500, seed=3)
    b = discover(toy, toy_sc("hard"), samples=500, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_bad_options(toy, toy_sc):
    with pytest.raises(UsageError, match="samples must be"):
        discover(toy, toy_sc("hard"), samples=-5, seed=1)
    with pytest.raises(UsageError, match="already an uncertainty"):
        discover(toy, toy_sc("drawn"), samples=100, seed=1, levers=["lever_a"])
    with pytest.raises(UsageError, match="min coverage"):
        discover(toy, toy_sc("hard"), samples=100, seed=1, min_coverage=1.5)
