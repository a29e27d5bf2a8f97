"""attribute: wedges, interaction and Shapley values with known answers on the toy model."""

from __future__ import annotations

import pandas as pd
import pytest

from gzsim.analysis.attribution import ATTRIBUTION_COLUMNS, attribute, changed_levers
from gzsim.errors import UsageError


def test_wedges_interaction_and_shapley(toy, toy_sc):
    base, more = toy_sc("base"), toy_sc("more")  # more: a 0.5 -> 0.8, b 0 -> 0.3, growth ramps
    assert changed_levers(base, more) == ["lever_a", "lever_b", "growth"]
    table = attribute(toy, more, baseline=base)
    assert list(table.columns) == ATTRIBUTION_COLUMNS
    out = table[table.target == "outcome"].set_index("component")
    assert out.loc["lever_a", "wedge"] == pytest.approx(0.3)
    assert out.loc["lever_b", "wedge"] == pytest.approx(0.3)
    assert out.loc["growth", "wedge"] == pytest.approx(0.0)
    assert out.loc["interaction", "wedge"] == pytest.approx(0.0, abs=1e-12)
    assert out.loc["total", "wedge"] == pytest.approx(0.6)
    assert out.loc["lever_a", "cumulative_wedge"] == pytest.approx(1.5)
    # baseline 1.0 (noise 0.5) vs threshold 1.2: gap 0.2, each lever closes 150 % of it
    assert out.loc["lever_a", "gap"] == pytest.approx(0.2)
    assert out.loc["lever_a", "share_of_gap"] == pytest.approx(1.5)
    # product = a b: 0.5 * 0 -> 0.8 * 0.3; b alone: 0.5 * 0.3; a alone: 0
    prod = table[table.target == "product"].set_index("component")
    assert prod.loc["lever_a", "wedge"] == pytest.approx(0.0)
    assert prod.loc["lever_b", "wedge"] == pytest.approx(0.15)
    assert prod.loc["interaction", "wedge"] == pytest.approx(0.24 - 0.15)
    assert prod.loc["lever_a", "shapley"] == pytest.approx(0.045)   # (0 + 0.09) / 2
    assert prod.loc["lever_b", "shapley"] == pytest.approx(0.195)   # (0.15 + 0.24) / 2
    assert prod.loc[["lever_a", "lever_b", "growth"], "shapley"].sum() == pytest.approx(0.24)
    assert prod.loc["lever_a", "gap"] == pytest.approx(-0.5)  # at_most 0.5, baseline 0: met, margin 0.5


def test_time_path_lever_and_cagr_wedge(toy, toy_sc):
    table = attribute(toy, toy_sc("more"), baseline=toy_sc("base"), target_ids=["grower"])
    g = table.set_index("component")
    assert g.loc["growth", "wedge"] > 0 and g.loc["growth", "cagr_wedge"] > 0
    assert g.loc["lever_a", "wedge"] == 0


def test_samples_average_over_common_draws(toy, toy_sc):
    a = attribute(toy, toy_sc("more"), baseline=toy_sc("base"), samples=50, seed=2)
    b = attribute(toy, toy_sc("more"), baseline=toy_sc("base"), samples=50, seed=2)
    pd.testing.assert_frame_equal(a, b)
    out = a[a.target == "outcome"].set_index("component")
    assert out.loc["lever_a", "wedge"] == pytest.approx(0.3)  # additive: the noise cancels
    with pytest.raises(UsageError, match="seed is needed"):
        attribute(toy, toy_sc("more"), baseline=toy_sc("base"), samples=5)


def test_drawn_lever_is_not_attributed(toy, toy_sc):
    table = attribute(toy, toy_sc("drawn"), baseline=toy_sc("hard"), samples=20, seed=1,
                      target_ids=["outcome"])
    assert "lever_a" not in set(table["component"])
    assert table.attrs["not_attributed_drawn"] == ["lever_a"]
