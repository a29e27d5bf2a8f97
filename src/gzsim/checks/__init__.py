"""Behaviour checks as data: conditions and the consequences a sound model must show.

In the spirit of Vensim's Reality Check and SDEverywhere's model checks, a
TOML file (``model/checks.toml`` for the bundled model; format in
``docs/formats.md``) states checks a modeller can read and add to: "with no
real R&D from 2021 the knowledge stock only decays", "every lever at its
min, default and max keeps every stock finite and non-negative and every
indicator within its plausible range".  This package validates the file
against a model, expands sweeps into concrete runs, runs them in batches on
the fast engine and judges them; ``gzsim check`` and the test suite use it.

Public API
----------
load_checks(path, model) -> ChecksFile       validate (ChecksError listing every problem)
expand(checks, catalogue) -> (cases, units)  the concrete runs, and what each test judges
run_checks(checks, model) -> tuple[Outcome]  one verdict per unit, in file order
stock_variables(mdl_path) -> tuple[str]      the model's stateful variables
defaults_scenario(model) -> ResolvedScenario every lever at its catalogue default
default_checks_path(model) -> Path           checks.toml beside the model's catalogue

Examples
--------
>>> import gzsim
>>> from gzsim.checks import default_checks_path, load_checks, run_checks
>>> model = gzsim.load_model()
>>> checks = load_checks(default_checks_path(model), model)
>>> [o.unit.id for o in run_checks(checks, model) if not o.ok]
[]
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .cases import Case, Unit, expand
from .judge import Failure, Outcome, Status
from .loader import load_checks
from .run import run_checks
from .simulate import defaults_scenario
from .spec import Assertion, Check, ChecksFile, Expectation, Range
from .stocks import stock_variables

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["load_checks", "expand", "run_checks", "stock_variables", "defaults_scenario",
           "default_checks_path", "Assertion", "Case", "Check", "ChecksFile", "Expectation",
           "Failure", "Outcome", "Range", "Status", "Unit"]


def default_checks_path(model: "Model") -> Path:
    """``checks.toml`` in the folder of *model*'s catalogue (``model/checks.toml`` when bundled)."""
    return model.catalogue.path.parent / "checks.toml"
