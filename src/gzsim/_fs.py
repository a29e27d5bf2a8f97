"""Paths given by users, made absolute without failing on a symbolic link that loops.

``Path.resolve`` raises ``RuntimeError`` on a symlink loop (Python 3.11), wherever a path is
resolved: a scenario's ``extends``, a catalogue's model ``file``, a calibration's ``files``.
Every path from a user's file goes through :func:`resolved`, so a loop is reported where the
file is read (``FILE: ... is a symbolic link that leads to no file``), never as a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["resolved", "not_a_file"]


def resolved(path: str | os.PathLike[str]) -> Path:
    """``Path(path).resolve()``, or the absolute path as written when it cannot be resolved (a loop)."""
    path = Path(path)
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def not_a_file(path: str | os.PathLike[str]) -> str:
    """Why *path* (not a file) is not one, for a message: "does not exist" or what it is instead."""
    path = Path(path)
    if os.path.islink(path) and not os.path.exists(path):
        return "is a symbolic link that leads to no file (a loop, or its target is missing)"
    if path.is_dir():
        return "is a folder"
    return "does not exist"
