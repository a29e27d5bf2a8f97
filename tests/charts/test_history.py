"""History points read from the observations file."""

from __future__ import annotations

import pytest

from gzsim.charts.history import HISTORY_KINDS, load_history, period_position
from gzsim.errors import UsageError


def test_period_positions_follow_the_model_time_convention():
    assert period_position("2020") == 2020.0
    assert period_position("2020-09") == pytest.approx(2019.75)  # end of September = 3 months before year end
    assert period_position("2016-2020") is None


def test_only_point_values_of_ganzhou_catalogue_indicators(ganzhou):
    rows = load_history(indicators=ganzhou.catalogue.indicator_ids)
    assert set(rows["kind"]) <= set(HISTORY_KINDS)
    assert set(rows["region"]) == {"Ganzhou"}
    assert set(rows["indicator"]) <= set(ganzhou.catalogue.indicator_ids)
    assert rows["source"].str.len().gt(0).all()
    firms = rows[rows["indicator"] == "high_tech_firms"]
    # The rounded plan-table base (1000, level_rounded) is not a history point; 1107 is.
    assert sorted(firms["value"]) == [26, 90, 778, 1107]
    assert firms.loc[firms["kind"] == "as_of", "x"].item() == pytest.approx(2019.75)
    assert not (rows["period"].str.contains(r"\d{4}-\d{4}")).any()  # spans are not points


def test_missing_data_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="data file not found"):
        load_history(tmp_path / "nope.csv")


def test_data_file_without_required_columns(tmp_path):
    bad = tmp_path / "obs.csv"
    bad.write_text("region,indicator,value\nGanzhou,gdp,1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="lacks column"):
        load_history(bad)
