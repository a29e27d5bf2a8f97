"""Writing results atomically as CSV, Parquet or Excel.

A file is written to a temporary name in the target folder and moved into
place with ``os.replace``, so a failed run never leaves a partial or stale
output file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Callable

import pandas as pd

from .errors import OutputError

__all__ = ["FORMATS", "check_output_path", "write_results", "atomic_write"]

FORMATS = (".csv", ".parquet", ".xlsx")


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
        raise OutputError(f"'{folder}' is not a folder", path=path)
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


def _provenance(df: pd.DataFrame) -> pd.DataFrame:
    rows = [(k, json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
            for k, v in df.attrs.items()]
    return pd.DataFrame(rows, columns=["key", "value"]).astype({"value": str})


def _write(df: pd.DataFrame, tmp: Path, suffix: str) -> None:
    if suffix == ".csv":
        df.to_csv(tmp, index=False)
    elif suffix == ".parquet":
        # pandas stores df.attrs (seed, scenario hashes) in the Parquet metadata.
        df.to_parquet(tmp, index=False)
    else:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            df.to_excel(writer, sheet_name="results", index=False)
            if df.attrs:
                _provenance(df).to_excel(writer, sheet_name="provenance", index=False)


def write_results(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write *df* to *path* (format from the extension), atomically.

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
    atomic_write(path, lambda tmp: _write(df, tmp, suffix), what="results")
    return path


def atomic_write(path: Path, write: Callable[[Path], None], *, what: str) -> None:
    """Write *path* through *write(tmp)* on a temporary file beside it, then rename it into place.

    Readers never see a half-written file, and a failure leaves neither a partial file nor the
    temporary one.

    Raises
    ------
    OutputError
        Naming *what* was being written and the file.
    """
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {what}: {exc.strerror or exc}", path=path) from None
    finally:
        if tmp.exists():
            tmp.unlink()
