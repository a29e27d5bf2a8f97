"""Run a checks file: expand, simulate in batches, judge every unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalogue import vensim_key
from .cases import expand
from .judge import Outcome, judge
from .simulate import Simulator
from .spec import Assertion, ChecksFile

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["run_checks"]


def run_checks(checks: ChecksFile, model: "Model") -> tuple[Outcome, ...]:
    """Run every check of *checks* on *model*'s fast engine.

    Parameters
    ----------
    checks : ChecksFile
        From :func:`gzsim.checks.load_checks` with the same *model*.
    model : gzsim.Model
        Runs start from its inputs with every lever at its default: with a
        calibration, its central parameter set; without, the hand-set values.

    Returns
    -------
    tuple of Outcome
        One per unit of :func:`gzsim.checks.expand`, in file order.

    Examples
    --------
    >>> import gzsim
    >>> from gzsim.checks import default_checks_path, load_checks
    >>> model = gzsim.load_model()
    >>> outcomes = run_checks(load_checks(default_checks_path(model), model), model)
    >>> all(o.ok for o in outcomes)
    True
    """
    cases, units = expand(checks, model.catalogue)
    sim = Simulator(model)
    columns = [name for check in checks.checks for e in check.expectations
               for name in (*e.variables, *([e.value] if isinstance(e.value, str) else []))]
    runs = dict(zip((c.id for c in cases), sim.run(cases, columns)))
    needs_reference = any(e.assertion is Assertion.SAME_AS_DEFAULTS
                          for check in checks.checks for e in check.expectations)
    reference = sim.reference(columns) if needs_reference else {}
    ranges = {sim.spelled[vensim_key(model.catalogue.indicator(i).vensim)]: r
              for i, r in checks.ranges.items()}
    return tuple(judge(unit, runs, reference, sim.times, ranges) for unit in units)
