"""Atomic result files in csv, parquet and xlsx."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from gzsim import output
from gzsim.errors import OutputError
from gzsim.output import check_output_path, write_results


@pytest.fixture
def results() -> pd.DataFrame:
    df = pd.DataFrame({
        "scenario": ["plan", "plan"], "sample": [0, 0], "year": [2015, 2016],
        "indicator": ["gdp", "gdp"], "value": [1.5, 2.25],
    })
    df.attrs = {"seed": None, "scenarios": {"plan": "ab" * 32}}
    return df


def read(path):
    if path.suffix == ".csv":
        return pd.read_csv(path)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_excel(path, sheet_name="results")


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_results_round_trip_in_every_format(tmp_path, results, suffix):
    path = write_results(results, tmp_path / f"out{suffix}")
    back = read(path)
    assert list(back.columns) == list(results.columns)
    assert back["value"].tolist() == [1.5, 2.25] and back["year"].tolist() == [2015, 2016]
    # No temp files left; a CSV has its provenance record beside it.
    expected = [f"out{suffix}"] + ([f"out{suffix}.provenance.json"] if suffix == ".csv" else [])
    assert sorted(os.listdir(tmp_path)) == expected


def test_parquet_keeps_provenance_attrs(tmp_path, results):
    path = write_results(results, tmp_path / "out.parquet")
    assert pd.read_parquet(path).attrs["scenarios"] == {"plan": "ab" * 32}


def test_xlsx_has_a_provenance_sheet(tmp_path, results):
    path = write_results(results, tmp_path / "out.xlsx")
    prov = pd.read_excel(path, sheet_name="provenance")
    assert "scenarios" in prov["key"].tolist()


def test_unknown_extension_is_refused(tmp_path, results):
    with pytest.raises(OutputError, match="unknown output format '.json'; use a file name ending in .csv"):
        write_results(results, tmp_path / "out.json")


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(OutputError, match="output folder '.*missing' does not exist"):
        check_output_path(tmp_path / "missing" / "out.csv")


def test_folder_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is not a folder"):
        check_output_path(tmp_path / "file" / "out.csv")


def test_unwritable_folder_is_refused(tmp_path):
    # /sys refuses new files even for root, where chmod would not stop us.
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
    else:
        folder = os.path.realpath("/sys")
    with pytest.raises(OutputError, match="is not writable"):
        check_output_path(os.path.join(folder, "out.csv"))


def test_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path, results, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("old")

    def boom(df, tmp, suffix):
        tmp.write_text("partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "_write", boom)
    with pytest.raises(OutputError, match="cannot write results: No space left on device"):
        write_results(results, target)
    assert target.read_text() == "old" and sorted(os.listdir(tmp_path)) == ["out.csv"]


def test_excel_keeps_formula_like_names_as_text(tmp_path, results):
    import openpyxl

    hostile = results.assign(scenario='=HYPERLINK("http://example.invalid","x")')
    path = write_results(hostile, tmp_path / "out.xlsx")
    cells = [c for row in openpyxl.load_workbook(path)["results"].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert pd.read_excel(path, sheet_name="results")["scenario"].iloc[0] == hostile["scenario"].iloc[0]
