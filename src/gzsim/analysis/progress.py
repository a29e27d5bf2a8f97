"""Progress bars for long runs (``tqdm`` on stderr; silent with ``--quiet``).

``tqdm`` is optional: without it, or when disabled, :func:`progress_bar`
returns a bar that does nothing.  Bars are drawn only on a terminal
(``tqdm``'s ``disable=None``), so logs and pipes stay clean.
"""

from __future__ import annotations

import sys
from typing import Protocol

__all__ = ["ProgressBar", "progress_bar"]


class ProgressBar(Protocol):
    """What the analysis code uses of a bar."""

    def update(self, n: int = 1) -> object: ...

    def close(self) -> object: ...


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> "_Silent":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def progress_bar(*, total: int, desc: str, enabled: bool = True, unit: str = "run"):
    """A progress bar over *total* units, or a silent stand-in.

    Parameters
    ----------
    total : int
        Number of units of work.
    desc : str
        Short label shown before the bar.
    enabled : bool
        False (``--quiet``) gives the silent bar.
    unit : str
        Name of one unit.

    Returns
    -------
    object
        Has ``update(n)``, ``close()`` and works as a context manager.
    """
    if not enabled:
        return _Silent()
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is a soft dependency
        return _Silent()
    return tqdm(total=total, desc=desc, unit=unit, unit_scale=True, file=sys.stderr,
                disable=None, leave=False, dynamic_ncols=True)
