"""report.md: what the data pin down, what they do not, and what that means for the outlook year."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .ensemble import MOVES
from .profile import THRESHOLD
from .run import Result

__all__ = ["parameters_table", "markdown"]

#: The issue's acceptance threshold for the fit of each observed series.
MAPE_LIMIT = 15.0


def _g(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    return f"{x:.{digits}g}"


def _table(frame: pd.DataFrame) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, row in frame.iterrows():
        cells = [(_g(v) if isinstance(v, float) else str(v)).replace("|", "/") for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


#: ``identified`` of a parameter the settings do not profile (``profile = false``).
NOT_PROFILED = "not profiled"
UNPROFILED_VERDICT = ("not profiled (profile = false in the settings): sampled by the MCMC with "
                      "its prior, so the ensemble shows what the data add")


def parameters_table(result: Result) -> pd.DataFrame:
    """parameters.csv: estimate, 95 % posterior interval, profile interval, prior, identified."""
    post = result.chain.samples
    profiles = {prof.name: prof for prof in result.profiles}
    rows = []
    for j, p in enumerate(result.setup.free):
        lo, hi = np.percentile(post[:, j], [2.5, 97.5])
        prof = profiles.get(p.name)
        rows.append({"name": p.name, "id": p.id or "", "estimate": float(result.estimate.theta[j]),
                     "interval_low": float(lo), "interval_high": float(hi),
                     "profile_low": prof.low if prof else np.nan,
                     "profile_high": prof.high if prof else np.nan,
                     "prior": p.prior_text, "lower_bound": p.lower, "upper_bound": p.upper,
                     "model_value": p.default,
                     "identified": NOT_PROFILED if prof is None else "yes" if prof.identified else "no",
                     "verdict": prof.verdict if prof else UNPROFILED_VERDICT})
    return pd.DataFrame(rows)


def _data_section(result: Result) -> list[str]:
    rows = result.setup.rows
    out = ["## Data used", "",
           f"Every row of region '{result.settings.region}' in "
           f"`{result.settings.observations_path.name}` and what the calibration does with it "
           "(line = line of the CSV file).", ""]
    out.append(_table(rows[["line", "indicator", "period", "kind", "value", "unit", "status"]]))
    out += ["", "Why each used row is used as it is (from the settings):", ""]
    for obs in result.setup.observations:
        out.append(f"- **{obs.label}** (line {obs.line}): {obs.why}")
    return out + [""]


def _fit_section(result: Result) -> list[str]:
    fit = result.fit
    out = ["## Fit at the point estimate", "",
           "Per series of point observations: MAPE (%), RMSE (data units), R² (squared "
           "correlation, needs >= 3 points), Theil's U^M (bias), U^S (unequal variation), "
           "U^C (unsystematic) shares of the mean squared error (need >= 2 points and a "
           "non-zero error). `n/a` = undefined for that series.", "",
           _table(fit), ""]
    checked = sorted({o.series for o in result.setup.observations if not o.objective})
    if checked:
        out.append(f"Checked but not fitted (objective = false): {', '.join(checked)}.")
        out.append("")
    bad = fit[fit["mape"] > MAPE_LIMIT]
    if len(bad):
        out.append(f"**Series above {MAPE_LIMIT:g} % MAPE:** " + ", ".join(bad["indicator"]) +
                   ". See the residuals and the observations' reasons below.")
    else:
        out.append(f"Every series is within {MAPE_LIMIT:g} % MAPE.")
    out += ["", "Residuals of every observation (model vs data, normalised residual r; "
            "bounds give r = 0 when satisfied):", ""]
    rows = []
    r = _residuals(result)
    for obs, m, rr in zip(result.setup.observations, result.predictions, r):
        rows.append({"observation": obs.label, "data": obs.target, "model": float(m),
                     "error %": 100 * (m / obs.target - 1) if obs.target else np.nan,
                     "r": float(rr), "fitted": "yes" if obs.objective else "no"})
    out.append(_table(pd.DataFrame(rows)))
    if len(result.bounds):
        out += ["", "One-sided observations:", "", _table(result.bounds)]
    return out + [""]


def _residuals(result: Result) -> np.ndarray:
    from .objective import normalised_residuals

    obs = result.setup.observations
    return normalised_residuals(result.predictions[None], np.array([o.target for o in obs]),
                                np.array([o.sigma for o in obs]), np.array([o.scale for o in obs]),
                                np.array([o.constraint for o in obs]))[0]


def _parameter_section(result: Result) -> list[str]:
    table = parameters_table(result)
    shown = table[["name", "estimate", "interval_low", "interval_high", "profile_low",
                   "profile_high", "prior", "identified"]]
    out = ["## Parameters and identifiability", "",
           "Estimate = maximum a posteriori (differential evolution, then L-BFGS-B). Interval = "
           "2.5-97.5 % of the ensemble. Profile interval = where the profile likelihood stays "
           f"within {THRESHOLD:.2f} (chi-square 95 %) of its minimum, the others re-optimised; "
           "a parameter is identified when its profile crosses that threshold on both sides "
           "inside its prior range. See `profiles.png`.", "", _table(shown), ""]
    for _, row in table.iterrows():
        p = next(f for f in result.setup.free if f.name == row["name"])
        out.append(f"- **{p.name}**: {row['verdict']}. {p.why}")
    flat = [p.name for p in result.profiles if not p.identified]
    out += ["", f"Not identified by these data: {', '.join(flat) if flat else 'none'}. Their "
            "ensemble spread is mostly the prior's: forecasts carry it as uncertainty.", ""]
    held = result.held
    if len(held):
        out += ["Catalogue uncertain parameters not freed are held at their model values. "
                "Moving each to the ends of its prior range changes the fit by (delta_nll, "
                "negative log-likelihood at the point estimate, the others unchanged):", "",
                _table(held[["id", "name", "value", "low", "high", "delta_nll", "affects_fit"]]),
                "", "Those with affects_fit = False act only after the data (2021 on): drawing "
                "them from their priors with this ensemble is consistent. Drawing the others "
                "from their priors would move the fitted history.", ""]
    return out


def _moves_text() -> str:
    """The move mixture in words, e.g. '70% differential-evolution moves, 20% snooker ...'."""
    words = {"DEMove": "differential-evolution moves", "DESnookerMove": "snooker updates",
             "StretchMove": "stretch moves"}
    return ", ".join(f"{share:.0%} {words[name]}" for name, share in MOVES)


def _mcmc_section(result: Result) -> list[str]:
    c = result.chain
    out = ["## Ensemble (MCMC)", "",
           f"emcee's ensemble sampler ({_moves_text()}) in logit coordinates of the bounds: {c.walkers} "
           f"walkers x {c.steps} steps, first {c.burn} steps discarded, thinned every {c.thin} "
           f"steps: **{len(c.samples)} parameter sets** (`posterior.parquet`).", "",
           f"- acceptance fraction: mean {c.acceptance.mean():.3f} (walkers "
           f"{c.acceptance.min():.3f}-{c.acceptance.max():.3f})",
           f"- integrated autocorrelation time (steps): max {c.tau.max():.0f}, per parameter "
           + ", ".join(f"{t:.0f}" for t in c.tau),
           f"- kept chain / max tau: {c.kept_steps / c.tau.max():.1f} (emcee's rule of thumb "
           "asks > 50 for a reliable tau estimate)",
           f"- effective sample size: min {c.ess.min():.0f}",
           f"- split R-hat over walkers: max {np.nanmax(c.rhat):.3f}",
           f"- verdict: {'converged by both rules' if c.converged() else 'NOT converged by the strict rules above; see numbers'}",
           ""]
    return out


def _outlook_section(result: Result) -> list[str]:
    o = result.outlook
    if o is None or not len(o):
        return []
    year = result.settings.outlook_year
    return [f"## What this means for {year}", "",
            f"Indicators in {year} with every lever at its model-file value (2020 policies "
            "continued), over the calibration ensemble only: the catalogue's other uncertain "
            "parameters stay at their model values here, so the band is the part of the "
            "uncertainty that comes from what the data leave open. point = the point "
            "estimate; central = the ensemble member nearest every marginal median (stored as "
            "`central` in calibration.json); p_met = share of the ensemble meeting the plan "
            "target. Where parameters are not identified the point estimate sits anywhere on a "
            "flat ridge, often at a bound, so its path can leave the ensemble band: read the "
            "band, not the point.", "", _table(o), ""]


def markdown(result: Result, provenance: dict, charts: list[str]) -> str:
    """The whole report.md."""
    s = result.settings
    est = result.estimate
    lines = [f"# Calibration: {s.title}", "",
             f"Settings `{provenance['files']['settings']}`, model "
             f"`{provenance['files']['model']}` (sha256 {provenance['model_sha256'][:12]}), data "
             f"`{provenance['files']['observations']}` (sha256 "
             f"{provenance['observations_sha256'][:12]}), seed {provenance['seed']}, "
             f"{provenance['date']}, gzsim {provenance['gzsim_version']}.", "",
             f"{len(result.setup.free)} free parameters, "
             f"{sum(o.objective for o in result.setup.observations)} fitted observations "
             f"({sum(not o.objective for o in result.setup.observations)} checked only). "
             f"Point estimate: negative log-posterior {est.value:.3f} (differential evolution "
             f"{est.de_generations} generations, {est.de_evaluations} runs; polish "
             f"{est.de_value:.3f} -> {est.value:.3f}); negative log-likelihood at the best "
             f"fit {result.ml_nll:.3f}. Model runs in all: {result.n_evals}. Time: "
             + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()) + ".", ""]
    lines += _fit_section(result) + _parameter_section(result) + _mcmc_section(result)
    lines += _outlook_section(result) + _data_section(result)
    lines += ["## Charts", ""] + [f"![{c}]({c})" for c in charts] + [""]
    return "\n".join(lines)
