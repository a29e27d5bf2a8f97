"""Numbers as people write them in charts and briefs."""

from __future__ import annotations

import numpy as np

__all__ = ["format_number", "decimals_for"]


def format_number(value: float, decimals: int | None = None) -> str:
    """A number as people write it: ``2,000``, ``2.6``, ``3.19``, ``0.05``.

    With *decimals*, exactly that many (so numbers side by side line up: ``1.80–3.10``).
    """
    if value is None or not np.isfinite(value):
        return "–"
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}".rstrip("0").rstrip(".")


def decimals_for(*values: float) -> int:
    """Decimals that show numbers of this size to about three significant digits."""
    finite = [abs(v) for v in values if v is not None and np.isfinite(v)]
    top = max(finite, default=0.0)
    return 0 if top >= 100 else 1 if top >= 10 else 2
