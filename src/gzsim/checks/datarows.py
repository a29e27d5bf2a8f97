"""Data rows that plausible ranges cite: ``"REGION INDICATOR PERIOD [KIND]"``.

The checks file never types a figure it could take from the data: a bound
such as "10 x Ganzhou's 2020 count" is written ``{ times = 10, row =
"Ganzhou high_tech_firms 2020" }`` and the value is read from the
observations file (``region, indicator, period, value, kind`` columns).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from .._toml import suggest

__all__ = ["DataRow", "DataRows", "read_rows"]


@dataclass(frozen=True)
class DataRow:
    region: str
    indicator: str
    period: str
    kind: str
    value: float

    def __str__(self) -> str:
        return f"{self.region} {self.indicator} {self.period} {self.kind}"


class DataRows:
    """The rows of one observations file, looked up by ``"REGION INDICATOR PERIOD [KIND]"``."""

    def __init__(self, path: Path, rows: list[DataRow]) -> None:
        self.path = path
        self.rows = rows

    def find(self, ref: str) -> DataRow | str:
        """The row *ref* names, or a message saying why it names none (or several)."""
        parts = ref.split()
        if len(parts) not in (3, 4):
            return (f"row '{ref}' must be written 'REGION INDICATOR PERIOD' or 'REGION INDICATOR "
                    f"PERIOD KIND' (e.g. 'Ganzhou high_tech_firms 2020')")
        region, indicator, period = parts[:3]
        hits = [r for r in self.rows if (r.region, r.indicator, r.period) == (region, indicator, period)]
        if len(parts) == 4:
            hits = [r for r in hits if r.kind == parts[3]]
        # the file repeats some rows verbatim; only different values are ambiguous
        values = {r.value for r in hits}
        if len(values) == 1:
            return hits[0]
        if not hits:
            known = sorted({f"{r.region} {r.indicator}" for r in self.rows})
            return (f"row '{ref}' is not in {self.path.name}"
                    f"{suggest(f'{region} {indicator}', known)}; cite a row of that file")
        kinds = ", ".join(sorted({r.kind for r in hits}))
        return f"row '{ref}' is ambiguous (kinds {kinds}); add the kind, e.g. '{ref} {hits[0].kind}'"


def read_rows(path: Path) -> DataRows | str:
    """Read an observations CSV, or return why it cannot be used."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"region", "indicator", "period", "value", "kind"} - set(reader.fieldnames or ())
            if missing:
                return (f"data file {path.name} lacks the column(s) {', '.join(sorted(missing))}; "
                        "point 'data' at an observations file")
            rows = []
            for line, rec in enumerate(reader, start=2):
                try:
                    value = float(rec["value"])
                except (TypeError, ValueError):
                    return f"data file {path.name} line {line}: value {rec['value']!r} is not a number"
                if math.isfinite(value):
                    rows.append(DataRow(rec["region"], rec["indicator"], rec["period"], rec["kind"], value))
    except FileNotFoundError:
        return f"data file '{path}' not found; 'data' is relative to the checks file"
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return f"cannot read data file '{path}': {exc}"
    return DataRows(path, rows)
