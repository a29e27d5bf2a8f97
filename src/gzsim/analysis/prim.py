"""PRIM: the Patient Rule Induction Method for scenario discovery.

Friedman & Fisher (1999) peeling and pasting, used for scenario discovery as
in Bryant & Lempert (2010): find boxes (limits on a few inputs) in which the
cases of interest (``y`` true, e.g. "all headline targets met") are dense.

* **coverage**: share of all cases of interest that fall in the box;
* **density**: share of the points in the box that are cases of interest;
* **mass**: share of all points in the box;
* **restricted dimensions**: inputs whose box limits are tighter than the data's range.

Peeling removes, at each step, the ``alpha`` share of the box's points at the
low or high end of one input, whichever raises the density most, until the
box holds less than ``min_mass`` of the data; this gives the *peeling
trajectory*.  The box chosen from it is the densest with at least
``min_coverage``; pasting then widens its limits again where that raises the
density.  With ``n_boxes > 1`` the points in a box are removed and the search
repeats on the rest (covering).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["Box", "PrimResult", "prim"]


@dataclass(frozen=True, eq=False)
class Box:
    """A box and its statistics on the data it was found in.

    Attributes
    ----------
    lower, upper : numpy.ndarray, shape (d,)
        Limits (inclusive); the data's range where not restricted.
    coverage, density, mass : float
        Against all the data (coverage: of all cases of interest).
    restricted : tuple of int
        Indices of the restricted inputs.
    """

    lower: np.ndarray
    upper: np.ndarray
    coverage: float
    density: float
    mass: float
    restricted: tuple[int, ...]

    def contains(self, x: np.ndarray) -> np.ndarray:
        """Boolean per row of *x* (n, d): inside the box."""
        return np.all((x >= self.lower) & (x <= self.upper), axis=1)


@dataclass(frozen=True)
class PrimResult:
    """Boxes found (in covering order) and the peeling trajectory of each."""

    names: tuple[str, ...]
    boxes: tuple[Box, ...]
    trajectories: tuple[pd.DataFrame, ...]
    base_density: float
    data_min: np.ndarray
    data_max: np.ndarray

    def limits(self) -> pd.DataFrame:
        """One row per box and restricted input.

        Columns ``box, input, lower, upper, data_min, data_max, restricted``
        (``restricted``: ``lower``, ``upper`` or ``both``: the sides that limit).
        """
        rows = []
        for k, box in enumerate(self.boxes, start=1):
            for j in box.restricted:
                low, high = box.lower[j] > self.data_min[j], box.upper[j] < self.data_max[j]
                rows.append({"box": k, "input": self.names[j], "lower": float(box.lower[j]),
                             "upper": float(box.upper[j]), "data_min": float(self.data_min[j]),
                             "data_max": float(self.data_max[j]),
                             "restricted": "both" if low and high else ("lower" if low else "upper")})
        return pd.DataFrame(rows, columns=["box", "input", "lower", "upper", "data_min", "data_max",
                                           "restricted"])


def _stats(inside: np.ndarray, y: np.ndarray, total_y: float, n: int) -> tuple[float, float, float]:
    m = int(inside.sum())
    hits = float(y[inside].sum())
    return (hits / total_y if total_y else 0.0, hits / m if m else 0.0, m / n)


def _restricted(lower: np.ndarray, upper: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[int, ...]:
    return tuple(int(j) for j in np.flatnonzero((lower > lo) | (upper < hi)))


def _peel(x: np.ndarray, y: np.ndarray, alpha: float, min_mass: float, lo: np.ndarray, hi: np.ndarray,
          n_all: int, total_y: float):
    lower, upper = lo.copy(), hi.copy()
    inside = np.ones(len(x), dtype=bool)
    steps = [(lower.copy(), upper.copy())]
    while inside.sum() / n_all > min_mass:
        xb, yb = x[inside], y[inside]
        q_lo = np.quantile(xb, alpha, axis=0)
        q_hi = np.quantile(xb, 1 - alpha, axis=0)
        keep_lo = xb >= q_lo            # peel the low end of each input
        keep_hi = xb <= q_hi            # peel the high end
        best, choice = -1.0, None
        for side, keep in (("lo", keep_lo), ("hi", keep_hi)):
            count = keep.sum(axis=0)
            ok = (count < len(xb)) & (count > 0)
            dens = np.where(ok, (yb[:, None] * keep).sum(axis=0) / np.maximum(count, 1), -1.0)
            j = int(np.argmax(dens))
            if ok[j] and dens[j] > best + 1e-12:
                best, choice = dens[j], (side, j)
        if choice is None:
            break
        side, j = choice
        if side == "lo":
            lower[j] = q_lo[j]
        else:
            upper[j] = q_hi[j]
        new_inside = np.all((x >= lower) & (x <= upper), axis=1)
        if new_inside.sum() / n_all < min_mass * 0.5 or not new_inside.any():
            break
        inside = new_inside
        steps.append((lower.copy(), upper.copy()))
    return steps


def _paste(x: np.ndarray, y: np.ndarray, lower: np.ndarray, upper: np.ndarray, alpha: float,
           lo: np.ndarray, hi: np.ndarray):
    """Widen limits while that raises the density (Friedman & Fisher's pasting)."""
    lower, upper = lower.copy(), upper.copy()
    while True:
        inside = np.all((x >= lower) & (x <= upper), axis=1)
        m = inside.sum()
        density = y[inside].mean() if m else 0.0
        step = max(1, int(np.ceil(alpha * m)))
        best, move = density, None
        for j in range(x.shape[1]):
            others = np.all(np.delete((x >= lower) & (x <= upper), j, axis=1), axis=1)
            for side in ("lo", "hi"):
                if side == "lo" and lower[j] > lo[j]:
                    cand = np.sort(x[others & (x[:, j] < lower[j]), j])[::-1][:step]
                elif side == "hi" and upper[j] < hi[j]:
                    cand = np.sort(x[others & (x[:, j] > upper[j]), j])[:step]
                else:
                    continue
                if not len(cand):
                    continue
                new = cand[-1]
                l2, u2 = lower.copy(), upper.copy()
                (l2 if side == "lo" else u2)[j] = new
                ins = np.all((x >= l2) & (x <= u2), axis=1)
                dens = y[ins].mean()
                if dens > best + 1e-12:
                    best, move = dens, (l2, u2)
        if move is None:
            return lower, upper
        lower, upper = move


def prim(x: np.ndarray, y: np.ndarray, *, names: Sequence[str] | None = None, alpha: float = 0.05,
         min_mass: float = 0.05, min_coverage: float = 0.5, n_boxes: int = 1, paste: bool = True) -> PrimResult:
    """Find boxes where *y* is dense.

    Parameters
    ----------
    x : numpy.ndarray, shape (n, d)
        Inputs (levers and uncertainties) per run.
    y : numpy.ndarray of bool, shape (n,)
        Cases of interest.
    names : sequence of str, optional
        Input names (default ``x0, x1, ...``).
    alpha : float
        Peeling share per step.
    min_mass : float
        Smallest box mass on the trajectory.
    min_coverage : float
        The chosen box is the densest with at least this coverage (of the
        data left when it is searched).
    n_boxes : int
        Boxes to find by covering.
    paste : bool
        Paste the chosen box.

    Returns
    -------
    PrimResult
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = x.shape
    names = tuple(names) if names is not None else tuple(f"x{j}" for j in range(d))
    lo, hi = x.min(axis=0), x.max(axis=0)
    total_y = float(y.sum())
    left = np.ones(n, dtype=bool)
    boxes, trajectories = [], []
    for _ in range(n_boxes):
        xs, ys = x[left], y[left]
        if ys.sum() == 0 or len(xs) < 2:
            break
        steps = _peel(xs, ys, alpha, min_mass, lo, hi, len(xs), float(ys.sum()))
        rows = []
        for lower, upper in steps:
            cov, dens, mass = _stats(np.all((xs >= lower) & (xs <= upper), axis=1), ys, float(ys.sum()), len(xs))
            rows.append({"coverage": cov, "density": dens, "mass": mass,
                         "restricted": len(_restricted(lower, upper, lo, hi))})
        traj = pd.DataFrame(rows)
        eligible = traj.index[traj["coverage"] >= min_coverage]
        pick = int(traj.loc[eligible, "density"].idxmax()) if len(eligible) else 0
        lower, upper = steps[pick]
        if paste:
            lower, upper = _paste(xs, ys, lower, upper, alpha, lo, hi)
        inside_all = np.all((x >= lower) & (x <= upper), axis=1)
        if boxes and ys[np.all((xs >= lower) & (xs <= upper), axis=1)].mean() <= ys.mean():
            break  # covering found nothing denser than the rest of the data
        cov, dens, mass = _stats(inside_all & left, y, total_y, n)
        boxes.append(Box(lower, upper, cov, dens, mass, _restricted(lower, upper, lo, hi)))
        traj["chosen"] = traj.index == pick
        trajectories.append(traj)
        left &= ~inside_all
    return PrimResult(names, tuple(boxes), tuple(trajectories), total_y / n if n else float("nan"), lo, hi)
