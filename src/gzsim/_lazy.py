"""Lazy package exports: a name's module is imported on first use.

The CLI imports feature packages to register their commands; their heavy modules (scipy.stats,
matplotlib) should cost nothing until a command runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` serving *exports* (name -> submodule of *package*)."""

    def __getattr__(name: str) -> object:
        if name in exports:
            return getattr(import_module(f".{exports[name]}", package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
