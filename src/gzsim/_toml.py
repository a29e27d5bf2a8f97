"""Shared helpers for reading and checking TOML input files.

A :class:`Checker` collects :class:`~gzsim.errors.Problem` objects for one
file instead of raising on the first one, so that every mistake in a file is
reported at once.
"""

from __future__ import annotations

import datetime as dt
import errno
import difflib
import math
import re
import tomllib
from pathlib import Path
from typing import Any, Iterable

from .errors import GzsimError, Problem

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The entry of *choices* most similar to *name* (difflib), or None."""
    choices = list(choices)
    if not isinstance(name, str) or len(name) > 200:
        return None  # nothing sensible to suggest (and difflib on huge strings is slow)
    # Case-insensitive match first: 'RD_Subsidy' -> 'rd_subsidy'.
    lowered = {c.lower(): c for c in choices}
    if name.lower() in lowered:
        return lowered[name.lower()]
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(name: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest of *choices*, or ``""``."""
    best = closest(name, choices)
    return f"; did you mean '{best}'?" if best is not None and best != name else ""


def is_number(value: Any) -> bool:
    """True for int/float but not bool (TOML ``true`` is not a number)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def describe(value: Any) -> str:
    """Short description of a TOML value for error messages."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, str):
        # Long strings are cut so that one bad value cannot flood the messages.
        return f"string {value!r}" if len(value) <= 40 else f"string {value[:37]!r}..."
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, (dt.date, dt.time)):  # TOML dates and times (datetime is a date)
        return f"the {'time' if isinstance(value, dt.time) else 'date'} {value.isoformat()}"
    if isinstance(value, int) and abs(value) >= 10**18:
        # repr() of an integer of over 4,300 digits raises; its size is what matters here.
        digits = int(abs(value).bit_length() * 0.30103) + 1
        return f"{'a negative' if value < 0 else 'an'} integer of about {digits} digits"
    return repr(value)


#: Largest TOML file gzsim reads.  Its own files are 1-25 KB; a bound keeps what one file can make
#: a reader hold (and the parser's time) small.
MAX_TOML_BYTES = 1024 * 1024
#: Most parts of one key (``a.b.c`` has 3) or table header.  gzsim's files use at most three;
#: Python's TOML reader takes time and memory quadratic in a key's parts (``"x." * 32765 + "y=1"``,
#: 64 KiB, took 30-40 s and 4.5 GB), so deeper keys are refused before parsing.
MAX_KEY_PARTS = 16

_TOO_LARGE = (f"the file is larger than {MAX_TOML_BYTES // 1024:,} KiB; gzsim's TOML files are a few KB: "
              f"give the file itself, not data")
# What the key check skips: strings (basic, literal, multi-line) and comments, whose dots are text.
_SKIPPED = re.compile(r'"""(?:[^\\]|\\[\s\S])*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*')
# Where a key (or a value) ends: a key's dots all lie between two of these.
_KEY_END = re.compile(r"[=,\[\]{}\n]")


def toml_limits(text: str) -> str | None:
    """The first limit *text* breaks (before any parsing), as a message; None when within them.

    Linear in the text: strings and comments are blanked out (keeping line breaks), then the dots
    between two key delimiters are counted, which bounds every key's and header's parts
    (a number has one dot).
    """
    if len(text) > MAX_TOML_BYTES:  # characters: at least as many bytes
        return _TOO_LARGE
    blanked = _SKIPPED.sub(lambda m: "s" + "\n" * m.group().count("\n"), text)
    start = 0
    for end in [m.start() for m in _KEY_END.finditer(blanked)] + [len(blanked)]:
        if blanked.count(".", start, end) >= MAX_KEY_PARTS:
            return (f"a key or table name at line {blanked.count(chr(10), 0, start) + 1} has more than "
                    f"{MAX_KEY_PARTS} dotted parts; gzsim's files use at most three (e.g. "
                    f"[levers] x = {{ step = {{ ... }} }})")
        start = end + 1
    return None


class TomlLimitError(tomllib.TOMLDecodeError):
    """A TOML text beyond :func:`toml_limits`, refused before parsing."""


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads`` after :func:`toml_limits` (:class:`TomlLimitError` when one is broken).

    The one place gzsim parses TOML from a file or an upload, so every reader has the same limits.
    """
    problem = toml_limits(text)
    if problem is not None:
        raise TomlLimitError(problem)
    return tomllib.loads(text)


def read_toml(path: Path, error_cls: type[GzsimError], what: str) -> dict[str, Any]:
    """Read *path* as UTF-8 TOML or raise *error_cls* naming the file.

    Parameters
    ----------
    path : pathlib.Path
    error_cls : type
        The error class to raise (``ScenarioError``, ``CatalogueError``...).
    what : str
        What the file should be, for the messages ("scenario", "catalogue").
    """
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_TOML_BYTES + 1)  # not a whole huge file: the limit is checked below
    except FileNotFoundError:
        raise error_cls(f"{what} file not found; check the path", path=path) from None
    except IsADirectoryError:
        raise error_cls(f"is a folder, not a {what} file", path=path) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise error_cls(f"cannot read {what} file: it is a symbolic link that loops; point the link at "
                            f"the {what} file itself", path=path) from None
        raise error_cls(f"cannot read {what} file: {exc.strerror}; check the file and its permissions",
                        path=path) from None
    try:
        # utf-8-sig: editors on Windows (Notepad) start UTF-8 files with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error_cls(
            f"is not valid UTF-8 (byte {exc.start}); save the file as UTF-8", path=path
        ) from None
    try:
        if len(raw) > MAX_TOML_BYTES:
            raise TomlLimitError(_TOO_LARGE)
        data = loads(text)
    except TomlLimitError as exc:
        raise error_cls(f"cannot be read: {exc}", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        # The parser's message already carries "(at line L, column C)".
        raise error_cls(f"invalid TOML: {exc}; fix the syntax there", path=path) from None
    except ValueError:
        # tomllib lets int() fail on an integer of more than 4,300 digits.
        raise error_cls("invalid TOML: an integer has more than 4,300 digits; write numbers of "
                        "ordinary size", path=path) from None
    except RecursionError:
        raise error_cls("invalid TOML: arrays or tables are nested too deeply to read; a gzsim "
                        "file nests them a few levels at most", path=path) from None
    if not data:
        raise error_cls(f"the {what} file is empty; see docs/formats.md for its layout", path=path)
    return data


class Checker:
    """Collects problems for one file.

    Parameters
    ----------
    path : pathlib.Path
        The file being checked; attached to every problem.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, message: str, *, kind: str = "invalid", path: Path | None = None) -> None:
        """Record one problem."""
        self.problems.append(Problem(message, path or self.path, kind))

    def keys(
        self,
        table: dict[str, Any],
        where: str,
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> bool:
        """Report unknown and missing keys of *table*; True when none."""
        required = list(required)
        allowed = set(required) | set(optional)
        ok = True
        for key in table:
            if key not in allowed:
                self.add(f"{where}: unknown key '{key}'{suggest(key, allowed)}")
                ok = False
        for key in required:
            if key not in table:
                self.add(f"{where}: missing required key '{key}'")
                ok = False
        return ok

    def string(self, table: dict[str, Any], key: str, where: str, default: str | None = None) -> str | None:
        """Return ``table[key]`` if it is a string; report otherwise."""
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, str):
            self.add(f"{where}: '{key}' must be a string, got {describe(value)}")
            return default
        return value

    def number(
        self, table: dict[str, Any], key: str, where: str, *, kind: str = "invalid"
    ) -> float | None:
        """Return ``table[key]`` as a finite float; report otherwise (None if absent)."""
        if key not in table:
            return None
        return self.finite(table[key], f"{where}: '{key}'", kind=kind)

    def finite(self, value: Any, what: str, *, kind: str = "invalid") -> float | None:
        """Return *value* as float if it is a finite number (not bool); report otherwise."""
        if not is_number(value):
            self.add(f"{what} must be a number, got {describe(value)}", kind=kind)
            return None
        try:
            # TOML integers are unbounded; one beyond a float's range cannot be a lever value.
            number = float(value)
        except OverflowError:
            self.add(f"{what} must be a finite number, got an integer beyond 1e308", kind=kind)
            return None
        if not math.isfinite(number):
            self.add(f"{what} must be a finite number, got {value}", kind=kind)
            return None
        return number

    def integer(self, table: dict[str, Any], key: str, where: str) -> int | None:
        """Return ``table[key]`` if it is an integer (not bool); report otherwise."""
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(f"{where}: '{key}' must be an integer, got {describe(value)}")
            return None
        return value

    def boolean(self, table: dict[str, Any], key: str, where: str, default: bool) -> bool:
        """Return ``table[key]`` if it is a boolean; report otherwise."""
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, bool):
            self.add(f"{where}: '{key}' must be true or false, got {describe(value)}")
            return default
        return value

    def array_of_tables(self, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
        """Return ``data[key]`` if it is an array of tables (``[[key]]``); report otherwise."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(f"'{key}' must be written as [[{key}]] tables")
            return []
        return value
