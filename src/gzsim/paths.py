"""Where the bundled model, catalogue and scenarios live.

The repository layout is ``<root>/model/levers.toml``,
``<root>/model/ganzhou_sti.mdl`` and ``<root>/scenarios/*.toml``, with the
package in ``<root>/src/gzsim``.  The root is, in order: the ``GZSIM_ROOT``
environment variable; the checkout this package was installed from
(editable install); the current directory or one of its parents.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._toml import suggest
from .errors import CatalogueError, UsageError

__all__ = ["repo_root", "bundled_catalogue", "scenarios_dir", "resolve_scenario"]

CATALOGUE = Path("model") / "levers.toml"
SCENARIOS = Path("scenarios")


def _is_root(path: Path) -> bool:
    return (path / CATALOGUE).is_file() or (path / "src" / "gzsim" / "__init__.py").is_file()


def repo_root() -> Path:
    """The project root holding ``model/`` and ``scenarios/``.

    Raises
    ------
    CatalogueError
        When no root can be found.
    """
    env = os.environ.get("GZSIM_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    # src/gzsim/paths.py -> parents[2] is the checkout in an editable install.
    candidates = [here.parents[2], *[p for p in [Path.cwd(), *Path.cwd().parents]]]
    for candidate in candidates:
        if _is_root(candidate):
            return candidate
    raise CatalogueError(
        "cannot find the gzsim project folder (with model/levers.toml); "
        "run from the project folder, set GZSIM_ROOT, or pass the catalogue path explicitly"
    )


def bundled_catalogue() -> Path:
    """Path of the bundled catalogue ``model/levers.toml`` (it need not exist yet)."""
    return repo_root() / CATALOGUE


def scenarios_dir() -> Path:
    """Path of the bundled ``scenarios/`` folder."""
    return repo_root() / SCENARIOS


def resolve_scenario(arg: str, folder: Path | None = None) -> Path:
    """Turn a command-line SCENARIO into a file path.

    Parameters
    ----------
    arg : str
        A path to a ``.toml`` file, or a bare name such as ``baseline``
        looked up as ``<folder>/baseline.toml``.
    folder : pathlib.Path, optional
        Folder for bare names; default :func:`scenarios_dir`.

    Raises
    ------
    UsageError
        When the file does not exist (with a did-you-mean for bare names).
    """
    looks_like_path = arg.endswith(".toml") or "/" in arg or os.sep in arg
    if looks_like_path:
        path = Path(arg)
        if not path.is_file():
            from ._fs import not_a_file

            why = not_a_file(path)
            raise UsageError(f"scenario file '{arg}' not found; check the path" if why == "does not exist"
                             else f"scenario file '{arg}' {why}; give the scenario file itself")
        return path
    folder = folder if folder is not None else scenarios_dir()
    if not folder.is_dir():
        raise UsageError(f"scenario '{arg}' cannot be looked up: the scenarios folder '{folder}' does "
                         f"not exist; check --scenarios-dir, or give a path to a .toml file")
    path = folder / f"{arg}.toml"
    if not path.is_file():
        names = sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []
        known = f" (available: {', '.join(names)})" if names else ""
        raise UsageError(
            f"scenario '{arg}' not found in {folder}{suggest(arg, names)}{known}; "
            f"give a scenario name from that folder or a path to a .toml file"
        )
    return path
