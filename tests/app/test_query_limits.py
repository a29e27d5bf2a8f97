"""Share links are text anyone can write: gzsim.ui.parse_query has limits and only ever warns.

Whatever a link holds, parse_query returns known levers with finite in-range values, a known
scenario and language or none, and a bounded list of short, inert problems; it never raises.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from gzsim.ui import parse_query
from gzsim.ui.query import (
    ECHO_LENGTH,
    MAX_KEY_LENGTH,
    MAX_PARAMS,
    MAX_REPORTED,
    MAX_TOTAL_LENGTH,
    MAX_VALUE_LENGTH,
    query_from_overrides,
)

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SCENARIOS = ["baseline", "plan", "plan_push", "slow_growth"]
# What an echoed name or value may contain: no markdown, quotes, brackets, slashes or controls.
INERT = re.compile(r"[\w.+\-=, \ufffd…]*")


def _problem_is_inert(problem) -> bool:
    return (len(problem.key) <= ECHO_LENGTH and len(problem.value) <= ECHO_LENGTH
            and INERT.fullmatch(problem.key) is not None and INERT.fullmatch(problem.value) is not None)


HOSTILE = [
    ("x" * 1000, "value longer than 64 characters"),
    ("0." + "1" * 70, "value longer than 64 characters"),
    ("1e999", "not a finite number"),
    ("-1e999", "not a finite number"),
    ("nan", "not a finite number"),
    ("-Infinity", "not a finite number"),
    ("__import__('os').system('touch pwned')", "not a number"),
    ("0x1p-3", "not a number"),
    ("1_0", "not a number"),
    ("١٢", "not a number"),  # Arabic-Indic digits: float() would take them
    ("0.1; DROP TABLE levers", "not a number"),
    ("{ step = { year = 2022, before = 0.0, after = 0.1 } }", "not a number"),
    ("[0.1](javascript:alert(1))", "not a number"),
    ("赣州", "not a number"),
    ("", "not a number"),
]


@pytest.mark.parametrize("value, reason", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_lever_value_is_only_a_short_inert_warning(catalogue, value, reason):
    settings_, problems = parse_query({"st_budget_growth": value, "rd_post_subsidy": "0.05"}, catalogue,
                                      scenarios=SCENARIOS)
    assert settings_["levers"] == {"rd_post_subsidy": 0.05}  # the good parameter still applies
    assert [p.reason for p in problems] == [reason]
    assert _problem_is_inert(problems[0]) and len(str(problems[0])) < 200


def test_minus_zero_is_zero(catalogue):
    settings_, problems = parse_query({"st_budget_growth": "-0"}, catalogue)
    assert not problems and math.copysign(1.0, settings_["levers"]["st_budget_growth"]) == 1.0
    assert query_from_overrides("baseline", settings_["levers"])["st_budget_growth"] == "0.0"


def test_a_repeated_key_uses_its_last_value(catalogue):
    settings_, problems = parse_query({"st_budget_growth": ["0.3", "junk", "0.1"]}, catalogue)
    assert not problems and settings_["levers"] == {"st_budget_growth": 0.1}


def test_hostile_names_and_scenarios_are_warnings(catalogue):
    params = {"__import__('os')": "1", "k" * 500: "1", "scenario": "../../etc/passwd", "lang": "<script>"}
    settings_, problems = parse_query(params, catalogue, scenarios=SCENARIOS)
    assert settings_ == {"scenario": None, "lang": None, "levers": {}}
    assert [p.reason for p in problems] == ["unknown lever", f"name longer than {MAX_KEY_LENGTH} characters",
                                            "unknown scenario", "language must be en or zh"]
    assert all(_problem_is_inert(p) for p in problems)


def test_a_link_with_too_many_parameters_is_ignored_as_a_whole(catalogue):
    params = {f"p{i}": "1" for i in range(MAX_PARAMS)} | {"st_budget_growth": "0.1"}
    settings_, problems = parse_query(params, catalogue)
    assert settings_["levers"] == {} and len(problems) == 1
    assert f"{MAX_PARAMS + 1} parameters" in problems[0].reason and "all ignored" in problems[0].reason
    # Repeated values count too.
    settings_, problems = parse_query({"st_budget_growth": ["0.1"] * (MAX_PARAMS + 1)}, catalogue)
    assert settings_["levers"] == {} and len(problems) == 1


def test_a_link_too_long_in_total_is_ignored_as_a_whole(catalogue):
    value = "0." + "1" * (MAX_VALUE_LENGTH - 2)  # each value within its own limit
    params = {f"k{i}": value for i in range(MAX_TOTAL_LENGTH // MAX_VALUE_LENGTH)}
    _, problems = parse_query(params, catalogue)
    assert len(problems) == 1 and "characters" in problems[0].reason and "all ignored" in problems[0].reason


def test_many_bad_parameters_give_a_bounded_list_of_warnings(catalogue):
    params = {f"bad{i}": "1" for i in range(MAX_PARAMS - 1)} | {"talent_flats": "5000"}
    settings_, problems = parse_query(params, catalogue)
    assert settings_["levers"] == {"talent_flats": 5000.0}
    assert len(problems) == MAX_REPORTED + 1
    assert problems[-1].key == ""
    assert problems[-1].reason.startswith(f"{MAX_PARAMS - 1 - MAX_REPORTED} more parameters ignored")


def test_the_apps_own_full_link_fits_the_limits(catalogue):
    # Every lever at a long-written value, plus scenario and language: nothing may be cut.
    overrides = {lever.id: lever.min + (lever.max - lever.min) / 3 for lever in catalogue.levers}
    query = query_from_overrides("plan_push", overrides, "zh")
    assert len(query) <= MAX_PARAMS and sum(len(k) + len(v) for k, v in query.items()) <= MAX_TOTAL_LENGTH
    settings_, problems = parse_query(query, catalogue, scenarios=SCENARIOS)
    assert not problems and settings_["levers"] == pytest.approx(overrides, rel=1e-15)


# ------------------------------------------------------------------ property test
_text = st.text(max_size=80)
_numbers = st.floats(allow_nan=True, allow_infinity=True).map(repr)
_keys = st.one_of(st.sampled_from(["scenario", "lang", "st_budget_growth", "talent_flats", "new_institute_year",
                                   "rd_post_subsidy", "gdp_growth"]), _text)
_values = st.one_of(_numbers, _text, st.sampled_from(["plan", "zh", "en", "-0", "1e999", "nan", "0.1", "2025"]),
                    st.integers(-10**6, 10**6).map(str))
_params = st.dictionaries(_keys, st.one_of(_values, st.lists(_values, max_size=4)), max_size=20)
EXAMPLES = 400


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None)
@given(params=_params)
def test_parse_query_never_raises_and_returns_only_valid_settings(catalogue, params):
    settings_, problems = parse_query(params, catalogue, scenarios=SCENARIOS)
    assert set(settings_) == {"scenario", "lang", "levers"}
    assert settings_["scenario"] in (None, *SCENARIOS)
    assert settings_["lang"] in (None, "en", "zh")
    for key, value in settings_["levers"].items():
        lever = catalogue.lever(key)  # a known lever
        assert isinstance(value, float) and math.isfinite(value) and lever.min <= value <= lever.max
        assert math.copysign(1.0, value) == 1.0 or value != 0.0  # never -0.0
    assert len(problems) <= MAX_REPORTED + 1
    assert all(_problem_is_inert(p) for p in problems)


def test_the_app_opens_a_hostile_link_with_warnings_only():
    at = AppTest.from_file(APP, default_timeout=120)
    link = {f"p{i}": "x" * 50 for i in range(MAX_PARAMS + 6)}
    for key, value in link.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    size = sum(len(k) + len(v) for k, v in link.items())
    assert [w.value for w in at.warning] == [(
        f"Link: the link has {len(link)} parameters and {size:,} characters, more than the {MAX_PARAMS} and "
        f"{MAX_TOTAL_LENGTH:,} a link of this app can have; all ignored, showing the default view")]
    assert at.selectbox(key="scenario").value == "baseline"
