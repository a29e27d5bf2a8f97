"""Unsupported constructs, loops and bad names fail with typed, helpful errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import gzsim.errors
from gzsim.engine import (
    AlgebraicLoopError,
    EngineError,
    ModelParseError,
    UnknownParameterError,
    UnknownVariableError,
    UnsupportedFeatureError,
    compile_model,
)

MODELS = Path(__file__).parent / "models"

SUBSCRIPTED = """
Region: north, south ~~|
population[Region] = 1, 2 ~~|
total = population[north] + population[south] ~~|
"""
MACRO = """
:MACRO: DOUBLE(x)
DOUBLE = 2 * x ~~|
:END OF MACRO:
y = DOUBLE(Time) ~~|
"""


@pytest.mark.parametrize("equations, construct, variable", [
    (SUBSCRIPTED, "subscripts", None),
    (MACRO, "macro", None),
    ("noise = RANDOM UNIFORM(0, 1, 3) ~~|", "RANDOM UNIFORM", "noise"),
    ("noise = RANDOM NORMAL(0, 1, 0, 1, 0) ~~|", "RANDOM NORMAL", "noise"),
    ("gdp = GET XLS DATA('data.xlsx', 'Sheet1', 'A', 'B2') ~~|", "GET XLS/DIRECT DATA", "gdp"),
    ("k = GET XLS CONSTANTS('data.xlsx', 'Sheet1', 'B2') ~~|", "GET XLS/DIRECT CONSTANTS", "k"),
    ("tab(GET XLS LOOKUPS('data.xlsx', 'Sheet1', 'A', 'B2')) ~~|", "LOOKUPS", "tab"),
    ("series := GET XLS DATA('data.xlsx', 'Sheet1', 'A', 'B2') ~~|", "DATA", "series"),
    ("x = A FUNCTION OF(Time) ~~|", "A FUNCTION OF", "x"),
    ("x = DELAY MATERIAL(1, 2, 3, 4) ~~|", "DELAY MATERIAL", "x"),
    ("x = GET TIME VALUE(0, 0, 0) ~~|", "GET TIME VALUE", "x"),
    ("x = TIME BASE(0, 1) ~~|", "TIME BASE", "x"),
    ("tab((0,0),(1,1)) ~~|\nx = tab + 1 ~~|", "without an argument", "x"),
    ("tab((0,0),(1,1)) ~~|\nx = tab(1, 2) ~~|", "2 arguments", "x"),
    ("y = 1 ~~|\nx = y(2) ~~|", "as a function", "x"),
])
def test_unsupported_constructs(tmp_path, write_model, equations, construct, variable):
    path = write_model(tmp_path, "model.mdl", equations)
    with pytest.raises(UnsupportedFeatureError) as info:
        compile_model(path)
    err = info.value
    assert construct in err.construct
    assert err.variable == variable
    text = str(err)
    assert "model.mdl" in text and construct in text and "engine='pysd'" in text
    if variable:
        assert f"'{variable}'" in text
    assert isinstance(err, gzsim.errors.EngineError)


def test_algebraic_loop_names_variables(tmp_path, write_model):
    path = write_model(tmp_path, "loop.mdl", """
a = b + 1 ~~|
b = c * 2 ~~|
c = a / 3 + d ~~|
d = 5 ~~|
s = INTEG(a, 0) ~~|
""")
    with pytest.raises(AlgebraicLoopError) as info:
        compile_model(path)
    assert set(info.value.variables) == {"a", "b", "c"}
    assert "algebraic loop" in str(info.value) and "loop.mdl" in str(info.value)


def test_loop_through_a_stock_is_fine(tmp_path, write_model):
    path = write_model(tmp_path, "ok.mdl", "s = INTEG(f, 1) ~~|\nf = s * 0.1 ~~|")
    assert compile_model(path).run()["s"].iloc[-1] > 1


def test_circular_initialisation(tmp_path, write_model):
    path = write_model(tmp_path, "init.mdl", "s = INTEG(f, f) ~~|\nf = s * 0.1 ~~|")
    with pytest.raises(AlgebraicLoopError) as info:
        compile_model(path)
    assert info.value.phase == "initial"
    assert set(info.value.variables) == {"s", "f"}


def test_unknown_parameter_suggests_names():
    cm = compile_model(MODELS / "integ.mdl")
    with pytest.raises(UnknownParameterError) as info:
        cm.run({"birth rat": 0.1})
    assert "birth rate" in info.value.suggestions
    assert "did you mean 'birth rate'" in str(info.value)
    with pytest.raises(UnknownParameterError):
        cm.run_batch({"nothing like it": [1.0, 2.0]})
    with pytest.raises(UnknownVariableError, match="did you mean 'population'"):
        cm.run(return_columns=["populaton"])


def test_names_resolve_like_pysd():
    cm = compile_model(MODELS / "integ.mdl")
    ref = cm.run({"birth rate": 0.02}, ["population"])
    for name in ("Birth Rate", "birth_rate", "BIRTH RATE"):
        assert cm.run({name: 0.02}, ["population"]).equals(ref)


def test_control_variables_are_set_by_keyword():
    cm = compile_model(MODELS / "integ.mdl")
    with pytest.raises(EngineError, match="final_time="):
        cm.run({"FINAL TIME": 5})
    assert cm.run(final_time=5).index[-1] == 5


def test_other_model_errors(tmp_path, write_model):
    with pytest.raises(EngineError, match="'undefined thing', which is not defined"):
        compile_model(write_model(tmp_path, "u.mdl", "x = undefined thing + 1 ~~|"))
    with pytest.raises(ModelParseError, match="not found"):
        compile_model(tmp_path / "missing.mdl")
    with pytest.raises(ModelParseError, match="cannot parse"):
        compile_model(write_model(tmp_path, "bad.mdl", "x = (1 + ~~|"))
    with pytest.raises(ModelParseError, match=".mdl"):
        compile_model(write_model(tmp_path, "model.xmile", "x = 1 ~~|"))
    with pytest.raises(EngineError, match="is a lookup table"):
        compile_model(MODELS / "lookups.mdl").run(return_columns=["table"])
    bad_delay = write_model(tmp_path, "d.mdl", "x = DELAY3(Time, 0.1) ~~|")
    with pytest.raises(EngineError, match="shorter than TIME STEP"):
        compile_model(bad_delay).run()
