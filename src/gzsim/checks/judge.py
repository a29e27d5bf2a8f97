"""Judge the expectations of a unit against its runs: failures that say where and why.

Every assertion fails on a value that is not finite.  A failure names the
variable, the first failing model time, the value there, what was expected,
and how many saved times fail in all; the outcome's message adds the check
and the settings of the run, so a red test reads on its own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from .cases import Unit
from .spec import Assertion, Expectation, Range

__all__ = ["Failure", "Status", "Outcome", "judge"]

_EPS = 1e-9


@dataclass(frozen=True)
class Failure:
    """The first failing point of one variable under one expectation."""

    variable: str
    time: float
    value: float
    expected: str
    count: int = 1
    where: str = ""

    def __str__(self) -> str:
        more = f" ({self.count} failing times)" if self.count > 1 else ""
        where = f" with {self.where}" if self.where else ""
        return f"'{self.variable}' at {self.time:g} = {self.value:.6g}{where}, expected {self.expected}{more}"


class Status(enum.Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    KNOWN_FAILURE = "XFAIL"    # fails, as the file's known_failure says it does
    UNEXPECTED_PASS = "XPASS"  # marked known_failure but passes: the marker is stale


@dataclass(frozen=True)
class Outcome:
    """The verdict on one unit."""

    unit: Unit
    failures: tuple[Failure, ...]

    @property
    def status(self) -> Status:
        known = bool(self.unit.check.known_failure)
        if self.failures:
            return Status.KNOWN_FAILURE if known else Status.FAIL
        return Status.UNEXPECTED_PASS if known else Status.PASS

    @property
    def ok(self) -> bool:
        """True unless the unit fails unexpectedly or passes despite a known_failure marker."""
        return self.status in (Status.PASS, Status.KNOWN_FAILURE)

    def message(self) -> str:
        """The check, its run's settings and every failure, one per line."""
        check = self.unit.check
        head = f"check '{check.id}' ({check.description.strip()})\n  settings: {self.unit.settings}"
        if not self.failures:
            note = f"\n  marked known_failure ({check.known_failure}) but passes: remove the marker" \
                if check.known_failure else ""
            return head + note
        return head + "".join(f"\n  {f}" for f in self.failures)


def _tol(e: Expectation, v: np.ndarray) -> np.ndarray:
    return e.atol + e.rtol * np.abs(v)


def _first(variable: str, t: np.ndarray, x: np.ndarray, bad: np.ndarray,
           expected: Callable[[int], str]) -> Failure | None:
    if not bad.any():
        return None
    i = int(np.argmax(bad))
    return Failure(variable, float(t[i]), float(x[i]), expected(i), int(bad.sum()))


def _scale(e: Expectation, x_all: np.ndarray, times: np.ndarray) -> tuple[float, str]:
    if e.relative_to is None:
        return 1.0, ""
    ref = float(np.interp(e.relative_to, times, x_all))
    return ref, f" x its value at {e.relative_to:g} ({ref:.6g})"


def _bounds(e: Expectation, name: str, run: Mapping, ref: Mapping, times: np.ndarray,
            mask: np.ndarray, ranges: Mapping[str, Range]):
    """Lower and upper limits over the period, and the words for limit i."""
    a = e.assertion
    if a is Assertion.WITHIN_PLAUSIBLE_RANGE:
        r = ranges[name]
        lo, hi = np.full(mask.sum(), r.min.value), np.full(mask.sum(), r.max.value)
        return lo, hi, lambda i: (f"within the plausible range of '{r.indicator}' [{r.min.value:g}, "
                                  f"{r.max.value:g}] (min: {r.min.basis}; max: {r.max.basis})")
    if a is Assertion.WITHIN:
        scale, words = _scale(e, run[name], times)
        lo, hi = e.range[0] * scale, e.range[1] * scale
        return (np.full(mask.sum(), lo - _tol(e, lo)), np.full(mask.sum(), hi + _tol(e, hi)),
                lambda i: f"within [{e.range[0]:g}, {e.range[1]:g}]{words}")
    extra = ""
    if a is Assertion.SAME_AS_DEFAULTS:
        v = ref[name][mask]
    elif isinstance(e.value, str):
        v = run[e.value][mask]
    else:
        scale, extra = _scale(e, run[name], times)
        v = np.full(mask.sum(), e.value * scale)

    def words(i: int) -> str:
        if a is Assertion.SAME_AS_DEFAULTS:
            return f"{v[i]:.6g}, its value with every lever at its default"
        if isinstance(e.value, str):
            return f"'{e.value}' ({v[i]:.6g})"
        return f"{e.value:g}{extra} = {v[i]:.6g}" if extra else f"{e.value:g}"

    lo, hi = v - _tol(e, v), v + _tol(e, v)
    if a is Assertion.AT_MOST:
        return np.full_like(v, -np.inf), hi, lambda i: f"at most {words(i)}"
    if a is Assertion.AT_LEAST:
        return lo, np.full_like(v, np.inf), lambda i: f"at least {words(i)}"
    return lo, hi, lambda i: f"= {words(i)}"  # equals, same as defaults


def _one(e: Expectation, name: str, run: Mapping, ref: Mapping, times: np.ndarray,
         ranges: Mapping[str, Range]) -> Failure | None:
    mask = (times >= e.years[0] - _EPS) & (times <= e.years[1] + _EPS)
    t, x = times[mask], run[name][mask]
    finite = np.isfinite(x)
    a = e.assertion
    if a is Assertion.FINITE:
        return _first(name, t, x, ~finite, lambda i: "a finite number")
    if a is Assertion.FINITE_NONNEGATIVE:
        # round-off only: a stock emptied by subtracting equal amounts may end at -1e-13
        whole = np.abs(run[name][np.isfinite(run[name])])
        slack = e.atol + e.rtol * (whole.max() if whole.size else 0.0)
        return _first(name, t, x, ~finite | (x < -slack), lambda i: "a finite number >= 0")
    if a in (Assertion.NON_INCREASING, Assertion.NON_DECREASING):
        prev = np.concatenate([x[:1], x[:-1]])
        step = (x - prev) if a is Assertion.NON_INCREASING else (prev - x)
        bad = ~finite | (step > _tol(e, prev))
        word = "at most" if a is Assertion.NON_INCREASING else "at least"
        return _first(name, t, x, bad, lambda i: (f"{a.value.replace('_', '-')}: {word} its value "
                                                  f"{prev[i]:.6g} at {t[max(i - 1, 0)]:g}"))
    lo, hi, words = _bounds(e, name, run, ref, times, mask, ranges)
    return _first(name, t, x, ~finite | (x < lo) | (x > hi), words)


def _across(e: Expectation, name: str, unit: Unit, runs: Mapping, times: np.ndarray) -> Failure | None:
    mask = (times >= e.years[0] - _EPS) & (times <= e.years[1] + _EPS)
    t = times[mask]
    x = np.array([runs[c.id][name][mask] for c in unit.cases])  # (cases, times), lever rising
    lower, upper = x[:-1], x[1:]
    step = (upper - lower) if e.assertion is Assertion.NON_DECREASING_IN_LEVER else (lower - upper)
    bad = ~np.isfinite(lower) | ~np.isfinite(upper) | (step < -_tol(e, lower))
    if not bad.any():
        return None
    failing = bad.any(axis=0)               # per time
    i = int(np.argmax(failing))             # the first failing time
    j = int(np.argmax(bad[:, i]))           # the lowest pair of settings failing there
    lever = unit.check.sweep.lever
    lo_val, hi_val = unit.cases[j].swept, unit.cases[j + 1].swept
    word = "at least" if e.assertion is Assertion.NON_DECREASING_IN_LEVER else "at most"
    return Failure(name, float(t[i]), float(upper[j, i]),
                   f"{word} {lower[j, i]:.6g}, its value with {lever} = {lo_val:g}",
                   int(failing.sum()), f"{lever} = {hi_val:g}")


def judge(unit: Unit, runs: Mapping[str, Mapping[str, np.ndarray]], reference: Mapping[str, np.ndarray],
          times: np.ndarray, ranges: Mapping[str, Range]) -> Outcome:
    """Judge *unit*.

    Parameters
    ----------
    unit : Unit
    runs : mapping
        Case id -> variable -> values at *times*.
    reference : mapping
        The run with every lever at its default (for ``same_as_defaults``).
    times : numpy.ndarray
        The saved model times.
    ranges : mapping
        Model-spelled indicator variable -> its plausible :class:`Range`.
    """
    failures = []
    for e in unit.expectations:
        for name in e.variables:
            if e.assertion.across_cases:
                failure = _across(e, name, unit, runs, times)
            else:
                failure = _one(e, name, runs[unit.cases[0].id], reference, times, ranges)
            if failure is not None:
                failures.append(failure)
    return Outcome(unit, tuple(failures))
