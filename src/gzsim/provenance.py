"""The provenance record: what it takes to reproduce any number or figure gzsim writes.

:func:`record` is the one place the record is built; every writer uses it
(``Model.run_many``, the analyses, the briefing pack, chart files).  It holds,
in this order:

``gzsim_version``
    ``gzsim.__version__``.
``analysis``
    What produced the output: ``run``, ``reach``, ``sensitivity``, ``goalseek``,
    ``discover``, ``attribute`` or ``brief``.
``model_file``, ``model_sha256``
    The Vensim model's file name and the sha256 of its bytes.
``catalogue_file``, ``catalogue_sha256``
    The lever catalogue (its uncertain parameters' priors drive the draws).
``calibration``
    The calibration id (sha256 of its ``calibration.json``, which names the
    sha256 of every other file in the folder), or ``"none"`` for the model's
    hand-set values.
``engine``
    ``fast`` or ``pysd``.
``scenarios``
    Scenario name -> content hash (:attr:`gzsim.ResolvedScenario.hash`).
``seed``, ``samples``
    The Monte-Carlo seed (None when nothing was drawn) and sample count.
then the analysis' options (e.g. ``year``, ``targets``, ``method``), and last
``reproduce``: the ``gzsim`` command line, when the output was written from the
command line (see :func:`invocation`), with a drawn seed made explicit.

No clock time is recorded: the same inputs give a byte-identical record, so
result files can be compared byte for byte between runs.

The record is plain JSON (numpy numbers become Python numbers, tuples lists,
non-finite floats ``null``).  :func:`embed` / :func:`read_figure` put it in
and take it out of chart files: a PNG ``Description`` text chunk, the SVG
Dublin-Core ``dc:description``, the PDF ``Keywords`` entry (``Subject`` holds
a one-line summary).
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import hashlib
import json
import math
import os
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np

from . import __version__
from .errors import UsageError

__all__ = ["record", "invocation", "reproduce_command", "plain", "dumps", "content_hash", "targets_hash",
           "file_sha256", "embed", "read_figure", "summary", "FIGURE_FORMATS"]

FIGURE_FORMATS = ("png", "svg", "pdf")

#: The command line of the ``gzsim`` invocation writing outputs (arguments after the program name).
_ARGV: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar("gzsim_argv", default=None)


@contextlib.contextmanager
def invocation(argv: Sequence[str]) -> Iterator[None]:
    """Record *argv* (without the program name) as the command line of outputs written inside.

    ``gzsim.cli.main`` wraps the command it runs in this, so that every record
    made meanwhile gets a ``reproduce`` entry.  A context variable, not a
    global: concurrent app sessions or threads never see each other's command.

    Examples
    --------
    >>> with invocation(["run", "baseline"]):
    ...     reproduce_command(seed=None)
    'gzsim run baseline'
    """
    token = _ARGV.set(tuple(str(a) for a in argv))
    try:
        yield
    finally:
        _ARGV.reset(token)


def reproduce_command(*, seed: int | None) -> str | None:
    """The ``gzsim`` command line being run, with ``--seed`` added when the seed was drawn.

    None outside :func:`invocation` (library calls, the app).
    """
    argv = _ARGV.get()
    if argv is None:
        return None
    args = list(argv)
    has_seed = any(a == "--seed" or a.startswith("--seed=") for a in args)
    if seed is not None and not has_seed:
        args += ["--seed", str(int(seed))]
    return shlex.join(["gzsim", *args])


def plain(value: Any) -> Any:
    """*value* as plain JSON data (numpy numbers as Python ones, tuples as lists, NaN as None).

    Raises TypeError for anything else: a bug in the caller, not bad input.
    """
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        # JSON has no NaN or infinity; strict readers (browsers, jq) refuse them.
        return float(value) if math.isfinite(value) else None
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    raise TypeError(f"provenance value of type {type(value).__name__} is not plain data: {value!r}")


def dumps(rec: Mapping[str, Any], *, indent: int | None = None, ascii_only: bool = False) -> str:
    """The record as JSON, keys in the record's order (deterministic)."""
    return json.dumps(plain(rec), indent=indent, ensure_ascii=ascii_only, allow_nan=False)


def content_hash(content: Any) -> str:
    """sha256 of the canonical JSON (sorted keys, no whitespace) of *content*."""
    text = json.dumps(plain(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: Target fields that change results; labels and sources do not (as scenario hashes leave out titles).
_TARGET_FIELDS = ("id", "year", "threshold", "direction", "base_year", "base_value", "headline", "measure")


def targets_hash(targets: Iterable[Any]) -> str:
    """Content hash of the targets an analysis used (after ``--year`` and selection)."""
    return content_hash([{f: getattr(t, f, None) for f in _TARGET_FIELDS} for t in targets])


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def record(model: Any, scenarios: Iterable[Any], *, seed: int | None, samples: int,
           **details: Any) -> dict[str, Any]:
    """The provenance record of an output computed by *model* from *scenarios*.

    Parameters
    ----------
    model : gzsim.Model
    scenarios : iterable of ResolvedScenario
        Every scenario the output depends on (e.g. the baseline of an attribution too).
    seed : int or None
        The Monte-Carlo seed; None when nothing was drawn.
    samples : int
        Monte-Carlo samples (per scenario).
    **details
        What produced the output and its options, e.g. ``analysis="reach", year=2025``;
        plain data (numbers, strings, lists, dicts).

    Returns
    -------
    dict
        Plain JSON data; see the module docstring for the fields.

    Examples
    --------
    >>> import gzsim
    >>> model = gzsim.load_model()
    >>> plan = model.load_scenario("scenarios/plan.toml")
    >>> rec = record(model, [plan], seed=1, samples=100, analysis="run")
    >>> rec["scenarios"] == {"plan": plan.hash} and rec["gzsim_version"] == gzsim.__version__
    True
    """
    catalogue = model.catalogue
    scenarios = list(scenarios)
    hashes: dict[str, str] = {}
    for s in scenarios:
        # Keyed by name: two scenarios of one name would leave one hash standing for both.
        if hashes.setdefault(s.name, s.hash) != s.hash:
            from .errors import UsageError

            raise UsageError(f"two scenarios named '{s.name}' with different content cannot be recorded "
                             f"together; give each scenario a distinct 'name'")
    rec: dict[str, Any] = {
        "gzsim_version": __version__,
        "analysis": details.pop("analysis", None),
        "model_file": catalogue.model_file.name,
        "model_sha256": model.model_sha256,
        "catalogue_file": catalogue.path.name,
        "catalogue_sha256": _catalogue_sha256(model),
        "calibration": getattr(model, "calibration_id", None) or "none",
        "engine": model.engine.name,
        "scenarios": hashes,
        "seed": None if seed is None else int(seed),
        "samples": int(samples),
    }
    clash = sorted(set(details) & (set(rec) | {"reproduce"}))
    if clash:
        raise TypeError(f"record(): details may not replace the fields {', '.join(clash)}")
    rec.update(details)
    command = reproduce_command(seed=rec["seed"])
    if command is not None:
        rec["reproduce"] = command
    return plain(rec)


def _catalogue_sha256(model: Any) -> str:
    value = getattr(model, "catalogue_sha256", None)
    return value if value is not None else file_sha256(model.catalogue.path)


def summary(rec: Mapping[str, Any]) -> str:
    """One line for people: version, model, calibration, scenarios, seed, samples."""
    scenarios = ", ".join(f"{n} ({h[:12]})" for n, h in rec.get("scenarios", {}).items())
    calibration = rec.get("calibration") or "none"
    return (f"gzsim {rec.get('gzsim_version')} {rec.get('analysis') or ''}; model {rec.get('model_file')} "
            f"sha256 {str(rec.get('model_sha256'))[:12]}; calibration {calibration[:12]}; "
            f"scenarios {scenarios}; seed {rec.get('seed')}; samples {rec.get('samples')}")


# ---------------------------------------------------------------------------- chart files

def embed(fmt: str, rec: Mapping[str, Any] | None) -> dict[str, Any]:
    """``savefig(metadata=...)`` for format *fmt*: the record, and no creation date.

    Without a date (and without matplotlib's version in PNGs) identical charts are
    byte-identical files.  The JSON is ASCII (``\\uXXXX`` escapes) so that it fits a
    PNG ``tEXt`` chunk and a plain PDF string.
    """
    base = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}
    if fmt not in base:
        raise UsageError(f"unknown figure format '{fmt}'; use {', '.join(FIGURE_FORMATS)}")
    metadata = dict(base[fmt])
    if rec:
        text = dumps(rec, ascii_only=True)
        if fmt == "pdf":
            metadata.update(Keywords=text, Subject=summary(rec))
        else:
            metadata["Description"] = text
    return metadata


_DC = "{http://purl.org/dc/elements/1.1/}"


def read_figure(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The record embedded in a PNG, SVG or PDF written by gzsim.

    Raises
    ------
    UsageError
        The file cannot be read, or holds no gzsim record.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    try:
        if fmt == "png":
            from PIL import Image

            with Image.open(path) as image:
                text = image.text.get("Description")
        elif fmt == "svg":
            node = ET.parse(path).getroot().find(f".//{_DC}description")
            text = None if node is None else node.text
        elif fmt == "pdf":
            text = _pdf_string(path.read_bytes(), b"/Keywords")
        else:
            raise UsageError(f"not a chart file ({', '.join(FIGURE_FORMATS)})", path=path)
    except (OSError, ET.ParseError, ValueError) as exc:
        raise UsageError(f"cannot read the chart's metadata: {exc}", path=path) from None
    return _parse(text, path)


def _parse(text: str | None, path: Path) -> dict[str, Any]:
    try:
        rec = json.loads(text) if text else None
    except ValueError:
        rec = None
    if not isinstance(rec, dict) or "gzsim_version" not in rec:
        raise UsageError("holds no gzsim provenance record; it was not written by gzsim, or was "
                         "re-saved by another program", path=path)
    return rec


_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_OCTAL = re.compile(rb"[0-7]{1,3}")


def _pdf_string(data: bytes, key: bytes) -> str | None:
    """The literal string after *key* in a PDF's document information (ASCII, as gzsim writes it)."""
    start = data.rfind(key + b" (")
    if start < 0:
        return None
    i, depth, out = start + len(key) + 2, 1, bytearray()
    while i < len(data):
        c = data[i:i + 1]
        if c == b"\\":
            nxt = data[i + 1:i + 2]
            octal = _OCTAL.match(data, i + 1)
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i = octal.end()
                continue
            out += _PDF_ESCAPES.get(nxt, nxt if nxt not in (b"\n", b"\r") else b"")
            i += 2
            continue
        if c == b"(":
            depth += 1
        elif c == b")":
            depth -= 1
            if depth == 0:
                return out.decode("latin-1")
        out += c
        i += 1
    return None
