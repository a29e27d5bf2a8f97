"""Interval score (Gneiting & Raftery 2007, eq. 43) and coverage against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gzsim.backtest.scores import SUMMARY_COLUMNS, inside, interval_score, summarise
from gzsim.errors import UsageError


def test_interval_score_by_hand():
    # [1, 3]: width 2; a miss costs 2/alpha per unit of distance
    assert interval_score(2.0, 1.0, 3.0, 0.1) == pytest.approx(2.0)
    assert interval_score(0.0, 1.0, 3.0, 0.1) == pytest.approx(2.0 + 20 * 1.0)
    assert interval_score(4.5, 1.0, 3.0, 0.5) == pytest.approx(2.0 + 4 * 1.5)
    assert interval_score(3.0, 1.0, 3.0, 0.5) == pytest.approx(2.0)  # on the bound: no penalty
    got = interval_score([0.0, 2.0, 4.5], [1.0, 1.0, 1.0], [3.0, 3.0, 3.0], 0.1)
    np.testing.assert_allclose(got, [22.0, 2.0, 32.0])
    with pytest.raises(UsageError, match="alpha must be in"):
        interval_score(1.0, 0.0, 2.0, 1.5)


def test_inside_includes_the_bounds():
    np.testing.assert_array_equal(inside([0.9, 1.0, 2.0, 3.0, 3.1], 1.0, 3.0),
                                  [False, True, True, True, False])


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "method": ["a", "a", "b", "b"],
        "value": [10.0, 40.0, 10.0, 10.0],
        "p05": [5.0, 5.0, 1.0, 20.0],
        "p25": [8.0, 8.0, 9.0, 30.0],
        "p75": [12.0, 12.0, 11.0, 40.0],
        "p95": [20.0, 20.0, 100.0, 50.0],
        "median": [10.0, 10.0, 10.0, 35.0],
    })


def test_summary_on_the_level_scale():
    s = summarise(_table(), scale="level").set_index("method")
    assert list(s.reset_index().columns) == SUMMARY_COLUMNS
    a, b = s.loc["a"], s.loc["b"]
    assert a.n == 2 and a.coverage_50 == 0.5 and a.coverage_90 == 0.5
    # a: 50 %: 4 and 4 + 4 * 28; 90 %: 15 and 15 + 20 * 20
    assert a.interval_score_50 == pytest.approx((4 + 4 + 4 * 28) / 2)
    assert a.interval_score_90 == pytest.approx((15 + 15 + 20 * 20) / 2)
    assert a.interval_score == pytest.approx((a.interval_score_50 + a.interval_score_90) / 2)
    assert a.mae_log == pytest.approx(np.log(4) / 2)
    # b: second forecast misses both bands from above the outcome
    assert b.coverage_50 == 0.5 and b.coverage_90 == 0.5
    assert b.interval_score_50 == pytest.approx((2 + 10 + 4 * 20) / 2)
    assert b.interval_score_90 == pytest.approx((99 + 30 + 20 * 10) / 2)


def test_log_scale_scores_the_logs():
    t = _table()
    logged = t.assign(**{c: np.log(t[c]) for c in ("value", "p05", "p25", "p75", "p95")})
    a = summarise(t).set_index("method")
    b = summarise(logged.drop(columns="median"), scale="level").set_index("method")
    cols = ["coverage_50", "coverage_90", "interval_score_50", "interval_score_90", "interval_score"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert b["mae_log"].isna().all()  # no median column
    # a 10 % miss costs the same for a small and a large quantity on the log scale
    small = pd.DataFrame({"method": ["m"], "value": [1.1], "p05": [0.9], "p25": [0.95], "p75": [1.0],
                          "p95": [1.0], "median": [1.0]})
    large = small.assign(**{c: small[c] * 1000 for c in ("value", "p05", "p25", "p75", "p95", "median")})
    assert summarise(small)["interval_score"][0] == pytest.approx(summarise(large)["interval_score"][0])


def test_bad_tables():
    with pytest.raises(UsageError, match="positive"):
        summarise(_table().assign(value=[0.0, 1, 1, 1]))
    with pytest.raises(UsageError, match="lacks column"):
        summarise(_table().drop(columns="p25"))
    with pytest.raises(UsageError, match="scale must be"):
        summarise(_table(), scale="ratio")
