"""The forecast chart: every indicator in both languages, sizes, ax=, inputs, fallback, saving."""

from __future__ import annotations

import io
import warnings

import matplotlib.image
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from gzsim.charts import SIZES, fonts, forecast_chart, save_figure
from gzsim.charts.fonts import FontWarning, find_cjk_font
from gzsim.charts.strings import has_cjk

needs_cjk = pytest.mark.skipif(find_cjk_font() is None,
                               reason="no CJK font installed (apt-get install fonts-noto-cjk)")


def _render(fig: Figure) -> None:
    """Draw the figure; any UserWarning (matplotlib's "Glyph ... missing from font") fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fig.savefig(io.BytesIO(), format="png", dpi=40)


def _all_text(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


@pytest.mark.parametrize("lang", ["en", pytest.param("zh", marks=needs_cjk)])
def test_every_indicator_renders_without_missing_glyphs(ganzhou, sims, history, targets, lang):
    labels = {"baseline": "基准情景" if lang == "zh" else "Baseline", "plan": "规划情景" if lang == "zh" else "Plan"}
    for indicator in ganzhou.catalogue.indicators:
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # no FontWarning either
            fig = forecast_chart(indicator, sims, history=history, target=targets.get(indicator.id), lang=lang,
                                 size="print", scenario_labels=labels, until=2025)
        assert isinstance(fig, Figure)
        _render(fig)
        ax = fig.axes[0]
        assert ax.get_title(loc="left") == indicator.label(lang)
        assert ax.get_xlabel() == ("年份" if lang == "zh" else "Year")
        if lang == "zh":
            assert has_cjk(ax.get_ylabel() + ax.get_title(loc="left"))


@needs_cjk
def test_chinese_chart_uses_the_cjk_font(ganzhou, sims):
    fig = forecast_chart("rd_intensity", sims, lang="zh", size="print", catalogue=ganzhou.catalogue)
    title = fig.axes[0].title if fig.axes[0].get_title() else fig.axes[0]._left_title
    assert title.get_fontfamily()[0] == find_cjk_font()
    assert fig.axes[0].get_ylabel() == "%（占GDP）"


@pytest.mark.parametrize("size", ["slide", "print"])
def test_sizes(ganzhou, sims, size):
    fig = forecast_chart("high_tech_firms", sims, size=size, catalogue=ganzhou.catalogue)
    assert tuple(fig.get_size_inches()) == pytest.approx(SIZES[size])
    assert SIZES["slide"][0] / SIZES["slide"][1] == pytest.approx(16 / 9, rel=1e-3)


def test_ax_is_honoured(ganzhou, sims, targets):
    fig = Figure(figsize=(8, 8), layout="constrained")
    top, bottom = fig.subplots(2, 1)
    returned = forecast_chart("high_tech_firms", sims, target=targets["high_tech_firms"], ax=bottom,
                              size="print", catalogue=ganzhou.catalogue)
    assert returned is fig
    assert not top.lines and not top.collections
    assert len(bottom.lines) >= len(sims)
    _render(fig)


def test_median_bands_target_history_and_zero_baseline(ganzhou, sims, history, targets):
    target = targets["high_tech_firms"]
    fig = forecast_chart("high_tech_firms", sims, history=history, target=target, size="print",
                         catalogue=ganzhou.catalogue, until=2025)
    ax = fig.axes[0]
    medians = [ln for ln in ax.lines if (ln.get_gid() or "").startswith("median:")]
    assert len(medians) == 2
    x, y = medians[0].get_data()
    assert x[-1] == 2025
    expected = np.median(sims[0].values["high_tech_firms"][1:, list(sims[0].years).index(2025)])
    assert y[-1] == pytest.approx(expected)
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 4  # 50 % and 90 % bands per scenario
    assert any(np.allclose(ln.get_ydata(), target.threshold) for ln in ax.lines)  # threshold line
    scatter_x = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections if c.get_offsets().size and
                                not isinstance(c, PolyCollection)])
    assert 2019.75 in scatter_x and 2011 in scatter_x  # as_of point (2020-09) and the 2011 level
    assert ax.get_ylim()[0] == 0
    assert ax.get_xlim()[1] == 2025.5
    source = _all_text(fig)
    assert "Source: gzsim model projections" in source and "央广网 2020-10-15" in source
    assert "Plan period 2021–2025" in source and "Target 2025: ≥ 2,000" in source


def test_growth_target_is_drawn_as_its_required_path(ganzhou, sims, scenarios):
    from dataclasses import replace

    level = next(t for t in scenarios[0].targets if t.id == "tech_contract_turnover" and t.measure == "level")
    growth = replace(level, threshold=0.2, measure="cagr", base_year=2020)
    fig = forecast_chart("tech_contract_turnover", sims, target=[level, growth], size="print",
                         catalogue=ganzhou.catalogue, until=2025)
    ax = fig.axes[0]
    base = np.median(sims[0].values["tech_contract_turnover"][1:, list(sims[0].years).index(2020)])
    paths = [ln for ln in ax.lines if len(ln.get_xdata()) == 6 and ln.get_xdata()[0] == 2020]
    assert len(paths) == 1
    np.testing.assert_allclose(paths[0].get_ydata(), base * 1.2 ** np.arange(6))
    text = _all_text(fig)
    assert "Target: growth ≥ 20 % a year" in text and "Target 2025: ≥ 60" in text
    _render(fig)


def test_tidy_frame_gives_the_same_chart(ganzhou, sims):
    import pandas as pd

    tidy = pd.concat([s.tidy() for s in sims], ignore_index=True)
    a = forecast_chart("rd_intensity", sims, size="print", catalogue=ganzhou.catalogue)
    b = forecast_chart("rd_intensity", tidy, size="print", catalogue=ganzhou.catalogue)
    for la, lb in zip(a.axes[0].lines, b.axes[0].lines):
        np.testing.assert_allclose(la.get_ydata(), lb.get_ydata())


def test_deterministic_run_alone_has_no_bands(ganzhou, scenarios):
    sim = ganzhou.simulate(scenarios[0], samples=0)
    fig = forecast_chart("rd_intensity", [sim], size="print", catalogue=ganzhou.catalogue)
    ax = fig.axes[0]
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert "Deterministic model run" in _all_text(fig)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), sim.values["rd_intensity"][0])


def test_no_cjk_font_gives_english_without_boxes(monkeypatch, ganzhou, sims, history, targets):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    with pytest.warns(FontWarning, match="falling back to English"):
        fig = forecast_chart("tech_contract_turnover", sims, history=history, lang="zh", size="print",
                             target=targets["tech_contract_turnover"], catalogue=ganzhou.catalogue)
    assert fig.axes[0].get_title(loc="left") == "Registered technology contracts"
    assert not has_cjk(_all_text(fig))  # the Chinese source name is translated, not drawn as boxes
    assert "Ganzhou 14th five-year S&T plan" in _all_text(fig)
    _render(fig)


def test_save_png_300_dpi_and_svg(tmp_path, ganzhou, sims):
    fig = forecast_chart("st_smes", sims, size="print", catalogue=ganzhou.catalogue)
    written = save_figure(fig, tmp_path / "st_smes_print")
    assert [p.name for p in written] == ["st_smes_print.png", "st_smes_print.svg"]
    height, width = matplotlib.image.imread(written[0]).shape[:2]
    assert (width, height) == (round(6.3 * 300), round(3.9 * 300))
    assert written[1].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["st_smes_print.png", "st_smes_print.svg"]


def test_every_scenario_band_covers_its_whole_span():
    # Once the second scenario's band started where it left the first, with a vertical edge.
    import numpy as np
    from matplotlib.collections import PolyCollection

    from gzsim.simulation import Simulation

    years = np.arange(2015, 2026)
    rng = np.random.default_rng(1)
    base = rng.normal(10, 1, (51, len(years))).cumsum(axis=1)
    other = base.copy()
    other[:, years > 2020] *= 1.2
    import pandas as pd

    sims = [Simulation("a", years, {"gdp": base}, pd.DataFrame()), Simulation("b", years, {"gdp": other}, pd.DataFrame())]
    fig = forecast_chart("gdp", sims, size="print")
    for band in (c for c in fig.axes[0].collections if isinstance(c, PolyCollection)):
        xs = np.concatenate([p.vertices[:, 0] for p in band.get_paths()])
        assert xs.min() == years[0] and xs.max() == years[-1]
