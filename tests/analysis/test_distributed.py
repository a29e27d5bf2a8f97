"""Chunking gives the same numbers as one batch; a Dask cluster gives the same bits as a local run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gzsim.analysis.distributed import Execution, chunk_bounds, slice_params
from gzsim.analysis.reach import reach
from gzsim.analysis.sensitivity import sensitivity
from gzsim.errors import UsageError


def test_chunk_bounds():
    assert chunk_bounds(5, 2) == [(0, 2), (2, 4), (4, 5)]
    assert chunk_bounds(0, 3) == []
    with pytest.raises(UsageError):
        Execution(chunk_size=0)


def test_slice_params_cuts_only_per_run_inputs():
    from gzsim.engine import TimeSeriesParam

    params = {"a": np.arange(4.0), "b": 2.0, "c": pd.Series([1.0, 2.0], index=[0.0, 1.0]),
              "d": TimeSeriesParam([0, 1], np.arange(8.0).reshape(4, 2))}
    part = slice_params(params, 1, 3, 4)
    assert list(part["a"]) == [1.0, 2.0] and part["b"] == 2.0 and part["c"] is params["c"]
    assert part["d"].values.tolist() == [[2.0, 3.0], [4.0, 5.0]]


def test_chunk_size_does_not_change_results(ganzhou):
    plan = ganzhou.load_scenario(ganzhou.catalogue.path.parents[1] / "scenarios" / "plan.toml")
    a = reach(ganzhou, [plan], samples=300, seed=4, execution=Execution(chunk_size=64))
    b = reach(ganzhou, [plan], samples=300, seed=4, execution=Execution(chunk_size=5000))
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_dask_cluster_equals_local_run_bit_for_bit(ganzhou, dask_address):
    plan = ganzhou.load_scenario(ganzhou.catalogue.path.parents[1] / "scenarios" / "plan.toml")
    local = reach(ganzhou, [plan], samples=400, seed=9, execution=Execution(chunk_size=128))
    with Execution(scheduler=dask_address, chunk_size=128) as ex:
        remote = reach(ganzhou, [plan], samples=400, seed=9, execution=ex)
    pd.testing.assert_frame_equal(local, remote, check_exact=True)


def test_dask_sensitivity_on_the_toy_model(toy, toy_sc, dask_address):
    local = sensitivity(toy, toy_sc("base"), samples=64, seed=2, bootstrap=10,
                        execution=Execution(chunk_size=100))
    with Execution(scheduler=dask_address, chunk_size=100) as ex:
        remote = sensitivity(toy, toy_sc("base"), samples=64, seed=2, bootstrap=10, execution=ex)
    pd.testing.assert_frame_equal(local, remote, check_exact=True)
