"""Fuzzing the scenario reader: generated scenario files, ``extends`` chains, damaged files, random bytes.

Scenario files are TOML written from random structures (see :func:`.fuzzing.scenario_data`):
built valid, then given 0-2 faults; chains of up to three generated files extend each other,
cycles included; others are re-encoded, truncated or replaced by random bytes.  Each is either
loaded - every lever then finite and in range at every model time, the hash stable on reload,
no file twice in the chain - or refused with a :class:`gzsim.errors.GzsimError` whose every
problem names a file the test wrote.  See :mod:`.fuzzing` for the common property and settings.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gzsim

from .fuzzing import _write_folder, fuzz, load_or_error, scenario_data, toml_document


@pytest.fixture(scope="module")
def model():
    """The bundled model without a calibration: its times bound the time paths."""
    return gzsim.load_model(calibration=None)


# ------------------------------------------------------------------ scenario files
@fuzz("scenario")
@given(data=scenario_data(), with_model=st.booleans())
def test_scenario_files_are_loaded_or_refused_with_a_named_file(model, data, with_model):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_folder(folder, {"s.toml": toml_document(data)})
        load_or_error(folder / "s.toml", folder, model=model if with_model else None)


@fuzz("chain")
@given(data=st.lists(scenario_data(parents=("f0", "f1", "f2", "nothere")), min_size=1, max_size=3))
def test_extends_chains_and_cycles_are_followed_or_refused(model, data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_folder(folder, {f"f{i}.toml": toml_document(d) for i, d in enumerate(data)})
        sc = load_or_error(folder / "f0.toml", folder, model=model)
        if sc is not None:
            assert len(sc.chain) == len(set(sc.chain)) <= len(data)  # no file twice: cycles refused


_ENCODINGS = ["utf-16", "utf-16-le", "gbk", "latin-1", "cp1252", "utf-8-sig", "utf-32"]


@fuzz("damaged")
@given(data=scenario_data(), encoding=st.sampled_from(_ENCODINGS), cut=st.floats(0, 1), damage=st.booleans())
def test_re_encoded_or_truncated_files_are_refused_cleanly(data, encoding, cut, damage):
    text = toml_document(data)
    raw = text.encode(encoding, errors="replace") if damage else text.encode("utf-8")[: int(len(text) * cut)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_folder(folder, {"s.toml": raw})
        load_or_error(folder / "s.toml", folder)


@fuzz("bytes")
@given(raw=st.one_of(st.binary(max_size=300), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_random_bytes_are_refused_cleanly(raw):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write_folder(folder, {"s.toml": raw})
        load_or_error(folder / "s.toml", folder)
