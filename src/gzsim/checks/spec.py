"""What a behaviour-checks file says, once validated: frozen dataclasses and closed sets.

A :class:`ChecksFile` holds the plausible range of every indicator and a
list of :class:`Check` objects.  A check is a *condition* (lever settings and
model variables to set, optionally from a time on), an optional *sweep* that
turns it into several concrete runs, and *expectations* about the results.
Everything here is already checked against the model; nothing is run.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

__all__ = ["Assertion", "Group", "SweepMode", "Setting", "Bound", "Range", "Expectation",
           "Condition", "Sweep", "Check", "ChecksFile", "SETTINGS"]

#: The named lever settings a check may use besides a number.
SETTINGS = ("min", "default", "max")


class Assertion(enum.Enum):
    """What an expectation asserts about a variable's values over its period."""

    FINITE = "finite"
    FINITE_NONNEGATIVE = "finite_nonnegative"
    NON_INCREASING = "non_increasing"
    NON_DECREASING = "non_decreasing"
    EQUALS = "equals"
    AT_MOST = "at_most"
    AT_LEAST = "at_least"
    WITHIN = "within"
    WITHIN_PLAUSIBLE_RANGE = "within_plausible_range"
    SAME_AS_DEFAULTS = "same_as_defaults"
    NON_DECREASING_IN_LEVER = "non_decreasing_in_lever"
    NON_INCREASING_IN_LEVER = "non_increasing_in_lever"

    @property
    def needs_value(self) -> bool:
        return self in (Assertion.EQUALS, Assertion.AT_MOST, Assertion.AT_LEAST)

    @property
    def across_cases(self) -> bool:
        """True when the assertion compares the runs of a lever sweep with each other."""
        return self in (Assertion.NON_DECREASING_IN_LEVER, Assertion.NON_INCREASING_IN_LEVER)


class Group(enum.Enum):
    """A set of variables an expectation can name instead of one variable."""

    STOCKS = "stocks"          # every stateful variable (INTEG, DELAY..., SMOOTH...)
    INDICATORS = "indicators"  # every [[indicator]] of the catalogue
    VARIABLES = "variables"    # every variable of the model (lookup tables have no value)


class SweepMode(enum.Enum):
    EACH = "each"    # each lever alone at each setting, the others at their default
    ALL = "all"      # every lever together at each setting
    LEVER = "lever"  # one lever at evenly spaced values from its min to its max


#: A lever setting: a number, "min"/"default"/"max", or (for every lever at once)
#: a mapping lever kind -> "min"/"default"/"max".
Setting = float | str | Mapping[str, str]


@dataclass(frozen=True)
class Bound:
    """One end of a plausible range: ``times`` x a data row's value, or a plain number.

    Attributes
    ----------
    value : float
        The bound itself.
    basis : str
        Where it comes from: ``"physical"`` or ``"5 x data row China rd_intensity 2020 (2.4)"``.
    """

    value: float
    basis: str


@dataclass(frozen=True)
class Range:
    """The plausible range of one indicator, with the reason for it."""

    indicator: str
    min: Bound
    max: Bound
    reason: str


@dataclass(frozen=True)
class Expectation:
    """One consequence a check expects.

    Attributes
    ----------
    assertion : Assertion
    variables : tuple of str
        Model-spelled Vensim names the assertion applies to (one, or a group's).
    years : (float, float)
        First and last model time of the period (inclusive; every saved time in it).
    value : float or str or None
        For equals / at most / at least: a number or a model-spelled variable name.
    range : (float, float) or None
        For ``within``.
    relative_to : float or None
        Numbers are multiples of the variable's own value at this model time.
    rtol, atol : float
        Tolerances: ``|x - v| <= atol + rtol * |v|`` (and the one-sided forms).
    """

    assertion: Assertion
    variables: tuple[str, ...]
    years: tuple[float, float]
    value: float | str | None = None
    range: tuple[float, float] | None = None
    relative_to: float | None = None
    rtol: float = 1e-9
    atol: float = 0.0


@dataclass(frozen=True)
class Condition:
    """The settings a check runs under.

    Attributes
    ----------
    levers_at : Setting
        Every lever's starting setting (default: its catalogue default).
    levers : Mapping[str, Setting]
        Lever id -> number or "min"/"default"/"max"; wins over a sweep.
    variables : Mapping[str, tuple[float, float | None]]
        Model-spelled Vensim name -> (value, start), for settings that are not
        levers (a constant, or any variable, replaced by the value as PySD
        does); start None means :attr:`start`.
    start : float or None
        From this model time on (``from`` in the file); the run's base before.
        None: the whole run.
    """

    levers_at: Setting = "default"
    levers: Mapping[str, Setting] = field(default_factory=dict)
    variables: Mapping[str, tuple[float, float | None]] = field(default_factory=dict)
    start: float | None = None


@dataclass(frozen=True)
class Sweep:
    """How a check expands into several runs (see :class:`SweepMode`)."""

    mode: SweepMode
    settings: tuple[Setting, ...] = ()
    lever: str | None = None
    steps: int = 0


@dataclass(frozen=True)
class Check:
    """One behaviour check of the file."""

    id: str
    description: str
    condition: Condition
    expectations: tuple[Expectation, ...]
    sweep: Sweep | None = None
    description_zh: str = ""
    known_failure: str = ""


@dataclass(frozen=True)
class ChecksFile:
    """A validated checks file bound to a model.

    Attributes
    ----------
    path : pathlib.Path
    checks : tuple of Check
    ranges : Mapping[str, Range]
        Indicator id -> plausible range (every indicator of the catalogue has one).
    stocks : tuple of str
        The model's stateful variables, found in the model file.
    """

    path: Path
    checks: tuple[Check, ...]
    ranges: Mapping[str, Range]
    stocks: tuple[str, ...]
