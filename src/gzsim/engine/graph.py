"""Dependency analysis: what to compute, in which order, and when.

Items are the model's nodes (index ``i``) and its stateful objects (index
``n_nodes + k``).  Two phases mirror PySD:

* **initial** -- at INITIAL TIME, before integration: every stateful object
  is initialised from its initial-value arguments, ACTIVE INITIAL gives its
  initial argument;
* **run** -- at every time step: auxiliaries are computed from the states,
  then every stateful object advances by one Euler step.

An item is *static* when its value cannot change during a run (constants,
controls, INITIAL and anything built only from them); static items are
computed once, in the initial phase, and never inside the time loop.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import AlgebraicLoopError
from .translate import INIT_ROLES, OUT_ROLES, STEP_ROLES, TIME_FUNCTIONS, ModelIR

__all__ = ["Plan", "Analysis"]

SLOT_KINDS = ("control", "constant")


def refs(expr: tuple, n_nodes: int, phase: str, out: set) -> set:
    """Add the items *expr* reads in *phase* to *out*."""
    tag = expr[0]
    if tag == "node":
        out.add(expr[1])
    elif tag == "sf":
        out.add(n_nodes + expr[1])
    elif tag == "ai":
        refs(expr[1] if phase == "run" else expr[2], n_nodes, phase, out)
    elif tag == "call":
        for a in expr[2]:
            refs(a, n_nodes, phase, out)
    elif tag not in ("num", "time"):
        for a in expr[1:]:
            if isinstance(a, tuple):
                refs(a, n_nodes, phase, out)
    return out


def reads_time(expr: tuple) -> bool:
    """True if *expr* itself (not through references) depends on time or the phase."""
    tag = expr[0]
    if tag in ("time", "ai"):
        return True
    if tag == "call":
        return expr[1] in TIME_FUNCTIONS or any(reads_time(a) for a in expr[2])
    if tag in ("num", "node", "sf"):
        return False
    return any(reads_time(a) for a in expr[1:] if isinstance(a, tuple))


@dataclass(frozen=True)
class Plan:
    """What one compiled runner computes.

    Attributes
    ----------
    init_order : tuple of int
        Items to evaluate in the initial phase, in order (nodes are computed,
        statefuls initialised and their output computed).
    run_order : tuple of int
        Dynamic items to evaluate at every step, in order.
    step_statefuls : tuple of int
        Stateful indices advanced at every step.
    slots : tuple of int
        Nodes whose value is supplied (controls, constants, constant overrides).
    series : tuple of int
        Nodes overridden by a time series.
    outputs : tuple of int
        Node indices recorded (-1 stands for Time).
    static : frozenset of int
        Items that do not change during the run.
    """

    init_order: tuple
    run_order: tuple
    step_statefuls: tuple
    slots: tuple
    series: tuple
    outputs: tuple
    static: frozenset


class Analysis:
    """Dependency graph of a :class:`ModelIR`, checked for loops once."""

    def __init__(self, ir: ModelIR):
        self.ir = ir
        self.n = len(ir.nodes)
        self.run_deps = {}
        self.init_deps = {}
        self.step_deps = {}
        for node in ir.nodes:
            if node.kind in SLOT_KINDS or node.kind == "table" or node.expr is None:
                self.run_deps[node.index] = self.init_deps[node.index] = frozenset()
            else:
                self.run_deps[node.index] = frozenset(refs(node.expr, self.n, "run", set()))
                self.init_deps[node.index] = frozenset(refs(node.expr, self.n, "initial", set()))
        for sf in ir.statefuls:
            item = self.n + sf.index
            role_refs = {r: refs(sf.args[r], self.n, "run", set()) for r in sf.args}
            out = set().union(*(role_refs[r] for r in OUT_ROLES[sf.kind]))
            init = set().union(*(role_refs[r] for r in INIT_ROLES[sf.kind]))
            self.run_deps[item] = frozenset(out)
            self.init_deps[item] = frozenset(out | init)
            self.step_deps[sf.index] = frozenset().union(*(role_refs[r]
                                                           for r in STEP_ROLES[sf.kind]))
        everything = list(self.run_deps)
        self.order(everything, self.run_deps, "run")
        self.order(everything, self.init_deps, "initial")

    # ------------------------------------------------------------------ naming
    def item_name(self, item: int) -> str:
        if item < self.n:
            node = self.ir.nodes[item]
            return node.name or node.owner
        return self.ir.statefuls[item - self.n].owner

    # ----------------------------------------------------------------- sorting
    def order(self, items, deps: dict, phase: str) -> list:
        """Topological order of *items* and their dependencies under *deps*.

        Raises
        ------
        AlgebraicLoopError
            Naming the variables of the first cycle found.
        """
        done, on_path, result = set(), set(), []
        for root in sorted(items):
            if root in done:
                continue
            stack = [(root, iter(sorted(deps[root])))]
            on_path.add(root)
            while stack:
                item, children = stack[-1]
                child = next(children, None)
                if child is None:
                    stack.pop()
                    on_path.discard(item)
                    done.add(item)
                    result.append(item)
                elif child in on_path:
                    path = [i for i, _ in stack]
                    cycle = path[path.index(child):]
                    names = []
                    for i in cycle:
                        name = self.item_name(i)
                        if not names or names[-1] != name:
                            names.append(name)
                    if len(names) > 1 and names[0] == names[-1]:
                        names.pop()
                    raise AlgebraicLoopError(names, self.ir.path, phase)
                elif child not in done:
                    on_path.add(child)
                    stack.append((child, iter(sorted(deps[child]))))
        return result

    # -------------------------------------------------------------------- plan
    def plan(self, outputs, overrides: dict) -> Plan:
        """Plan the computation of *outputs* given parameter *overrides*.

        Parameters
        ----------
        outputs : sequence of int
            Node indices to record (-1 for Time).
        overrides : dict
            Node index -> ``"const"`` or ``"series"`` for every overridden node.
        """
        n = self.n
        run_deps = dict(self.run_deps)
        init_deps = dict(self.init_deps)
        for i in overrides:
            run_deps[i] = init_deps[i] = frozenset()
        # static items: never change during a run
        static = set()
        for item in self.order(list(run_deps), run_deps, "run"):
            if item < n:
                node = self.ir.nodes[item]
                if item in overrides:
                    is_static = overrides[item] == "const"
                elif node.kind in SLOT_KINDS or node.kind == "table":
                    is_static = True
                else:
                    is_static = not reads_time(node.expr)
            else:
                is_static = self.ir.statefuls[item - n].kind == "initial"
            if is_static and all(d in static for d in run_deps[item]):
                static.add(item)
        # what the run phase needs
        needed, todo = set(), [i for i in outputs if i >= 0]
        while todo:
            item = todo.pop()
            if item in needed:
                continue
            needed.add(item)
            todo.extend(run_deps[item])
            if item >= n:
                todo.extend(self.step_deps[item - n])
        run_order = [i for i in self.order(needed, run_deps, "run") if i not in static]
        # what the initial phase needs: static values and the initial states
        roots = [i for i in needed if i in static or i >= n]
        init_order = self.order(roots, init_deps, "initial")
        used = set(init_order) | needed
        slots = tuple(sorted(i for i in used if i < n and (
            (i in overrides and overrides[i] == "const")
            or (i not in overrides and self.ir.nodes[i].kind in SLOT_KINDS))))
        series = tuple(sorted(i for i in used if overrides.get(i) == "series"))
        skip = set(slots) | set(series)
        steps = tuple(sorted(i - n for i in needed
                             if i >= n and self.ir.statefuls[i - n].kind != "initial"))
        return Plan(
            init_order=tuple(i for i in init_order if i not in skip),
            run_order=tuple(i for i in run_order if i not in skip),
            step_statefuls=steps, slots=slots, series=series,
            outputs=tuple(outputs), static=frozenset(static))
