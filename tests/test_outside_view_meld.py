"""Bayesian melding of the forecast's paces with the reference class (gzsim.outside_view.meld)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import gaussian_kde

from gzsim.analysis.weighted import weighted_quantile
from gzsim.errors import UsageError
from gzsim.outside_view import paces
from gzsim.outside_view.meld import (MIN_ESS, Refusal, kish_ess, log_kde, meld, meld_weights,
                                     refusal_note, silverman_bandwidth)
from gzsim.outside_view.files import COLUMNS


def _samples(n=500, seed=3):
    return np.random.default_rng(seed).normal(0.13, 0.05, size=n)


def test_silverman_rule():
    x = [0.0, 1.0, 2.0, 3.0, 4.0]  # sd 1.58, IQR 2: the IQR term is the smaller
    assert silverman_bandwidth(x) == pytest.approx(0.9 * (2 / 1.34) * 5 ** -0.2)
    assert silverman_bandwidth([0.0, 0.0, 0.0, 0.0, 1.0]) == pytest.approx(0.9 * 0.2 ** 0.5 * 5 ** -0.2)  # IQR 0: sd
    with pytest.raises(UsageError, match="some spread"):
        silverman_bandwidth([2.0, 2.0, 2.0])


def test_log_kde_is_scipys_gaussian_kde_and_integrates_to_one():
    d = np.array([0.0575, 0.06, 0.062, 0.066, 0.0825, 0.095, 0.1, 0.128, 0.134, 0.2, 0.204])
    grid = np.linspace(-0.2, 0.5, 3001)
    h = silverman_bandwidth(d)
    ref = gaussian_kde(d, bw_method=h / np.std(d, ddof=1))(grid)
    np.testing.assert_allclose(np.exp(log_kde(d, grid)), ref, rtol=1e-9)
    assert np.trapezoid(np.exp(log_kde(d, grid)), grid) == pytest.approx(1.0, abs=1e-6)


def test_kish_ess():
    assert kish_ess(np.full(40, 2.5)) == pytest.approx(40)
    assert kish_ess([0, 0, 7.0, 0]) == pytest.approx(1)
    with pytest.raises(UsageError, match="not all zero"):
        kish_ess([0.0, 0.0])


def test_pooling_a_distribution_with_itself_changes_nothing():
    x = _samples()
    np.testing.assert_allclose(meld_weights(x, x), 1.0, rtol=1e-12)
    # alpha = 1 keeps the model's own prior, whatever the class
    np.testing.assert_allclose(meld_weights(x, [0.5, 0.6, 0.7], alpha=1.0), 1.0)


def test_a_class_far_from_the_samples_lowers_the_ess_and_pulls_the_median():
    x = _samples()
    near = meld_weights(x, x[:11])  # a class like the samples
    far_class = [0.20, 0.21, 0.22, 0.24]  # concentrated at the samples' upper tail
    far = meld_weights(x, far_class)
    assert kish_ess(far) < 0.5 * kish_ess(near) and kish_ess(near) > 0.8 * len(x)
    m0, m_far = np.median(x), weighted_quantile(x, far, 0.5)
    assert m_far > m0 + 0.03  # toward the class (median 0.215) from 0.13
    # less weight on the model (alpha 0): further still
    assert weighted_quantile(x, meld_weights(x, far_class, alpha=0.0), 0.5) > m_far


def test_weights_are_deterministic_and_sum_to_n():
    x = _samples()
    cls = paces("rd_intensity")["pace"]
    a, b = meld_weights(x, cls), meld_weights(x.copy(), cls.copy())
    np.testing.assert_array_equal(a, b)
    assert a.sum() == pytest.approx(len(x)) and (a > 0).all()


def test_meld_reports_the_ess_and_refuses_below_the_floor():
    x = _samples()
    m = meld("rd_intensity", x)
    assert m.usable and m.note == "" and m.class_n == len(paces("rd_intensity"))
    assert m.ess == pytest.approx(kish_ess(m.weights)) and m.ess <= len(x)
    refused = meld("high_tech_firms", x)  # a class of 36-65 %/year against samples near 13 %
    assert refused.ess < MIN_ESS and not refused.usable
    assert "refused: effective sample size" in refused.note and "below 100" in refused.note


def _reference_with_one_pace(tmp_path):
    path = tmp_path / "reference_class.csv"
    rows = ["赣州,Ganzhou,city,xyz_count,2015,10,家,https://example.org,",
            "赣州,Ganzhou,city,xyz_count,2020,20,家,https://example.org,"]
    path.write_text(",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("call, message", [
    (lambda tmp: meld("no_such_indicator", _samples()), "no reference-class data for indicator 'no_such_indicator'"),
    (lambda tmp: meld("xyz_count", _samples(), reference=_reference_with_one_pace(tmp)),
     "reference class of 'xyz_count' has 1 pace"),
    (lambda tmp: meld_weights(_samples(), []), "the reference class is empty"),
    (lambda tmp: meld_weights([], [0.1, 0.2]), "the samples' paces is empty"),
    (lambda tmp: meld_weights([0.1, np.nan], [0.1, 0.2]), "non-finite"),
    (lambda tmp: meld_weights(_samples(), [0.1, 0.2], alpha=1.5), r"alpha must be a number within \[0, 1\]"),
    (lambda tmp: meld("rd_intensity", _samples(), min_ess=0), "min_ess must be a number >= 1"),
])
def test_bad_input_gives_a_clear_error(tmp_path, call, message):
    with pytest.raises(UsageError, match=message):
        call(tmp_path)


def test_weights_keeping_too_small_a_share_of_the_draws_are_refused():
    """Above the absolute floor but under 5 % of the draws: the tail of the ensemble decides."""
    from gzsim.outside_view.meld import MIN_ESS_SHARE

    rng = np.random.default_rng(3)
    x = rng.normal(0.12, 0.08, 10_000)  # firm-like paces; the class sits at 36-65 %/year
    m = meld("high_tech_firms", x)
    assert MIN_ESS < m.ess < MIN_ESS_SHARE * len(x)  # as on the real ensemble (104 of 10,000)
    assert not m.usable and f"below {MIN_ESS_SHARE * len(x):g}" in m.note
    small = meld("rd_intensity", rng.normal(0.13, 0.03, 10_000))
    assert small.usable and small.ess >= MIN_ESS_SHARE * 10_000


def test_a_refusal_says_which_floor_binds_in_both_languages():
    """Under 5 % of the draws kept: the forecast and the class hardly overlap; otherwise too few samples."""
    overlap = meld("high_tech_firms", _samples())
    assert overlap.refusal is Refusal.NO_OVERLAP and overlap.ess < 0.05 * overlap.n
    assert overlap.note.endswith(f"(the forecast and the class of {overlap.class_n} paces hardly overlap)")
    assert overlap.note_zh == (f"未予采用（有效样本量{overlap.ess:.0f}，共{overlap.n}次模拟，低于100；"
                               f"预测增速与参照类的{overlap.class_n}个增速几乎没有重叠）")
    few = meld("rd_intensity", _samples(n=60))  # the class fits, but 60 samples cannot keep 100
    assert few.refusal is Refusal.FEW_SAMPLES and few.ess >= 0.05 * few.n
    assert few.note == f"refused: effective sample size {few.ess:.0f} of 60 is below 100 (too few samples)"
    assert few.note_zh == f"未予采用（有效样本量{few.ess:.0f}，共60次模拟，低于100；模拟次数不足）"
    usable = meld("rd_intensity", _samples())
    assert usable.refusal is None and usable.note == usable.note_zh == ""


def test_refusal_note_of_samples_without_a_pace_and_bad_language():
    assert refusal_note(Refusal.NO_PACE, "zh", n=50, bad=3) == "未予采用（3次模拟无法算出增速）"
    assert refusal_note(Refusal.NO_PACE, n=50, bad=3) == "refused: 3 sample(s) without a finite pace"
    with pytest.raises(UsageError, match="language must be 'en' or 'zh'"):
        refusal_note(Refusal.NO_PACE, "fr", n=50, bad=3)
