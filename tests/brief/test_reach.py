"""The scoreboard numbers (the stand-in for gzsim.analysis.reach) on fixed ensembles."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from gzsim.brief.reach import REACH_COLUMNS, scoreboard, status_key, status_of
from gzsim.simulation import Simulation
from gzsim.targets import Target


def _sim(name: str, a: list[float], b: list[float]) -> Simulation:
    years = np.array([2020, 2025])
    # Row 0 deterministic, rows 1..N samples; the 2020 column is irrelevant here.
    return Simulation(name, years, {"a": np.array([[0, x] for x in a], float),
                                    "b": np.array([[0, x] for x in b], float)}, pd.DataFrame())


TARGETS = [Target("a", 2025, 10.0, "at_least", headline=True), Target("b", 2025, 5.0, "at_most", headline=True)]


def test_probabilities_quantiles_status_and_joint():
    # samples: a = 0..9 + 10..19 (10 of 20 >= 10); b <= 5 in samples 1..16 (16 of 20)
    a = [99.0] + list(range(20))
    b = [99.0] + [1.0] * 16 + [9.0] * 4
    board = scoreboard([_sim("s", a, b)], TARGETS)
    assert list(board.columns) == REACH_COLUMNS
    rows = board.set_index("target")
    assert rows.loc["a", "probability"] == 0.5 and rows.loc["a", "status"] == "at_risk"
    assert rows.loc["a", "median"] == pytest.approx(9.5)  # the deterministic 99 is not a sample
    assert rows.loc["a", "p05"] == pytest.approx(np.quantile(np.arange(20), 0.05))
    assert rows.loc["b", "probability"] == 0.8 and rows.loc["b", "status"] == "on_track"
    # a met in samples 10..19, b met in samples 1..16 -> both in 10..15: 6 of 20
    assert rows.loc["all_headline", "probability"] == pytest.approx(0.3)
    assert rows.loc["all_headline", "status"] == "off_track"
    assert np.isnan(rows.loc["all_headline", "threshold"])


def test_deterministic_only_and_nan():
    board = scoreboard([_sim("d", [12.0], [np.nan])], TARGETS).set_index("target")
    assert board.loc["a", "probability"] == 1.0 and board.loc["a", "median"] == 12.0
    assert board.loc["b", "probability"] == 0.0  # a failed (NaN) run never meets a target


@pytest.mark.parametrize("p, status", [(0.8, "on_track"), (0.7999, "at_risk"), (0.4, "at_risk"),
                                       (0.3999, "off_track"), (0.0, "off_track"), (1.0, "on_track")])
def test_status_thresholds(p, status):
    assert status_of(p) == status


def test_status_key_accepts_both_spellings():
    assert status_key("on track") == status_key("on_track") == "on_track"
    with pytest.raises(ValueError):
        status_key("fine")


def test_growth_target_is_scored_on_its_growth_rate():
    years = np.array([2020, 2025])
    # samples grow 11 -> 11 * 1.1**5 (10 %/year) or 11 -> 11 * 1.3**5 (30 %/year)
    values = np.array([[11, 11 * 1.2**5]] + [[11, 11 * 1.1**5]] * 3 + [[11, 11 * 1.3**5]] * 7, float)
    sim = Simulation("s", years, {"c": values}, pd.DataFrame())
    level = Target("c", 2025, 60.0, "at_least", base_year=2020)
    growth = Target("c", 2025, 0.20, "at_least", base_year=2020, measure="cagr")
    board = scoreboard([sim], [level, growth])
    assert list(board["measure"]) == ["level", "cagr"]
    rows = board.set_index("measure")
    assert rows.loc["cagr", "probability"] == pytest.approx(0.7)
    assert rows.loc["cagr", "median"] == pytest.approx(0.3)
    assert rows.loc["level", "probability"] == pytest.approx(0.0)  # 11 * 1.3**5 = 40.8 < 60


def _paced(indicator: str, paces: np.ndarray) -> Simulation:
    """A simulation whose samples move from 2.0 in 2020 at *paces* (pp/year for R&D intensity,
    growth for counts); row 0, the deterministic run, at the mean pace."""
    from gzsim.outside_view import pace_unit

    rows = np.concatenate([[paces.mean()], paces])
    end = 2.0 + 5 * rows if pace_unit(indicator) == "pp/year" else 2.0 * (1 + rows) ** 5
    values = np.column_stack([np.full_like(end, 2.0), end])
    return Simulation("s", np.array([2020, 2025]), {indicator: values}, pd.DataFrame())


RD = Target("rd_intensity", 2025, 2.5, "at_least", base_year=2020, headline=True)
FIRMS = Target("high_tech_firms", 2025, 3.2, "at_least", base_year=2020, headline=True)


def test_meld_sentence_gives_the_melded_probability_next_to_the_models():
    from gzsim.analysis.weighted import weighted_probability
    from gzsim.brief.reach import meld_sentence
    from gzsim.brief.text import probability_text
    from gzsim.outside_view.meld import meld

    paces = np.random.default_rng(1).normal(0.12, 0.04, 400)  # inside the R&D class (+0.06 to +0.20 pp/year)
    ok = 2.0 + 5 * paces >= RD.threshold
    melded = weighted_probability(ok, meld("rd_intensity", paces).weights)
    for lang in ("en", "zh"):
        text = meld_sentence(_paced("rd_intensity", paces), RD, lang, "Baseline")
        assert probability_text(melded, lang) in text and probability_text(ok.mean(), lang) in text
    assert text.startswith("按国内参照地区2020年以前的增速对Baseline的模拟结果加权（外部视角），实现概率为")
    assert meld_sentence(_paced("rd_intensity", paces), RD, "en", "Baseline").startswith(
        "Weighting Baseline's simulations by how fast regions across China moved up to 2020 (the outside view) "
        "gives a probability of ")


@pytest.mark.parametrize("target, paces, en, zh", [
    (RD, np.random.default_rng(2).normal(0.12, 0.04, 60), "60 simulations are too few", "60次模拟过少"),
    (FIRMS, np.random.default_rng(3).normal(0.12, 0.05, 400),  # the firm class: +36 to +65 %/year
     "almost none of them moves at those regions' pace", "几乎没有模拟的增速与这些地区相近"),
])
def test_meld_sentence_says_plainly_why_no_probability_is_given(target, paces, en, zh):
    from gzsim.brief.reach import meld_sentence

    sim = _paced(target.id, paces)
    assert meld_sentence(sim, target, "en", "Plan").endswith(f"gives no usable probability: {en}.")
    text = meld_sentence(sim, target, "zh", "规划情景")
    assert text.endswith(f"无法得出可用的概率：{zh}。")
    assert not re.search("[A-Za-z]", text)


def test_meld_sentence_only_for_headline_targets_with_a_class():
    from gzsim.brief.reach import meld_sentence

    paces = np.random.default_rng(1).normal(0.12, 0.04, 50)
    not_headline = Target("rd_intensity", 2025, 2.5, "at_least", base_year=2020)
    assert meld_sentence(_paced("rd_intensity", paces), not_headline, "en", "x") is None
    contracts = Target("tech_contract_turnover", 2025, 60.0, "at_least", base_year=2020, headline=True)
    assert meld_sentence(_paced("tech_contract_turnover", paces), contracts, "en", "x") is None
