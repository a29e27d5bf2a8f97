"""Write a backtest: ``backtest.csv`` (one row per forecast) and ``report.md``.

The table has, per held-out observation, cutoff and method, the value, the
forecast quantiles, whether the value fell inside the 50 % and 90 % bands,
and the interval scores of Gneiting & Raftery (2007) on the log scale.  The
report puts the coverage and mean scores of the model next to the naive
forecasts' and says how the discrepancy term was set.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..atomic import atomic_write_all
from .calibration_check import coverage_by_cutoff, distinct_values, first_cutoff_rows, flags
from .discrepancy import Discrepancy
from .run import Hindcast
from .scores import inside, interval_score

__all__ = ["forecast_table", "summary_table", "markdown", "write_backtest", "coverage_line",
           "backtest_folder", "COLUMNS"]

COLUMNS = ["region", "observation", "series", "cutoff", "horizon", "method", "value", "median",
           "p05", "p25", "p75", "p95", "inside_50", "inside_90", "interval_score_50",
           "interval_score_90", "interval_score", "note"]


def forecast_table(region: str, hindcasts: Sequence[Hindcast], discrepancy: Discrepancy) -> pd.DataFrame:
    """Every forecast of every cutoff and method, scored."""
    parts = []
    for h in hindcasts:
        for model in (h.model_forecasts(discrepancy), h.model_forecasts(None)):
            parts.append(model.assign(cutoff=h.cutoff, note=""))
        # one horizon for every method: years from the cutoff (the naive table counts from each
        # series' last value)
        naive = h.naive.drop(columns=["horizon"]).merge(
            h.held[["series", "time", "observation", "value", "horizon"]], on=["series", "time"])
        parts.append(naive.assign(cutoff=h.cutoff))
    table = pd.concat(parts, ignore_index=True)
    table["region"] = region
    y = np.log(table["value"].to_numpy(float))
    q = {c: np.log(table[c].to_numpy(float)) for c in ("p05", "p25", "p75", "p95")}
    table["inside_50"] = inside(y, q["p25"], q["p75"])
    table["inside_90"] = inside(y, q["p05"], q["p95"])
    table["interval_score_50"] = interval_score(y, q["p25"], q["p75"], 0.5)
    table["interval_score_90"] = interval_score(y, q["p05"], q["p95"], 0.1)
    table["interval_score"] = (table["interval_score_50"] + table["interval_score_90"]) / 2
    table["note"] = table["note"].fillna("")
    return table[COLUMNS].sort_values(["cutoff", "observation", "method"]).reset_index(drop=True)


#: The model's scores on the rows a naive forecast exists for (those with a value known at the
#: cutoff), so that model and naive methods are compared on the same observations.
MODEL_ON_NAIVE_ROWS = "model (rows with naive forecasts)"


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per method: forecasts, coverage of the 50 % and 90 % bands, mean interval scores."""
    naive_rows = table.loc[~table["method"].str.startswith("model"), ["cutoff", "observation"]]
    keys = set(map(tuple, naive_rows.to_numpy()))
    has_naive = np.array([k in keys for k in zip(table["cutoff"], table["observation"])], dtype=bool)
    same = table[(table["method"] == "model").to_numpy() & has_naive]
    table = pd.concat([table, same.assign(method=MODEL_ON_NAIVE_ROWS)], ignore_index=True)
    g = table.groupby("method", sort=False)
    out = pd.DataFrame({
        "forecasts": g.size(),
        "coverage_50": g["inside_50"].mean(),
        "coverage_90": g["inside_90"].mean(),
        "interval_score_50": g["interval_score_50"].mean(),
        "interval_score_90": g["interval_score_90"].mean(),
        "interval_score": g["interval_score"].mean(),
        "abs_log_error": g.apply(lambda d: float(np.mean(np.abs(np.log(d["median"] / d["value"]))))),
    }).reset_index()
    return out.sort_values("interval_score").reset_index(drop=True)


def _md(df: pd.DataFrame) -> str:
    def cell(v):
        if isinstance(v, (float, np.floating)):
            return "" if np.isnan(v) else f"{v:.3g}"
        return str(v)
    head = "| " + " | ".join(df.columns) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def markdown(region: str, table: pd.DataFrame, discrepancy: Discrepancy, how: str,
             command: str, seconds: float, lookahead: Sequence[str] = ()) -> str:
    """The report; *lookahead* is its section on inputs from later rows
    (:func:`gzsim.backtest.lookahead.report_section`)."""
    summary = summary_table(table)
    by_method = summary.set_index("method")
    model = by_method.loc["model"]
    naive = summary[~summary["method"].str.startswith("model")]
    best = naive.iloc[0] if len(naive) else None
    if best is None:
        verdict = "no naive forecast could be made (no value of these series known at the cutoffs)"
    else:
        same = by_method.loc[MODEL_ON_NAIVE_ROWS]
        verdict = (f"on the {int(best['forecasts'])} observations a naive forecast exists for, the "
                   f"model's mean interval score {same['interval_score']:.3g} is "
                   f"{'better' if same['interval_score'] < best['interval_score'] else 'worse'} than "
                   f"the best naive forecast's ({best['method']}, {best['interval_score']:.3g})")
    cutoffs = ", ".join(str(c) for c in sorted(table["cutoff"].unique()))
    lines = [
        f"# Backtest: {region}", "",
        f"Refitted on the observations up to each cutoff ({cutoffs}) and forecast the held-out "
        f"point observations (levels) after it: {int(model['forecasts'])} forecasts, horizons "
        f"{table['horizon'].min():.2g}-{table['horizon'].max():.2g} years. Scores on the log "
        "scale (interval score of Gneiting & Raftery 2007; lower is better; the 50 % and 90 % "
        "bands' scores averaged). Naive forecasts use every data row of the region known at "
        "the cutoff, their bands the spread of the reference class's paces "
        "(`gzsim.backtest.naive`).", "",
        f"**Result:** 90 % bands hold {model['coverage_90']:.0%} and 50 % bands "
        f"{model['coverage_50']:.0%} of the held-out observations; {verdict}.", "",
        _md(summary), "",
        *_calibration_section(table),
        *lookahead,
        "## Model discrepancy", "",
        f"sigma = {discrepancy.sigma:g} per square-root year since the series was last observed "
        f"(at or before the cutoff), on the log (logit for shares) scale: {how}", "",
        "## Every forecast", "",
        _md(table.drop(columns=["region"])), "",
        f"Command: `{command}`; {seconds:.0f} s.", ""]
    return "\n".join(lines)


def _calibration_section(table: pd.DataFrame) -> list[str]:
    """Per cutoff: hits of each band against what calibrated bands would give (see
    :mod:`gzsim.backtest.calibration_check`)."""
    check = coverage_by_cutoff(table)
    found = flags(check)
    n = int((table["method"] == "model").sum())
    verdict = ("Flagged: " + "; ".join(found) + "." if found else
               "Every count lies within the range calibrated bands would give.")
    return [
        "## Are the bands calibrated?", "",
        f"The {n} model forecasts score {distinct_values(table)} distinct held-out values: a value "
        "forecast from several cutoffs counts once per cutoff, and the values of one cutoff share "
        "one refit. So each cutoff's hits (and each value once, from its earliest cutoff) are set "
        "against the central 90 % range of hits calibrated bands would give, Binomial(n, level); "
        "misses are split into below and above the band (one-sided misses mean bias, not width). "
        + verdict, "",
        _md(check), ""]


def write_backtest(out: str | os.PathLike[str], table: pd.DataFrame, report: str) -> Path:
    """Write ``backtest.csv`` and ``report.md`` into the folder *out* (created): both or neither."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_all([
        (out / "backtest.csv", lambda tmp: table.to_csv(tmp, index=False)),
        (out / "report.md", lambda tmp: tmp.write_text(report, encoding="utf-8")),
    ], what="the backtest")
    return out


def backtest_folder(calibration_path: str | os.PathLike[str]) -> Path:
    """Where the backtest of a calibration folder is kept: ``calibration/backtest/<folder name>``.

    Beside, not inside, the calibration folder, which ``gzsim calibrate`` replaces as a whole.
    """
    path = Path(calibration_path)
    return path.parent / "backtest" / path.name


def coverage_line(calibration_path: str | os.PathLike[str] | None, lang: str = "en") -> str | None:
    """One sentence on the committed backtest of a calibration (None when there is none)."""
    if calibration_path is None:
        return None
    file = backtest_folder(calibration_path) / "backtest.csv"
    try:
        stat = file.stat()
    except OSError:
        return None
    # the app asks on every slider move: read and summarise the file once per version of it
    return _coverage_line(str(file), stat.st_mtime_ns, stat.st_size, lang)


@functools.lru_cache(maxsize=8)
def _coverage_line(file: str, _mtime_ns: int, _size: int, lang: str) -> str | None:
    try:
        table = pd.read_csv(file)
        row = summary_table(table).set_index("method").loc["model"]
    except (OSError, KeyError, ValueError):
        return None
    n, c90, c50 = int(row["forecasts"]), row["coverage_90"], row["coverage_50"]
    once = _first_cutoff_coverage(table)
    distinct = distinct_values(table)
    cutoffs = "、".join(str(c) for c in sorted(table["cutoff"].unique()))
    if lang == "zh":
        return (f"回测（截至{cutoffs}年的数据重新校准）：90%区间覆盖了{c90:.0%}、50%区间覆盖了"
                f"{c50:.0%}的{n}个预测（{distinct}个不同的留出观测值；每个观测值只按最早截止年计一次，"
                f"覆盖率为{once[0.9]:.0%}和{once[0.5]:.0%}）")
    cutoffs = ", ".join(str(c) for c in sorted(table["cutoff"].unique()))
    return (f"In hindcasts (refitted on data up to {cutoffs}) the 90 % bands held {_pct(c90)} and the "
            f"50 % bands {_pct(c50)} of {n} forecasts of {distinct} distinct held-out values "
            f"({_pct(once[0.9])} and {_pct(once[0.5])} with each value counted once, from its earliest "
            f"cutoff)")


def _pct(share: float) -> str:
    """A share as English text writes it here: '97 %'."""
    return f"{share * 100:.0f} %"


def _first_cutoff_coverage(table: pd.DataFrame) -> dict[float, float]:
    """Coverage of each band with every held-out value counted once, from its earliest cutoff."""
    first = first_cutoff_rows(table)
    return {0.5: float(first["inside_50"].mean()), 0.9: float(first["inside_90"].mean())}
