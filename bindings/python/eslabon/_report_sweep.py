"""The report of a sweep file (``eslabon sweep -o``): the sweep in words, the KPIs of every point, and
heat maps of a KPI over two factors."""
from __future__ import annotations

import itertools
import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ._report_html import Raw, figure, new_figure, note, num, para, table, with_ci
from ._report_model import parse, words

# Beyond this many heat maps per KPI (a grid of more than two factors draws one per combination of
# the others) the rest are left out, and the page says so.
MAX_MAPS = 12


def level(v: Any) -> str:
    """A factor's level as the sweep file wrote it: 3.0 as 3."""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def sweep_words(s: Any) -> list[str]:
    spec = parse(s.sweep_text) or {}
    grid = spec.get("grid") or {}
    scenarios = spec.get("scenarios") or {}
    n = len(s.scenarios)
    parts: list[str] = [para(f"A sweep runs one model at many points, each with {s.replications} replications and the same seed "
                  f"({s.seed}), so the points are paired (common random numbers): differences between them are "
                  f"differences of the model, not of luck. This file has {len(s.points)} complete points of {n}"
                  + ("." if s.complete else "; the sweep was interrupted and can be resumed (eslabon sweep --resume)."))]
    parts.append(para(f"Model: {spec.get('model', '(not named)')} — a sweep file stores the sweep, not the model's "
                      f"text, so the model is described by its own report."))
    if grid:
        parts.append(table(["factor (config path)", "levels"], [[k, words(v)] for k, v in grid.items()]))
    if scenarios:
        parts.append(table(["named point", "changes"], [[k, words(v)] for k, v in scenarios.items()]))
    return parts


def points_table(summary: pd.DataFrame, factors: Sequence[str], kpis: Sequence[str]) -> Raw:
    rows = []
    for pid, g in summary.groupby("id", sort=False):
        g = g.set_index("kpi")
        first = g.iloc[0]
        point = first["scenario"] if first["scenario"] else ", ".join(
            f"{f}={level(first[f])}" for f in factors if not _missing(first[f]))
        rows.append([pid, point, *[with_ci(g.loc[k, "mean"], g.loc[k, "ci_low"], g.loc[k, "ci_high"])
                                   if k in g.index else "–" for k in kpis]])
    return table(["point", "factors or scenario", *kpis], rows, numeric=range(2, 2 + len(kpis)))


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def _sorted_levels(values: pd.Series) -> list[Any]:
    vals = list(dict.fromkeys(v for v in values if not _missing(v)))
    try:
        return sorted(vals)
    except TypeError:
        return vals


def heat_grid(d: pd.DataFrame, fx: str, fy: str | None) -> tuple[list[Any], list[Any], np.ndarray, np.ndarray]:
    """The levels of fx (columns) and fy (rows, [None] without), and per cell the mean and the 95% CI
    half-width of the grid point there (`d`: one row per point, one KPI)."""
    xs = _sorted_levels(d[fx])
    ys = _sorted_levels(d[fy]) if fy else [None]
    mean = np.full((len(ys), len(xs)), np.nan)
    half = np.full_like(mean, np.nan)
    for _, r in d.iterrows():
        i = ys.index(r[fy]) if fy else 0
        j = xs.index(r[fx])
        mean[i, j] = r["mean"]
        half[i, j] = (r["ci_high"] - r["ci_low"]) / 2
    return xs, ys, mean, half


def draw_heatmap(d: pd.DataFrame, fx: str, fy: str | None, kpi: str, title: str) -> Any:
    """A heat map of `kpi` (one row per grid point in `d`) over factors fx (columns) and fy (rows):
    each cell's colour is the mean, its text the mean and the 95% CI half-width."""
    xs, ys, mean, half = heat_grid(d, fx, fy)
    fig = new_figure(max(4.5, 1.25 * len(xs) + 2.5), max(2.2, 0.7 * len(ys) + 1.6))
    ax = fig.add_subplot()
    im = ax.imshow(np.ma.masked_invalid(mean), cmap="viridis", aspect="auto", origin="lower")
    finite = mean[np.isfinite(mean)]
    mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for i in range(len(ys)):
        for j in range(len(xs)):
            if np.isfinite(mean[i, j]):
                colour = "white" if mean[i, j] < mid else "black"
                ax.text(j, i, f"{num(mean[i, j], 3)}\n±{num(half[i, j], 2)}", ha="center", va="center",
                        fontsize=9, color=colour)
    ax.set_xticks(range(len(xs)), [level(x) for x in xs])
    ax.set_xlabel(fx)
    if fy:
        ax.set_yticks(range(len(ys)), [level(y) for y in ys])
        ax.set_ylabel(fy)
    else:
        ax.set_yticks([])
    fig.colorbar(im, ax=ax, label=f"{kpi} (mean)")
    ax.set_title(title, fontsize=10)
    return fig


def _heatmap(d: pd.DataFrame, fx: str, fy: str | None, kpi: str, title: str) -> Any:
    """es.plot.heatmap when this build has it (the package's own style), else the drawing above."""
    from . import plot

    drawn = getattr(plot, "heatmap", None)
    if drawn is not None and fy is not None:
        try:
            fig = new_figure(max(4.5, 1.25 * d[fx].nunique() + 2.5), max(2.2, 0.7 * d[fy].nunique() + 1.6))
            ax = fig.add_subplot()
            drawn(d, x=fx, y=fy, kpi=kpi, ax=ax)
            ax.set_title(title, fontsize=10)
            return fig
        except Exception:  # noqa: BLE001 - another signature or a failure there: draw it here
            pass
    return draw_heatmap(d, fx, fy, kpi, title)


def heatmap_parts(summary: pd.DataFrame, factors: Sequence[str], kpis: Sequence[str]) -> list[str]:
    grid = summary[summary["scenario"].fillna("") == ""]
    if not factors or grid.empty:
        return [note("This sweep has no grid of factors (only named points), so there is no heat map; "
                     "the table above has every point.")]
    fx = factors[-1]  # the factor varying fastest across columns
    fy = factors[-2] if len(factors) >= 2 else None
    rest = [f for f in factors if f not in (fx, fy)]
    parts: list[str] = [para("Each cell is one point of the grid: its colour is the KPI's mean over replications, "
                             "its text the mean and ± the half-width of its 95% confidence interval. Compare "
                             "cells knowing that the points are paired: a difference smaller than the half-widths "
                             "may still be real, but check it with eslabon compare before acting on it.")]
    for kpi in kpis:
        d = grid[grid["kpi"] == kpi]
        if d.empty or int(d["n"].max()) == 0:
            parts.append(note(f"No point of this sweep has a value of {kpi}."))
            continue
        combos = list(itertools.product(*(_sorted_levels(d[f]) for f in rest))) if rest else [()]
        for combo in combos[:MAX_MAPS]:
            sub = d
            for f, v in zip(rest, combo):
                sub = sub[sub[f] == v]
            where = ", ".join(f"{f}={level(v)}" for f, v in zip(rest, combo))
            title = f"{kpi}" + (f" at {where}" if where else "")
            parts.append(figure(lambda sub=sub, title=title: _heatmap(sub, fx, fy, kpi, title),
                                f"heat map of {title}", f"{title}: mean and ±95% CI half-width per grid point"))
        if len(combos) > MAX_MAPS:
            parts.append(note(f"{len(combos) - MAX_MAPS} more heat maps of {kpi} (other levels of "
                              f"{', '.join(rest)}) are left out; the table above has every point."))
    return parts

