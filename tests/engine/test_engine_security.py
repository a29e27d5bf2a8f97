"""A hostile .mdl cannot run code: not while parsing, not in the generated code."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from gzsim.engine import ModelParseError, compile_model, safe_pysd_parsing
from gzsim.engine.codegen import check_source
from gzsim.engine.parse import safe_literal

MODELS = Path(__file__).parent / "models"


def _payload(marker: Path) -> str:
    return f"__import__('os').system('touch {marker}')"


def test_code_in_names_comments_and_units_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    code = _payload(marker)
    text = f"""{{UTF-8}}
"{code}" = 2 ~ {code} ~ {code} |
"x); {code}; (" = "{code}" * 3 + 1 ~ units ~ exec("{code}") |
stock = INTEG("x); {code}; (" - stock / 4, "{code}") ~ ~ '''{code}''' |
smoothed = SMOOTH("{code}" + stock, 2) ~~|
INITIAL TIME = 0 ~~|
FINAL TIME = 5 ~~|
TIME STEP = 0.5 ~~|
SAVEPER = TIME STEP ~~|
"""
    path = tmp_path / "hostile.mdl"
    path.write_text(text, encoding="utf-8")
    cm = compile_model(path)
    df = cm.run()
    batch = cm.run_batch({f'"{code}"': np.array([1.0, 2.0])}, ["stock"])
    assert not marker.exists()
    # the names are data, not code: they are columns and parameters
    assert f'"{code}"' in df.columns
    np.testing.assert_allclose(df[f'"{code}"'], 2)
    np.testing.assert_allclose(df[f'"x); {code}; ("'], 7)
    assert batch["stock"].shape == (2, 11)
    for source in cm.generated_sources():
        assert "import" not in source and "system" not in source and "'" not in source
        check_source(source)


@pytest.mark.parametrize("equation", [
    "x = WITH LOOKUP(Time, ([{code}], (0,0),(10,10))) ~~|",
    "tab([{code}],(0,0),(10,1)) ~~|\nx = tab(Time) ~~|",
    "tab(\n\t[(0,0)-({code},1)],(0,0),(10,1)) ~~|\nx = tab(Time) ~~|",
])
def test_pysd_translator_eval_is_neutralised(tmp_path, write_model, equation):
    # PySD's parser evaluates the text of lookup ranges with eval(); we do not let it
    marker = tmp_path / "pwned"
    path = write_model(tmp_path, "hostile.mdl", equation.format(code=_payload(marker)))
    with pytest.raises(ModelParseError, match="not evaluated"):
        compile_model(path)
    assert not marker.exists()


def test_safe_pysd_parsing_protects_pysd_itself(tmp_path, write_model):
    import pysd

    marker = tmp_path / "pwned"
    path = write_model(tmp_path, "hostile.mdl",
                       "x = WITH LOOKUP(Time, ([{code}], (0,0),(10,10))) ~~|".format(
                           code=_payload(marker)))
    with safe_pysd_parsing(), warnings.catch_warnings(), pytest.raises(Exception):
        warnings.simplefilter("ignore")
        pysd.read_vensim(str(path))
    assert not marker.exists()
    # and the patch is removed afterwards
    from pysd.translators.vensim import vensim_element
    assert "eval" not in vensim_element.__dict__


@pytest.mark.parametrize("text, value", [
    ("3", 3), ("-2.5e-3", -2.5e-3), ("1 - 2 + 3 - 4", -2), ("(0,0),(1,2.5)", ((0, 0), (1, 2.5))),
    ("[(0,0),(10,10)]", [(0, 0), (10, 10)]), ("'sheet'", "sheet"), (" .5", 0.5),
    ("(0,0),\\\n\t(1,1)", ((0, 0), (1, 1))),
])
def test_safe_literal_accepts_what_pysd_needs(text, value):
    assert safe_literal(text) == value


@pytest.mark.parametrize("text", [
    "__import__('os')", "open('x')", "(1).__class__", "[x for x in ()]", "lambda: 1", "a",
    "2 ** 10 ** 10", "{}", "f'{1}'",
])
def test_safe_literal_refuses_everything_else(text):
    with pytest.raises(ModelParseError):
        safe_literal(text)


@pytest.mark.parametrize("source", [
    "def _make(H, KON):\n    return open\n",
    "def _make(H, KON):\n    return v1.__class__\n",
    "def _make(H, KON):\n    return 'text'\n",
    "def _make(H, KON):\n    return sf1.__dict__\n",
])
def test_generated_code_vocabulary_is_checked(source):
    with pytest.raises(AssertionError):
        check_source(source)
