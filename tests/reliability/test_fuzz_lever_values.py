"""Fuzzing lever values given in code and in links: :func:`gzsim.scenario.with_levers` and the app's query.

Overrides as the app or a script passes them (valid ones, then 0-2 faults: wrong types, values
out of range or not finite, broken time paths, misspelt lever ids) are applied to the bundled
plan: the result keeps the scenario's invariants and changes exactly the overridden levers, or
the error names the plan's file.  Query strings for :func:`gzsim.ui.query.parse_query` keep
exactly the plain, finite, in-range numbers of known levers and drop everything else.  See
:mod:`.fuzzing` for the common property and settings.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import gzsim
from gzsim.errors import GzsimError
from gzsim.scenario import load_scenario, with_levers
from gzsim.ui.query import parse_query

from .fuzzing import (
    CATALOGUE,
    IDS,
    LEVERS,
    REPO,
    _value,
    assert_valid,
    bad_lever_value,
    fuzz,
    mutated,
    valid_levers,
)


@pytest.fixture(scope="module")
def model():
    """The bundled model without a calibration: its times bound the time paths."""
    return gzsim.load_model(calibration=None)


# ------------------------------------------------------------------ lever values from code and links
@pytest.fixture(scope="module")
def plan(model):
    return load_scenario(REPO / "scenarios" / "plan.toml", catalogue=model)


@st.composite
def lever_overrides(draw):
    """Overrides as the app or a script passes them: valid ones, then 0-2 faults."""
    out = draw(valid_levers())
    for _ in range(draw(st.integers(0, 2))):
        lever = draw(st.sampled_from(LEVERS))
        if draw(st.booleans()):
            out[lever.id] = draw(bad_lever_value(lever))
        else:
            out[draw(mutated())] = lever.default
    return out


@fuzz("with_levers")
@given(overrides=lever_overrides(), with_model=st.booleans())
def test_with_levers_accepts_checked_values_or_refuses_them(model, plan, overrides, with_model):
    try:
        sc = with_levers(plan, overrides, catalogue=model if with_model else CATALOGUE)
    except GzsimError as exc:
        assert exc.problems and all(p.path == plan.path for p in exc.problems), exc
        event(f"refused: {type(exc).__name__}")
        return
    event("accepted")
    assert_valid(sc, model if with_model else None)
    for key in overrides:  # every override was a known lever, and it is what the scenario now holds
        assert key in IDS and key in sc.set_levers
    unchanged = [i for i in IDS if i not in overrides]
    assert all(sc.levers[i] == plan.levers[i] for i in unchanged)
    assert sc.hash == with_levers(plan, overrides, catalogue=CATALOGUE).hash


_decimal = st.one_of(st.floats(-1e6, 1e6).map(repr), st.integers(-10**6, 10**6).map(str),
                     st.sampled_from(["nan", "inf", "-inf", "1e999", "1_000", "٣", " 0.1", "0x10", ""]))


@fuzz("query")
@given(pairs=st.lists(st.tuples(st.one_of(mutated(), st.sampled_from(["scenario", "lang"])),
                                st.one_of(_decimal, st.sampled_from(LEVERS).flatmap(_value).map(repr))),
                      max_size=8))
def test_query_keeps_exactly_the_in_range_numbers_of_known_levers(pairs):
    params = dict(pairs)
    chosen, problems = parse_query(params, CATALOGUE, scenarios=["baseline", "plan"])
    for key, raw in params.items():
        if key in IDS:
            lever = CATALOGUE.lever(key)
            try:
                number = float(raw.strip())
            except ValueError:
                number = math.nan
            plain = re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", raw.strip(), re.ASCII)
            if plain and math.isfinite(number) and lever.min <= number <= lever.max:
                assert chosen["levers"][key] == number  # a valid value is never dropped
            else:
                assert key not in chosen["levers"]
    assert set(chosen["levers"]) <= set(IDS)
    assert len(problems) <= len(params)
