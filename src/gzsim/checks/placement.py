"""Vensim's placement rule for level-like functions, checked on a ``.mdl`` file.

Vensim, and the tools of its family (SDEverywhere, which builds En-ROADS, refuses the file
with "Function 'INITIAL' cannot be used inside other function calls"), need each level-like
call -- INTEG, INITIAL, ACTIVE INITIAL, DELAY FIXED, SAMPLE IF TRUE -- to be the whole
right-hand side of its equation. PySD and gzsim's engine accept them anywhere, so a model
can drift out of the family without any run failing. The same rule is applied to the other
stateful functions (SMOOTH*, DELAY1/3/N, TREND, FORECAST): Vensim expands those as macros
and accepts them nested, but one variable per stateful call keeps every tool's reading the
same and each pipeline observable.

The check works on PySD's parse of the file (:mod:`gzsim.engine.parse`, which evaluates no
model text), so ``INITIAL TIME`` (a variable) is never mistaken for a call.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterator

from ..errors import Problem

__all__ = ["placement_problems"]

_KEYWORDS = {  # PySD structure -> Vensim spellings it parses from
    "IntegStructure": ("INTEG",),
    "InitialStructure": ("INITIAL",),
    "DelayFixedStructure": ("DELAY FIXED",),
    "SampleIfTrueStructure": ("SAMPLE IF TRUE",),
    "SmoothStructure": ("SMOOTH3I", "SMOOTH3", "SMOOTHI", "SMOOTH"),
    "SmoothNStructure": ("SMOOTH N",),
    "DelayStructure": ("DELAY1I", "DELAY1", "DELAY3I", "DELAY3"),
    "DelayNStructure": ("DELAY N",),
    "TrendStructure": ("TREND",),
    "ForecastStructure": ("FORECAST",),
}
_ACTIVE_INITIAL = ("ACTIVE INITIAL",)  # parsed as a plain call to 'active_initial'


def _keywords(node: Any) -> tuple[str, ...] | None:
    """The Vensim spellings of *node* when it is a stateful call, else None."""
    name = type(node).__name__
    if name in _KEYWORDS:
        return _KEYWORDS[name]
    if name == "CallStructure" and getattr(getattr(node, "function", None), "reference", None) \
            == "active_initial":
        return _ACTIVE_INITIAL
    return None


def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, (list, tuple)):
        yield from node
    elif hasattr(node, "__dict__") and type(node).__module__.startswith("pysd."):
        yield from vars(node).values()


def _nested_calls(ast: Any) -> list[tuple[str, ...]]:
    """Stateful calls in *ast* that are not its whole right-hand side, outermost first."""
    found: list[tuple[str, ...]] = []
    seen: set[int] = set()  # PySD shares one subtree between arguments (SMOOTH's input and initial)

    def walk(node: Any, top: bool) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        spelled = _keywords(node)
        if spelled is not None and not top:
            found.append(spelled)
        for child in _children(node):
            walk(child, False)

    walk(ast, True)
    return found


def _call_texts(expression: str, spellings: tuple[str, ...]) -> list[str]:
    """The text of every call spelled as one of *spellings* in *expression*, in order."""
    words = "|".join(r"\s+".join(map(re.escape, s.split())) for s in spellings)
    pattern = re.compile(rf"(?<![\w\"])(?:{words})\s*\(", re.IGNORECASE)
    texts = []
    for match in pattern.finditer(expression):
        depth, end = 0, len(expression)
        for i in range(match.end() - 1, len(expression)):
            depth += {"(": 1, ")": -1}.get(expression[i], 0)
            if depth == 0:
                end = i + 1
                break
        texts.append((match.start(), " ".join(expression[match.start():end].split())))
    return [t for _, t in sorted(texts)]


def placement_problems(path: str | os.PathLike[str]) -> list[Problem]:
    """One problem per stateful call of *path* that is not the whole right-hand side.

    Parameters
    ----------
    path : path-like
        A Vensim ``.mdl`` file.

    Returns
    -------
    list of gzsim.errors.Problem
        Each naming the variable, the call and the fix; empty for a file that follows the rule.

    Raises
    ------
    gzsim.engine.ModelParseError
        When the file cannot be parsed.

    Examples
    --------
    >>> import gzsim
    >>> placement_problems(gzsim.load_model().catalogue.model_file)
    []
    """
    from ..engine.parse import parse_vensim_file

    path = Path(path)
    vfile = parse_vensim_file(path)
    problems = []
    for section in vfile.sections:
        for component in section.components:
            nested = _nested_calls(component.ast)
            top = _keywords(component.ast)
            texts = {}
            for spelled in dict.fromkeys(nested):
                calls = _call_texts(component.expression, spelled)
                if top == spelled and calls:
                    calls = calls[1:]  # the whole right-hand side is allowed
                texts[spelled] = iter(calls)
            for spelled in nested:
                call = next(texts[spelled], f"{spelled[-1]}(...)")
                problems.append(Problem(
                    f"variable '{component.name}' has {call} inside a larger expression, which "
                    f"Vensim and SDEverywhere refuse (a level-like call must be the whole "
                    f"right-hand side); fix: give {call} a variable of its own and use that "
                    f"variable's name in the equation", path=path))
    return problems
