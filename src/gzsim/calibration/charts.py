"""Charts of a calibration (matplotlib, Agg backend; PNG files).

* :func:`series_chart`: one observed model output: the data (markers by
  kind; hollow when only checked, grey crosses for rows of the same
  indicator that are skipped), the fitted line, and the 5-95 % ensemble band.
  A sum or mean over a span is drawn as its annual average across the span;
  a growth bound as the slowest path it allows from the fitted start.
* :func:`profile_chart`: the profile of every free parameter with the 95 %
  threshold.

Each function returns the Figure and accepts ``ax=`` to draw into an
existing axes (or axes array).
"""

from __future__ import annotations

from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .observations import Observation  # noqa: E402
from .profile import THRESHOLD, Profile  # noqa: E402

__all__ = ["series_chart", "profile_chart", "MARKERS"]

#: Marker per data kind.
MARKERS = {"level": "o", "flow": "o", "level_derived": "o", "level_bulletin": "o",
           "as_of": "s", "census": "D", "lower_bound": "^", "upper_bound": "v",
           "level_rounded": "x"}


#: Units written with CJK characters, spelled out: the default fonts have no CJK glyphs.
_UNITS = {"亿元": "100 million yuan", "万人": "10,000 persons"}


def _unit(text: str) -> str:
    for cjk, plain in _UNITS.items():
        text = text.replace(cjk, plain)
    return text


def _axes(ax, figsize=(7.0, 4.2)):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.figure, ax


def series_chart(title: str, unit: str, times: np.ndarray, point: np.ndarray,
                 ensemble: np.ndarray | None, observations: Sequence[Observation],
                 skipped: Sequence[tuple[float, float, str]] = (), *, ax=None,
                 last_year: float | None = None):
    """Chart of one model output against its observations.

    Parameters
    ----------
    title, unit : str
    times : numpy.ndarray
        ``(T,)`` model times.
    point : numpy.ndarray
        ``(T,)`` the output at the point estimate.
    ensemble : numpy.ndarray or None
        ``(n_sets, T)`` the output over the ensemble (band 5-95 %).
    observations : sequence of Observation
        Observations of this output.
    skipped : sequence of (time, value, kind)
        Rows of the same indicator that are not used (drawn grey).
    ax : matplotlib.axes.Axes, optional
    last_year : float, optional
        Right end of the time axis (default: the last time).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _axes(ax)
    end = times[-1] if last_year is None else last_year
    keep = times <= end + 1e-9
    t = times[keep]
    if ensemble is not None and len(ensemble):
        lo, hi = np.nanpercentile(ensemble[:, keep], [5, 95], axis=0)
        ax.fill_between(t, lo, hi, color="tab:blue", alpha=0.2, lw=0, label="ensemble 5-95 %")
        ax.plot(t, np.nanmedian(ensemble[:, keep], axis=0), color="tab:blue", lw=1, ls=":",
                label="ensemble median")
    ax.plot(t, point[keep], color="tab:blue", lw=1.8, label="point estimate")
    seen: set[str] = set()
    for obs in observations:
        label = None if obs.kind in seen else obs.kind.replace("_", " ")
        seen.add(obs.kind)
        face = "tab:red" if obs.objective else "none"
        if obs.measure in ("level", "value_at_month"):
            ax.plot(obs.times[0], obs.target, MARKERS.get(obs.kind, "o"), ms=7, mfc=face,
                    mec="tab:red", ls="none", label=label)
        elif obs.measure in ("sum", "mean"):
            n = len(obs.times)
            level = obs.target / n if obs.measure == "sum" else obs.target
            ax.hlines(level, obs.times[0] - 0.5, obs.times[-1] + 0.5, colors="tab:red",
                      linestyles="-", lw=2.5, alpha=0.8,
                      label=f"{obs.kind} {obs.period} (annual average)")
        elif obs.measure == "cagr":
            t0, t1 = obs.times
            i0 = int(np.argmin(np.abs(times - t0)))
            span = t[(t >= t0) & (t <= t1)]
            ax.plot(span, point[i0] * (1 + obs.target) ** (span - t0), color="tab:red", ls="--",
                    lw=1.2, label=f"slowest path allowed ({obs.kind})")
    for when, value, kind in skipped:
        ax.plot(when, value, "x", color="0.5", ms=7, ls="none",
                label=None if "skipped" in seen else "skipped row")
        seen.add("skipped")
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(_unit(unit))
    ax.set_xlabel("TIME (end of year)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    return fig


def profile_chart(profiles: Sequence[Profile], *, ax=None):
    """Profiles of all free parameters, one panel each, with the 1.92 threshold.

    Parameters
    ----------
    profiles : sequence of Profile
    ax : array of matplotlib.axes.Axes, optional
        At least ``len(profiles)`` axes.
    """
    n = len(profiles)
    if ax is None:
        cols = min(4, n)
        rows = int(np.ceil(n / cols))
        fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.5 * rows), layout="constrained",
                                 squeeze=False)
        axes = axes.ravel()
    else:
        axes = np.ravel(ax)
        fig = axes[0].figure
    for a, p in zip(axes, profiles):
        shown = np.minimum(p.values, 4 * THRESHOLD)
        a.plot(p.grid, shown, "-o", ms=2.5, color="tab:blue")
        a.axhline(THRESHOLD, color="tab:red", lw=0.8, ls="--")
        a.set_title(f"{p.name}\n{'identified' if p.identified else 'NOT identified'}", fontsize=8)
        a.set_ylim(-0.1, 4 * THRESHOLD + 0.3)
        a.tick_params(labelsize=7)
        a.grid(alpha=0.3)
    for a in axes[n:]:
        a.set_visible(False)
    axes[0].set_ylabel("profile (neg. log-lik.)", fontsize=8)
    return fig
