"""Calibration of a gzsim model to sparse observations of mixed kinds.

Public API
----------
load_settings(path) -> Settings
    Read and check a settings file (``calibration/settings.toml``).
calibrate(settings, *, seed=None, budget=None) -> Result
    Point estimate, fit statistics, profiles, MCMC ensemble, outlook.
write_outputs(result, out_dir) -> Path
    fit.csv, parameters.csv, posterior.parquet, calibration.json, report.md, charts.
load_calibration(path=None) -> Calibration
    A saved calibration (default: the bundled ``calibration/ganzhou/``);
    ``.point``, ``.posterior``, ``.provenance``, ``.check_fresh()``, ``.inputs()``.
draw_posterior(calibration, n, rng) -> DataFrame
    Parameter sets drawn from the ensemble.
Errors: CalibrationError, StaleCalibrationError (both gzsim.GzsimError).
"""

from .errors import CalibrationError, StaleCalibrationError
from .settings import Settings, load_settings
from .store import Calibration, draw_posterior, load_calibration

__all__ = ["CalibrationError", "StaleCalibrationError", "Settings", "load_settings",
           "Calibration", "load_calibration", "draw_posterior", "calibrate", "write_outputs"]


def __getattr__(name: str):
    # The pipeline pulls in matplotlib and scipy.optimize: load it only when asked for.
    if name == "calibrate":
        from .run import calibrate

        return calibrate
    if name == "write_outputs":
        from .outputs import write_outputs

        return write_outputs
    raise AttributeError(f"module 'gzsim.calibration' has no attribute '{name}'")
