"""Chunked batch evaluation, locally or on a Dask cluster, with identical results.

Every analysis builds one set of engine inputs for *n* runs (all random
numbers drawn centrally from the seed), splits it into fixed-size chunks of
rows, evaluates the chunks and concatenates them in order.  A local run uses
exactly the same chunks as a cluster run, and the engine computes each run
independently of the others, so both give bit-identical results.

On a cluster each worker receives the model file's bytes once (scattered),
compiles it on first use and keeps it for later tasks; no shared file system
is needed, only the same gzsim version on the workers.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import UsageError
from .progress import progress_bar

__all__ = ["DEFAULT_CHUNK", "Execution", "ModelSpec", "chunk_bounds", "slice_params", "evaluate",
           "run_chunk"]

DEFAULT_CHUNK = 2000
"""Runs per chunk: large enough to keep numpy busy, small enough to spread over workers."""


@dataclass(frozen=True)
class ModelSpec:
    """What a worker needs to rebuild the engine: the model file's bytes and the engine name."""

    name: str
    source: bytes
    engine: str
    sha256: str

    @classmethod
    def from_file(cls, path: Path, engine: str) -> "ModelSpec":
        data = Path(path).read_bytes()
        return cls(Path(path).name, data, engine, hashlib.sha256(data).hexdigest())


class Execution:
    """Where and how batches run; a context manager that closes what it opened.

    Parameters
    ----------
    scheduler : str or distributed.Client, optional
        Address of an existing Dask scheduler (``tcp://host:8786``), or a
        connected client (not closed here).  None runs locally.
    chunk_size : int
        Runs per chunk, the same locally and on the cluster.
    progress : bool
        Show progress bars (on a terminal only).

    Examples
    --------
    >>> with Execution(scheduler="tcp://10.0.0.5:8786") as ex:      # doctest: +SKIP
    ...     table = reach(model, [plan], samples=100_000, seed=1, execution=ex)
    """

    def __init__(self, *, scheduler: Any = None, chunk_size: int = DEFAULT_CHUNK,
                 progress: bool = False) -> None:
        if not isinstance(chunk_size, (int, np.integer)) or isinstance(chunk_size, bool) or chunk_size < 1:
            raise UsageError(f"chunk size must be a whole number >= 1, got {chunk_size!r}")
        self.scheduler = scheduler
        self.chunk_size = int(chunk_size)
        self.progress = bool(progress)
        self._client = None if isinstance(scheduler, (str, type(None))) else scheduler
        self._owned = False
        self._specs: dict[str, Any] = {}

    @property
    def distributed(self) -> bool:
        return self.scheduler is not None

    def client(self):
        """The Dask client, connecting on first use.

        Raises
        ------
        UsageError
            When dask.distributed is missing or the scheduler cannot be reached.
        """
        if self._client is None:
            try:
                from distributed import Client
            except ImportError:
                raise UsageError("--scheduler needs Dask: pip install 'dask[distributed]'") from None
            try:
                self._client = Client(self.scheduler, timeout="10s", set_as_default=False)
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise UsageError(f"cannot connect to the Dask scheduler at '{self.scheduler}': "
                                 f"{exc}; check the address (e.g. tcp://host:8786)") from None
            self._owned = True
        return self._client

    def spec_future(self, spec: ModelSpec):
        """The model spec scattered to every worker once per execution."""
        if spec.sha256 not in self._specs:
            self._specs[spec.sha256] = self.client().scatter(spec, broadcast=True, hash=False)
        return self._specs[spec.sha256]

    def close(self) -> None:
        if self._owned and self._client is not None:
            self._client.close()
        self._client = None if self._owned else self._client
        self._owned = False
        self._specs.clear()

    def __enter__(self) -> "Execution":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def chunk_bounds(n: int, size: int) -> list[tuple[int, int]]:
    """``[(0, size), (size, 2 size), ..., (k size, n)]``; one empty chunk never occurs."""
    return [(lo, min(lo + size, n)) for lo in range(0, n, size)]


def slice_params(params: Mapping[str, Any], lo: int, hi: int, n: int) -> dict[str, Any]:
    """Rows *lo:hi* of the per-run inputs in *params*; shared inputs are passed unchanged."""
    from ..engine import TimeSeriesParam

    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, np.ndarray) and value.ndim == 1 and len(value) == n:
            out[name] = value[lo:hi]
        elif isinstance(value, TimeSeriesParam) and value.n is not None:
            out[name] = TimeSeriesParam(value.times, value.values[lo:hi])
        else:
            out[name] = value
    return out


def _run(engine: Any, params: Mapping[str, Any], columns: Sequence[str], positions: np.ndarray,
         n: int) -> dict[str, np.ndarray]:
    out = engine.run_batch(dict(params), return_columns=list(columns), n=n)
    return {c: np.array(np.asarray(out[c])[:, positions], dtype=float) for c in columns}


_WORKER_ENGINES: dict[tuple[str, str], Any] = {}
_WORKER_LOCK = threading.Lock()


def _worker_engine(spec: ModelSpec) -> Any:
    from ..simulators import make_engine

    key = (spec.sha256, spec.engine)
    with _WORKER_LOCK:
        if key not in _WORKER_ENGINES:
            folder = Path(tempfile.gettempdir()) / "gzsim-analysis" / spec.sha256
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / spec.name
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != spec.sha256:
                tmp = folder / f".{spec.name}.{threading.get_ident()}.tmp"
                tmp.write_bytes(spec.source)
                tmp.replace(path)
            _WORKER_ENGINES[key] = make_engine(spec.engine, path)
        return _WORKER_ENGINES[key]


def run_chunk(spec: ModelSpec, params: Mapping[str, Any], columns: Sequence[str],
              positions: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Evaluate one chunk on a worker (the task sent to Dask)."""
    return _run(_worker_engine(spec), params, columns, positions, n)


def evaluate(engine: Any, spec: ModelSpec | None, params: Mapping[str, Any], *, n: int,
             columns: Sequence[str], positions: np.ndarray, execution: Execution,
             desc: str = "runs") -> dict[str, np.ndarray]:
    """Run *n* parameter sets in chunks and return each column at the year *positions*.

    Parameters
    ----------
    engine : Engine with ``run_batch``
        Used for local runs.
    spec : ModelSpec or None
        Sent to the workers for cluster runs (required then).
    params : mapping
        Engine inputs: model-spelled name -> number, pandas.Series, array of
        shape (n,) or TimeSeriesParam with values (n, m).
    n : int
        Number of runs.
    columns : sequence of str
        Model-spelled variables to return.
    positions : numpy.ndarray of int
        Indices of the wanted times among the engine's output times.
    execution : Execution
    desc : str
        Progress-bar label.

    Returns
    -------
    dict of str -> numpy.ndarray, shape (n, len(positions))
    """
    bounds = chunk_bounds(n, execution.chunk_size)
    if not bounds:
        return {c: np.empty((0, len(positions))) for c in columns}
    bar = progress_bar(total=n, desc=desc, enabled=execution.progress and n > execution.chunk_size)
    try:
        if not execution.distributed:
            parts = []
            for lo, hi in bounds:
                parts.append(_run(engine, slice_params(params, lo, hi, n), columns, positions, hi - lo))
                bar.update(hi - lo)
        else:
            if spec is None:
                raise UsageError("a cluster run needs the model spec")
            client = execution.client()
            spec_f = execution.spec_future(spec)
            futures = [client.submit(run_chunk, spec_f, slice_params(params, lo, hi, n), list(columns),
                                     positions, hi - lo, pure=False) for lo, hi in bounds]
            from distributed import as_completed

            sizes = {f.key: hi - lo for f, (lo, hi) in zip(futures, bounds)}
            for future in as_completed(futures, loop=client.loop, raise_errors=False):
                bar.update(sizes[future.key])
            parts = client.gather(futures)
    finally:
        bar.close()
    return {c: np.concatenate([p[c] for p in parts], axis=0) for c in columns}
