"""gzsim: system-dynamics scenario simulator for Ganzhou's science & technology plan.

Public API
----------
load_model(path=None, *, engine="fast", calibration="auto") -> Model
    The bundled Ganzhou model (or another catalogue) bound to an engine, with its calibration.
load_scenario(path, *, catalogue=None) -> ResolvedScenario
load_targets(path, *, catalogue=None) -> Targets
load_catalogue(path) -> Catalogue
Model.run(scenario, *, samples=0, seed=None) -> pandas.DataFrame
    Tidy results with columns scenario, sample, year, indicator, value.
"""

__version__ = "0.1.0"

from .catalogue import Catalogue, load_catalogue
from .errors import (
    CatalogueError,
    EngineError,
    GzsimError,
    LeverValueError,
    OutputError,
    Problem,
    ScenarioError,
    TargetsError,
    UsageError,
)
from .loading import load_model
from .model import Model
from .simulation import Simulation
from .scenario import ResolvedScenario, load_scenario
from .targets import Targets, load_targets

__all__ = [
    "__version__",
    "load_model",
    "load_scenario",
    "load_targets",
    "load_catalogue",
    "Model",
    "Simulation",
    "Catalogue",
    "ResolvedScenario",
    "Targets",
    "Problem",
    "GzsimError",
    "CatalogueError",
    "ScenarioError",
    "LeverValueError",
    "TargetsError",
    "UsageError",
    "EngineError",
    "OutputError",
]
