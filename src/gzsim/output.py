"""Writing results atomically as CSV, Parquet or Excel, with their provenance.

A file is written to a temporary name in the target folder and moved into
place with ``os.replace`` (:mod:`gzsim.atomic`), so a failed run never leaves
a partial or stale output file behind.  The provenance record (``DataFrame.attrs``, built by
:func:`gzsim.provenance.record`) goes with it: into the Parquet metadata, an
Excel ``provenance`` sheet, or, for a CSV (which has no place for it), a
``<file>.provenance.json`` beside it, written together with the CSV.
:func:`read_results` reads any of them back with ``.attrs`` restored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from .atomic import atomic_write, atomic_write_all
from .errors import OutputError, UsageError
from .provenance import dumps, plain

__all__ = ["FORMATS", "SIDECAR_SUFFIX", "EXCEL_MAX_ROWS", "TEXT_COLUMNS", "check_output_path", "check_rows",
           "check_name_length", "write_results", "read_results", "sidecar_path", "provenance_sheet",
           "text_not_formulas", "excel_writer"]

FORMATS = (".csv", ".parquet", ".xlsx")
#: Appended to a CSV file's name for the file holding its provenance record.
SIDECAR_SUFFIX = ".provenance.json"
#: Key of the sidecar holding the sha256 of the CSV it describes (not part of the record itself).
_CSV_SHA256 = "results_sha256"
#: Data rows an Excel sheet holds (1,048,576 rows less the header).
EXCEL_MAX_ROWS = 1_048_575
#: Columns of gzsim's tables that hold names: read back as text, never as numbers or NaN (a scenario
#: may be called ``NA``, ``null`` or ``2025``).
TEXT_COLUMNS = ("scenario", "indicator", "target", "key", "status", "lever", "parameter", "label",
                "measure", "direction", "method", "input", "output", "box")


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """Check that results can be written to *path* before running anything.

    Raises
    ------
    OutputError
        Unknown extension, folder missing or not a folder, or folder not writable.
    """
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise OutputError(f"unknown output format '{path.suffix or path.name}'; "
                          f"use a file name ending in {', '.join(FORMATS)}", path=path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise OutputError(f"output folder '{folder}' does not exist; create it first", path=path)
    if not folder.is_dir():
        raise OutputError(f"'{folder}' is not a folder; give a path inside an existing folder", path=path)
    derived = [path, sidecar_path(path)] if path.suffix.lower() == ".csv" else [path]
    check_name_length(folder, derived, path)  # first: stat() of a too long name fails
    if path.is_dir():
        raise OutputError("is a folder; give a file name", path=path)
    for name in derived[1:]:
        if name.is_dir():
            raise OutputError(f"'{name.name}' (where the provenance record of this CSV goes) is a folder; "
                              f"remove it or choose another file name", path=path)
    # os.access is unreliable (root, ACLs, read-only mounts): try to create a file.
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".gzsim-probe-"):
            pass
    except OSError as exc:
        raise OutputError(f"output folder '{folder}' is not writable ({exc.strerror}); "
                          f"choose another folder", path=path) from None
    return path


def check_name_length(folder: Path, names: Sequence[Path], path: Path, *, what: str = "file") -> None:
    """Refuse *path* up front when it, or a name derived from it (*names*), is too long for *folder*.

    Checked before a run rather than failing after it ("File name too long"): a CSV's record
    beside it adds 16 bytes, a brief's temporary folder 17.

    Raises
    ------
    OutputError
        Stating the longest name's size, the folder's limit and the longest usable name.
    """
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        limit = 255
    longest = max(names, key=lambda p: len(os.fsencode(p.name)))
    size = len(os.fsencode(longest.name))
    if size > limit:
        extra = f" with what gzsim adds to it ('...{longest.name[-24:]}')" if longest.name != path.name else ""
        raise OutputError(f"the {what} name is too long: {size} bytes{extra}, where this folder takes at most "
                          f"{limit}; use a name of at most {limit - (size - len(os.fsencode(path.name)))} bytes",
                          path=path)


def check_rows(path: str | os.PathLike[str], rows: int) -> None:
    """Refuse, before running, a table that cannot be written to *path* (an Excel sheet's row limit).

    Raises
    ------
    OutputError
        *path* is ``.xlsx`` and *rows* is more than :data:`EXCEL_MAX_ROWS`.
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx" and rows > EXCEL_MAX_ROWS:
        raise OutputError(f"the results have {rows:,} rows, more than an Excel sheet holds "
                          f"({EXCEL_MAX_ROWS:,}); write .csv or .parquet, or run fewer samples", path=path)


def sidecar_path(path: str | os.PathLike[str]) -> Path:
    """Where the provenance of a CSV file is kept: ``<file>.provenance.json`` beside it."""
    path = Path(path)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def provenance_sheet(attrs: Mapping[str, Any]) -> pd.DataFrame:
    """The ``provenance`` sheet of a workbook: one row per field, the value as JSON.

    Every value is JSON (strings quoted) so that :func:`read_results` gets the
    record back exactly: ``"2025"`` stays a string and ``null`` stays None.
    """
    rows = [(str(k), json.dumps(v, ensure_ascii=False, allow_nan=False)) for k, v in plain(attrs).items()]
    return pd.DataFrame(rows, columns=["key", "value"], dtype=str)


def text_not_formulas(book: Any) -> None:
    """Make every formula cell of an openpyxl workbook plain text.

    openpyxl writes any string starting with ``=`` as a formula, and scenario names and titles
    come from user files: a name like ``=HYPERLINK(...)`` must stay text, never run in Excel.
    gzsim writes no formulas of its own.  Call it on ``writer.book`` before the writer closes.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


@contextlib.contextmanager
def excel_writer(target: Any):
    """``pandas.ExcelWriter`` (openpyxl) that saves only when its block succeeds.

    pandas' own context manager saves in ``__exit__`` even when the block failed, and saving a
    workbook with no sheet yet raises ``IndexError``, which hides the real exception (Ctrl-C
    during the write then ended in that traceback instead of exit 130).
    """
    writer = pd.ExcelWriter(target, engine="openpyxl")
    try:
        yield writer
    except BaseException:
        with contextlib.suppress(Exception):
            writer.close()  # release the file; what it writes is removed with the temporary file
        raise
    writer.close()


def _write(df: pd.DataFrame, tmp: Path, suffix: str) -> None:
    if suffix == ".csv":
        # Plain CSV (a comment header would trip plain readers); the record goes to the sidecar.
        df.to_csv(tmp, index=False)
    elif suffix == ".parquet":
        # pandas stores df.attrs as JSON in the Parquet schema metadata (key PANDAS_ATTRS).
        df.to_parquet(tmp, index=False)
    else:
        with excel_writer(tmp) as writer:
            df.to_excel(writer, sheet_name="results", index=False)
            if df.attrs:
                provenance_sheet(df.attrs).to_excel(writer, sheet_name="provenance", index=False)
            text_not_formulas(writer.book)


def _write_sidecar(attrs: Mapping[str, Any], tmp: Path) -> None:
    tmp.write_text(dumps(attrs, indent=2) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_results(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write *df* and its provenance (``df.attrs``) to *path*, atomically.

    Parquet keeps the record in its schema metadata, Excel in a ``provenance``
    sheet; a CSV stays plain and gets the record in ``<file>.provenance.json``
    beside it.  Both files are written, or neither.

    Parameters
    ----------
    df : pandas.DataFrame
    path : path-like
        Ending in ``.csv``, ``.parquet`` or ``.xlsx``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    OutputError
        When the path is unusable or writing fails; no file is left behind.
    """
    path = check_output_path(path)
    suffix = path.suffix.lower()
    check_rows(path, len(df))
    if df.attrs:
        # Plain JSON data before anything is written, so a bad record cannot leave a half result.
        df = df.copy(deep=False)
        df.attrs = plain(df.attrs)
    if suffix != ".csv":
        atomic_write(path, lambda tmp: _write(df, tmp, suffix), what="results")
        return path
    sidecar = sidecar_path(path)
    if not df.attrs:
        atomic_write(path, lambda tmp: _write(df, tmp, suffix), what="results")
        if sidecar.is_file():
            sidecar.unlink()  # a record from an earlier run would describe this file wrongly
        return path
    written: dict[str, str] = {}

    def write_csv(tmp: Path) -> None:
        _write(df, tmp, suffix)
        written[_CSV_SHA256] = _sha256(tmp)

    # The sidecar names the CSV it describes by its sha256, so a reader can tell a pair that
    # does not belong together (read_results refuses it); both are renamed under one lock.
    atomic_write_all([(path, write_csv),
                      (sidecar, lambda tmp: _write_sidecar({**df.attrs, **written}, tmp))], what="results")
    return path


def read_results(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a results file written by :func:`write_results`, with ``.attrs`` (the provenance) restored.

    From the Parquet metadata, the Excel ``provenance`` sheet, or the CSV's
    ``<file>.provenance.json``.  A file without a record (a CSV without a
    sidecar, a workbook without the sheet) comes back with empty ``attrs``.

    Raises
    ------
    UsageError
        Unknown format, a missing or unreadable file, or a malformed record.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"unknown results format '{suffix or path.name}'; use {', '.join(FORMATS)}",
                         path=path)
    try:
        if suffix == ".csv":
            df = _with_text_names(lambda **kw: pd.read_csv(path, **kw))
            sidecar = sidecar_path(path)
            df.attrs = _read_sidecar(sidecar, path) if sidecar.is_file() else {}
        elif suffix == ".parquet":
            df = pd.read_parquet(path)
        else:
            with pd.ExcelFile(path, engine="openpyxl") as book:
                if "results" not in book.sheet_names:
                    raise UsageError("has no 'results' sheet; was it written by gzsim?", path=path)
                df = _with_text_names(lambda **kw: book.parse("results", **kw))
                # Text as written: "null" or "NA" must not turn into NaN before json.loads.
                df.attrs = _from_sheet(book.parse("provenance", dtype=str, keep_default_na=False), path) \
                    if "provenance" in book.sheet_names else {}
    except FileNotFoundError:
        raise UsageError("no such file; check the path", path=path) from None
    except (OSError, ValueError, ImportError) as exc:
        raise UsageError(f"cannot read results: {exc}", path=path) from None
    return df


#: What a CSV or Excel cell holding a missing number says (pandas' own spellings); not for names.
_MISSING = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
            "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]


def _with_text_names(read: Callable[..., pd.DataFrame]) -> pd.DataFrame:
    """A table read by *read* (``pandas.read_csv`` or ``ExcelFile.parse`` of a file) with names as text.

    Columns in :data:`TEXT_COLUMNS` are read as written: no NaN, no number (a scenario may be
    called ``NA`` or ``2025``).  Every other column is read as pandas reads it, missing-value
    spellings and all.
    """
    header = [str(c) for c in read(nrows=0).columns]
    text = [c for c in header if c in TEXT_COLUMNS]
    return read(dtype={c: str for c in text}, keep_default_na=False,
                na_values={c: _MISSING for c in header if c not in text})


def _read_sidecar(sidecar: Path, csv: Path) -> dict[str, Any]:
    try:
        rec = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise UsageError(f"cannot read the provenance record: {exc}; write the results again",
                         path=sidecar) from None
    if not isinstance(rec, dict):
        raise UsageError("the provenance record is not a JSON object; write the results again", path=sidecar)
    expected = rec.pop(_CSV_SHA256, None)
    if expected is not None and expected != _sha256(csv):
        raise UsageError(f"the provenance record describes another version of {csv.name} (another run wrote "
                         f"one of the two files since); write the results again", path=sidecar)
    return rec


def _from_sheet(sheet: pd.DataFrame, path: Path) -> dict[str, Any]:
    if list(sheet.columns) != ["key", "value"]:
        raise UsageError("the provenance sheet needs columns key, value", path=path)
    out = {}
    for key, value in zip(sheet["key"], sheet["value"]):
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value  # a workbook from before values were JSON: keep the text
    return out
