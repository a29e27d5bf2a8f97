"""Every TOML file gzsim writes reads back as written (issue 14: one writer, gzsim.tomlwrite).

The app's scenario download with a DEL character in a title was invalid TOML, so the app refused
its own file.  Here arbitrary text (every control character, DEL, quotes, backslashes, CJK) goes
into each field of the download and into documents of the writer, and ``tomllib`` must read back
exactly what went in; the download must also load as a scenario again.
"""

from __future__ import annotations

import math
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gzsim
from gzsim import tomlwrite
from gzsim.ui import scenario_toml

REPO = Path(__file__).resolve().parents[2]
#: Any text a TOML file can hold (no lone surrogates), weighted towards the awkward characters.
TEXT = st.text(st.one_of(st.characters(blacklist_categories=("Cs",)),
                         st.sampled_from(list("\x7f\x00\x1f\x08\t\n\r\"\\'#=[]{} 赣é"))), max_size=30)


@settings(max_examples=100, deadline=None)
@given(name=TEXT, title_en=TEXT, title_zh=TEXT, source=TEXT, comment=TEXT)
def test_the_scenario_download_reads_back_as_written(name, title_en, title_zh, source, comment):
    text = scenario_toml("baseline", {"st_budget_growth": 0.12}, name=name or "x", title_en=title_en,
                         title_zh=title_zh, sources={"st_budget_growth": source}, comment=comment)
    data = tomllib.loads(text)
    assert data["name"] == (name or "x") and data["extends"] == "baseline"
    assert data.get("title_en", "") == title_en and data.get("title_zh", "") == title_zh
    assert data["sources"] == {"st_budget_growth": source} and data["levers"] == {"st_budget_growth": 0.12}


SCALARS = st.one_of(TEXT, st.booleans(), st.integers(-(2**63), 2**63 - 1),
                    st.floats(allow_nan=False, allow_infinity=False))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(TEXT, inner, max_size=3)), max_leaves=8)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(TEXT, st.one_of(VALUES, st.dictionaries(TEXT, VALUES, max_size=4)), max_size=5))
def test_any_document_reads_back_as_written(data):
    assert tomllib.loads(tomlwrite.document(data)) == data


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_not_written(bad):
    with pytest.raises(ValueError, match="cannot write"):
        scenario_toml("baseline", {"st_budget_growth": bad})


def test_a_download_with_del_in_its_title_loads_as_a_scenario_again(tmp_path):
    model = gzsim.load_model(calibration=None)
    text = scenario_toml("baseline", {"st_budget_growth": 0.2}, name="mine", title_en="Plan\x7f (edited)")
    folder = tmp_path / "scenarios"
    shutil.copytree(REPO / "scenarios", folder)
    (folder / "mine.toml").write_text(text, encoding="utf-8")
    loaded = model.load_scenario(folder / "mine.toml")
    assert loaded.title_en == "Plan\x7f (edited)" and loaded.levers["st_budget_growth"] == 0.2


# ------------------------------------------------ the limits before parsing: no false alarms, no misses

@settings(max_examples=100, deadline=None)
@given(st.dictionaries(TEXT, st.one_of(VALUES, st.dictionaries(TEXT, VALUES, max_size=4)), max_size=5))
def test_every_document_gzsim_writes_is_within_the_reading_limits(data):
    from gzsim._toml import toml_limits

    assert toml_limits(tomlwrite.document(data)) is None  # dots in strings, numbers and comments are not keys


@settings(max_examples=100, deadline=None)
@given(parts=st.integers(17, 400), quoted=st.booleans(), header=st.booleans(), prefix=TEXT)
def test_a_key_of_more_than_16_parts_is_refused_before_parsing(parts, quoted, header, prefix):
    from gzsim._toml import TomlLimitError, loads

    name = ".".join(['"k.x"' if quoted and i % 2 else "k" for i in range(parts)])
    text = f"a = {tomlwrite.string(prefix)}\n" + (f"[{name}]\nz = 1\n" if header else f"{name} = 1\n")
    with pytest.raises(TomlLimitError, match="line 2 has more than 16 dotted parts"):
        loads(text)
