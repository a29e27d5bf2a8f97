"""Parse a Vensim file with PySD's own translator, safely.

PySD's Vensim translator (``pysd.translators.vensim.vensim_element``) calls
Python's ``eval`` on pieces of the model text: numbers, lookup points and the
text between the brackets of a lookup range, which its grammar lets hold any
character but ``]``.  A hostile ``.mdl`` can therefore run code while PySD
merely parses it (``tab([__import__('os').system(...)], (0,0),(1,1))``).
:func:`parse_abstract_model` shadows that ``eval`` with :func:`safe_literal`
for the duration of the parse, so the abstract model is identical to PySD's
for every honest file and nothing in a dishonest one is ever executed.
"""

from __future__ import annotations

import ast
import contextlib
import re
import threading
import warnings
from pathlib import Path
from typing import Any, Iterator

from .errors import EngineError, ModelParseError

__all__ = ["safe_literal", "safe_pysd_parsing", "parse_vensim_file", "parse_abstract_model",
           "describe_parse_failure"]

_LOCK = threading.RLock()
_BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
           ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}
_MAX_TEXT = 1_000_000


def safe_literal(text: str) -> Any:
    """Evaluate the literal pieces PySD's translator evaluates, and nothing else.

    Accepted: numbers, quoted strings, tuples and lists of them, unary signs
    and ``+ - * /`` between numbers (PySD folds ``1 - 2 + 3`` this way).

    Parameters
    ----------
    text : str
        Text matched by PySD's grammar.

    Returns
    -------
    object
        The value ``eval`` would give for an honest file.

    Raises
    ------
    ModelParseError
        For anything else (names, calls, attributes, comprehensions...).
    """
    if not isinstance(text, str) or len(text) > _MAX_TEXT:
        raise ModelParseError("the model file holds an over-long or non-text literal")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ModelParseError(f"the model file holds text that is not a number: {text[:60]!r}") from exc
    return _literal(tree.body, text)


def _literal(node: ast.AST, text: str) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)) \
            and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [_literal(e, text) for e in node.elts]
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand, text)
        if isinstance(value, (int, float)):
            return -value if isinstance(node.op, ast.USub) else +value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _literal(node.left, text), _literal(node.right, text)
        if isinstance(left, (int, float)) and isinstance(right, (int, float)):
            try:
                return _BINOPS[type(node.op)](left, right)
            except ZeroDivisionError as exc:
                raise ModelParseError(f"division by zero in the literal {text[:60]!r}") from exc
    raise ModelParseError(
        "the model file holds text where PySD expects a plain number or lookup points "
        f"({text[:60]!r}); it was not evaluated")


@contextlib.contextmanager
def safe_pysd_parsing() -> Iterator[None]:
    """Make PySD's Vensim translator use :func:`safe_literal` instead of ``eval``.

    Also useful around ``pysd.read_vensim`` for files of unknown origin.
    Thread-safe with respect to other users of this context manager.
    """
    from pysd.translators.vensim import vensim_element

    with _LOCK:
        had = "eval" in vensim_element.__dict__
        old = vensim_element.__dict__.get("eval")
        # a module global shadows the builtin for every function of that module
        vensim_element.eval = safe_literal
        try:
            yield
        finally:
            if had:
                vensim_element.eval = old
            else:
                del vensim_element.eval


def parse_vensim_file(path: str | Path, encoding: str | None = None):
    """Parse *path* with PySD's Vensim translator without evaluating model text.

    Returns PySD's parsed ``VensimFile``: its sections' components keep each equation's
    text (``expression``) beside its abstract syntax tree (``ast``).

    Raises
    ------
    ModelParseError
        When the file is missing, is not a ``.mdl`` file, or cannot be parsed.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelParseError("model file not found", path)
    if path.suffix.lower() != ".mdl":
        raise ModelParseError("the fast engine reads Vensim .mdl files only", path)
    if not path.read_bytes().strip():
        raise ModelParseError("the model file is empty; give the Vensim .mdl holding the equations", path)
    from pysd.translators.vensim.vensim_file import VensimFile

    try:
        with safe_pysd_parsing(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vfile = VensimFile(path, encoding=encoding)
            vfile.parse()
            return vfile
    except ModelParseError as exc:
        raise ModelParseError(exc.message, path) from None
    except Exception as exc:  # parsimonious wraps our error in VisitationError
        inner = exc
        while inner is not None and not isinstance(inner, ModelParseError):
            inner = inner.__cause__ or inner.__context__
        if isinstance(inner, ModelParseError):
            raise ModelParseError(inner.message, path) from None
        raise ModelParseError(describe_parse_failure(exc), path) from exc


def parse_abstract_model(path: str | Path, encoding: str | None = None):
    """Parse *path* into PySD's :class:`AbstractModel` without evaluating model text.

    Parameters
    ----------
    path : path-like
        A Vensim ``.mdl`` file.
    encoding : str, optional
        File encoding; PySD detects it from the ``{UTF-8}`` header when omitted.

    Returns
    -------
    pysd.translators.structures.abstract_model.AbstractModel

    Raises
    ------
    ModelParseError
        When the file is missing, is not a ``.mdl`` file, or cannot be parsed.
    """
    vfile = parse_vensim_file(path, encoding)
    _refuse_bracketed_negative_bases(vfile, Path(path))
    try:
        with safe_pysd_parsing(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return vfile.get_abstract_model()
    except Exception as exc:
        raise ModelParseError(describe_parse_failure(exc), Path(path)) from exc


# A minus and a number in brackets, then ^: "(-2)^2", "((- 2.5e1)) ^ x".
_BRACKETED_NEGATIVE_BASE = re.compile(
    r"(?P<open>(?:\(\s*)+)-\s*(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*(?P<close>(?:\)\s*)+)\^")


def _refuse_bracketed_negative_bases(vfile, path: Path) -> None:
    """Refuse ``(-2)^2``: PySD's parser drops the brackets, so Vensim gives 4 and PySD -4.

    The number comes out of PySD's parse as the literal -2 whether it was bracketed or not,
    and ``-2^2`` is -4 (unary minus binds looser than ^), so the engine cannot tell the two
    apart from the parse: it looks at the equation's text and refuses rather than follow
    either reading silently.
    """
    for section in vfile.sections:
        for component in section.components:
            text = component.expression or ""
            for match in _BRACKETED_NEGATIVE_BASE.finditer(text):
                if match.group("close").count(")") > match.group("open").count("("):
                    continue  # a bracket closes a larger base: "(a + (-2))^2" is parsed right
                before = text[:match.start()].rstrip()
                if before and (before[-1].isalnum() or before[-1] in "_\"'"):
                    continue  # a call's argument: "ABS(-2)^2"
                number = re.sub(r"[\s()]", "", match.group()[:-1])[1:]  # without the ^ and -
                raise EngineError(
                    f"variable '{component.name}' raises the negative number (-{number}) in "
                    f"brackets to a power: Vensim computes (-{number})^y, but PySD's parser drops "
                    f"the brackets and computes -({number}^y); write the base as (0 - {number}) so "
                    f"that every tool agrees", path)


def describe_parse_failure(exc: BaseException) -> str:
    """What PySD's translator could not parse, naming the variable when the failure is in one.

    Used for both engines: the fast one parses with PySD's translator, and the PySD engine
    (:mod:`gzsim.simulators`) runs it inside ``pysd.read_vensim``.

    Parsimonious reports a position within the text it was given, which for an equation is
    the equation alone ("line 1, column 21"), so the variable is found from the element
    PySD was parsing when it failed (the innermost ``self`` in the traceback with a name).
    """
    name = None
    tb = exc.__traceback__
    while tb is not None:
        owner = tb.tb_frame.f_locals.get("self")
        if type(owner).__module__.startswith("pysd.translators.vensim") and \
                isinstance(getattr(owner, "name", None), str) and hasattr(owner, "expression"):
            name = owner.name
        tb = tb.tb_next
    text, pos = getattr(exc, "text", None), getattr(exc, "pos", None)
    near = ""
    if isinstance(text, str) and isinstance(pos, int):
        near = f" near {text[pos:pos + 30].strip()!r}" if text[pos:].strip() else " at its end"
    if name is not None:
        return (f"cannot parse the equation of '{name}'{near}; fix that equation (unbalanced "
                f"brackets, a missing operator or a stray character are the usual causes)")
    first = str(exc).strip().splitlines()[0].rstrip(".") if str(exc).strip() else type(exc).__name__
    return (f"PySD's translator cannot parse the model: {first}; check that the file is a Vensim "
            f".mdl saved as text (it must open in Vensim)")
