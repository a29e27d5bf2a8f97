"""Writing results atomically as CSV, Parquet or Excel, with their provenance.

A file is written to a temporary name in the target folder and moved into
place with ``os.replace``, so a failed run never leaves a partial or stale
output file behind.  The provenance record (``DataFrame.attrs``, built by
:func:`gzsim.provenance.record`) goes with it: into the Parquet metadata, an
Excel ``provenance`` sheet, or, for a CSV (which has no place for it), a
``<file>.provenance.json`` beside it, written together with the CSV.
:func:`read_results` reads any of them back with ``.attrs`` restored.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from .errors import OutputError, UsageError
from .provenance import dumps, plain

__all__ = ["FORMATS", "SIDECAR_SUFFIX", "check_output_path", "write_results", "read_results",
           "sidecar_path", "provenance_sheet", "text_not_formulas", "make_ordinary", "atomic_write",
           "atomic_write_all"]

FORMATS = (".csv", ".parquet", ".xlsx")
#: Appended to a CSV file's name for the file holding its provenance record.
SIDECAR_SUFFIX = ".provenance.json"


def _read_umask() -> int:
    # os.umask can only be read by setting it, which races with other threads creating files
    # (concurrent app sessions): read it from /proc where there is one, else once, at import.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def make_ordinary(path: Path, *, folder: bool = False) -> None:
    """Give a staged temporary file or folder the permissions of an ordinary one.

    ``mkstemp`` / ``mkdtemp`` create private entries (0600 / 0700); a result that is moved
    into place should be readable like any file the user makes (0666 / 0777 less the umask).
    """
    os.chmod(path, (0o777 if folder else 0o666) & ~_UMASK)


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
    if path.is_dir():
        raise OutputError("is a folder; give a file name", path=path)
    # os.access is unreliable (root, ACLs, read-only mounts): try to create a file.
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".gzsim-probe-"):
            pass
    except OSError as exc:
        raise OutputError(f"output folder '{folder}' is not writable ({exc.strerror}); "
                          f"choose another folder", path=path) from None
    return path


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


def _write(df: pd.DataFrame, tmp: Path, suffix: str) -> None:
    if suffix == ".csv":
        # Plain CSV (a comment header would trip plain readers); the record goes to the sidecar.
        df.to_csv(tmp, index=False)
    elif suffix == ".parquet":
        # pandas stores df.attrs as JSON in the Parquet schema metadata (key PANDAS_ATTRS).
        df.to_parquet(tmp, index=False)
    else:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            df.to_excel(writer, sheet_name="results", index=False)
            if df.attrs:
                provenance_sheet(df.attrs).to_excel(writer, sheet_name="provenance", index=False)
            text_not_formulas(writer.book)


def _write_sidecar(attrs: Mapping[str, Any], tmp: Path) -> None:
    tmp.write_text(dumps(attrs, indent=2) + "\n", encoding="utf-8")


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
    atomic_write_all([(path, lambda tmp: _write(df, tmp, suffix)),
                      (sidecar, lambda tmp: _write_sidecar(df.attrs, tmp))], what="results")
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
            df = pd.read_csv(path)
            sidecar = sidecar_path(path)
            df.attrs = _read_sidecar(sidecar) if sidecar.is_file() else {}
        elif suffix == ".parquet":
            df = pd.read_parquet(path)
        else:
            with pd.ExcelFile(path, engine="openpyxl") as book:
                if "results" not in book.sheet_names:
                    raise UsageError("has no 'results' sheet; was it written by gzsim?", path=path)
                df = book.parse("results")
                # Text as written: "null" or "NA" must not turn into NaN before json.loads.
                df.attrs = _from_sheet(book.parse("provenance", dtype=str, keep_default_na=False), path) \
                    if "provenance" in book.sheet_names else {}
    except FileNotFoundError:
        raise UsageError("no such file; check the path", path=path) from None
    except (OSError, ValueError, ImportError) as exc:
        raise UsageError(f"cannot read results: {exc}", path=path) from None
    return df


def _read_sidecar(sidecar: Path) -> dict[str, Any]:
    try:
        rec = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the provenance record: {exc}; write the results again",
                         path=sidecar) from None
    if not isinstance(rec, dict):
        raise UsageError("the provenance record is not a JSON object; write the results again", path=sidecar)
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


def atomic_write(path: Path, write: Callable[[Path], None], *, what: str) -> None:
    """Write *path* through *write(tmp)* on a temporary file beside it, then rename it into place.

    Readers never see a half-written file, and a failure leaves neither a partial file nor the
    temporary one.

    Raises
    ------
    OutputError
        Naming *what* was being written and the file.
    """
    atomic_write_all([(path, write)], what=what)


def atomic_write_all(items: Sequence[tuple[Path, Callable[[Path], None]]], *, what: str) -> None:
    """Write several files that belong together (a CSV and its provenance): all of them or none.

    Every file is first written to a temporary file beside it; only when all
    are complete are they renamed into place, in order.  If a rename fails,
    the files already moved are removed again.

    Raises
    ------
    OutputError
        Naming *what* was being written and the file that failed.
    """
    staged: list[Path] = []
    moved: list[Path] = []
    current = items[0][0]
    try:
        for path, write in items:
            current = path
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
            os.close(fd)
            staged.append(Path(name))
            write(staged[-1])
            make_ordinary(staged[-1])
        for (path, _write_one), tmp in zip(items, staged):
            current = path
            os.replace(tmp, path)
            moved.append(path)
    except BaseException as exc:
        for path in moved:
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {what}: {exc.strerror or exc}", path=current) from None
        raise
    finally:
        for tmp in staged:
            if tmp.exists():
                tmp.unlink()
