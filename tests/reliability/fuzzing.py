"""Support for the fuzz tests of the readers (``test_fuzz_*.py``): settings, TOML text, strategies, checks.

Whatever the input, a reader gives a checked result or gzsim's own error naming the file.
Hypothesis generates scenario files (TOML built from random structures: known, mutated and
random lever ids; values of every TOML type including NaN, infinities, huge and negative
numbers; step, ramp and series paths with random shapes and years; ``extends`` chains among
generated files, cycles included), then damages them (other encodings, truncation) or replaces
them with random bytes; lever overrides for :func:`gzsim.scenario.with_levers`; query strings
for the app's :func:`gzsim.ui.query.parse_query`; targets files; observation CSV files.

The property is the same everywhere: the reader either accepts the input, and then the result
keeps its invariants (every lever defined, finite and within its range at every model time, a
time path changing within the simulated period, draws within range, the hash stable on
reload), or it raises a :class:`gzsim.errors.GzsimError` whose every problem names a file the
test wrote - never any other exception.  Example counts are fixed and derandomized, so CI runs
the same :data:`EXAMPLES_PER_RUN` examples every time.

This module holds no tests.  The properties are in ``test_fuzz_scenarios.py`` (scenario files),
``test_fuzz_lever_values.py`` (``with_levers`` and the app's query) and
``test_fuzz_targets_and_data.py`` (targets files and observation CSVs); what only one of them
uses is kept there.  ``tests/app/test_uploads.py`` reuses :func:`toml_document`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from gzsim import tomlwrite
from gzsim.catalogue import load_catalogue
from gzsim.errors import GzsimError, display_path
from gzsim.scenario import ResolvedScenario, load_scenario
from gzsim.timepaths import values_at

REPO = Path(__file__).resolve().parents[2]
CATALOGUE = load_catalogue(REPO / "model" / "levers.toml")
LEVERS = CATALOGUE.levers
IDS = list(CATALOGUE.lever_ids)
INDICATORS = list(CATALOGUE.indicator_ids)

#: Examples per property; their sum is what one CI run tries (reported by the issue's close).
EXAMPLES = {"scenario": 500, "chain": 300, "damaged": 250, "bytes": 150, "with_levers": 300,
            "query": 150, "targets": 250, "observations": 150}
EXAMPLES_PER_RUN = sum(EXAMPLES.values())


def fuzz(name: str):
    return settings(max_examples=EXAMPLES[name], deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ------------------------------------------------------------------ TOML text from structures
# gzsim's own TOML writer (gzsim.tomlwrite), the one every file gzsim writes goes through; here
# with nan and inf allowed, since the tests also build files with bad numbers.
toml_string = tomlwrite.string
toml_key = tomlwrite.key


def toml_value(value) -> str:
    return tomlwrite.value(value, finite=False)


def toml_document(data: dict) -> str:
    """Scalars and arrays first, then each table as a ``[section]`` (nested tables inline)."""
    return tomlwrite.document(data, finite=False)


# ------------------------------------------------------------------ strategies
# Generation is kept cheap (small alphabets, fixed lists of odd values) so the examples go to
# the loader, not to hypothesis.  A scenario is built valid, then 0-2 corruptions are applied,
# so that about a third of the files are accepted and the rest carry one or two precise faults.

#: Strings from an alphabet with the awkward characters: quotes, backslash, newline, tab, CJK.
_text = st.text('abz_- .09"\\\n\t赣é', max_size=12)
#: Values of every TOML type that no lever takes as a number.
JUNK = ["0.1", "", "赣州", True, False, [0.1, 0.2], [], {"value": 0.1}, {}, dt.date(2021, 1, 1),
        dt.datetime(2021, 1, 1, 12, 0), dt.time(7, 30)]
#: Numbers at and beyond the edges of what a float holds.
SPECIAL = [math.nan, math.inf, -math.inf, -0.0, 1e308, -1e308, 5e-324, 10**400, -(10**30), 2**63]
#: Years no path should accept for the bundled model (levers act 2020-2030), or at all.
BAD_YEARS = [10**400, -(10**20), 2**53 + 1, 0, 1900, 2014, 2016, 2031, 3000]
_junk = st.sampled_from(JUNK)
_special = st.sampled_from(SPECIAL)


@st.composite
def mutated(draw, ids=IDS):
    """A known id with a character dropped, doubled or changed, or its case changed."""
    word = draw(st.sampled_from(ids))
    i = draw(st.integers(0, len(word) - 1))
    how = draw(st.integers(0, 3))
    return [word[:i] + word[i + 1:], word[:i] + word[i] + word[i:],
            word[:i] + ("x" if word[i] != "x" else "y") + word[i + 1:], word.upper()][how]


def _value(lever):
    return st.one_of(st.floats(lever.min, lever.max), st.just(lever.default))


@st.composite
def valid_path(draw, lever):
    """A step, ramp or series within the lever's range that changes while the levers act (2020-2030)."""
    v = _value(lever)
    kind = draw(st.sampled_from(["step", "ramp", "series"]))
    if kind == "step":
        return {"step": {"year": draw(st.integers(2021, 2030)), "before": draw(v), "after": draw(v)}}
    if kind == "ramp":
        start = draw(st.integers(2012, 2029))
        return {"ramp": {"start_year": start, "end_year": max(start + draw(st.integers(1, 6)), 2021),
                         "start": draw(v), "end": draw(v)}}
    years = sorted({draw(st.integers(2021, 2029)), *draw(st.lists(st.integers(2008, 2040), max_size=3))})
    return {"series": {str(y): draw(v) for y in years}}


@st.composite
def valid_levers(draw, max_size=4):
    chosen = draw(st.lists(st.sampled_from(LEVERS), max_size=max_size, unique_by=lambda lv: lv.id))
    return {lv.id: draw(st.one_of(_value(lv), valid_path(lv))) for lv in chosen}


@st.composite
def bad_lever_value(draw, lever):
    """A value with one fault: wrong type, not finite or huge, out of range, or a broken path."""
    path = draw(valid_path(lever))
    kind, body = next(iter(path.items()))
    fault = draw(st.integers(0, 6))
    if fault == 0:
        return draw(_junk)
    if fault == 1:
        return draw(_special)
    if fault == 2:
        return lever.max + draw(st.floats(1e-6, 1e6)) if draw(st.booleans()) else lever.min - 1
    if fault == 3:  # a year no model can use, or outside the simulated period
        key = {"step": "year", "ramp": "end_year", "series": None}[kind]
        year = draw(st.sampled_from(BAD_YEARS))
        if key is None:
            return {"series": {str(year): next(iter(body.values()))}}
        return {kind: {**body, key: year, **({"start_year": year - 1} if kind == "ramp" else {})}}
    if fault == 4:  # backwards: a ramp ending before it starts, series years decreasing
        if kind == "ramp":
            return {"ramp": {**body, "start_year": body["end_year"], "end_year": body["start_year"]}}
        return {"series": {"2025": lever.default, "2023": lever.default, "abc": lever.default}}
    if fault == 5:  # the shape: an extra, missing or misspelt key, or two kinds at once
        return draw(st.sampled_from([{kind: {**body, "extra": 1}}, {kind: dict(list(body.items())[1:])},
                                     {kind + "s": body}, {**path, "ramp": {}}, {kind: []}]))
    return {kind: {k: draw(_junk) for k in body}}


@st.composite
def uncertainty(draw, valid=True):
    lever = draw(st.sampled_from(LEVERS))
    lo, hi = sorted([draw(_value(lever)), draw(_value(lever))])
    if lo == hi:
        lo, hi = lever.min, lever.max
    table = draw(st.sampled_from([{"distribution": "uniform", "min": lo, "max": hi},
                                  {"distribution": "triangular", "min": lo, "mode": (lo + hi) / 2, "max": hi},
                                  {"distribution": "normal", "mean": (lo + hi) / 2, "sd": hi - lo, "min": lo,
                                   "max": hi}]))
    if not valid:
        table = draw(st.sampled_from([
            {**table, "distribution": "unifrom"}, {**table, "min": hi, "max": lo},
            {**table, "max": lever.max + 1}, {k: v for k, v in table.items() if k not in ("min", "max")},
            {**table, "sd": 1e300, "mean": 1e-300}, {**table, "shape": 2}, {"min": lo}, "uniform"]))
    return {lever.id: table}


TARGETS_OK = ('[[target]]\nid = "rd_intensity"\nyear = 2025\nthreshold = 2.6\ndirection = "at_least"\n'
              'base_year = 2020\nheadline = true\n')


@st.composite
def scenario_data(draw, parents=("nothere",), corruptions=(0, 2)):
    """A scenario file's content as a dict: built valid, then 0-2 faults."""
    data = {}
    if draw(st.booleans()):
        data["name"] = draw(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True))
    if draw(st.booleans()):
        data["title_zh"] = draw(_text)
    if len(parents) > 1 and draw(st.booleans()):
        data["extends"] = draw(st.sampled_from(parents))
    if draw(st.integers(0, 3)) == 0:
        data["targets"] = "t.toml"
    data["levers"] = draw(valid_levers())
    if data["levers"] and draw(st.booleans()):
        data["sources"] = {k: draw(_text) for k in data["levers"]}
    if draw(st.integers(0, 2)) == 0:
        data["uncertainty"] = draw(uncertainty())
    for _ in range(draw(st.integers(*corruptions))):
        fault = draw(st.integers(0, 9))
        lever = draw(st.sampled_from(LEVERS))
        levers = data["levers"] if isinstance(data.get("levers"), dict) else {}
        if fault <= 2:
            data["levers"] = {**levers, lever.id: draw(bad_lever_value(lever))}
        elif fault == 3:
            data["levers"] = {**levers, draw(mutated()): lever.default}
        elif fault == 4:
            data[draw(st.one_of(mutated(["levers", "sources", "uncertainty", "extends", "title_en"]),
                                _text))] = draw(_junk)
        elif fault == 5:
            data["extends"] = draw(st.one_of(st.sampled_from(["nothere", "../elsewhere", " "]), _junk))
        elif fault == 6:
            data["targets"] = draw(st.one_of(st.sampled_from(["bad_t.toml", "nothere.toml", "", "."]), _junk))
        elif fault == 7:
            data["uncertainty"] = draw(st.one_of(uncertainty(valid=False), _junk))
        elif fault == 8:
            data[draw(st.sampled_from(["name", "sources", "levers"]))] = draw(st.one_of(_junk, st.just(" ")))
        else:
            data["sources"] = {draw(st.one_of(st.sampled_from(IDS), mutated())): draw(st.one_of(_junk, _text))}
    return data


# ------------------------------------------------------------------ checks
def _write_folder(folder: Path, files: dict[str, str | bytes]) -> None:
    (folder / "t.toml").write_text(TARGETS_OK, encoding="utf-8")
    (folder / "bad_t.toml").write_text(TARGETS_OK.replace("rd_intensity", "rd_intensty"), encoding="utf-8")
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def assert_names_a_file(error: GzsimError, folder: Path) -> None:
    """Every problem names a file the test wrote (or the folder itself), and says so in its text."""
    root = folder.resolve()
    assert error.problems
    for problem in error.problems:
        assert problem.path is not None, problem
        path = problem.path.resolve()
        assert path == root or root in path.parents, problem
        assert problem.message and str(problem).startswith(f"{display_path(problem.path)}: ")


def assert_valid(sc: ResolvedScenario, model=None) -> None:
    """The invariants of an accepted scenario."""
    assert set(sc.levers) == set(IDS) and set(sc.set_levers) <= set(IDS)
    times = model.times if model is not None else np.arange(2015.0, 2030.25, 0.25)
    for lever in LEVERS:
        value = sc.levers[lever.id]
        points = np.asarray([value] if isinstance(value, float) else value.points(), dtype=float)
        along = values_at(value, times)
        for x in (points, along):
            assert np.all(np.isfinite(x)) and np.all((x >= lever.min) & (x <= lever.max)), (lever.id, value)
        if model is not None and not isinstance(value, float) and len(set(value.points())) > 1:
            # A path that changes must change within the run (else it was refused).
            years = [value.year] if value.kind == "step" else \
                [value.start_year, value.end_year] if value.kind == "ramp" else list(value.years)
            assert min(years) <= model.engine.final_time and max(years) >= model.engine.initial_time
    for lever_id, dist in sc.uncertainty.items():
        lever = CATALOGUE.lever(lever_id)
        lo, hi = dist.bounds
        assert lever.min <= lo <= hi <= lever.max
        draws = dist.sample(4, np.random.default_rng(0))
        assert np.all(np.isfinite(draws)) and np.all((draws >= lever.min) & (draws <= lever.max))
    json.dumps(sc.content(), allow_nan=False)  # what the hash is made of is plain, finite JSON
    assert sc.targets is None or all(t.id in INDICATORS for t in sc.targets)


def load_or_error(path: Path, folder: Path, *, catalogue=CATALOGUE, model=None) -> ResolvedScenario | None:
    """Load; on success check the invariants and that a reload gives the same hash."""
    try:
        sc = load_scenario(path, catalogue=model if model is not None else catalogue)
    except GzsimError as exc:
        assert_names_a_file(exc, folder)
        event(f"refused: {type(exc).__name__}")  # shown by pytest --hypothesis-show-statistics
        return None
    event("accepted")
    assert_valid(sc, model)
    again = load_scenario(path, catalogue=model if model is not None else catalogue)
    assert again.hash == sc.hash and dict(again.levers) == dict(sc.levers)
    return sc
