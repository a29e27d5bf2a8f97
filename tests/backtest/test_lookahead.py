"""Inputs set from later rows: the ``[[lookahead]]`` entries, checked, applied per cutoff, reported."""

from __future__ import annotations

import pytest

from gzsim.backtest.lookahead import at_cutoff, report_section
from gzsim.calibration.errors import CalibrationError
from gzsim.calibration.settings import load_settings
from gzsim.calibration.setup import prepare

from ..calibration.conftest import SETTINGS, settings_copy  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def ganzhou():
    return load_settings(SETTINGS)


def _entry(action: str, period: str = "2020", why: str = "y", indicator: str = "patent_grants",
           **extra: str) -> str:
    """A [[lookahead]] entry (default: on the patent row); *extra* values are TOML as written."""
    lines = ["[[lookahead]]", f'indicator = "{indicator}"', f'period = "{period}"', 'input = "x"',
             f'action = "{action}"', *(f"{k} = {v}" for k, v in extra.items()), f'why = "{why}"']
    return "\n" + "\n".join(lines) + "\n"


def _free(settings, name):
    return next(f for f in settings.free if f.name == name)


def test_a_prior_set_from_a_later_row_is_replaced_before_it_and_kept_after(ganzhou):
    """The 2015 contract turnover is bounded by the 2020 row: not in a hindcast from 2019."""
    before, after = at_cutoff(ganzhou, 2019), at_cutoff(ganzhou, 2020)
    assert _free(ganzhou, "tech contract turnover 2015").prior.max == 11.0
    assert _free(before.settings, "tech contract turnover 2015").prior.max == 50.7
    assert after.settings.free == ganzhou.free and not after.unscored and not after.applied


def test_a_constant_set_from_a_later_row_is_sampled_with_the_earlier_prior(ganzhou):
    freed = _free(at_cutoff(ganzhou, 2015).settings, "firm elasticity of technology trade")
    assert freed.profile is False and (freed.prior.min, freed.prior.max) == (0.0, 2.0)
    assert "firm elasticity of technology trade" not in {f.name for f in ganzhou.free}


def test_rows_an_input_was_built_from_are_not_scored_before_them(ganzhou):
    view = at_cutoff(ganzhou, 2018)
    assert {"patent_grants 2020", "high_value_invention_patents_per_10k 2020",
            "enterprise_rd_to_revenue 2020", "high_tech_va_share 2020"} <= view.unscored
    assert "high_tech_firms 2020" not in view.unscored and "rd_intensity 2020" not in view.unscored


def test_the_report_lists_every_entry_and_what_the_hindcast_did(ganzhou):
    text = "\n".join(report_section(ganzhou, [2015, 2018, 2019]))
    assert text.count("\n| ") == len(ganzhou.lookahead) + 1      # header and one row per entry
    assert "kept: the forecasts are conditional on it" in text
    assert "not scored: patent_grants 2020" in text
    assert "loguniform (min 0.1, max 50.7)" in text


def test_bad_entries_are_all_named_with_the_fix(settings_copy):
    path = settings_copy(_entry("forget") + _entry("prior", unscored='["patent_grants 2020"]')
                         + _entry("unscored", unscored='["patent_grants 2021"]', why=""))
    with pytest.raises(CalibrationError) as info:
        load_settings(path)
    text = str(info.value)
    assert str(path.name) in text
    n = len(load_settings(SETTINGS).lookahead)
    assert f"[[lookahead]] #{n + 1} (patent_grants 2020): action 'forget' is unknown; use one of" in text
    assert f"#{n + 2} (patent_grants 2020): action 'prior' needs 'free'" in text
    assert f"#{n + 2} (patent_grants 2020): 'unscored' belongs to action 'unscored'" in text
    assert f"#{n + 3} (patent_grants 2020): unscored 'patent_grants 2021' is not an [[observation]]" in text
    assert f"#{n + 3} (patent_grants 2020): 'why' is empty" in text


def test_an_entry_naming_no_data_row_is_refused_when_a_hindcast_reads_the_data(settings_copy):
    path = settings_copy(_entry("condition", period="2019"))
    settings = load_settings(path)
    with pytest.raises(CalibrationError, match=r"\(patent_grants 2019\): no row of Ganzhou .* "
                                               r"fix the indicator or period"):
        at_cutoff(settings, 2015)


def test_a_prior_for_a_constant_the_model_lacks_is_refused_when_the_model_is_prepared(settings_copy):
    path = settings_copy(_entry("prior", free='"firm elastic of trade"',
                                prior='{ distribution = "uniform", min = 0.0, max = 1.0 }'))
    view = at_cutoff(load_settings(path), 2015)
    with pytest.raises(CalibrationError, match=r"\[\[lookahead\]\] #\d+ \(patent_grants 2020\): 'firm elastic of trade'"):
        prepare(view.settings)


def test_an_entry_can_name_a_row_of_another_region(settings_copy):
    """A constant carried over from another region's fit: the row is that region's."""
    path = settings_copy(_entry("condition", indicator="high_tech_firms", region='"Jiangxi"'))
    view = at_cutoff(load_settings(path), 2015)
    assert [s.rows for s in view.applied][-1] == "Jiangxi: high_tech_firms 2020"
    wrong = settings_copy(_entry("condition", region='"Atlantis"'), name="wrong.toml")
    with pytest.raises(CalibrationError, match="no row of Atlantis"):
        at_cutoff(load_settings(wrong), 2015)
