"""Errors of the calibration: bad settings, bad data, stale committed calibration."""

from __future__ import annotations

from ..errors import GzsimError, Problem

__all__ = ["CalibrationError", "StaleCalibrationError", "Problem"]


class CalibrationError(GzsimError):
    """A calibration settings file or its observations file is wrong, or a calibration failed.

    Carries every problem found (``.problems``), each naming its file and the
    item concerned (a settings entry, or a data row by its line number).
    """


class StaleCalibrationError(CalibrationError):
    """The committed calibration was made with another model, data or settings file.

    The message names what changed and the command that re-runs the calibration.
    """
