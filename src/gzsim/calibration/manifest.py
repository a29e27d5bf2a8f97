"""Checks of a calibration folder's ``calibration.json`` and ensemble before anything uses them.

A calibration folder is committed and can be edited by hand.  What it says is used as it
stands: its recorded hashes decide whether it is fresh, its central values and ensemble become
model parameters.  So every part is checked when it is loaded and a missing or malformed part is
an error naming the entry, never a silent pass (a removed hash would turn the staleness check
off) nor NaN results:

- ``provenance``: a sha256 (64 hex digits) for each checked input (model, data, settings);
- ``files``: a relative or absolute path (a string) for each of them and the catalogue;
- ``parameters``: one table per free parameter with a ``name`` and finite ``lower_bound`` <
  ``upper_bound``;
- ``point`` and ``central``: one finite value per free parameter, within its bounds;
- ``fixed``: finite numbers, or ``{x: y}`` lookup tables of finite numbers;
- the ensemble (``posterior.parquet``): at least one row, one column per free parameter, every
  value finite and within the bounds.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CHECKED", "manifest_problems", "posterior_problems", "resolved_files"]

#: Inputs whose bytes the calibration records (``provenance.<key>_sha256``) and must not change.
CHECKED = ("model", "observations", "settings")
_FILES = (*CHECKED, "catalogue")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _parameters(meta: dict, out: list[str]) -> dict[str, tuple[float, float]]:
    """Bounds of each free parameter from ``parameters``; problems appended to *out*."""
    entries = meta.get("parameters")
    if not isinstance(entries, list) or not entries:
        out.append("'parameters' must be a non-empty list of tables (one per free parameter)")
        return {}
    bounds: dict[str, tuple[float, float]] = {}
    for i, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            out.append(f"'parameters' entry {i + 1} must be a table with a 'name'")
            continue
        lo, hi = entry.get("lower_bound"), entry.get("upper_bound")
        if not (_number(lo) and _number(hi) and lo < hi):
            out.append(f"'parameters' entry '{name[:80]}' needs finite numbers lower_bound < upper_bound")
            continue
        bounds[name] = (float(lo), float(hi))
    return bounds


def manifest_problems(meta: dict) -> list[str]:
    """Every problem of a parsed ``calibration.json`` (format already checked), as messages."""
    out: list[str] = []
    provenance = meta.get("provenance")
    if not isinstance(provenance, dict):
        out.append("'provenance' must be a table holding the sha256 of the model, data and settings")
        provenance = {}
    for key in CHECKED:
        value = provenance.get(f"{key}_sha256")
        if not (isinstance(value, str) and _SHA256.fullmatch(value)):
            shown = "is missing" if value is None else "is not a sha256 (64 hex digits)"
            out.append(f"'provenance.{key}_sha256' {shown}, so whether the calibration still fits the "
                       f"{key} file cannot be checked")
    files = meta.get("files")
    if not isinstance(files, dict):
        out.append("'files' must be a table of the model, observations, settings and catalogue paths")
        files = {}
    for key in _FILES:
        if not (isinstance(files.get(key), str) and files[key] and "\0" not in files[key]):
            out.append(f"'files.{key}' must be the path of the {key} file")
    bounds = _parameters(meta, out)
    for table in ("point", "central"):
        values = meta.get(table, meta.get("point") if table == "central" else None)
        if not isinstance(values, dict):
            out.append(f"'{table}' must be a table: free parameter -> value")
            continue
        if bounds and set(values) != set(bounds):
            odd = sorted(set(values) ^ set(bounds))
            out.append(f"'{table}' must name exactly the free parameters of 'parameters'; these differ: "
                       f"{', '.join(repr(n[:80]) for n in odd[:5])}")
        for name, value in values.items():
            if not _number(value):
                out.append(f"'{table}' value of '{str(name)[:80]}' must be a finite number, got {str(value)[:40]}")
            elif name in bounds and not bounds[name][0] <= value <= bounds[name][1]:
                lo, hi = bounds[name]
                out.append(f"'{table}' value of '{name[:80]}' = {value:g} is outside its bounds [{lo:g}, {hi:g}]")
    fixed = meta.get("fixed", {})
    if not isinstance(fixed, dict):
        out.append("'fixed' must be a table: model variable -> value or lookup table")
    else:
        for name, value in fixed.items():
            table = value if isinstance(value, dict) else None
            numbers = list(table.values()) if table is not None else [value]
            keys_ok = table is None or all(_float_text(k) for k in table)
            if not numbers or not keys_ok or not all(_number(v) for v in numbers):
                out.append(f"'fixed' value of '{str(name)[:80]}' must be a finite number or a table of "
                           f"finite numbers keyed by numbers")
    return out


def _float_text(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except (TypeError, ValueError):
        return False


def posterior_problems(posterior: pd.DataFrame, meta: dict) -> list[str]:
    """Every problem of the ensemble against the free parameters of *meta* (already checked)."""
    out: list[str] = []
    bounds = _parameters(meta, [])
    if len(posterior) == 0:
        out.append("posterior.parquet has no rows; the ensemble needs at least one parameter set")
    columns = [str(c) for c in posterior.columns]
    if set(columns) != set(bounds):
        odd = sorted(set(columns) ^ set(bounds))
        out.append(f"posterior.parquet must have one column per free parameter; these differ: "
                   f"{', '.join(repr(n[:80]) for n in odd[:5]) or 'duplicated columns'}")
        return out
    for name in bounds:
        try:
            values = pd.to_numeric(posterior[name], errors="raise").to_numpy(dtype=float)
        except (TypeError, ValueError):
            out.append(f"posterior.parquet column '{name[:80]}' must hold numbers")
            continue
        lo, hi = bounds[name]
        if not np.isfinite(values).all():
            out.append(f"posterior.parquet column '{name[:80]}' has values that are not finite numbers")
        elif len(values) and (values.min() < lo or values.max() > hi):
            out.append(f"posterior.parquet column '{name[:80]}' has values outside its bounds [{lo:g}, {hi:g}]")
    return out


def resolved_files(meta: dict, folder: Path) -> dict[str, Path]:
    """``files`` (checked by :func:`manifest_problems`) as absolute paths, relative ones from *folder*.

    A path that cannot be resolved (a symlink loop: ``Path.resolve`` raises) is kept as written;
    reading it then fails with a message naming it.
    """
    from .._fs import resolved

    return {key: resolved(Path(folder) / value) for key, value in meta.get("files", {}).items()}
