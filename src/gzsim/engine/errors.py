"""Typed errors of the fast engine.

All derive from :class:`gzsim.errors.EngineError`, so the command line and
``gzsim.load_model`` report them like every other gzsim error: one line per
problem, prefixed with the model file, never a traceback.
"""

from __future__ import annotations

import difflib
import os
from typing import Iterable, Sequence

from ..errors import EngineError as _GzsimEngineError

__all__ = [
    "EngineError",
    "ModelParseError",
    "UnsupportedFeatureError",
    "AlgebraicLoopError",
    "UnknownVariableError",
    "UnknownParameterError",
    "SUPPORTED_FUNCTIONS",
]

#: Vensim constructs the engine compiles (shown in error messages).
SUPPORTED_FUNCTIONS: tuple[str, ...] = (
    "arithmetic", "logic", "IF THEN ELSE", "MIN", "MAX", "ABS", "EXP", "LN", "LOG",
    "SQRT", "POWER", "INTEGER", "MODULO", "QUANTUM", "SIN", "COS", "TAN", "ARCSIN",
    "ARCCOS", "ARCTAN", "SINH", "COSH", "TANH", "XIDZ", "ZIDZ", "INTEG", "SMOOTH",
    "SMOOTHI", "SMOOTH3", "SMOOTH3I", "SMOOTH N", "DELAY1", "DELAY1I", "DELAY3",
    "DELAY3I", "DELAY N", "DELAY FIXED", "TREND", "FORECAST", "INITIAL",
    "ACTIVE INITIAL", "SAMPLE IF TRUE", "STEP", "RAMP", "PULSE", "PULSE TRAIN",
    "lookups (tables, WITH LOOKUP, LOOKUP EXTRAPOLATE/FORWARD/BACKWARD)", "GAME",
)


class EngineError(_GzsimEngineError):
    """Base class of every error raised by :mod:`gzsim.engine`.

    Parameters
    ----------
    message : str
        What went wrong and how to fix it.
    model_path : path-like, optional
        The ``.mdl`` file concerned; shown before the message.
    """

    def __init__(self, message: str, model_path: str | os.PathLike[str] | None = None) -> None:
        self.model_path = model_path
        super().__init__(message, path=model_path)


class ModelParseError(EngineError):
    """The model file cannot be read, or holds text that is not a plain literal where one is due."""


class UnsupportedFeatureError(EngineError):
    """The model uses a construct the engine does not compile.

    Parameters
    ----------
    construct : str
        The construct, spelled as in Vensim (``"RANDOM UNIFORM"``, ``"subscripts"``).
    variable : str or None
        The Vensim name of the variable that uses it.
    model_path : path-like, optional
        The model file.
    """

    def __init__(self, construct: str, variable: str | None,
                 model_path: str | os.PathLike[str] | None = None, fix: str | None = None) -> None:
        self.construct = construct
        self.variable = variable
        where = f"variable '{variable}' uses" if variable else "the model uses"
        fix = fix or f"rewrite it with a supported function ({', '.join(SUPPORTED_FUNCTIONS)})"
        message = (f"{where} {construct}, which the fast engine does not support; {fix}, "
                   "or run the model with engine='pysd'")
        super().__init__(message, model_path)


class AlgebraicLoopError(EngineError):
    """Variables depend on each other in a cycle with no stock in between.

    Parameters
    ----------
    variables : sequence of str
        The Vensim names on the loop, in dependency order.
    model_path : path-like, optional
        The model file.
    phase : {"run", "initial"}
        ``"initial"`` when the loop only exists while computing initial values
        (for example a stock whose initial value depends on its own flow).
    """

    def __init__(self, variables: Sequence[str], model_path: str | os.PathLike[str] | None = None,
                 phase: str = "run") -> None:
        self.variables = tuple(variables)
        self.phase = phase
        loop = " -> ".join(list(self.variables) + [self.variables[0]]) if self.variables else "?"
        if phase == "initial":
            message = (f"circular initialisation: {loop}; the initial values depend on each "
                       "other, so give one of them an initial value that does not")
        else:
            message = (f"algebraic loop: {loop}; break the loop with a stock (INTEG, SMOOTH, "
                       "DELAY) or give one of these variables a value that does not depend on "
                       "the others")
        super().__init__(message, model_path)


class UnknownVariableError(EngineError, LookupError):
    """A name asked for (a return column) is not a variable of the model.

    Parameters
    ----------
    name : str
        The name given.
    candidates : iterable of str
        The model's variable names, used for the did-you-mean suggestion.
    what : str
        Word for the name in the message (``"variable"``, ``"parameter"``).
    model_path : path-like, optional
        The model file.
    """

    def __init__(self, name: str, candidates: Iterable[str], what: str = "variable",
                 model_path: str | os.PathLike[str] | None = None) -> None:
        self.name = name
        cands = list(candidates)
        by_lower = {c.lower(): c for c in cands}
        close = difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)
        self.suggestions = tuple(by_lower[c] for c in close)
        hint = ""
        if self.suggestions:
            hint = "; did you mean " + " or ".join(f"'{s}'" for s in self.suggestions) + "?"
        super().__init__(f"{what} '{name}' is not in the model{hint}", model_path)


class UnknownParameterError(UnknownVariableError):
    """A parameter key given to ``run``/``run_batch`` is not a variable of the model."""

    def __init__(self, name: str, candidates: Iterable[str],
                 model_path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(name, candidates, "parameter", model_path)
