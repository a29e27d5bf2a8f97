"""The command line, in-process via main(argv) and end to end via subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from importlib.metadata import entry_points

import pandas as pd
import pytest

from gzsim.cli import main

from .conftest import FIXTURE_CATALOGUE, FIXTURE_SCENARIOS

FIX = ["--model", str(FIXTURE_CATALOGUE), "--scenarios-dir", str(FIXTURE_SCENARIOS)]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# ------------------------------------------------------------------ run

def test_run_without_out_writes_csv_to_stdout(capsys):
    code, out, err = run(capsys, "run", *FIX, "baseline", "plan")
    assert code == 0 and err == ""
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == ["scenario", "sample", "year", "indicator", "value"]
    assert list(df["scenario"].unique()) == ["baseline", "plan"] and len(df) == 2 * 16 * 3


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_run_writes_a_readable_file_in_each_format(capsys, tmp_path, suffix):
    path = tmp_path / f"results{suffix}"
    code, out, _ = run(capsys, "run", *FIX, "plan", "--out", str(path))
    assert code == 0 and out.startswith(f"wrote {path}: 48 rows (plan; 0 samples; years") and out.count("\n") == 1
    df = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".xlsx": pd.read_excel}[suffix](path)
    assert len(df) == 48 and set(df["indicator"]) == {"rd_intensity", "patents_per_10k", "gdp"}


def test_run_accepts_a_path_to_a_scenario_file(capsys, tmp_path):
    code, _, _ = run(capsys, "run", *FIX, str(FIXTURE_SCENARIOS / "push.toml"), "-o", str(tmp_path / "r.csv"))
    assert code == 0 and pd.read_csv(tmp_path / "r.csv")["scenario"].iloc[0] == "push"


def test_samples_with_seed_are_reproducible(capsys, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run(capsys, "run", *FIX, "push", "--samples", "3", "--seed", "9", "--out", str(a))[0] == 0
    assert run(capsys, "run", *FIX, "push", "--samples", "3", "--seed", "9", "--out", str(b))[0] == 0
    assert a.read_bytes() == b.read_bytes()
    assert sorted(pd.read_csv(a)["sample"].unique()) == [0, 1, 2, 3]


def test_samples_without_seed_print_the_seed_used(capsys, tmp_path):
    code, _, err = run(capsys, "run", *FIX, "plan", "--samples", "1", "--out", str(tmp_path / "r.csv"))
    assert code == 0 and "Monte-Carlo seed" in err and "--seed" in err


def test_unknown_lever_exits_2_naming_file_and_fix_and_writes_nothing(capsys, tmp_path):
    bad = tmp_path / "push.toml"
    bad.write_text("[levers]\nrd_subsdy = 0.1\n", encoding="utf-8")
    out_file = tmp_path / "r.csv"
    code, out, err = run(capsys, "run", *FIX, str(bad), "--out", str(out_file))
    assert code == 2 and out == ""
    assert "push.toml: lever 'rd_subsdy' is unknown; did you mean 'rd_subsidy'?" in err
    assert not out_file.exists() and os.listdir(tmp_path) == ["push.toml"]


def test_all_bad_scenarios_are_reported_together(capsys, tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("[levers]\nst_budget_growth = 0.9\n", encoding="utf-8")
    b.write_text("[levers]\ngdp_growth = nan\n", encoding="utf-8")
    code, _, err = run(capsys, "run", *FIX, str(a), "plan", str(b), "nosuch")
    assert code == 2
    assert "a.toml: lever 'st_budget_growth' = 0.9 is outside" in err
    assert "b.toml: lever 'gdp_growth' must be a finite number, got nan" in err
    assert "scenario 'nosuch' not found" in err


def test_failure_keeps_an_existing_output_file(capsys, tmp_path):
    out_file = tmp_path / "r.csv"
    out_file.write_text("previous results")
    code, _, _ = run(capsys, "run", *FIX, "plan", "missing_one", "--out", str(out_file))
    assert code == 2 and out_file.read_text() == "previous results"


def test_unknown_bare_name_suggests_the_closest(capsys):
    code, _, err = run(capsys, "run", *FIX, "basline")
    assert code == 2 and "scenario 'basline' not found" in err and "did you mean 'baseline'?" in err


def test_missing_output_folder_exits_2_before_running(capsys, tmp_path):
    code, _, err = run(capsys, "run", *FIX, "plan", "--out", str(tmp_path / "nope" / "r.csv"))
    assert code == 2 and "output folder" in err and "does not exist; create it first" in err


def test_unwritable_output_folder_exits_2(capsys, tmp_path):
    folder = "/sys" if os.geteuid() == 0 else str(tmp_path)
    if os.geteuid() != 0:
        tmp_path.chmod(0o500)
    try:
        code, _, err = run(capsys, "run", *FIX, "plan", "--out", os.path.join(folder, "r.csv"))
    finally:
        tmp_path.chmod(0o700)
    assert code == 2 and "is not writable" in err


def test_unsupported_output_format_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "run", *FIX, "plan", "--out", str(tmp_path / "r.json"))
    assert code == 2 and "unknown output format '.json'" in err and not (tmp_path / "r.json").exists()


def test_broken_catalogue_exits_2_naming_the_catalogue(capsys, tmp_path):
    cat = tmp_path / "levers.toml"
    cat.write_text(FIXTURE_CATALOGUE.read_text(encoding="utf-8").replace("default = 0.096", "default = 9"),
                   encoding="utf-8")
    code, _, err = run(capsys, "run", "--model", str(cat), "--scenarios-dir", str(FIXTURE_SCENARIOS), "plan")
    assert code == 2 and "levers.toml: lever 'st_budget_growth': default 9 is outside" in err


@pytest.mark.parametrize("argv", [[], ["run"], ["run", "plan", "--samples", "-1"], ["run", "plan", "--seed", "x"],
                                  ["levers", "--lang", "fr"], ["frobnicate"]])
def test_bad_command_line_exits_2_with_usage(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and "usage: gzsim" in err


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "run" in out and "levers" in out and "validate" in out


# ------------------------------------------------------------------ levers / validate

def test_levers_lists_id_unit_default_min_max_label(capsys):
    code, out, _ = run(capsys, "levers", "--model", str(FIXTURE_CATALOGUE))
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["id", "unit", "default", "min", "max", "label"]
    assert lines[1].split()[:5] == ["st_budget_growth", "1/year", "0.096", "0", "0.3"]
    assert lines[1].endswith("Municipal S&T budget growth") and len(lines) == 5


def test_levers_in_chinese(capsys):
    code, out, _ = run(capsys, "levers", "--model", str(FIXTURE_CATALOGUE), "--lang", "zh")
    assert code == 0 and "市级财政科技支出增速" in out and "Municipal" not in out


def test_validate_prints_ok_per_file(capsys):
    code, out, _ = run(capsys, "validate", *FIX, "baseline", "plan", "push")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == ["OK"] * 3
    assert out.splitlines()[1].endswith("plan.toml")


def test_validate_reports_bad_files_and_still_checks_the_others(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "nowhere"\n', encoding="utf-8")
    code, out, err = run(capsys, "validate", *FIX, str(bad), "plan")
    assert code == 2 and out.startswith("OK ") and "plan.toml" in out
    assert "bad.toml: extends 'nowhere'" in err


# ------------------------------------------------------------------ subprocess

def gzsim(*argv, cwd=None):
    return subprocess.run([sys.executable, "-m", "gzsim", *argv], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_subprocess_run_writes_parquet_and_exits_0(tmp_path):
    out_file = tmp_path / "r.parquet"
    proc = gzsim("run", *FIX, "baseline", "push", "--samples", "2", "--seed", "3", "--out", str(out_file))
    assert proc.returncode == 0, proc.stderr
    df = pd.read_parquet(out_file)
    assert len(df) == 2 * 3 * 48 and df.attrs["seed"] == 3


def test_subprocess_bad_input_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "push.toml"
    bad.write_text("[levers]\nst_budget_growth = true\n", encoding="utf-8")
    proc = gzsim("run", *FIX, "push.toml", "--out", str(tmp_path / "r.csv"), cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == "push.toml: lever 'st_budget_growth' must be a number, got boolean true"
    assert sorted(os.listdir(tmp_path)) == ["push.toml"]


def test_subprocess_levers_prints_chinese_labels():
    proc = gzsim("levers", "--model", str(FIXTURE_CATALOGUE), "--lang", "zh")
    assert proc.returncode == 0 and "研发后补助比例" in proc.stdout


def test_console_script_is_declared():
    [ep] = [e for e in entry_points(group="console_scripts") if e.name == "gzsim"]
    assert ep.value == "gzsim.cli:main"


# ------------------------------------------------------------------ the README's friction (issue 13)

def test_validate_a_file_in_the_current_folder_extending_a_bundled_scenario(capsys, tmp_path, monkeypatch):
    # The README: `gzsim validate baseline plan my_case.toml`, my_case.toml saved where you are.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_case.toml").write_text('extends = "plan"\nname = "my_case"\n[levers]\ntalent_subsidy = 2.0\n',
                                           encoding="utf-8")
    code, out, err = run(capsys, "validate", "baseline", "plan", "my_case.toml")
    assert code == 0, err
    assert [line.split()[0] for line in out.splitlines()] == ["OK"] * 3


def test_the_python_api_takes_a_bare_name_like_the_command_line():
    import gzsim

    assert gzsim.load_scenario("plan").name == "plan"
    assert gzsim.load_model().load_scenario("baseline").name == "baseline"
    from gzsim.errors import UsageError

    with pytest.raises(UsageError, match="did you mean 'plan'"):
        gzsim.load_scenario("plann")


def test_levers_in_chinese_has_chinese_headers_and_units(capsys):
    code, out, _ = run(capsys, "levers", "--model", str(FIXTURE_CATALOGUE), "--lang", "zh")
    header = out.splitlines()[0].split()
    assert header == ["标识", "单位", "默认值", "最小值", "最大值", "名称"]
    assert "1/年" in out and "1/year" not in out


def test_bundled_levers_in_chinese_name_level_multiples_in_chinese(capsys):
    # "× 2020 level" reads "2020年水平的" before a number; alone, as a unit, it is a multiple.
    code, out, _ = run(capsys, "levers", "--lang", "zh")
    assert code == 0 and "2020年水平的倍数" in out and "2016-2020年水平的倍数" in out
    assert "level" not in out and "×" not in out


def test_levers_uncertain_lists_every_uncertain_parameter_with_its_source(capsys):
    code, out, _err = run(capsys, "levers", "--uncertain")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:6] == ["id", "unit", "distribution", "min", "max", "source"]
    ids = {line.split()[0] for line in lines[1:]}
    assert {"campaign_persistence", "campaign_delivery", "certification_standards",
            "fiscal_capacity", "firm_size_elasticity"} <= ids
    assert any("assumption" in line for line in lines if line.startswith("campaign_delivery"))
