"""Run the cases of a checks file on the fast engine, in as few batches as possible.

Every case starts from what analysts run: the model's inputs for a scenario
with every lever at its catalogue default (so, with a calibration, its
central parameter set).  A case's settings replace those inputs for the whole
run, or, with ``from = T``, from model time T on: the engine then gets a time
path equal to the run's own value before T.  For a constant that value is
known; for a variable with an equation (``"real RD expenditure" = 0`` from
2020) it is the variable's path in the same run without the setting, so a
first batch computes those paths.  Cases that give the engine the same kinds
of input (constants only, or time paths for the same names) share one batch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from ..catalogue import vensim_key
from ..scenario import ResolvedScenario
from .cases import Case

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

__all__ = ["defaults_scenario", "Simulator"]

_EPS = 1e-9  # model times are sums of TIME STEPs: compare them with a little slack


def defaults_scenario(model: "Model") -> ResolvedScenario:
    """A scenario with every lever at its catalogue default and no uncertainty.

    The base of every check (and of :meth:`gzsim.Model.draw` in the random-lever
    tests); it is not read from a file, so its path is the catalogue's.
    """
    cat = model.catalogue
    return ResolvedScenario(name="defaults", path=cat.path, chain=(cat.path,),
                            levers=MappingProxyType({lv.id: float(lv.default) for lv in cat.levers}),
                            set_levers=(), sources=MappingProxyType({}),
                            uncertainty=MappingProxyType({}))


@dataclass
class _Spec:
    """Engine inputs of one run beyond the base: whole-run values and (start, value) paths."""

    consts: dict[str, float] = field(default_factory=dict)
    paths: dict[str, tuple[float, float]] = field(default_factory=dict)


class Simulator:
    """Runs cases of one model on its compiled (fast) engine.

    Parameters
    ----------
    model : gzsim.Model
        Its catalogue names the levers; its calibration (if any) gives the base.
    """

    def __init__(self, model: "Model") -> None:
        from ..engine import compile_model

        self.compiled = compile_model(model.catalogue.model_file)
        self.spelled = {vensim_key(n): n.strip('"') for n in self.compiled.variable_names}
        inputs = model.inputs(defaults_scenario(model))
        self.base = {self.spelled[vensim_key(k)]: v for k, v in inputs.items()}
        self.lever_names = {lv.id: self.spelled[vensim_key(lv.vensim)] for lv in model.catalogue.levers}
        self.times = self.compiled.output_times()
        self.grid = self.compiled.output_times(saveper=self.compiled.time_step)

    def _is_constant(self, name: str) -> bool:
        return name in self.base or name in self.compiled.constants

    def _value(self, name: str) -> float:
        # base inputs of the defaults scenario are numbers: levers at defaults, calibrated constants
        return float(self.base[name] if name in self.base else self.compiled.constants[name])

    def _spec(self, case: Case) -> _Spec:
        settings = {self.lever_names[k]: (v, case.start) for k, v in case.levers.items()}
        settings.update(case.variables)
        spec = _Spec()
        for name, (value, start) in settings.items():
            if self._is_constant(name) and value == self._value(name):
                continue  # unchanged: the base input already says so
            if start is None:
                spec.consts[name] = float(value)
            else:
                spec.paths[name] = (start, float(value))
        return spec

    def _key(self, spec: _Spec) -> tuple:
        # constants may differ per run within a batch; anything else must be the same kind of input
        return (frozenset(n for n in spec.consts if not self._is_constant(n)), frozenset(spec.paths))

    def run(self, cases: Sequence[Case], columns: Iterable[str]) -> list[dict[str, np.ndarray]]:
        """Simulate *cases*; return per case a dict variable -> values at :attr:`times`."""
        return self._run([self._spec(c) for c in cases], list(dict.fromkeys(columns)), None)

    def reference(self, columns: Iterable[str]) -> dict[str, np.ndarray]:
        """The base run: every lever at its default, nothing else set."""
        return self._run([_Spec()], list(dict.fromkeys(columns)), None)[0]

    def _run(self, specs: list[_Spec], columns: list[str], saveper: float | None) -> list[dict]:
        groups: dict[tuple, list[int]] = defaultdict(list)
        for i, spec in enumerate(specs):
            groups[self._key(spec)].append(i)
        out: list[dict] = [{} for _ in specs]
        for members in groups.values():
            for i, result in zip(members, self._batch([specs[i] for i in members], columns, saveper)):
                out[i] = result
        return out

    def _batch(self, specs: list[_Spec], columns: list[str], saveper: float | None) -> list[dict]:
        from ..engine import TimeSeriesParam

        n = len(specs)
        params: dict[str, object] = dict(self.base)
        for name in dict.fromkeys(k for s in specs for k in s.consts):
            # a variable with an equation is set in every run of its batch (see _key)
            params[name] = np.array([s.consts[name] if name in s.consts else self._value(name)
                                     for s in specs])
        path_names = list(specs[0].paths)
        unknown = [k for k in path_names if not self._is_constant(k)]
        before = {}
        if unknown:
            # the run's own path of each such variable, without the setting
            pre = [_Spec(s.consts, {k: v for k, v in s.paths.items() if k not in unknown}) for s in specs]
            runs = self._run(pre, unknown, self.compiled.time_step)
            before = {k: np.array([r[k] for r in runs]) for k in unknown}
        for name in path_names:
            start = np.array([s.paths[name][0] for s in specs])[:, None]
            value = np.array([s.paths[name][1] for s in specs])[:, None]
            old = before[name] if name in before else np.full((n, len(self.grid)), self._value(name))
            params[name] = TimeSeriesParam(self.grid, np.where(self.grid >= start - _EPS, value, old))
        result = self.compiled.run_batch(params, columns, n=n, saveper=saveper)
        return [{c: result[c][j] for c in columns} for j in range(n)]
