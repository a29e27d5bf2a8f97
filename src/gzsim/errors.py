"""Typed errors for gzsim.

Every error that is caused by the user's input (a catalogue, a scenario, a
targets file, a command line) derives from :class:`GzsimError`.  An error
carries one or more :class:`Problem` objects so that *all* mistakes in a file
are reported at once instead of one per run; each problem names the file it
was found in, the item concerned, and how to fix it.

The command line prints ``str(error)`` (one line per problem) and exits with
status 2, never a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

__all__ = [
    "Problem",
    "GzsimError",
    "CatalogueError",
    "ScenarioError",
    "LeverValueError",
    "TargetsError",
    "UsageError",
    "EngineError",
    "OutputError",
    "ChecksError",
    "display_path",
]


def display_path(path: str | os.PathLike[str] | None) -> str:
    """Return *path* as the user most likely typed it.

    Paths below the current directory are shown relative to it (e.g.
    ``scenarios/push.toml``); others are shown as given.
    """
    if path is None:
        return ""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except RuntimeError:  # a symlink loop cannot be resolved: shorten the path as written
        try:
            return str(p.absolute().relative_to(Path.cwd()))
        except (ValueError, OSError):
            return str(p)
    except (ValueError, OSError):
        return str(p)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it, naming the item, e.g.
        ``"lever 'rd_subsdy' is unknown; did you mean 'rd_subsidy'?"``.
    path : pathlib.Path or None
        The file the problem is in (``None`` for command-line problems).
    kind : str
        Coarse category. ``"value"`` marks a bad lever value (out of range,
        not a finite number); everything else is ``"invalid"``.
    """

    message: str
    path: Path | None = None
    kind: str = "invalid"

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{display_path(self.path)}: {self.message}"


class GzsimError(Exception):
    """Base class of all gzsim errors caused by user input.

    Parameters
    ----------
    message : str, optional
        A single problem.  Ignored for display when *problems* is given
        (then it is only the summary in :attr:`message`).
    path : path-like, optional
        The file concerned.
    problems : iterable of Problem or str, optional
        Several problems; plain strings are attached to *path*.

    Attributes
    ----------
    path : pathlib.Path or None
    message : str
        A one-line summary.
    problems : tuple of Problem
        Always at least one.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        problems: Iterable[Problem | str] = (),
    ) -> None:
        self.path = Path(path) if path is not None else None
        probs = tuple(
            p if isinstance(p, Problem) else Problem(str(p), self.path) for p in problems
        )
        if not probs:
            probs = (Problem(message or self.__class__.__name__, self.path),)
        self.problems: tuple[Problem, ...] = probs
        if message is None:
            message = probs[0].message if len(probs) == 1 else f"{len(probs)} problems"
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class CatalogueError(GzsimError):
    """The lever catalogue (``levers.toml``) is malformed or does not match the model."""


class ScenarioError(GzsimError):
    """A scenario file is malformed, refers to unknown levers, or cannot be resolved."""


class LeverValueError(ScenarioError):
    """A scenario's only problems are bad lever values (out of range, not finite, not a number).

    A subclass of :class:`ScenarioError`, so ``except ScenarioError`` catches it too.
    """


class TargetsError(GzsimError):
    """A targets file (``scenarios/targets/*.toml``) is malformed."""


class UsageError(GzsimError):
    """The command line or an API call was used wrongly (unknown scenario name, bad option)."""


class EngineError(GzsimError):
    """The simulation engine could not translate or run the model."""


class OutputError(GzsimError):
    """The results cannot be written (folder missing, not writable, unknown format)."""


def scenario_error(problems: list[Problem], *, path: Path) -> ScenarioError:
    """Build the most specific scenario error for *problems*.

    Returns a :class:`LeverValueError` when every problem is a lever-value
    problem, otherwise a :class:`ScenarioError`.
    """
    cls = LeverValueError if problems and all(p.kind == "value" for p in problems) else ScenarioError
    return cls(path=path, problems=problems)


class ChecksError(GzsimError):
    """A behaviour-checks file (``model/checks.toml``) is malformed or does not match the model."""
