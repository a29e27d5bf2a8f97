"""A stock-and-flow diagram of the Vensim model as DOT text, read from the .mdl text (nothing is evaluated).

Stocks are the ``INTEG(`` equations; each top-level ``+``/``-`` term of a stock's net flow is a flow:
an inflow points at the stock, an outflow away from it.  A term that is not a single variable
(e.g. ``ST budget * LN(1 + growth)``) is drawn as a flow node labelled with the term.
"""

from __future__ import annotations

import re

from .model_text import _blocks, _name

MAX_LABEL = 60


def _norm(name: str) -> str:
    return " ".join(name.replace('"', "").split()).lower()


def _expression(block: str) -> str:
    head = block.split("~", 1)[0]
    _, _, rhs = head.partition("=")
    return " ".join(rhs.split())


def _split_top(text: str, separators: str) -> list[tuple[str, str]]:
    """Split *text* at top-level (outside brackets) *separators*: (separator before, part) pairs."""
    parts, depth, sign, current = [], 0, "+", []
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if depth == 0 and ch in separators:
            prev = text[:i].rstrip()
            unary_or_exponent = ch in "+-" and (not prev or prev[-1] in "(*/^,=+-" or re.search(r"\d[eE]$", prev))
            if not unary_or_exponent:
                parts.append((sign, "".join(current).strip()))
                sign, current = ch, []
                continue
        current.append(ch)
    parts.append((sign, "".join(current).strip()))
    return [(s, p) for s, p in parts if p]


def stocks_and_flows(mdl_text: str) -> dict[str, list[tuple[str, str]]]:
    """Stock name -> its net-flow terms as ``(sign, term)``, sign ``"+"`` (inflow) or ``"-"`` (outflow)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for block in _blocks(mdl_text):
        name = _name(block)
        rhs = _expression(block)
        if not name or not rhs.upper().startswith("INTEG"):
            continue
        inner = rhs[rhs.index("(") + 1:]
        inner = inner[: inner.rfind(")")] if ")" in inner else inner
        args = _split_top(inner, ",")
        net = args[0][1] if args else ""
        terms = [(s, t) for s, t in _split_top(net, "+-")]
        out[name] = terms
    return out


def direct_inputs(mdl_text: str, variable: str) -> list[str]:
    """The model variables named in *variable*'s equation (its direct inputs), in file order of names."""
    blocks = {_norm(n): b for b in _blocks(mdl_text) if (n := _name(b))}
    names = {_norm(n): n for b in _blocks(mdl_text) if (n := _name(b))}
    block = blocks.get(_norm(variable))
    if block is None:
        return []
    expression = _norm(_expression(block))
    found = []
    for key, name in names.items():
        if key == _norm(variable):
            continue
        if re.search(r"(?<![\w])" + re.escape(key) + r"(?![\w])", expression):
            found.append(name)
    # a name inside a longer found name (e.g. "GDP" in "GDP growth") is not separately an input unless it also
    # appears on its own; keep it simple: drop names that only occur as part of a longer found name
    longer = [f for f in found]
    kept = []
    for name in found:
        key = _norm(name)
        rest = expression
        for other in sorted(longer, key=len, reverse=True):
            if _norm(other) != key and key in _norm(other):
                rest = rest.replace(_norm(other), " ")
        if re.search(r"(?<![\w])" + re.escape(key) + r"(?![\w])", rest):
            kept.append(name)
    return kept


def _label(text: str) -> str:
    text = " ".join(str(text).split())
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "…"
    return text.replace("\\", "\\\\").replace('"', '\\"')


def stock_flow_dot(mdl_text: str, *, variable: str | None = None) -> str:
    """DOT text: stocks as boxes, flows as ellipses with edges flow -> stock (inflow) or stock -> flow.

    With *variable*, its direct inputs are added as dashed edges into it (highlighted).
    Node ids are generated (``n0, n1, ...``); names appear only as escaped, quoted labels.
    """
    stocks = stocks_and_flows(mdl_text)
    known = {_norm(n): n for b in _blocks(mdl_text) if (n := _name(b))}
    ids: dict[str, str] = {}

    def node(name: str) -> str:
        key = _norm(name)
        if key not in ids:
            ids[key] = f"n{len(ids)}"
        return ids[key]

    lines = ["digraph stock_flow {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];']
    for stock in stocks:
        lines.append(f'  {node(stock)} [label="{_label(stock)}", shape=box, style="filled", fillcolor="#e3f2fd"];')
    for stock, terms in stocks.items():
        for sign, term in terms:
            name = known.get(_norm(term))
            flow = name if name is not None else f"Δ {stock}: {term}"
            fid = node(flow)
            if _norm(flow) not in {_norm(s) for s in stocks}:
                lines.append(f'  {fid} [label="{_label(flow)}", shape=ellipse];')
            if sign == "+":
                lines.append(f'  {fid} -> {node(stock)} [color="#2e7d32", penwidth=1.6];')
            else:
                lines.append(f'  {node(stock)} -> {fid} [color="#c62828", penwidth=1.6];')
    if variable and _norm(variable) in known:
        target = node(known[_norm(variable)])
        lines.append(f'  {target} [label="{_label(known[_norm(variable)])}", color="#ef6c00", penwidth=2.5];')
        for name in direct_inputs(mdl_text, variable):
            source = node(name)
            if _norm(name) not in {_norm(s) for s in stocks}:
                lines.append(f'  {source} [label="{_label(name)}", shape=plaintext];')
            lines.append(f'  {source} -> {target} [style=dashed, color="#ef6c00"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
