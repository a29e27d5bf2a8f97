"""The analysis commands through gzsim.cli.main: outputs, files, exit 2 on bad options."""

from __future__ import annotations

import pandas as pd
import pytest

from gzsim.cli import main

from .conftest import TOY


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_reach_prints_a_table(capsys):
    code, out, err = run(capsys, "reach", *TOY, "base", "more", "--samples", "500", "--seed", "1")
    assert code == 0 and err == ""
    header = out.splitlines()[0].split()
    assert header[:4] == ["scenario", "target", "measure", "year"] and "status" in header
    assert "all_headline" in out and "more" in out


def test_reach_prints_a_fresh_seed(capsys):
    code, out, err = run(capsys, "reach", *TOY, "base", "--samples", "50", "--quiet")
    assert code == 0 and "gzsim: seed" in err and "--seed" in err


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_reach_writes_files(capsys, tmp_path, suffix):
    path = tmp_path / f"reach{suffix}"
    code, out, err = run(capsys, "reach", *TOY, "base", "--samples", "100", "--seed", "2", "--out", str(path))
    assert code == 0 and out == ""
    df = pd.read_csv(path) if suffix == ".csv" else (pd.read_parquet(path) if suffix == ".parquet"
                                                      else pd.read_excel(path))
    assert {"scenario", "target", "year", "threshold", "median", "p05", "p95", "probability",
            "status"} <= set(df.columns)
    if suffix == ".parquet":
        assert df.attrs["seed"] == 2 and df.attrs["samples"] == 100 and "base" in df.attrs["scenarios"]


@pytest.mark.parametrize("argv, message", [
    (["reach", "base", "--samples", "-5", "--seed", "1"], "samples must be a whole number >= 1"),
    (["reach", "base", "--seed", "-1"], "seed must be"),
    (["reach", "base", "--seed", "1", "--year", "2040"], "year 2040 (target 'outcome') is outside"),
    (["reach", "nosuch", "--seed", "1"], "nosuch"),
    (["goalseek", "hard", "--probability", "1.5", "--seed", "1"], "probability must be within (0, 1]"),
    (["goalseek", "hard", "--probability", "-0.1", "--seed", "1"], "probability must be within (0, 1]"),
    (["goalseek", "hard", "--probability", "0.5", "--target", "outcme", "--seed", "1"],
     "target 'outcme' is not in hard; did you mean 'outcome'?"),
    (["goalseek", "hard", "--probability", "0.5", "--levers", "lever_x", "--seed", "1"], "lever 'lever_x'"),
    (["sensitivity", "base", "--samples", "100", "--seed", "1"], "power of 2"),
    (["sensitivity", "base", "--target", "nope", "--seed", "1"], "target 'nope'"),
    (["discover", "base", "--samples", "-1", "--seed", "1"], "samples must be"),
    (["attribute", "more", "--baseline", "nosuch"], "nosuch"),
    (["reach", "base", "--seed", "1", "--out", "x.json"], "unknown output format"),
])
def test_bad_options_exit_2_with_a_clear_message(capsys, argv, message):
    code, out, err = run(capsys, argv[0], *TOY, *argv[1:])
    assert code == 2, err
    assert message in err


def test_other_commands_run(capsys, tmp_path):
    code, out, _ = run(capsys, "sensitivity", *TOY, "base", "--samples", "64", "--seed", "1", "--bootstrap", "10")
    assert code == 0 and "outcome (value)" in out and "ST" in out
    code, out, _ = run(capsys, "sensitivity", *TOY, "base", "--method", "morris", "--samples", "10", "--seed", "1")
    assert code == 0 and "mu_star" in out
    code, out, _ = run(capsys, "goalseek", *TOY, "hard", "--probability", "0.8", "--seed", "1", "--draws", "200",
                       "--maxiter", "20")
    assert code == 0 and "reachable" in out and "lever_b" in out
    code, out, _ = run(capsys, "discover", *TOY, "hard", "--samples", "1000", "--seed", "1")
    assert code == 0 and "box 1" in out and "coverage" in out
    code, out, _ = run(capsys, "attribute", *TOY, "more", "--baseline", "base")
    assert code == 0 and "interaction" in out and "lever_a" in out
    path = tmp_path / "g.csv"
    code, _, _ = run(capsys, "goalseek", *TOY, "hard", "--probability", "0.8", "--seed", "1", "--draws", "100",
                     "--maxiter", "5", "--out", str(path))
    table = pd.read_csv(path)
    assert code == 0 and {"lever", "value", "binding", "joint_probability", "cost"} <= set(table.columns)
    parquet = tmp_path / "g.parquet"
    code, _, _ = run(capsys, "goalseek", *TOY, "hard", "--probability", "0.8", "--seed", "1", "--draws", "100",
                     "--maxiter", "5", "--out", str(parquet))
    assert code == 0 and pd.read_parquet(parquet).attrs["analysis"] == "goalseek"


def test_scheduler_run_equals_local_run(capsys, tmp_path, dask_address):
    local, remote = tmp_path / "local.csv", tmp_path / "remote.csv"
    args = ["reach", *TOY, "base", "more", "--samples", "300", "--seed", "5", "--chunk-size", "64", "--quiet"]
    assert run(capsys, *args, "--out", str(local))[0] == 0
    assert run(capsys, *args, "--scheduler", dask_address, "--out", str(remote))[0] == 0
    assert local.read_bytes() == remote.read_bytes()


def test_every_analysis_at_the_lever_bounds_runs_without_a_traceback(capsys):
    # A scenario with both costly levers at their maximum (goal seeking once crashed in _refine).
    for argv in (["goalseek", "maxed", "--probability", "0.5", "--seed", "1", "--maxiter", "3"],
                 ["reach", "maxed", "--samples", "50", "--seed", "1"],
                 ["sensitivity", "maxed", "--method", "morris", "--samples", "4", "--seed", "1"],
                 ["discover", "maxed", "--seed", "1"],
                 ["attribute", "maxed", "--baseline", "maxed"]):
        code, out, err = run(capsys, *argv[:1], *TOY, *argv[1:], "--quiet")
        assert code == 0, (argv, err)


def _input_column(out: str) -> list[str]:
    """The 'input' cells of the printed tables: a row is 'input kind numbers...' (kinds have no digits)."""
    names, in_table = [], False
    for line in out.splitlines():
        words = line.split()
        if words[:2] == ["input", "kind"]:
            in_table = True
        elif not words or not in_table:
            in_table = False
        else:
            kind_at = next(i for i, w in enumerate(words) if w in ("lever", "uncertain", "scenario"))
            names.append(" ".join(words[:kind_at]))
    return names


@pytest.mark.parametrize("argv", [
    ["sensitivity", "baseline", "--method", "morris", "--samples", "4", "--seed", "1", "--target", "rd_intensity",
     "--top", "200", "--quiet"],
    ["discover", "baseline", "--samples", "300", "--seed", "1", "--quiet"],
])
def test_input_tables_name_every_input_by_its_id(capsys, argv):
    # Issue 13: the tables mixed ids (potential_firms_per_gdp) and Vensim names (revenue per high tech firm 2015).
    import re

    import gzsim

    code, out, _ = run(capsys, *argv)
    names = _input_column(out)
    assert code == 0 and len(names) >= 5
    assert [n for n in names if not re.fullmatch(r"[a-z][a-z0-9_]*", n)] == []
    catalogue = gzsim.load_catalogue(gzsim.paths.bundled_catalogue())
    assert not {lv.vensim for lv in catalogue.levers} & set(names)
    if argv[0] == "sensitivity":  # a calibrated constant without a catalogue entry, by the id it is given
        assert "revenue_per_high_tech_firm_2015" in names and "potential_firms_per_gdp" in names
