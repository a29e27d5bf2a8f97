"""The placement lint: every bundled model keeps each level-like call as a whole right-hand side.

Vensim and SDEverywhere refuse INITIAL, DELAY FIXED, SAMPLE IF TRUE, INTEG... nested inside
larger expressions; PySD and the fast engine do not, so only this lint keeps the model file
readable by the Vensim family. ``gzsim check`` runs it first.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from gzsim.checks.placement import placement_problems
from gzsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "model").glob("*.mdl"))
ENGINE_MODELS = ROOT / "tests" / "engine" / "models"
CONTROL = "INITIAL TIME = 0 ~~|\nFINAL TIME = 4 ~~|\nTIME STEP = 1 ~~|\nSAVEPER = TIME STEP ~~|\n"


def _checks(tmp_path: Path) -> Path:
    """One simple check, with the bundled file's [[range]] tables (every indicator needs one)."""
    bundled = ROOT / "model" / "checks.toml"
    head = bundled.read_text(encoding="utf-8").split("\n[[check]]", 1)[0]
    data = (ROOT / "calibration" / "observations.csv").as_posix()
    path = tmp_path / "checks.toml"
    path.write_text(re.sub(r'^data = ".*?"', f'data = "{data}"', head, flags=re.M)
                    + '\n[[check]]\nid = "gdp_grows"\ndescription = "GDP grows"\n'
                      '[[check.expect]]\nvariable = "GDP"\nexpect = "non_decreasing"\n',
                    encoding="utf-8")
    return path


def _model(tmp_path: Path, equations: str) -> Path:
    path = tmp_path / "m.mdl"
    path.write_text("{UTF-8}\n" + equations.strip() + "\n" + CONTROL, encoding="utf-8")
    return path


def test_there_is_a_bundled_model():
    assert [p.name for p in BUNDLED] == ["ganzhou_sti.mdl"]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_model_passes(path):
    assert placement_problems(path) == []


def test_a_nested_initial_is_refused_naming_the_variable_the_call_and_the_fix(tmp_path):
    path = _model(tmp_path, """
        stock = INTEG(1, 10) ~~|
        relative = stock / INITIAL(stock) ~~|
        started = INITIAL TIME + 1 ~~|
    """)
    [problem] = placement_problems(path)
    assert problem.path == path
    assert str(problem) == (
        f"{problem.path}: variable 'relative' has INITIAL(stock) inside a larger expression, which "
        "Vensim and SDEverywhere refuse (a level-like call must be the whole right-hand side); "
        "fix: give INITIAL(stock) a variable of its own and use that variable's name in the equation")


def test_the_fix_the_message_gives_passes(tmp_path):
    assert placement_problems(_model(tmp_path, """
        stock = INTEG(1, 10) ~~|
        initial stock = INITIAL(stock) ~~|
        relative = stock / initial stock ~~|
    """)) == []


@pytest.mark.parametrize("equation, call", [
    ("y = 1 + ACTIVE INITIAL(x * 2, 3) ~~|", "ACTIVE INITIAL(x * 2, 3)"),
    ("y = MAX(0, SAMPLE IF TRUE(Time > 2, x, 0)) ~~|", "SAMPLE IF TRUE(Time > 2, x, 0)"),
    ("y = INTEG(x, INITIAL(x)) ~~|", "INITIAL(x)"),                  # inside a level's argument
    ("y = SMOOTH(INITIAL(x) * Time, 2) ~~|", "INITIAL(x)"),
    ("y = -TREND(x, 2, 0) ~~|", "TREND(x, 2, 0)"),
    ("y = delay fixed(x, 1, 0) / 2 ~~|", "delay fixed(x, 1, 0)"),     # any case
])
def test_each_kind_of_nesting_is_found(tmp_path, equation, call):
    problems = placement_problems(_model(tmp_path, "x = Time ~~|\n" + equation))
    assert [call in p.message for p in problems] == [True]


def test_top_level_calls_of_every_kind_pass(tmp_path):
    assert placement_problems(_model(tmp_path, """
        x = Time + 1 ~~|
        a = INTEG(x, 1) ~~|
        b = INITIAL(x * 2) ~~|
        c = ACTIVE INITIAL(x * 2, 1) ~~|
        d = DELAY FIXED(x, 1, 0) ~~|
        e = SAMPLE IF TRUE(Time > 1, x, 0) ~~|
        f = SMOOTH3I(x, 2, 1) ~~|
        g = DELAY N(x, 2, 0, 3) ~~|
        h = TREND(x, 2, 0) ~~|
        i = FORECAST(x, 2, 1) ~~|
        j = DELAY1(x, 1) ~~|
    """)) == []


@pytest.mark.parametrize("name, expected", [
    ("integ.mdl", ["'nested stock' has INTEG(0.5 * Time, 1)"]),
    ("delay_fixed.mdl", ["'stock' has DELAY FIXED(inflow, 1, 0)"]),         # inside an INTEG flow
    ("smooth.mdl", ["'s of expr' has SMOOTH(input * 2 - 1, smooth time)"]),
    ("delay.mdl", ["'d of expr' has DELAY1(input * 2, 3)"]),
    ("realistic.mdl", ["'deaths' has DELAY3(births, life expectancy)",
                       "'firm index' has INITIAL(high tech firms)"]),
    ("sample_if_true.mdl", []),
    ("trend_forecast.mdl", []),
])
def test_engine_construct_models_nest_exactly_where_they_mean_to(name, expected):
    # these exercise the engine's support for nesting, so they break the rule on purpose
    found = [re.sub(r"^variable (.*?) inside.*", r"\1", p.message) for p in
             placement_problems(ENGINE_MODELS / name)]
    assert found == expected


def _nest_one_initial(text: str) -> tuple[str, str]:
    """The model with its first stand-alone INITIAL variable nested in a product; its name."""
    match = re.search(r"^(\S[^\n=]*)=\n\t(INITIAL\([^\n]*\))$", text, re.M)
    assert match, "the bundled model has no INITIAL variable left to nest"
    return text[:match.start(2)] + "1 * " + text[match.start(2):], match.group(1).strip()


def test_gzsim_check_fails_a_model_breaking_the_rule(tmp_path, capsys):
    # the bundled model with one INITIAL nested, under its own name, with its catalogue
    bundled = ROOT / "model" / "ganzhou_sti.mdl"
    text, name = _nest_one_initial(bundled.read_text(encoding="utf-8"))
    (tmp_path / bundled.name).write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "model" / "levers.toml", tmp_path / "levers.toml")
    checks = _checks(tmp_path)
    assert main(["check", "--model", str(tmp_path / "levers.toml"), "--checks", str(checks),
                 "--calibration", "none"]) == 1
    out, err = capsys.readouterr()
    assert re.search(r"^FAIL\s+vensim_placement\s+1 level-like call\(s\)", out, re.M)
    assert f"variable '{name}' has INITIAL(" in out and "fix: give INITIAL(" in out
    assert re.search(r"^PASS\s+gdp_grows", out, re.M)
    assert "1 fail" in err


def test_gzsim_check_passes_the_bundled_model(tmp_path, capsys):
    checks = _checks(tmp_path)
    assert main(["check", "--checks", str(checks), "--calibration", "none"]) == 0
    assert re.search(r"^PASS\s+vensim_placement\s", capsys.readouterr().out, re.M)
