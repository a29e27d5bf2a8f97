"""How much a backtest's coverage can say: per cutoff, against what calibrated bands would give.

A coverage figure is a count of hits among few held-out values, and the values of one cutoff
share their errors (one regime, one refit), while the same value forecast from several cutoffs
is counted once per cutoff.  So the pooled share is not judged against its nominal level alone:

- per cutoff, the number of values inside each band is set against the central 90 % range of
  hits a calibrated band would give, Binomial(n, level).  The values of a cutoff are treated as
  independent; errors they share make counts far from the mean likelier, so a count outside the
  range is a warning to read with the misses' sides, not a proof;
- each distinct value is also counted once, from its earliest cutoff (the longest horizon, the
  least known): the purest out-of-sample check the rows allow;
- misses are split into below and above the band: one-sided misses mean bias, not width.
"""

from __future__ import annotations

import pandas as pd
from scipy.stats import binom

__all__ = ["coverage_by_cutoff", "calibrated_range", "distinct_values", "first_cutoff_rows", "flags",
           "BANDS", "FIRST_CUTOFF"]

#: (column, nominal level, lower quantile, upper quantile) of each band checked.
BANDS = (("inside_50", 0.5, "p25", "p75"), ("inside_90", 0.9, "p05", "p95"))

#: Label of the row that counts every distinct held-out value once, from its earliest cutoff.
FIRST_CUTOFF = "each value once (earliest cutoff)"


def calibrated_range(n: int, level: float, mass: float = 0.9) -> tuple[int, int]:
    """Central *mass* range of the hits of a calibrated *level* band among *n* independent values."""
    tail = (1.0 - mass) / 2
    return int(binom.ppf(tail, n, level)), int(binom.ppf(1.0 - tail, n, level))


def _row(name: str, rows: pd.DataFrame) -> dict:
    out: dict = {"cutoff": name, "forecasts": len(rows)}
    for column, level, lo, hi in BANDS:
        pct = int(round(level * 100))
        hits = int(rows[column].sum())
        low, high = calibrated_range(len(rows), level)
        out[f"inside_{pct}"] = f"{hits}/{len(rows)}"
        out[f"calibrated_{pct}"] = f"{low}-{high}"
        out[f"below_{pct}"] = int((rows["value"] < rows[lo]).sum())
        out[f"above_{pct}"] = int((rows["value"] > rows[hi]).sum())
        out[f"flag_{pct}"] = ("too few inside" if hits < low else
                              "too many inside" if hits > high else "")
    return out


def coverage_by_cutoff(table: pd.DataFrame, method: str = "model") -> pd.DataFrame:
    """Per cutoff (and each value once, at its earliest cutoff): hits of each band, the range a
    calibrated band would give, misses below and above, and a flag when the hits fall outside."""
    rows = table[table["method"] == method]
    out = [_row(str(c), part) for c, part in rows.groupby("cutoff", sort=True)]
    out.append(_row(FIRST_CUTOFF, first_cutoff_rows(table, method)))
    return pd.DataFrame(out)


def first_cutoff_rows(table: pd.DataFrame, method: str = "model") -> pd.DataFrame:
    """Each held-out value once: the forecast of *method* from its earliest cutoff."""
    rows = table[table["method"] == method].sort_values("cutoff", kind="stable")
    return rows.drop_duplicates("observation", keep="first")


def distinct_values(table: pd.DataFrame, method: str = "model") -> int:
    """How many distinct held-out values the forecasts of *method* score."""
    return int(table.loc[table["method"] == method, "observation"].nunique())


def flags(check: pd.DataFrame) -> list[str]:
    """One phrase per flagged band and cutoff, e.g. '50 % band, cutoff 2018: too few inside (2/11)'."""
    out = []
    for row in check.to_dict("records"):
        for _, level, _, _ in BANDS:
            pct = int(round(level * 100))
            if row[f"flag_{pct}"]:
                where = row["cutoff"] if row["cutoff"] == FIRST_CUTOFF else f"cutoff {row['cutoff']}"
                out.append(f"{pct} % band, {where}: {row[f'flag_{pct}']} "
                           f"({row[f'inside_{pct}']}, calibrated {row[f'calibrated_{pct}']})")
    return out

