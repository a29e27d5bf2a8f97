"""The checks file format: validation (one typed error naming file, item and fix), expansion
into cases, the stocks found in the model, and ``gzsim check``'s exit codes 0 / 1 / 2."""

from __future__ import annotations

import re

import pytest

import gzsim
from gzsim.checks import default_checks_path, expand, load_checks, stock_variables
from gzsim.cli import main
from gzsim.engine import compile_model
from gzsim.errors import ChecksError, display_path


@pytest.fixture(scope="module")
def model():
    return gzsim.load_model()


@pytest.fixture(scope="module")
def ranges(model):
    """The bundled file's data path (made absolute) and [[range]] tables."""
    bundled = default_checks_path(model)
    head = bundled.read_text(encoding="utf-8").split("\n[[check]]", 1)[0]
    data = (bundled.parent / "../calibration/observations.csv").resolve().as_posix()
    return re.sub(r'^data = ".*?"', f'data = "{data}"', head, flags=re.M)


@pytest.fixture
def checks_file(tmp_path, ranges):
    def write(text: str, *, with_ranges: bool = True, top: str = ""):
        path = tmp_path / "checks.toml"
        path.write_text(top + (ranges if with_ranges else "") + text, encoding="utf-8")
        return path

    return write


GOOD = '''
[[check]]
id = "gdp_flat"
description = "zero growth keeps GDP flat"
condition = { levers = { gdp_growth = 0 } }
[[check.expect]]
variable = "gdp"
expect = "equals"
value = 1
relative_to = 2020
years = [2020, 2030]
'''


def _problems(path, model) -> list[str]:
    with pytest.raises(ChecksError) as info:
        load_checks(path, model)
    assert all(p.path == path for p in info.value.problems)  # every line names the file
    assert all(line.startswith(f"{display_path(path)}: ") for line in str(info.value).splitlines())
    return [p.message for p in info.value.problems]


def test_a_good_file_loads_with_its_ranges_and_checks(checks_file, model):
    checks = load_checks(checks_file(GOOD), model)
    assert [c.id for c in checks.checks] == ["gdp_flat"]
    assert checks.ranges["tech_contract_turnover"].max.value == 28252
    assert "data row China tech_contract_turnover 2020" in checks.ranges["tech_contract_turnover"].max.basis


def test_every_problem_in_a_file_is_reported_at_once_naming_the_item_and_the_fix(checks_file, model):
    bad = '''
[[check]]
id = "many_mistakes"
descripton = "typo in a key"
[check.condition]
levers = { rd_subsidy = 0.1, talent_subsidy = 50, award_new_htf = "mid" }
variables = { "knowledge stok" = 0, "talent subsidy" = 1 }
from = 2040
[[check.expect]]
variable = "knowledge_stock_x"
expect = "non_increasng"
[[check.expect]]
variable = "gdp"
expect = "at_most"
years = [2025, 2020]
[[check.expect]]
variable = "gdp"
expect = "non_decreasing_in_lever"
'''
    messages = _problems(checks_file(bad), model)
    expected = [
        "check 'many_mistakes': unknown key 'descripton'; did you mean 'description'?",
        "check 'many_mistakes': missing required key 'description'",
        "lever 'rd_subsidy' is unknown; did you mean 'rd_post_subsidy'?",
        "lever 'talent_subsidy': 50 is outside the lever's range [0, 10]",
        "setting 'mid' is unknown; did you mean 'min'?",
        "variable 'knowledge stok' is not in ganzhou_sti.mdl; did you mean 'knowledge stock'?",
        "'talent subsidy' is the lever 'talent_subsidy'; set it under 'levers'",
        "'from' 2040 is outside the run (2015 to 2030)",
        "'knowledge_stock_x' is neither an indicator id nor a variable of ganzhou_sti.mdl; "
        "did you mean 'knowledge stock'?",
        "expect string 'non_increasng' is unknown; did you mean 'non_increasing'?",
        "'at_most' needs a 'value'",
        "years [2025, 2020] run backwards",
        "'non_decreasing_in_lever' compares the runs of a lever sweep",
    ]
    for text in expected:
        assert any(text in m for m in messages), (text, messages)
    assert all(m.startswith("check 'many_mistakes'") for m in messages)


def test_ranges_must_cover_every_indicator_and_cite_existing_unambiguous_rows(checks_file, model):
    text = '''data = "%s"
[[range]]
indicator = "gdp"
min = 0
max = { times = 5, row = "Ganzhou gdp 2020" }
reason = "ambiguous row: level and bulletin vintages"
[[range]]
indicator = "rd_intensty"
min = 0
max = { times = 5, row = "Atlantis rd_intensity 2020" }
reason = "unknown indicator and row"
[[range]]
indicator = "st_smes"
min = 10
max = 5
reason = ""
''' % (default_checks_path(model).parent / "../calibration/observations.csv").resolve().as_posix()
    messages = _problems(checks_file(text + GOOD, with_ranges=False), model)
    for fragment in ("row 'Ganzhou gdp 2020' is ambiguous (kinds level, level_bulletin); add the kind",
                     "indicator string 'rd_intensty' is unknown; did you mean 'rd_intensity'?",
                     "row 'Atlantis rd_intensity 2020' is not in observations.csv",
                     "range 'st_smes': min 10 > max 5",
                     "range 'st_smes': 'reason' must say why",
                     "have no [[range]]"):
        assert any(fragment in m for m in messages), (fragment, messages)
    assert any("rd_personnel" in m and "have no [[range]]" in m for m in messages)


@pytest.mark.parametrize("text, fragment", [
    ("", "the checks file is empty"),
    ("[[check]\nid = 'x'", "invalid TOML"),
    ("TOP chek = 1\n", "unknown key 'chek'; did you mean 'check'?"),
    (GOOD + GOOD, "check 'gdp_flat': the id is used twice"),
    (GOOD + '\n[[check]]\nid = "s"\ndescription = "d"\n'
     'sweep = { each = ["max"], lever = "gdp_growth" }\n'
     '[[check.expect]]\ngroup = "stocks"\nexpect = "finite_nonnegative"\n',
     "a sweep needs exactly one of 'each', 'all' or 'lever'"),
    (GOOD + '\n[[check]]\nid = "s"\ndescription = "d"\nsweep = { lever = "gdp_growth", steps = 1e9 }\n'
     '[[check.expect]]\nvariable = "gdp"\nexpect = "non_decreasing_in_lever"\n',
     "a lever sweep needs 'steps', a whole number from 2 to 1000"),
    (GOOD + '\n[[check]]\nid = "g"\ndescription = "d"\n[[check.expect]]\ngroup = "stock"\n'
     'expect = "finite_nonnegative"\n', "group string 'stock' is unknown; did you mean 'stocks'?"),
    (GOOD + '\n[[check]]\nid = "r"\ndescription = "d"\n[[check.expect]]\nvariable = "GDP change"\n'
     'expect = "within_plausible_range"\n', "'within_plausible_range' applies to indicators only"),
    (GOOD + '\n[[check]]\nid = "v"\ndescription = "d"\n[[check.expect]]\nvariable = "gdp"\n'
     'expect = "equals"\nvalue = nan\n', "'value' must be a finite number, got nan"),
    (GOOD + '\n[[check]]\nid = "b"\ndescription = "d"\ncondition = { levers = { gdp_growth = true } }\n'
     '[[check.expect]]\nvariable = "gdp"\nexpect = "finite_nonnegative"\n',
     "lever 'gdp_growth' must be a number, got boolean true"),
], ids=["empty", "malformed_toml", "unknown_top_key", "duplicate_id", "two_sweep_modes", "absurd_steps",
        "unknown_group", "range_of_a_non_indicator", "nan_value", "boolean_lever_value"])
def test_bad_checks_files_raise_checks_error_naming_the_problem(checks_file, model, text, fragment):
    with_ranges = text not in ("", "[[check]\nid = 'x'")
    if text.startswith("TOP "):  # a top-level key must come before the first table
        path = checks_file(GOOD, top=text[4:])
    else:
        path = checks_file(text, with_ranges=with_ranges)
    messages = _problems(path, model)
    assert any(fragment in m for m in messages), (fragment, messages)


def test_sweeps_expand_into_readable_deduplicated_cases_with_explicit_levers_winning(checks_file, model):
    text = '''
[[check]]
id = "each"
description = "each lever alone"
sweep = { each = ["min", "default", "max"] }
[[check.expect]]
group = "stocks"
expect = "finite_nonnegative"

[[check]]
id = "no_subsidy"
description = "all at max but the talent subsidy"
condition = { levers = { talent_subsidy = 0 } }
sweep = { all = ["max", { policy = "max", scenario_input = "min" }] }
[[check.expect]]
variable = "subsidy driven hiring"
expect = "equals"
value = 0
'''
    checks = load_checks(checks_file(text), model)
    cases, units = expand(checks, model.catalogue)
    ids = [c.id for c in cases]
    n_levers = len(model.catalogue.levers)
    at_min_default = sum(lv.min == lv.default for lv in model.catalogue.levers)
    # every lever at max and at min, less the mins equal to the default, plus the all-default run once
    assert len([i for i in ids if i.startswith("each[")]) == 2 * n_levers - at_min_default + 1
    assert "each[all=default]" in ids and "each[rd_post_subsidy=max]" in ids
    assert "each[rd_post_subsidy=min]" not in ids  # min == default: the same run
    by_id = {c.id: c for c in cases}
    case = by_id["no_subsidy[all=max]"]
    assert case.levers["talent_subsidy"] == 0 and case.levers["talent_flats"] == 150000
    assert case.settings == "every lever at max; talent_subsidy = 0"
    mixed = by_id["no_subsidy[all=policy=max,scenario_input=min]"]
    assert mixed.levers["gdp_growth"] == 0 and mixed.levers["st_budget_growth"] == 0.3
    assert [u.id for u in units] == ids


def test_stocks_are_found_in_the_model_file_not_listed_by_hand(model):
    stocks = stock_variables(model.catalogue.model_file)
    compiled = compile_model(model.catalogue.model_file)
    assert set(compiled.stocks) <= set(stocks)                # every INTEG
    assert {"knowledge creation shorter pipeline", "year 1 entries one stage earlier",  # DELAY FIXED
            "other enterprise RD", "perceived attractiveness"} <= set(stocks)  # SMOOTH
    assert "applications in round" not in stocks              # SAMPLE IF TRUE holds a copy
    assert "high tech firms" not in stocks                    # a sum of stocks, not one


# ----------------------------------------------------------------- gzsim check

FAILING = '''
[[check]]
id = "gdp_falls"
description = "deliberately wrong"
[[check.expect]]
variable = "gdp"
expect = "non_increasing"
'''


def test_gzsim_check_exits_0_when_all_pass_and_1_when_any_fails(checks_file, capsys):
    assert main(["check", "--checks", str(checks_file(GOOD))]) == 0
    out, err = capsys.readouterr()
    assert re.search(r"^PASS\s+gdp_flat\s+1 run$", out, re.M)
    assert "1 checks, 1 runs" in err and "1 pass, 0 known failure(s), 0 fail" in err

    assert main(["check", "--checks", str(checks_file(GOOD + FAILING)), "--calibration", "none"]) == 1
    out, err = capsys.readouterr()
    assert re.search(r"^FAIL\s+gdp_falls\s+1 run; 1 of 1 failing$", out, re.M)
    assert re.search(r"'GDP' at 2015\.25 = [\d.]+, expected non-increasing", out)
    assert "hand-set values" in err


def test_gzsim_check_a_known_failure_passes_but_a_stale_marker_fails(checks_file, capsys):
    known = FAILING.replace('description = "deliberately wrong"',
                            'description = "deliberately wrong"\nknown_failure = "GDP grows"')
    assert main(["check", "--checks", str(checks_file(known))]) == 0
    assert re.search(r"^XFAIL\s+gdp_falls", capsys.readouterr().out, re.M)
    stale = GOOD.replace('description = "zero growth keeps GDP flat"',
                         'description = "zero growth keeps GDP flat"\nknown_failure = "was broken"')
    assert main(["check", "--checks", str(checks_file(stale))]) == 1
    assert "marked known_failure but passes: remove the marker" in capsys.readouterr().out


def test_gzsim_check_exits_2_without_traceback_for_a_bad_or_missing_file(checks_file, tmp_path, capsys):
    bad = checks_file(GOOD.replace('"gdp"', '"gpd"'))
    assert main(["check", "--checks", str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert "checks.toml: check 'gdp_flat' expect #1: 'gpd' is neither an indicator id nor a variable" in err
    assert "did you mean 'gdp'?" in err
    assert main(["check", "--checks", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml: checks file not found" in capsys.readouterr().err
