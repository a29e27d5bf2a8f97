"""Fuzzing the targets and observation readers: targets files and observation CSV files.

Targets files are valid ``[[target]]`` tables (one per indicator) given 0-2 faults - junk or
special values, missing, extra or misspelt keys, unknown ids, the same target twice - and
observation CSVs have random rows, headers and cells, or are random bytes.  Each is either
read - every target on a known indicator with a finite threshold and no target twice; every
observation finite and never two values for one region, indicator, period and kind - or
refused with a :class:`gzsim.errors.GzsimError` whose every problem names the file the test
wrote.  See :mod:`.fuzzing` for the common property and settings.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import event, given
from hypothesis import strategies as st

from gzsim.calibration.observations import REQUIRED_COLUMNS, read_checked
from gzsim.errors import GzsimError
from gzsim.targets import DIRECTIONS, load_targets

from .fuzzing import (
    BAD_YEARS,
    CATALOGUE,
    INDICATORS,
    _junk,
    _special,
    _text,
    assert_names_a_file,
    fuzz,
    mutated,
    toml_key,
    toml_value,
)


# ------------------------------------------------------------------ targets and observations
@st.composite
def target_tables(draw):
    """Valid [[target]] tables (one per indicator), then 0-2 faults."""
    tables = []
    for tid in draw(st.lists(st.sampled_from(INDICATORS), min_size=1, max_size=3, unique=True)):
        year = draw(st.integers(2016, 2030))
        table = {"id": tid, "year": year, "threshold": draw(st.floats(-1e3, 1e3)),
                 "direction": draw(st.sampled_from(DIRECTIONS))}
        measure = draw(st.sampled_from(["level", "level", "cumulative", "cagr"]))
        if measure != "level" or draw(st.booleans()):
            table["base_year"] = year - draw(st.integers(1, 5))
        if measure != "level":
            table["measure"] = measure
        if draw(st.booleans()):
            table["headline"] = draw(st.booleans())
        tables.append(table)
    for _ in range(draw(st.integers(0, 2))):
        table = tables[draw(st.integers(0, len(tables) - 1))]
        key = draw(st.sampled_from(["id", "year", "threshold", "direction", "base_year", "headline", "measure"]))
        fault = draw(st.integers(0, 4))
        if fault == 0:
            table[key] = draw(st.one_of(_junk, _special, st.sampled_from(BAD_YEARS)))
        elif fault == 1:
            table.pop(key, None)
        elif fault == 2:
            table[draw(st.one_of(mutated(["label_en", "headline", "measure", "threshold"]), _text))] = 1
        elif fault == 3:
            table.update(id=draw(mutated(INDICATORS)), direction="atleast", measure="total")
        else:
            tables.append(dict(table))  # the same target twice
    return tables


@fuzz("targets")
@given(tables=st.one_of(target_tables(), st.just([])), name=st.one_of(st.none(), _text, _junk))
def test_targets_files_are_loaded_or_refused_with_a_named_file(tables, name):
    head = "" if name is None else f"name = {toml_value(name)}\n"
    text = head + "".join("\n[[target]]\n" + "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in t.items())
                          for t in tables)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "targets.toml").write_text(text, encoding="utf-8")
        try:
            targets = load_targets(folder / "targets.toml", catalogue=CATALOGUE)
        except GzsimError as exc:
            assert_names_a_file(exc, folder)
            event(f"refused: {type(exc).__name__}")
            return
    event("accepted")
    assert len(targets) >= 1
    for t in targets:
        assert t.id in INDICATORS and isinstance(t.year, int) and math.isfinite(t.threshold)
        assert t.direction in DIRECTIONS and (t.base_year is None or t.base_year < t.year)
    assert len({(t.id, t.year, t.measure) for t in targets}) == len(targets)


_cell = st.one_of(st.from_regex(r"[A-Za-z_]{1,10}", fullmatch=True), _text)
_csv_value = st.one_of(st.floats(-1e6, 1e6).map(repr), st.integers(0, 10**6).map(str),
                       st.sampled_from(["", "n/a", "1,107", "nan", "inf", "0.56 %", "1e999"]))
_row = st.tuples(st.sampled_from(["Ganzhou", "Jiangxi"]), st.sampled_from(INDICATORS[:4]),
                 st.sampled_from(["2015", "2020", "2020-09", "2016-2020"]), _csv_value, _cell,
                 st.sampled_from(["level", "flow", "as_of"]), _cell, _cell)


@fuzz("observations")
@given(rows=st.lists(_row, max_size=6), header=st.sampled_from(["full", "no_note", "missing", "shuffled"]),
       junk=st.one_of(st.none(), st.binary(max_size=80)))
def test_observation_files_are_read_or_refused_with_a_named_file(rows, header, junk):
    columns = {"full": [*REQUIRED_COLUMNS, "note"], "no_note": list(REQUIRED_COLUMNS),
               "missing": [c for c in REQUIRED_COLUMNS if c != "kind"] + ["note"],
               "shuffled": [*reversed(REQUIRED_COLUMNS), "note"]}[header]

    def csv_line(cells) -> str:
        return ",".join('"' + str(c).replace('"', '""') + '"' for c in cells)

    lines = [csv_line(columns)] + [csv_line(dict(zip([*REQUIRED_COLUMNS, "note"], r)).get(c, "") for c in columns)
                                   for r in rows]
    raw = ("\n".join(lines) + "\n").encode("utf-8") if junk is None else junk
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "obs.csv").write_bytes(raw)
        try:
            table = read_checked(folder / "obs.csv")
        except GzsimError as exc:
            assert_names_a_file(exc, folder)
            event(f"refused: {type(exc).__name__}")
            return
    event("accepted")
    values = table["value"].astype(float)
    assert np.all(np.isfinite(values)) and len(table) >= 1
    key = ["region", "indicator", "period", "kind"]
    assert (table.assign(v=values).groupby(key)["v"].nunique() <= 1).all()
