"""The outside view: the reference-class file, its paces, a forecast's pace against them, 2020 targets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gzsim import outside_view as ov
from gzsim.errors import GzsimError, UsageError

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "calibration" / "reference_class.csv"
SHARED = REPO.parent / "shared" / "data" / "reference_class.csv"


@pytest.mark.skipif(not SHARED.is_file(), reason="../shared/data is not next to this checkout")
def test_the_project_copy_is_verbatim():
    assert REFERENCE.read_bytes() == SHARED.read_bytes()


def _row(p: pd.DataFrame, region: str, start: int, end: int) -> pd.Series:
    hit = p[(p["region_en"] == region) & (p["start_year"] == start) & (p["end_year"] == end)]
    assert len(hit) == 1, f"{region} {start}-{end} not in\n{p}"
    return hit.iloc[0]


def test_rd_intensity_paces_of_the_nation_and_ganzhou():
    p = ov.paces("rd_intensity")
    assert set(p["unit"]) == {"pp/year"}
    china = _row(p, "China", 2015, 2020)  # bulletins: 2.07 -> 2.40 (not the revision 2.41)
    assert (china.start_value, china.end_value) == (2.07, 2.40)
    assert china.pace == pytest.approx(0.066)
    gz = _row(p, "Ganzhou", 2015, 2020)
    assert gz.pace == pytest.approx((1.58 - 0.56) / 5) and gz.pace == pytest.approx(0.204)
    assert _row(p, "Jiangxi", 2015, 2020).pace == pytest.approx((1.68 - 1.04) / 5)
    assert p["pace"].is_monotonic_increasing


def test_high_tech_firm_paces_are_growth_rates():
    p = ov.paces("high_tech_firms")
    assert set(p["unit"]) == {"1/year"}
    gz = _row(p, "Ganzhou", 2015, 2020)
    assert (gz.start_value, gz.end_value) == (90, 1107)  # the year-end count, not 778 at end September
    assert gz.pace == pytest.approx((1107 / 90) ** 0.2 - 1)
    assert _row(p, "Shaanxi", 2016, 2020).pace == pytest.approx((6198 / 1829) ** 0.25 - 1)
    assert _row(p, "Ganzhou", 2011, 2015).pace == pytest.approx((90 / 26) ** 0.25 - 1)


def test_windows_rule():
    p = pd.concat([ov.paces(i) for i in ("rd_intensity", "high_tech_firms", "rd_expenditure")])
    length = p["end_year"] - p["start_year"]
    assert length.between(3, 6).all() and (p["end_year"] <= 2020).all()
    assert p.groupby("region_en").size().max() <= 2 * 3  # two windows per region and indicator
    gz = ov.paces("rd_intensity").query("region_en == 'Guangzhou'")  # annual series 2008-2020
    assert sorted(zip(gz["start_year"], gz["end_year"])) == [(2010, 2015), (2015, 2020)]
    assert (ov.paces("rd_intensity", until=2015)["end_year"] <= 2015).all()
    # closest to five years; a tie between 4 and 6 goes to the longer window
    assert ov._windows([2014, 2016, 2020], 2020) == [(2014, 2020)]
    assert ov._windows([2011, 2015, 2019, 2020], 2020) == [(2015, 2020), (2011, 2015)]
    assert ov._windows([2019, 2020], 2020) == []


def test_duplicates_keep_the_exact_row():
    every = ov.reference_points(deduplicate=False)
    china = every.query("region_en == 'China' and indicator == 'rd_intensity' and year == 2020")
    assert sorted(china["value"]) == [2.40, 2.40, 2.40, 2.41]
    kept = ov.reference_points().query("region_en == 'China' and indicator == 'rd_intensity'")
    assert kept["year"].is_unique
    row = kept.set_index("year").loc[2018]
    assert row.value == 2.19 and row.file == "observations.csv"  # the bulletin, not derived / preliminary
    gz = ov.reference_points().query("region_en == 'Ganzhou' and indicator == 'high_tech_firms'")
    assert dict(zip(gz["year"], gz["value"])) == {2011: 26, 2015: 90, 2020: 1107}  # not the rounded 1000


def test_summary_and_implied_pace():
    s = ov.pace_summary("rd_intensity")
    p = ov.paces("rd_intensity")["pace"]
    assert s["n"] == len(p) and s["min"] == p.min() and s["max"] == p.max()
    assert s["median"] == pytest.approx(p.median())
    assert s["min"] <= s["p10"] <= s["median"] <= s["p90"] <= s["max"]
    np.testing.assert_allclose(ov.implied_pace("rd_intensity", 1.58, [2.6, 1.58], 5), [0.204, 0.0])
    np.testing.assert_allclose(ov.implied_pace("high_tech_firms", 1000, [2000], 5), [2 ** 0.2 - 1])
    with pytest.raises(UsageError, match="years must be positive"):
        ov.implied_pace("rd_intensity", 1.0, [2.0], 0)
    with pytest.raises(UsageError, match="no reference-class data for indicator 'patents'"):
        ov.paces("patents")


def test_pace_check_flags_a_forecast_beyond_the_class():
    fast = ov.pace_check("rd_intensity", 1.58, np.array([2.7, 2.83, 2.9]))  # median +0.25 pp/year
    assert fast.beyond and fast.direction == "faster"
    assert fast.pace == pytest.approx(0.25) and fast.class_max == pytest.approx(0.204)
    assert fast.n == len(ov.paces("rd_intensity"))
    assert fast.text_en == ("The forecast's 2020-25 pace, +0.25 pp/year, is faster than any region of "
                            f"the reference class (n={fast.n}, fastest +0.20 pp/year)")
    assert "快于参照类中任何地区" in fast.text_zh
    slow = ov.pace_check("high_tech_firms", 1107, np.full(4, 2500.0))
    assert slow.beyond and slow.direction == "slower" and "slower than any region" in slow.text_en
    mid = ov.pace_check("rd_intensity", 1.58, np.full(3, 1.58 + 5 * 0.1))
    assert not mid.beyond and mid.direction == "" and "within the reference class" in mid.text_en
    assert ov.pace_check("tech_contract_turnover", 11, np.full(3, 60.0)) is None  # one pace only
    assert ov.pace_check("patent_grants", 1.0, np.ones(3)) is None


def test_growth_dispersion():
    p = ov.paces("high_tech_firms")
    assert ov.growth_dispersion("high_tech_firms") == pytest.approx(np.std(np.log1p(p["pace"]), ddof=1))
    rd = ov.paces("rd_intensity")
    g = np.log(rd["end_value"] / rd["start_value"]) / (rd["end_year"] - rd["start_year"])
    assert ov.growth_dispersion("rd_intensity") == pytest.approx(np.std(g, ddof=1))
    assert math.isnan(ov.growth_dispersion("tech_contract_turnover"))
    pooled = ov.growth_dispersion()
    parts = [ov.growth_dispersion(i) for i in ov.class_indicators()]
    assert min(parts) <= pooled <= max(parts)


def test_2020_targets_with_outcomes():
    t = ov.target_outcomes().set_index(["region", "indicator"])
    china = t.loc[("China", "rd_intensity")]
    assert (china.target, china.outcome, china.met) == (2.5, 2.40, False)
    assert t.loc[("Jiangsu", "rd_intensity"), "met"] == True  # noqa: E712  (2.92 >= 2.8)
    assert t.loc[("Yunnan", "high_tech_firms"), "outcome"] == 1679
    fujian = t.loc[("Fujian", "rd_intensity")]
    assert math.isnan(fujian.target) and pd.isna(fujian.met) and "national average" in fujian.note
    assert len(t) == 4


# ---------------------------------------------------------------------------- bad files

def _bad(tmp_path: Path, edit) -> str:
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    lines = edit(lines)
    path = tmp_path / "reference_class.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ov.ReferenceClassError) as err:
        ov.load_reference_class(path)
    assert isinstance(err.value, GzsimError)
    return str(err.value)


def _replace(line_no: int, old: str, new: str):
    def edit(lines):
        assert old in lines[line_no - 1]
        lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
        return lines
    return edit


def test_bad_value_names_file_line_and_fix(tmp_path):
    # line 8: Ganzhou high_tech_firms 2011 26.0
    msg = _bad(tmp_path, _replace(8, ",26.0,", ",26 家,"))
    assert "reference_class.csv: line 8: value '26 家' is not a positive number" in msg
    assert "write a plain number" in msg


def test_every_bad_row_is_reported(tmp_path):
    def edit(lines):
        lines = _replace(8, ",city,", ",prefecture,")(lines)
        lines = _replace(9, ",2011,", ",11,")(lines)
        return _replace(10, ",1.58,", ",-1,")(lines)
    msg = _bad(tmp_path, edit)
    assert "line 8: level 'prefecture' is not one of nation, province, city" in msg
    assert "line 9: year '11' is not a calendar year" in msg
    assert "line 10: value '-1' is not a positive number" in msg
    assert "different Chinese names or levels" in msg  # Ganzhou is now both a city and a prefecture


def test_target_without_number_needs_a_note(tmp_path):
    line = next(i for i, ln in enumerate(REFERENCE.read_text(encoding="utf-8").splitlines(), 1)
                if ln.startswith("福建,Fujian,province,rd_intensity_target"))
    msg = _bad(tmp_path, _replace(line, "target = national average (no number)", ""))
    assert f"line {line}: value '' is not a positive number" in msg and "saying why in 'note'" in msg


def test_missing_column_and_missing_file(tmp_path):
    msg = _bad(tmp_path, lambda ls: [ls[0].replace("region_en,", "name_en,"), *ls[1:]])
    assert "missing column(s) 'region_en'" in msg and "the header must be region,region_en" in msg
    with pytest.raises(ov.ReferenceClassError, match="reference-class file not found; copy"):
        ov.load_reference_class(tmp_path / "nope.csv")


def test_the_shipped_file_loads():
    t = ov.load_reference_class()
    assert len(t) == 117 and t["region_en"].nunique() == 38
    assert t["year"].max() <= 2020 and t["line"].iloc[0] == 2
