"""History points read from the observations file."""

from __future__ import annotations

import pytest

from gzsim.charts.history import HISTORY_KINDS, default_data_file, load_history, period_position
from gzsim.errors import GzsimError


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


def test_missing_data_file_is_an_input_error(tmp_path):
    with pytest.raises(GzsimError, match="file not found"):
        load_history(tmp_path / "nope.csv")


def test_data_file_without_required_columns(tmp_path):
    bad = tmp_path / "obs.csv"
    bad.write_text("region,indicator,value\nGanzhou,gdp,1\n", encoding="utf-8")
    with pytest.raises(GzsimError, match="missing column"):
        load_history(bad)


def test_data_file_with_a_non_number_or_conflicting_rows_is_refused_naming_the_line(tmp_path):
    good = default_data_file().read_text(encoding="utf-8")
    header, first = good.splitlines()[:2]
    bad = tmp_path / "obs.csv"
    fields = first.split(",")
    fields[3] = "n/a"
    bad.write_text("\n".join([header, ",".join(fields)]) + "\n", encoding="utf-8")
    with pytest.raises(GzsimError, match="line 2"):
        load_history(bad)
    fields = first.split(",")
    fields[3] = str(float(fields[3]) * 2)
    bad.write_text("\n".join([header, first, ",".join(fields)]) + "\n", encoding="utf-8")
    with pytest.raises(GzsimError, match="conflict"):
        load_history(bad)
