"""Plots of results, rankings and sweeps (matplotlib; each returns its Axes)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from .result import Result, StoredResult


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4))
    return ax


def lead_time(result: Result | StoredResult, ax: Axes | None = None, bins: int = 50) -> Axes:
    """Lead-time distribution: a histogram of order lead times when orders were recorded
    (``run(orders=True)``), else the per-replication mean, p50 and p95 with their CIs."""
    ax = _axes(ax)
    orders = result.orders
    s = result.summary()
    if len(orders) and "lead_time" in orders:
        lt = orders["lead_time"].dropna()
        ax.hist(lt, bins=bins, color="#4c72b0", alpha=0.85)
        for k, style in [("lead_time_mean", "-"), ("lead_time_p95", "--")]:
            ax.axvline(s.loc[k, "mean"], color="k", linestyle=style, label=f"{k} {s.loc[k, 'mean']:.3g}")
        unit = getattr(getattr(result, "model", None), "time_unit", "")
        ax.set_xlabel(f"lead time ({unit}s)" if unit else "lead time")
        ax.set_ylabel("orders (all replications)")
        ax.legend()
    else:
        ks = ["lead_time_mean", "lead_time_p50", "lead_time_p95"]
        reps = result.replications
        for i, k in enumerate(ks):
            ax.scatter(np.full(len(reps), i), reps[k], alpha=0.4, s=12)
            ax.errorbar(i, s.loc[k, "mean"], yerr=[[s.loc[k, "mean"] - s.loc[k, "ci_low"]],
                                                   [s.loc[k, "ci_high"] - s.loc[k, "mean"]]], fmt="o", color="k", capsize=6)
        ax.set_xticks(range(len(ks)), ks)
        ax.set_ylabel("lead time")
    ax.set_title(f"{result.name}: lead time")
    return ax


def origins(result: Result | StoredResult, ax: Axes | None = None) -> Axes:
    """Where customer-visible defects and the cost of poor quality begin: share per row of the cost
    ledger (origins of defects and causes of delay, README "Who pays"), with 95% CIs."""
    ax = _axes(ax)
    s = result.origin_summary()
    # The ledger's rows that hold something (a cause of delay that cost nothing is left out).
    names = [n for n in dict.fromkeys(s.index.get_level_values(0))
             if any(abs(np.nan_to_num(s.loc[(n, stat), "mean"])) > 0 for stat in ("visible_share", "copq_share"))]
    y = np.arange(len(names))
    for off, stat, color in [(-0.2, "visible_share", "#c44e52"), (0.2, "copq_share", "#4c72b0")]:
        m = np.array([s.loc[(n, stat), "mean"] for n in names], dtype=float)
        lo = np.array([s.loc[(n, stat), "ci_low"] for n in names], dtype=float)
        hi = np.array([s.loc[(n, stat), "ci_high"] for n in names], dtype=float)
        err = np.nan_to_num(np.vstack([m - lo, hi - m]))
        ax.barh(y + off, np.nan_to_num(m), height=0.4, xerr=err, color=color, label=stat, capsize=3)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("share")
    ax.legend()
    if not names:
        ax.text(0.5, 0.5, "no defects and no cost of poor quality in this run", transform=ax.transAxes, ha="center")
    ax.set_title("where defects and their cost begin")
    return ax


def _time_unit(result: Result | StoredResult) -> str:
    unit = getattr(getattr(result, "model", None), "time_unit", "")
    return unit or str(getattr(result, "attrs", {}).get("time_unit", ""))


def _waterfall(ax: Axes, names: list[str], values: np.ndarray, low: np.ndarray, high: np.ndarray,
               total: dict[str, float] | None, total_label: str, color: str, xlabel: str) -> None:
    """Horizontal waterfall: each cause a bar from where the previous ended, its 95% CI as an error bar
    at its end; the last bar the total from 0, with its own CI."""
    starts = np.concatenate([[0.0], np.cumsum(values)[:-1]]) if len(values) else np.array([])
    y = np.arange(len(names))
    err = np.nan_to_num(np.vstack([values - low, high - values]), nan=0.0).clip(min=0)
    ax.barh(y, values, left=starts, height=0.6, color=color)
    ax.errorbar(starts + values, y, xerr=err, fmt="none", ecolor="k", capsize=3, linewidth=0.8)
    labels = list(names)
    if total is not None:
        t = total["mean"]
        ax.barh([len(names)], [t], height=0.6, color="0.45")
        terr = np.nan_to_num([[t - total["ci_low"]], [total["ci_high"] - t]], nan=0.0).clip(min=0)
        ax.errorbar([t], [len(names)], xerr=terr, fmt="none", ecolor="k", capsize=3, linewidth=0.8)
        labels.append(total_label)
    ax.set_yticks(np.arange(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)


def causes(result: Result | StoredResult, what: str = "both", top: int = 10, ax: Axes | None = None) -> Any:
    """Where the time and the money went (``result.causes``): waterfalls of the mean lead time and of the
    cost of poor quality per delivered order, split by cause (README "Where the time went", "Who pays").
    Each cause is a bar starting where the one before ended, with its 95% CI; causes beyond the ``top``
    largest are one "other" bar; the last bar is the total (``lead_time_mean``, ``copq_per_order``) with
    its own CI. ``what``: "both" (two panels side by side; returns the array of two Axes), "time" or
    "cost" (one panel; returns its Axes, drawn on ``ax`` when given)."""
    if what not in ("both", "time", "cost"):
        raise ValueError(f"what must be 'both', 'time' or 'cost', not {what!r}")
    if top < 1:
        raise ValueError(f"top must be at least 1, not {top!r}")
    c = result.causes
    unit = _time_unit(result)
    panels = ["time", "cost"] if what == "both" else [what]
    if what == "both":
        if ax is not None:
            raise ValueError("what='both' draws two panels: pass ax only with what='time' or 'cost'")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(12, max(3.0, 0.35 * (min(top, len(c)) + 3))),
                                 layout="constrained")
    else:
        axes = np.array([_axes(ax)])
    for a, panel in zip(axes, panels):
        col, lo, hi, total_key = (("time", "time_ci_low", "time_ci_high", "lead_time_mean") if panel == "time"
                                  else ("copq", "copq_ci_low", "copq_ci_high", "copq_per_order"))
        d = c[c[col].fillna(0) > 0].sort_values(col, ascending=False)
        if d.empty:
            a.text(0.5, 0.5, "no lead time recorded" if panel == "time" else "no cost of poor quality in this run",
                   transform=a.transAxes, ha="center", va="center")
            a.set_yticks([])
            a.set_title(f"{result.name}: {'lead time' if panel == 'time' else 'cost of poor quality'} by cause")
            continue
        shown, rest = d.iloc[:top], d.iloc[top:]
        names = list(shown.index)
        values = shown[col].to_numpy(dtype=float)
        low = shown[lo].to_numpy(dtype=float)
        high = shown[hi].to_numpy(dtype=float)
        if len(rest):
            names.append(f"other ({len(rest)} causes)")
            v = float(rest[col].sum())
            values, low, high = np.append(values, v), np.append(low, v), np.append(high, v)  # no CI for a sum
        total = c.attrs.get(total_key)
        if panel == "time":
            _waterfall(a, names, values, low, high, total, "lead time (mean)", "#4c72b0",
                       f"{unit}s per delivered order" if unit else "time per delivered order")
            a.set_title(f"{result.name}: where the lead time went")
        else:
            _waterfall(a, names, values, low, high, total, "copq per order", "#c44e52",
                       "cost of poor quality per delivered order (currency of costs)")
            a.set_title(f"{result.name}: who pays")
    return axes if what == "both" else axes[0]


def tornado(ranking: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """What fixing each weak point is worth (``rank`` or ``rank_links`` output): the effect of fixing it,
    with its paired 95% CI; ``rank``'s rows are labelled "name (kind)"."""
    ax = _axes(ax)
    r = ranking.iloc[::-1]
    y = np.arange(len(r))
    m = r["effect_mean"].to_numpy(dtype=float)
    err = np.vstack([m - r["effect_ci_low"].to_numpy(dtype=float), r["effect_ci_high"].to_numpy(dtype=float) - m])
    ax.barh(y, m, xerr=err, color=np.where(m >= 0, "#c44e52", "#55a868"), capsize=4)
    labels = list(r["link"]) if "link" in r else [f"{n} ({k})" for n, k in zip(r["name"], r["kind"])]
    ax.set_yticks(y, labels)
    ax.axvline(0, color="k", linewidth=0.8)
    ax.set_xlabel(f"{ranking.attrs.get('kpi', 'KPI')}: base - fixed")
    ax.set_title("cost of each weak link" if "link" in r else "what fixing each weak point is worth")
    return ax


def sweep(df: pd.DataFrame, x: str, y: str, hue: str | None = None, ax: Axes | None = None) -> Axes:
    """A KPI `y` against factor `x` from a sweep DataFrame, one line per value of `hue`, with CI bands."""
    ax = _axes(ax)
    d = df[df["kpi"] == y]
    groups = [(None, d)] if hue is None else list(d.groupby(hue))
    for key, g in groups:
        g = g.sort_values(x)
        label = None if key is None else str(key)
        ax.plot(g[x], g["mean"], marker="o", label=label)
        ax.fill_between(g[x], g["ci_low"], g["ci_high"], alpha=0.2)
    from matplotlib.ticker import MaxNLocator

    if np.issubdtype(np.asarray(d[x].dropna()).dtype, np.integer):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(f"{y} (mean, 95% CI)")
    if hue is not None:
        ax.legend(title=hue, labels=[str(k) for k, _ in groups])
    return ax


if TYPE_CHECKING:
    from .model import Model


def graph(model: Model, results: Result | StoredResult | None = None, color: str | None = None,
          ax: Axes | None = None, dpi: float = 150) -> Axes:
    """The organisation graph (``model.graph(results, color)``, README "Drawing the organisation") drawn
    into an Axes as a picture, for composing figures: Graphviz renders it to PNG at ``dpi``, imshow shows
    it, the axis is off. Without ``ax``, a figure sized to the picture."""
    import io

    import matplotlib.image as mpimg

    picture = mpimg.imread(io.BytesIO(model.graph(results=results, color=color).png(dpi=dpi)), format="png")
    if ax is None:
        import matplotlib.pyplot as plt

        height, width = picture.shape[:2]
        scale = min(1.0, 14.0 / (width / dpi))  # at most 14 inches wide
        _, ax = plt.subplots(figsize=(width / dpi * scale, height / dpi * scale))
    ax.imshow(picture, interpolation="antialiased")
    ax.set_axis_off()
    return ax
