"""Bad input through the real commands: a clear message, exit status 2, no traceback, no output.

One row per case of the bad-input matrix (issue 8): the files to write (small snippets, or the
bundled scenario, data, settings and calibration and the fixture model with one thing broken),
the command line a user would type, and the fragments the message must hold: the file or option,
the item, and the fix.  For every case: exit status 2, each fragment on stderr, "Traceback"
nowhere, nothing on stdout, and no file or folder created or left behind (results, temporary
files, half-written brief or calibration folders) - the whole working folder is compared before
and after.  Cases run in-process through ``gzsim.cli.main``; a few representative ones also
through ``python -m gzsim`` in a subprocess, to show what the console shows.

Commands that load the model run with ``--calibration none`` unless the case gives its own
``--calibration``: a bad input must be refused whatever calibration is in use, and the bundled
calibration (and its staleness check, see the calibration cases here) has tests of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pytest

import gzsim
from gzsim.cli import main
from gzsim.errors import UsageError

from ..calibration.conftest import TINY

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
CALIBRATION = REPO / "calibration" / "ganzhou"

OBSERVATIONS = (REPO / "calibration" / "observations.csv").read_text(encoding="utf-8")
SETTINGS = (REPO / "calibration" / "settings.toml").read_text(encoding="utf-8")
BASELINE = (REPO / "scenarios" / "baseline.toml").read_text(encoding="utf-8")
MINI = (FIXTURES / "model" / "mini.mdl").read_text(encoding="utf-8")
MINI_CATALOGUE = (FIXTURES / "model" / "levers.toml").read_text(encoding="utf-8")
MINI_BASELINE = str(FIXTURES / "scenarios" / "baseline.toml")
#: The equation of 'knowledge effect' in the fixture model, replaced to break the model.
EQUATION = "0.02*knowledge stock/(knowledge stock+200)"


@dataclass(frozen=True)
class Case:
    """One bad input: files to write, the command line, and what the message must say.

    ``{locked}`` in *argv* stands for a folder where no file can be created.
    """

    id: str
    argv: tuple[str, ...]
    expect: tuple[str, ...]
    files: Mapping[str, str | bytes] = field(default_factory=dict)


def levers(body: str, extra: str = "") -> dict[str, str]:
    """A scenario file ``bad.toml`` on the bundled catalogue with this ``[levers]`` body."""
    return {"bad.toml": f"{extra}[levers]\n{body}\n"}


def mini(equation: str | None = None, *, mdl: str | None = None, catalogue: str = MINI_CATALOGUE) -> dict:
    """A copy of the fixture model in ``m/``, with 'knowledge effect' set to *equation*."""
    text = mdl if mdl is not None else MINI.replace(EQUATION, equation) if equation else MINI
    return {"m/mini.mdl": text, "m/levers.toml": catalogue}


def data(*, header: str | None = None, replace: tuple[str, str] | None = None,
         append: str | None = None) -> str:
    """The bundled observations CSV with one thing changed."""
    lines = OBSERVATIONS.rstrip("\n").split("\n")
    if header is not None:
        lines[0] = header
    if replace is not None:
        lines = [line.replace(*replace, 1) if line.startswith("Ganzhou,rd_intensity,2015,") else line
                 for line in lines]
    if append is not None:
        lines.append(append)
    return "\n".join(lines) + "\n"


#: The 2015 R&D intensity row again with another value.
CONFLICT = "Ganzhou,rd_intensity,2015,0.99,% of GDP,level,a second source,"
N_ROWS = len(OBSERVATIONS.rstrip("\n").split("\n"))


def settings_with(obs: str) -> dict[str, str]:
    """The bundled calibration settings (small budget) on the data text *obs*, in ``cal/``."""
    out, budget = [], False
    for line in SETTINGS.splitlines():
        if line.startswith("["):  # the settings' own budget tables give way to the small one
            budget = line.strip() in ("[optimiser]", "[profile]", "[mcmc]")
        if budget:
            continue
        if line.startswith("observations ="):
            line = 'observations = "obs.csv"'
        elif line.startswith("model ="):
            line = f'model = "{(REPO / "model" / "levers.toml").as_posix()}"'
        elif line.startswith("targets ="):
            line = f'targets = "{(REPO / "scenarios" / "targets" / "plan_2025.toml").as_posix()}"'
        out.append(line)
    # The small budget keeps a regression (a check that no longer fires) to seconds, not minutes.
    return {"cal/settings.toml": "\n".join(out) + "\n" + TINY, "cal/obs.csv": obs}


CALIBRATE = ("calibrate", "--settings", "cal/settings.toml", "--out", "calout", "--seed", "1")


def calibration_copy(*, provenance: Mapping[str, str] = {}, settings: str | None = None) -> dict:
    """The bundled calibration in ``cal/`` (files by absolute path), with recorded hashes or the
    settings file changed."""
    meta = json.loads((CALIBRATION / "calibration.json").read_text(encoding="utf-8"))
    meta["files"] = {k: str((CALIBRATION / v).resolve()) for k, v in meta["files"].items()}
    meta["provenance"].update(provenance)
    files: dict = {"cal/posterior.parquet": (CALIBRATION / "posterior.parquet").read_bytes()}
    if settings is not None:
        meta["files"]["settings"] = "settings.toml"
        files["cal/settings.toml"] = settings
    files["cal/calibration.json"] = json.dumps(meta)
    return files


T = '[[target]]\nid = "rd_intensity"\nyear = 2025\nthreshold = 2.6\ndirection = "at_least"\n'
R = ("run", "bad.toml", "--out", "res.csv")
BRIEF = ("brief", "baseline", "--out", "brief", "--samples", "2", "--seed", "1", "--lang", "en",
         "--size", "print")

CASES = [
    # ---------------------------------------------------------------- scenario files
    Case("empty_file", ("validate", "bad.toml"), ("bad.toml", "is empty", "docs/formats.md"),
         {"bad.toml": ""}),
    Case("malformed_toml", R, ("bad.toml", "invalid TOML", "line 2", "fix the syntax"),
         {"bad.toml": 'name = "x"\n[levers\nst_budget_growth = 0.1\n'}),
    Case("truncated_toml", ("validate", "bad.toml"), ("bad.toml", "invalid TOML"),
         {"bad.toml": 'name = "x"\n[levers]\nst_budget_growth = { ramp = { start_year = 20'}),
    Case("not_utf8", ("validate", "bad.toml"), ("bad.toml", "not valid UTF-8", "save the file as UTF-8"),
         {"bad.toml": 'title_zh = "赣州"\n'.encode("gbk")}),
    Case("unknown_lever", R, ("bad.toml", "lever 'rd_post_subsidi' is unknown",
                              "did you mean 'rd_post_subsidy'"), levers("rd_post_subsidi = 0.01")),
    Case("unknown_top_level_key", ("validate", "bad.toml"), ("bad.toml", "unknown key 'lever'",
                                                             "did you mean 'levers'"),
         {"bad.toml": "[lever]\nst_budget_growth = 0.1\n"}),
    Case("value_out_of_range", ("reach", "bad.toml", "--samples", "10", "--seed", "1"),
         ("bad.toml", "lever 'st_budget_growth' = 5 is outside the lever's range [0, 0.3]",
          "use a value in that range"), levers("st_budget_growth = 5.0")),
    Case("value_nan", R, ("bad.toml", "lever 'st_budget_growth' must be a finite number, got nan"),
         levers("st_budget_growth = nan")),
    Case("value_inf", R, ("bad.toml", "lever 'st_budget_growth' must be a finite number, got inf"),
         levers("st_budget_growth = inf")),
    Case("value_minus_inf_in_path", R, ("bad.toml", "lever 'rd_post_subsidy' step 'after'",
                                        "must be a finite number, got -inf"),
         levers("rd_post_subsidy = { step = { year = 2022, before = 0.0, after = -inf } }")),
    Case("value_huge_integer", R, ("bad.toml", "lever 'talent_flats' must be a finite number",
                                   "integer beyond 1e308"), levers("talent_flats = 1" + "0" * 400)),
    Case("value_string", R, ("bad.toml", "lever 'st_budget_growth' must be a number, got string '0.12'"),
         levers('st_budget_growth = "0.12"')),
    Case("value_bool", R, ("bad.toml", "lever 'st_budget_growth' must be a number, got boolean true"),
         levers("st_budget_growth = true")),
    Case("value_array", R, ("bad.toml", "lever 'st_budget_growth' must be a number, got an array"),
         levers("st_budget_growth = [0.1, 0.2]")),
    Case("value_table", R, ("bad.toml", "lever 'st_budget_growth'", "a time path must be exactly one of",
                            "{ step = {...} }"), levers("st_budget_growth = { value = 0.1 }")),
    Case("value_date", R, ("bad.toml", "lever 'st_budget_growth' must be a number, got the date 2021-01-01"),
         levers("st_budget_growth = 2021-01-01")),
    Case("extends_missing_parent", ("validate", "child.toml"),
         ("child.toml", "extends 'basline', but basline.toml does not exist", "did you mean 'baseline'",
          "chain: child.toml -> basline.toml", "give the name of a scenario"),
         {"baseline.toml": BASELINE, "child.toml": 'extends = "basline"\n'}),
    Case("extends_self_cycle", ("run", "loop.toml"), ("loop.toml", "'extends' forms a cycle",
                                                      "loop.toml -> loop.toml", "remove 'extends'"),
         {"loop.toml": 'extends = "loop"\n'}),
    Case("extends_two_cycle", ("run", "a.toml"), ("'extends' forms a cycle", "a.toml -> b.toml -> a.toml",
                                                  "remove 'extends' from one of these files"),
         {"a.toml": 'extends = "b"\n', "b.toml": 'extends = "a"\n'}),
    Case("extends_bad_parent_named", ("validate", "child.toml"),
         ("parent.toml: lever 'st_budget_growth' = 9 is outside the lever's range",),
         {"parent.toml": "[levers]\nst_budget_growth = 9\n", "child.toml": 'extends = "parent"\n'}),
    Case("series_years_backwards", R, ("bad.toml", "lever 'talent_flats' series",
                                       "years must be strictly increasing, but 2023 follows 2025",
                                       "in increasing order"),
         levers("talent_flats = { series = { 2025 = 100000, 2023 = 50000 } }")),
    Case("ramp_end_before_start", R, ("bad.toml", "lever 'new_institute_rd' ramp",
                                      "end_year 2022 must be after start_year 2025",
                                      "put the earlier year in start_year"),
         levers("new_institute_rd = { ramp = { start_year = 2025, end_year = 2022, start = 0.0, end = 5.1 } }")),
    Case("step_after_the_run", R, ("bad.toml", "lever 'rd_post_subsidy' step",
                                   "year 3000 is outside the simulated period 2015-2030",
                                   "the step never happens", "use a year within the period"),
         levers("rd_post_subsidy = { step = { year = 3000, before = 0.0, after = 0.05 } }")),
    Case("step_before_the_run", ("validate", "bad.toml"),
         ("bad.toml", "year 1900 is outside the simulated period 2015-2030", "'before' is never used"),
         levers("rd_post_subsidy = { step = { year = 1900, before = 0.0, after = 0.05 } }")),
    Case("ramp_after_the_run", ("validate", "bad.toml"),
         ("bad.toml", "lever 'new_institute_rd' ramp: years 2040-2050 lie outside the simulated period",
          "the ramp never moves during the run"),
         levers("new_institute_rd = { ramp = { start_year = 2040, end_year = 2050, start = 0.0, end = 5.1 } }")),
    Case("series_year_not_integer", R, ("bad.toml", "key '2023.5' is not an integer year",
                                        "write e.g. 2025 = 1.0"),
         levers('talent_flats = { series = { 2022 = 0, "2023.5" = 5 } }')),
    Case("uncertainty_beyond_range", ("validate", "bad.toml"),
         ("bad.toml", "[uncertainty] lever 'gdp_growth'", "outside the lever's range [0, 0.15]",
          "set min and max within the lever's range"),
         {"bad.toml": '[uncertainty]\ngdp_growth = { distribution = "uniform", min = 0.0, max = 0.5 }\n'}),
    Case("uncertainty_unknown_distribution", ("validate", "bad.toml"),
         ("bad.toml", "distribution 'unifrom' is unknown", "did you mean 'uniform'"),
         {"bad.toml": '[uncertainty]\ngdp_growth = { distribution = "unifrom", min = 0.0, max = 0.1 }\n'}),
    Case("uncertainty_extreme", ("validate", "bad.toml"),
         ("bad.toml", "too extreme to draw finite values", "use a smaller sd"),
         {"bad.toml": '[uncertainty]\ngdp_growth = { distribution = "lognormal", mean = 1e-300, '
                      'sd = 1e300, min = 0.0, max = 0.1 }\n'}),
    Case("unknown_scenario_name", ("run", "basline", "--out", "res.csv"),
         ("scenario 'basline' not found", "did you mean 'baseline'", "give a scenario name")),
    Case("missing_scenario_file", ("run", "nothere.toml"), ("scenario file 'nothere.toml' not found",
                                                            "check the path")),
    Case("duplicate_scenario_names", ("run", "baseline", "baseline", "--out", "res.csv"),
         ("scenario name(s) baseline given more than once", "give each scenario a distinct 'name'")),
    Case("missing_scenarios_dir", ("run", "baseline", "--scenarios-dir", "nowhere"),
         ("scenario 'baseline' cannot be looked up", "the scenarios folder 'nowhere' does not exist",
          "check --scenarios-dir")),
    # ---------------------------------------------------------------- targets
    Case("targets_unknown_id_in_file", ("validate", "bad.toml"),
         ("t.toml", "'rd_intensty' is not an indicator of the catalogue", "did you mean 'rd_intensity'"),
         {"bad.toml": 'targets = "t.toml"\n', "t.toml": T.replace("rd_intensity", "rd_intensty")}),
    Case("targets_file_missing", ("reach", "baseline", "--samples", "10", "--seed", "1",
                                  "--targets", "nothere.toml"),
         ("nothere.toml", "targets file not found", "check the path")),
    Case("targets_file_malformed", ("reach", "baseline", "--samples", "10", "--seed", "1",
                                    "--targets", "t.toml", "--out", "res.csv"),
         ("t.toml", "invalid TOML", "fix the syntax"), {"t.toml": "[[target]\n"}),
    Case("targets_threshold_nan", ("reach", "baseline", "--samples", "10", "--seed", "1", "--targets", "t.toml"),
         ("t.toml", "target 'rd_intensity': 'threshold' must be a finite number, got nan"),
         {"t.toml": T.replace("2.6", "nan")}),
    Case("unknown_target_id_option", ("attribute", "plan", "--target", "rd_intensty", "--out", "res.csv"),
         ("target 'rd_intensty' is not in plan_2025", "did you mean 'rd_intensity'")),
    Case("target_option_on_reach", ("reach", "baseline", "--target", "rd_intensity"),
         ("unrecognized arguments: --target rd_intensity", "usage: gzsim")),
    Case("target_year_outside_run", ("reach", "baseline", "--samples", "10", "--seed", "1", "--year", "2099"),
         ("year 2099", "outside the model's years 2015-2030")),
    # ---------------------------------------------------------------- counts, seeds, options
    Case("samples_negative", ("run", "baseline", "--samples", "-1"), ("--samples", "must be >= 0, got -1")),
    Case("samples_not_a_number", ("run", "baseline", "--samples", "many"),
         ("--samples", "'many' is not a whole number")),
    Case("samples_absurd_run", ("run", "baseline", "--samples", str(10**12), "--seed", "1", "--out", "res.csv"),
         ("--samples 1,000,000,000,000 is above the limit of 20,000", "in memory", "use at most 20,000")),
    Case("samples_absurd_reach", ("reach", "baseline", "--samples", str(10**12), "--seed", "1"),
         ("--samples 1,000,000,000,000 is above the limit of 500,000", "in memory", "use at most 500,000")),
    Case("samples_zero_reach", ("reach", "baseline", "--samples", "0", "--seed", "1"),
         ("--samples must be a whole number >= 1, got 0",)),
    Case("samples_absurd_sobol", ("sensitivity", "baseline", "--samples", str(2**15), "--seed", "1"),
         ("--samples 32,768 means", "runs", "above the limit of 500,000", "use --samples")),
    Case("draws_absurd_goalseek", ("goalseek", "baseline", "--probability", "0.8", "--draws", str(10**9),
                                   "--seed", "1"), ("--draws 1,000,000,000 is above the limit of 500,000",)),
    Case("samples_absurd_brief", (*BRIEF[:4], "--samples", str(10**6), "--seed", "1"),
         ("--samples 1,000,000 is above the limit of 20,000",)),
    Case("samples_too_few_discover", ("discover", "baseline", "--samples", "5", "--seed", "1"),
         ("--samples must be a whole number >= 10, got 5",)),
    Case("seed_negative", ("run", "baseline", "--samples", "2", "--seed", "-3"),
         ("--seed", "must be >= 0, got -3")),
    Case("seed_not_whole", ("run", "baseline", "--samples", "2", "--seed", "1.5"),
         ("--seed", "'1.5' is not a whole number")),
    Case("seed_negative_analysis", ("reach", "baseline", "--samples", "10", "--seed", "-1"),
         ("seed must be a whole number >= 0, got -1",)),
    Case("probability_out_of_range", ("goalseek", "baseline", "--probability", "1.5", "--seed", "1"),
         ("--probability", "probability must be within (0, 1], got 1.5", "give e.g. 0.8")),
    Case("probability_nan", ("goalseek", "baseline", "--probability", "nan", "--seed", "1"),
         ("--probability", "probability must be within (0, 1], got nan")),
    Case("chunk_size_zero", ("reach", "baseline", "--samples", "10", "--seed", "1", "--chunk-size", "0"),
         ("--chunk-size", "must be >= 1, got 0")),
    Case("unknown_lever_option_sensitivity", ("sensitivity", "baseline", "--samples", "8", "--seed", "1",
                                              "--levers", "rd_post_subsidi"),
         ("lever 'rd_post_subsidi' is unknown", "did you mean 'rd_post_subsidy'")),
    Case("unknown_lever_option_goalseek", ("goalseek", "baseline", "--probability", "0.8", "--seed", "1",
                                           "--levers", "talent_flat"),
         ("lever 'talent_flat' is unknown", "did you mean 'talent_flats'")),
    Case("unknown_engine", ("run", "baseline", "--engine", "fsat", "--out", "res.csv"),
         ("engine 'fsat' is unknown", "did you mean 'fast'", "available: fast, pysd")),
    Case("unknown_language", ("levers", "--lang", "fr"), ("--lang", "invalid choice: 'fr'")),
    Case("unknown_command", ("simulate", "baseline"), ("invalid choice: 'simulate'",)),
    # ---------------------------------------------------------------- output locations
    Case("out_missing_folder", ("run", "baseline", "--out", "missing/res.csv"),
         ("missing/res.csv", "output folder 'missing' does not exist", "create it first")),
    Case("out_not_writable", ("run", "baseline", "--out", "{locked}/res.csv"),
         ("is not writable", "choose another folder")),
    Case("out_unknown_extension", ("run", "baseline", "--out", "res.txt"),
         ("res.txt", "unknown output format '.txt'", ".csv, .parquet, .xlsx")),
    Case("out_under_a_file", ("run", "baseline", "--out", "afile/res.csv"), ("'afile' is not a folder",),
         {"afile": "not a folder\n"}),
    Case("out_is_a_folder", ("reach", "baseline", "--samples", "10", "--seed", "1", "--out", "res.csv"),
         ("res.csv", "is a folder; give a file name"), {"res.csv/keep": ""}),
    Case("brief_out_missing_parent", (*BRIEF[:2], "--out", "missing/brief", *BRIEF[4:]),
         ("does not exist; create it first",)),
    Case("brief_out_not_empty", BRIEF, ("brief", "folder exists and is not empty", "choose a new folder"),
         {"brief/notes.txt": "mine\n"}),
    Case("brief_out_not_writable", (*BRIEF[:2], "--out", "{locked}/brief", *BRIEF[4:]),
         ("is not writable", "choose another folder")),
    Case("calibrate_out_not_writable", (*CALIBRATE[:3], "--out", "{locked}/cal", "--seed", "1"),
         ("is not writable", "choose another --out"), settings_with(OBSERVATIONS)),
    # ---------------------------------------------------------------- data files
    Case("calibrate_data_missing_column", CALIBRATE,
         ("obs.csv", "missing column(s) 'value'", "the header must name"),
         settings_with(data(header="region,indicator,period,amount,unit,kind,source,note"))),
    Case("calibrate_data_non_numeric", CALIBRATE,
         ("obs.csv", "line 3 (rd_intensity 2015, level): value '0.56 %' is not a finite number",
          "write a plain number"), settings_with(data(replace=(",0.56,", ",0.56 %,")))),
    Case("calibrate_data_conflicting_rows", CALIBRATE,
         ("obs.csv", "conflicting rows for rd_intensity 2015 of kind 'level'",
          f"line 3: 0.56, line {N_ROWS + 1}: 0.99", "keep one row per indicator, period and kind"),
         settings_with(data(append=CONFLICT))),
    Case("calibrate_data_empty", CALIBRATE, ("obs.csv", "the observations file is empty",
                                             "it needs the header line"), settings_with("")),
    Case("calibrate_data_header_only", CALIBRATE, ("obs.csv", "has a header but no data rows"),
         settings_with(OBSERVATIONS.split("\n")[0] + "\n")),
    Case("calibrate_data_not_utf8", CALIBRATE, ("obs.csv", "not valid UTF-8", "save the file as UTF-8"),
         {**settings_with(""), "cal/obs.csv": OBSERVATIONS.encode("gbk")}),
    Case("calibrate_settings_malformed", ("calibrate", "--settings", "s.toml"),
         ("s.toml", "invalid TOML", "fix the syntax"), {"s.toml": "region = \n"}),
    Case("calibrate_settings_missing", ("calibrate", "--settings", "nothere.toml"),
         ("nothere.toml", "settings file not found", "check the path")),
    Case("brief_data_missing_column", (*BRIEF, "--data", "obs.csv"),
         ("obs.csv", "missing column(s) 'value'"),
         {"obs.csv": data(header="region,indicator,period,amount,unit,kind,source,note")}),
    Case("brief_data_non_numeric", (*BRIEF, "--data", "obs.csv"),
         ("obs.csv", "value '0.56 %' is not a finite number", "write a plain number"),
         {"obs.csv": data(replace=(",0.56,", ",0.56 %,"))}),
    Case("brief_data_conflicting_rows", (*BRIEF, "--data", "obs.csv"),
         ("obs.csv", "conflicting rows for rd_intensity 2015", "keep one row per indicator"),
         {"obs.csv": data(append=CONFLICT)}),
    Case("brief_data_empty", (*BRIEF, "--data", "obs.csv"), ("obs.csv", "is empty"), {"obs.csv": ""}),
    Case("brief_data_missing", (*BRIEF, "--data", "nothere.csv"),
         ("nothere.csv", "data file not found", "check the --data path")),
    # ---------------------------------------------------------------- model files
    Case("model_syntax_error", ("run", MINI_BASELINE, "--model", "m/levers.toml"),
         ("m/mini.mdl", "cannot parse the equation of 'knowledge effect'", "fix that equation"),
         mini("0.02*knowledge stock/(knowledge stock+200")),
    Case("model_random_uniform", ("run", MINI_BASELINE, "--model", "m/levers.toml", "--out", "res.csv"),
         ("m/mini.mdl", "variable 'knowledge effect' uses RANDOM UNIFORM",
          "which the fast engine does not support", "engine='pysd'"), mini("RANDOM UNIFORM(0, 0.02, 1)")),
    Case("model_get_xls_data", ("validate", MINI_BASELINE, "--model", "m/levers.toml"),
         ("m/mini.mdl", "'knowledge effect' uses GET XLS", "give the values as a lookup table"),
         mini("GET XLS DATA('data.xlsx', 'sheet', 'A', 'B2')")),
    Case("model_macro", ("run", MINI_BASELINE, "--model", "m/levers.toml"),
         ("m/mini.mdl", "the macro 'double'", "write the macro's equations out in the model"),
         mini(mdl="{UTF-8}\n:MACRO: DOUBLE(x)\nDOUBLE = 2*x\n\t~\tDmnl\n\t~\t\n\t|\n\n:END OF MACRO:\n"
                  + MINI.replace("{UTF-8}", "").replace(EQUATION, "DOUBLE(0.01)"))),
    Case("model_undefined_name", ("run", MINI_BASELINE, "--model", "m/levers.toml"),
         ("m/mini.mdl", "refers to 'knowledge stok', which is not defined", "did you mean 'knowledge stock'",
          "define it or correct the name"), mini("0.02*knowledge stok/(knowledge stock+200)")),
    Case("model_empty", ("run", MINI_BASELINE, "--model", "m/levers.toml"),
         ("m/mini.mdl", "the model file is empty"), mini(mdl="")),
    Case("model_file_missing", ("run", MINI_BASELINE, "--model", "m/levers.toml"),
         ("m/levers.toml", "model file 'gone.mdl' not found"),
         mini(catalogue=MINI_CATALOGUE.replace('file = "mini.mdl"', 'file = "gone.mdl"'))),
    Case("catalogue_missing", ("run", "baseline", "--model", "nowhere/levers.toml"),
         ("nowhere/levers.toml", "catalogue file not found", "check the path")),
    Case("mdl_without_catalogue", ("run", "baseline", "--model", "lone.mdl"),
         ("no levers.toml next to lone.mdl", "pass the catalogue path instead"), {"lone.mdl": MINI}),
    # ---------------------------------------------------------------- calibrations
    Case("calibration_stale_model", ("run", "baseline", "--calibration", "cal", "--out", "res.csv"),
         ("cal/calibration.json", "the calibration is stale", "model file", "changed",
          "re-run `gzsim calibrate --settings"), calibration_copy(provenance={"model_sha256": "0" * 64})),
    Case("calibration_stale_settings", ("reach", "baseline", "--calibration", "cal", "--samples", "10",
                                        "--seed", "1"),
         ("the calibration is stale", "settings file cal/settings.toml changed", "re-run `gzsim calibrate"),
         calibration_copy(settings=SETTINGS + "\n# edited after the calibration\n")),
    Case("calibration_missing", ("run", "baseline", "--calibration", "nowhere"),
         ("nowhere/calibration.json", "no calibration here", "gzsim calibrate")),
    Case("calibration_malformed", ("run", "baseline", "--calibration", "cal"),
         ("cal/calibration.json", "calibration.json is malformed", "re-run gzsim calibrate"),
         {"cal/calibration.json": '{"format": 1}',
          "cal/posterior.parquet": (CALIBRATION / "posterior.parquet").read_bytes()}),
]

#: Cases also run through ``python -m gzsim``, to show the console gets the message without a
#: traceback (one per kind: a scenario file, an option limit, a model file, a data file).
SUBPROCESS = ("malformed_toml", "unknown_lever", "samples_absurd_reach", "model_syntax_error",
              "brief_data_conflicting_rows")


def test_case_ids_are_unique_and_the_subprocess_ones_exist():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert set(SUBPROCESS) <= set(ids)


@pytest.fixture
def locked(tmp_path: Path):
    """A folder no file can be created in (``/proc`` when running as root, where chmod does not stop writes)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        probe = folder / "probe"
        try:
            probe.touch()
        except OSError:
            yield "locked"
        else:
            probe.unlink()
            yield "/proc"
    finally:
        folder.chmod(0o755)


def _write(root: Path, files: Mapping[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _tree(root: Path) -> dict[str, int]:
    """Every file and folder below *root* (hidden ones too), with file sizes."""
    return {str(p.relative_to(root)): (p.stat().st_size if p.is_file() else -1) for p in root.rglob("*")}


_MODEL_COMMANDS = ("run", "validate", "reach", "sensitivity", "goalseek", "discover", "attribute", "brief")


def _argv(case: Case, locked: str) -> list[str]:
    argv = [a.replace("{locked}", locked) for a in case.argv]
    if argv[0] in _MODEL_COMMANDS and "--calibration" not in argv:
        argv += ["--calibration", "none"]
    return argv


def _check(case: Case, code: int, out: str, err: str, before: dict, after: dict) -> None:
    assert code == 2, f"{case.id}: exit status {code}\n{err}"
    assert "Traceback" not in err + out
    assert out == "", f"{case.id}: something on stdout:\n{out[:500]}"
    for fragment in case.expect:
        assert fragment in err, f"{case.id}: {fragment!r} not in the message:\n{err}"
    assert after == before, f"{case.id}: files created or changed: {set(after) ^ set(before)}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_cleanly(case, tmp_path, monkeypatch, capsys, locked):
    _write(tmp_path, case.files)
    monkeypatch.chdir(tmp_path)  # messages name files as the user typed them
    before = _tree(tmp_path)
    code = main(_argv(case, locked))
    out, err = capsys.readouterr()
    _check(case, code, out, err, before, _tree(tmp_path))


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS], ids=list(SUBPROCESS))
def test_bad_input_in_a_real_process_shows_no_traceback(case, tmp_path, locked):
    _write(tmp_path, case.files)
    before = _tree(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    done = subprocess.run([sys.executable, "-m", "gzsim", *_argv(case, locked)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    _check(case, done.returncode, done.stdout, done.stderr, before, _tree(tmp_path))


# ------------------------------------------------ the API refuses run counts beyond memory too

@pytest.fixture(scope="module")
def api_model():
    return gzsim.load_model(calibration=None)


@pytest.mark.parametrize("call", ["sobol", "morris", "attribute", "goalseek", "simulate", "draw"])
def test_api_refuses_run_counts_beyond_memory_before_allocating(api_model, call):
    from gzsim.analysis import attribute, goalseek, sensitivity

    base = api_model.load_scenario(REPO / "scenarios" / "baseline.toml")
    plan = api_model.load_scenario(REPO / "scenarios" / "plan.toml")
    calls = {
        "sobol": lambda: sensitivity(api_model, base, samples=2**16, seed=1),
        "morris": lambda: sensitivity(api_model, base, method="morris", samples=10**6, seed=1),
        "attribute": lambda: attribute(api_model, plan, baseline=base, samples=400_000, seed=1),
        "goalseek": lambda: goalseek(api_model, base, probability=0.9, draws=100_000, seed=1),  # x population
        "simulate": lambda: api_model.simulate(base, samples=10**12, seed=1),
        "draw": lambda: api_model.draw(base, 10**12, np.random.default_rng(1)),
    }
    with pytest.raises(UsageError, match=r"above the limit of [\d,]+: .*use"):
        calls[call]()
