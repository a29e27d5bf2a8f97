"""The stocks of a model: every variable whose equation holds a stateful structure.

Taken from the compiled model (:attr:`gzsim.engine.CompiledModel.material_stocks`, built
from PySD's abstract model of the ``.mdl``), never from a hand list, so a stock added to
the model is checked without anyone remembering to list it.
"""

from __future__ import annotations

import os

__all__ = ["stock_variables"]


def stock_variables(mdl_path: str | os.PathLike[str]) -> tuple[str, ...]:
    """Vensim names of the variables whose equations hold a stock, in file order.

    Accumulations, delay pipelines and smooths hold material quantities (firms, money,
    people, knowledge) that cannot be negative.  A pipeline inside a larger expression
    makes its whole variable count: that variable is what can be observed.

    Raises
    ------
    gzsim.engine.EngineError
        When the file cannot be parsed or translated.

    Examples
    --------
    >>> import gzsim
    >>> "knowledge stock" in stock_variables(gzsim.load_model().catalogue.model_file)
    True
    """
    from ..engine import compile_model

    return compile_model(mdl_path).material_stocks  # cached per file: the checks compile it anyway
