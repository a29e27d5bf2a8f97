"""The stocks of a model: every variable whose equation holds a stateful structure.

Found in PySD's abstract model of the ``.mdl`` (parsed safely by
:func:`gzsim.engine.parse.parse_abstract_model`), never from a hand list, so a
stock added to the model is checked without anyone remembering to list it.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path

__all__ = ["STOCK_STRUCTURES", "stock_variables"]

#: Accumulations, delay pipelines and smooths hold material quantities (firms, money,
#: people, knowledge) that cannot be negative.  SAMPLE IF TRUE, INITIAL, TREND and
#: FORECAST are stateful too but hold copies or slopes of other values, which may be.
STOCK_STRUCTURES = frozenset({
    "IntegStructure", "DelayStructure", "DelayNStructure", "DelayFixedStructure",
    "SmoothStructure", "SmoothNStructure",
})


def _holds_stock(node) -> bool:
    if type(node).__name__ in STOCK_STRUCTURES:
        return True
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return any(_holds_stock(getattr(node, f.name)) for f in dataclasses.fields(node))
    if isinstance(node, (list, tuple)):
        return any(_holds_stock(item) for item in node)
    return False


@functools.lru_cache(maxsize=8)
def _cached(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    from ..engine.parse import parse_abstract_model

    model = parse_abstract_model(path)
    return tuple(element.name for section in model.sections for element in section.elements
                 if any(_holds_stock(c.ast) for c in element.components))


def stock_variables(mdl_path: str | os.PathLike[str]) -> tuple[str, ...]:
    """Vensim names of the variables whose equations hold a stock, in file order.

    A pipeline inside a larger expression (``(DELAY FIXED(x, 1, 0) + y) * z``)
    makes its whole variable count: that variable is what can be observed.

    Parameters
    ----------
    mdl_path : path-like
        The Vensim model file.

    Returns
    -------
    tuple of str

    Raises
    ------
    gzsim.engine.ModelParseError
        When the file cannot be parsed.

    Examples
    --------
    >>> import gzsim
    >>> "knowledge stock" in stock_variables(gzsim.load_model().catalogue.model_file)
    True
    """
    path = Path(mdl_path).resolve()
    stat = path.stat()
    return _cached(str(path), stat.st_mtime_ns, stat.st_size)
