"""What drives a headline target's uncertainty: acting inputs only, labelled by kind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import gzsim
from gzsim.analysis import reach
from gzsim.analysis.drivers import KINDS, acting_inputs, top_drivers
from gzsim.analysis.reach import trust_notes


@pytest.fixture(scope="module")
def model():
    return gzsim.load_model()


@pytest.fixture(scope="module")
def baseline(model):
    return model.load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml")


def test_an_input_that_does_not_act_on_the_indicator_is_never_a_driver(model, baseline):
    draws = model.draw(baseline, 400, np.random.default_rng(2))
    acting = acting_inputs(model, baseline, draws, "rd_intensity")
    # the S&T SME registration share only scales the SME count; the regime inputs act
    assert "SME registration share" not in acting
    assert {"certification standards after 2020", "campaign delivery after 2020"} <= acting
    values = model.run_batch(baseline, draws=draws, indicators=["rd_intensity"])["rd_intensity"][:, -6]
    found = top_drivers(model, draws, values, acting=acting)
    assert found and all(d.column in acting for d in found)
    assert all(d.kind in KINDS for d in found)
    shares = [d.share for d in found]
    assert shares == sorted(shares, reverse=True) and 0 < shares[0] <= 1


def test_a_driver_perfectly_tied_to_the_value_explains_it_all(model, baseline):
    draws = model.draw(baseline, 200, np.random.default_rng(3))
    values = 3.0 * draws["campaign persistence"].to_numpy() + 1.0
    (first, *_) = top_drivers(model, draws, values)
    assert first.column == "campaign persistence" and first.kind == "regime"
    assert first.share == pytest.approx(1.0)


def test_reach_names_the_drivers_of_every_headline_target(model, baseline):
    table = reach(model, [baseline], samples=300, seed=4)
    headline = table[table["headline"] & (table["target"] != "all_headline")]
    assert (headline["drivers"] != "").all() and (headline["drivers_zh"] != "").all()
    assert (table.loc[~table["headline"], "drivers"] == "").all()
    lines = trust_notes(table, "en", coverage="In hindcasts X")
    assert len(lines) == len(headline) + 1 and lines[-1] == "In hindcasts X."
    assert all(line.startswith("baseline ") for line in lines[:-1])
    named = trust_notes(table, "en", labels={"rd_intensity": "R&D spending 2.6 % of GDP"})
    assert any(line.startswith("R&D spending 2.6 % of GDP: Uncertainty driven mostly by") for line in named)
    assert trust_notes(table, "zh")[0].count("不确定性主要来自") == 1


def test_a_driver_reads_as_chinese_in_chinese():
    from gzsim.analysis.drivers import Driver

    d = Driver("x", "renewal share", "重新认定比例", "regime", 0.5)
    assert d.text("zh") == f"重新认定比例（{KINDS['regime'][1]}）"  # full-width, no space before
    assert d.text("en") == f"renewal share ({KINDS['regime'][0]})"
